/**
 * Entity extraction on real requests (../shared/datasets/music-ner, README there: 1,800 Reddit requests with the
 * artists and works they name, datasets 1–3). Each query's original text is planned by the rule planner (with the
 * entity linker, as the chat agent does) on an empty conversation; the artists and works (songs, albums) its tool
 * calls carry are resolved to catalogue entities and scored against the annotated entities the catalogue holds:
 * precision, recall and F1 per type and dataset, micro-averaged over queries. As the dataset's README says, an
 * annotated entity counts when the catalogue holds it by its mention or its Wikipedia name, and a planned entity is
 * right when it is the catalogue entity either one names. Works are compared by normalised title, artists by
 * catalogue artist.
 */
import path from 'node:path';
import { EntityIndex, type Mention } from '../../catalog/entity-linker.ts';
import { readCsv } from '../../catalog/csv-reader.ts';
import { foldAscii, normalizeTitle } from '../../catalog/normalize.ts';
import { artistKey } from '../../catalog/artist-keys.ts';
import { EMPTY_STATE } from '../../agent/conversation-state.ts';
import { planTurn, type Plan } from '../../agent/rule-planner.ts';
import type { ServedEnv, ServedFigure } from './served-part.ts';

/** One annotated query. */
interface NerQuery {
  readonly text: string;
  /** The preprocessed text the annotations refer to (lower case, no punctuation). */
  readonly query: string;
  readonly entities: readonly { readonly mention: string; readonly type: 'Artist' | 'WoA'; readonly wikiName: string }[];
}

/** Counts of one type on one dataset. */
interface NerCounts {
  tp: number;
  predicted: number;
  gold: number;
}

/** Reads datasetN: the queries (original text) with their annotated entities. */
async function readNerDataset(dir: string): Promise<NerQuery[]> {
  const originalOf = new Map<string, string>();
  for await (const r of readCsv(path.join(dir, 'queries.csv'), { encoding: 'utf8', requiredColumns: ['preprocessed', 'original'] })) {
    originalOf.set(r.fields.get('preprocessed')!, r.fields.get('original')!);
  }
  const entities = new Map<string, NerQuery['entities'][number][]>();
  for await (const r of readCsv(path.join(dir, 'ground-truth_linked.csv'), { encoding: 'utf8', requiredColumns: ['mention', 'type', 'query', 'wiki_name'] })) {
    const type = r.fields.get('type');
    if (type !== 'Artist' && type !== 'WoA') continue;
    const q = r.fields.get('query')!;
    const list = entities.get(q) ?? [];
    list.push({ mention: r.fields.get('mention')!.trim(), type, wikiName: r.fields.get('wiki_name') ?? '' });
    entities.set(q, list);
  }
  return [...originalOf].map(([pre, text]) => ({ text, query: pre, entities: entities.get(pre) ?? [] }));
}

/** A Wikipedia page name as a plain name: "Kid_A" -> "Kid A", "Creep_(Radiohead_song)" -> "Creep", "M%C3%98" -> "MØ". */
const wikiPlain = (name: string): string => percentDecoded(name).replace(/_/g, ' ').replace(/\s*\([^)]*\)\s*$/, '').trim();

/** A page name with its percent-escapes decoded ("Say_It_Ain%27t_So" -> "Say_It_Ain't_So"); as written when malformed. */
function percentDecoded(name: string): string {
  try {
    return decodeURIComponent(name);
  } catch {
    return name;
  }
}

/**
 * The annotated artist a work is named with in the query ("blackout by boris", "milky chance running" from "milky
 * chance - running", "weezers pinkerton", "hangover from dynoro", "in the middle dj snake"): an Artist mention of the
 * same query written right before or after the work, with nothing between them but "by", "from", "s" (a possessive
 * without its apostrophe), "ft"/"feat" or nothing. Undefined when the work is named on its own.
 */
export function attachedArtist(query: string, work: string, artists: readonly string[], original = ''): string | undefined {
  const padded = ` ${query} `;
  // The original text with its sentence punctuation kept as words: "dj snake , lush life" are not written together.
  const marked = ` ${foldAscii(original).replace(/['’]/g, '').replace(/([,;.!?])/g, ' $1 ').replace(/[^\p{L}\p{N},;.!?]+/gu, ' ')} `;
  const apart = (left: string, right: string) => new RegExp(` ${escaped(left)}s? [,;.!?] ${escaped(right)} `).test(marked);
  for (let at = padded.indexOf(` ${work} `); at >= 0; at = padded.indexOf(` ${work} `, at + 1)) {
    const before = padded.slice(0, at + 1);
    const after = padded.slice(at + work.length + 1);
    for (const a of artists) {
      if (new RegExp(`(?:^| )${escaped(a)}s? $`).test(before) && !apart(a, work)) return a;
      if (new RegExp(`^ (?:\\| )?(?:by |from |ft |feat )?${escaped(a)} `).test(after) && !apart(work, a)) return a;
    }
  }
  return undefined;
}

const escaped = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A query's annotated entities the catalogue holds, each as the set of catalogue keys that count for it: the README's
 * rule, an entity counts when the planner's string resolves to the same catalogue entity as the mention, or equals the
 * Wikipedia name. The two differ when the dataset's link is off ("John Mayer" linked to John_Mayer_Trio, "Kanye West"
 * to Kids_See_Ghosts): either reading is right, and the entity is counted once. A work the query names with its
 * artist ("Blackout by Boris") is that artist's work: the catalogue holds it only when it holds that artist's track or
 * album of that title (the links of such works are often another artist's: Blackout_(Britney_Spears_album),
 * Hangover_(Taio_Cruz_song) for "hangover from dynoro"), and only that version counts.
 */
export function goldKeys(q: NerQuery, index: EntityIndex): { artists: Set<string>[]; works: Set<string>[] } {
  const artists: Set<string>[] = [];
  const works: Set<string>[] = [];
  const seen = new Set<string>();
  const artistMentions = q.entities.filter((e) => e.type === 'Artist');
  for (const e of q.entities) {
    const keys = new Set<string>();
    if (e.type === 'Artist') {
      for (const a of [index.artist(wikiPlain(e.wikiName), { near: false }), index.artist(e.mention)]) if (a !== undefined) keys.add(`a${a.id}`);
    } else {
      const by = attachedArtist(q.query, e.mention, artistMentions.map((a) => a.mention), q.text);
      const byEntity = artistMentions.find((a) => a.mention === by);
      const catalogueArtists = byEntity === undefined ? [] : [index.artist(byEntity.mention), index.artist(wikiPlain(byEntity.wikiName), { near: false })].filter((a) => a !== undefined);
      // A mention across a " | " spans a bracket the preprocessing cut ("this must be the place | naive melody" for
      // "This Must Be The Place (Naive Melody)"): the title before it, as catalogue titles are compared without brackets.
      const names = [wikiPlain(e.wikiName), e.mention, ...(e.mention.includes(' | ') ? [e.mention.split(' | ')[0]!] : [])];
      for (const name of names) {
        if (name === '') continue;
        if (by === undefined) {
          if (index.track(name) !== undefined || index.album(name) !== undefined) keys.add(workKey(name));
          continue;
        }
        for (const a of catalogueArtists) if (index.track(name, a.name) !== undefined || index.album(name, a.name) !== undefined) keys.add(`${workKey(name)}@a${a.id}`);
        // A remix credited in the title ("i took a pill in ibiza seeb remix": Mike Posner's "… - Seeb Remix").
        const remix = index.track(name);
        const owner = remix === undefined ? undefined : index.artist(remix.artist, { near: false });
        if (remix !== undefined && owner !== undefined && ` ${artistKey(remix.title)} `.includes(` ${artistKey(by)} `)) keys.add(`${workKey(name)}@a${owner.id}`);
      }
    }
    // The same entity annotated twice in one query counts once.
    if (keys.size === 0 || [...keys].some((k) => seen.has(k))) continue;
    for (const k of keys) seen.add(k);
    (e.type === 'Artist' ? artists : works).push(keys);
  }
  return { artists, works };
}

/**
 * Right answers among `predicted` for `gold`: each gold entity and each planned entity is a set of keys that count
 * for it, and a pair matches when they share a key; each is used once (a maximum matching).
 */
export function matchEntities(gold: readonly ReadonlySet<string>[], predicted: readonly ReadonlySet<string>[]): number {
  const owner = new Array<number>(predicted.length).fill(-1);
  const assign = (g: number, visited: Set<number>): boolean => {
    for (let p = 0; p < predicted.length; p++) {
      if (visited.has(p) || ![...gold[g]!].some((k) => predicted[p]!.has(k))) continue;
      visited.add(p);
      if (owner[p] === -1 || assign(owner[p]!, visited)) {
        owner[p] = g;
        return true;
      }
    }
    return false;
  };
  let tp = 0;
  for (let g = 0; g < gold.length; g++) if (assign(g, new Set())) tp++;
  return tp;
}

/** A work's key: its normalised title, apostrophes dropped (the dataset writes "say it aint so", the catalogue "Say It Ain't So"). */
const workKey = (title: string): string => `w${normalizeTitle(title.replace(/['’]/g, ''))}`;

/**
 * The catalogue entities the planner's calls carry, each as the keys that count for it: an artist by id; a work (a
 * track, or an album the plan seeds with as its tracks) by its title and by its title with its artist. An album's
 * tracks the plan seeds with stand for the album, not for works of their own.
 */
export function plannedKeys(plan: Plan, index: EntityIndex, text = '', linked: readonly Mention[] = []): { artists: Set<string>[]; works: Set<string>[] } {
  const folded = ` ${artistKey(text)} `;
  // Tracks the linker read with their artist written beside the title ("CCR's Travelin' Band", "Give it Away" by RHCP).
  const withArtist = new Set<number>();
  for (const m of linked) {
    if (m.kind === 'track' && workKey(m.text) !== workKey(m.track.title)) withArtist.add(m.track.id);
    if (m.kind === 'album' && workKey(m.text) !== workKey(m.album.title)) for (const id of m.album.trackIds) withArtist.add(id);
  }
  const artists = new Map<string, Set<string>>();
  const works = new Map<string, Set<string>>();
  const albumOf = new Map<number, { title: string; artist: string }>();
  for (const a of plan.albums ?? []) for (const id of a.trackIds) albumOf.set(id, a);
  const addArtist = (name: unknown) => {
    if (typeof name !== 'string') return;
    const a = index.artist(name);
    if (a !== undefined) artists.set(`a${a.id}`, new Set([`a${a.id}`]));
  };
  const addWork = (title: string, artist: string) => {
    const a = index.artist(artist, { near: false });
    const keys = new Set([workKey(title), ...(a !== undefined ? [`${workKey(title)}@a${a.id}`] : [])]);
    works.set([...keys].at(-1)!, keys);
  };
  const addTrack = (ref: unknown) => {
    if (typeof ref === 'number') {
      const album = albumOf.get(ref);
      const t = index.trackById(ref);
      if (album !== undefined) addWork(album.title, album.artist);
      else if (t !== undefined) addWork(t.title, t.artist);
      // A track id carries its artist: counted when the request names that artist ("6 Underground by Sneaker Pimps").
      if (t !== undefined && (folded.includes(` ${artistKey(t.artist)} `) || withArtist.has(ref))) addArtist(t.artist);
    } else if (typeof ref === 'string') {
      const by = /^(.+?) - (.+)$/.exec(ref);
      const t = by !== null ? index.track(by[2]!, by[1]!) : undefined;
      if (t !== undefined) {
        addWork(t.title, t.artist);
        addArtist(t.artist);
      } else if (by !== null) addArtist(by[1]);
      else addMentions(index.mentions(ref));
    }
  };
  const addMentions = (ms: readonly Mention[]) => {
    for (const m of ms) {
      if (m.kind === 'artist') addArtist(m.artist.name);
      else if (m.kind === 'track') addWork(m.track.title, m.track.artist);
      else addWork(m.album.title, m.album.artist);
    }
  };
  for (const c of plan.calls) {
    const a = c.args as { seeds?: { artists?: unknown[]; tracks?: unknown[]; text?: unknown }; constraints?: { exclude_artists?: unknown[] }; track?: unknown; query?: unknown };
    for (const name of a.seeds?.artists ?? []) addArtist(name);
    for (const t of a.seeds?.tracks ?? []) addTrack(t);
    if (typeof a.seeds?.text === 'string') {
      const ms = index.mentions(a.seeds.text);
      if (ms.length > 0) addMentions(ms);
      else addArtist(a.seeds.text);
    }
    for (const name of a.constraints?.exclude_artists ?? []) addArtist(name);
    if (a.track !== undefined) addTrack(a.track);
    if (typeof a.query === 'string') addMentions(index.mentions(a.query));
  }
  return { artists: [...artists.values()], works: [...works.values()] };
}

/** Scores the planner on one dataset's queries. */
function scoreNer(queries: readonly NerQuery[], index: EntityIndex): { artist: NerCounts; work: NerCounts } {
  const artist: NerCounts = { tp: 0, predicted: 0, gold: 0 };
  const work: NerCounts = { tp: 0, predicted: 0, gold: 0 };
  for (const q of queries) {
    // As the agent plans with an entity index: the linker's mentions, no name guessing on top.
    const linked = index.mentions(q.text);
    const plan = planTurn(q.text, EMPTY_STATE, linked);
    const got = plannedKeys(plan, index, q.text, linked);
    const gold = goldKeys(q, index);
    for (const [counts, g, p] of [[artist, gold.artists, got.artists], [work, gold.works, got.works]] as const) {
      counts.gold += g.length;
      counts.predicted += p.length;
      counts.tp += matchEntities(g, p);
    }
  }
  return { artist, work };
}

/** Precision, recall and F1 of some counts. */
function prf(c: NerCounts): { precision: number; recall: number; f1: number } {
  const precision = c.predicted === 0 ? 0 : c.tp / c.predicted;
  const recall = c.gold === 0 ? 0 : c.tp / c.gold;
  return { precision, recall, f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall) };
}

/** Runs the part: per dataset and type, precision, recall and F1 (n = annotated catalogue entities). */
export async function musicNer(env: ServedEnv): Promise<ServedFigure[]> {
  const index = await EntityIndex.build(env.db);
  const out: ServedFigure[] = [];
  for (const n of [1, 2, 3]) {
    const queries = await readNerDataset(path.join(env.dataDir, 'music-ner', `dataset${n}`));
    const scored = scoreNer(queries, index);
    for (const [type, c] of [['artist', scored.artist], ['work', scored.work]] as const) {
      const { precision, recall, f1 } = prf(c);
      const note = `${queries.length} queries; ${c.gold} catalogue ${type}s annotated, ${c.predicted} in calls, ${c.tp} right`;
      out.push({ name: `dataset${n} ${type} F1`, value: f1, n: c.gold, note });
      out.push({ name: `dataset${n} ${type} precision`, value: precision, n: c.predicted });
      out.push({ name: `dataset${n} ${type} recall`, value: recall, n: c.gold });
    }
  }
  return out;
}
