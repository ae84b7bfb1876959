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
import { normalizeTitle } from '../../catalog/normalize.ts';
import { artistKey } from '../../catalog/artist-keys.ts';
import { EMPTY_STATE } from '../../agent/conversation-state.ts';
import { planTurn, type PlannedCall } from '../../agent/rule-planner.ts';
import type { ServedEnv, ServedFigure } from './served-part.ts';

/** One annotated query. */
interface NerQuery {
  readonly text: string;
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
    list.push({ mention: r.fields.get('mention')!, type, wikiName: r.fields.get('wiki_name') ?? '' });
    entities.set(q, list);
  }
  return [...originalOf].map(([pre, text]) => ({ text, entities: entities.get(pre) ?? [] }));
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
 * A query's annotated entities the catalogue holds, each as the set of catalogue keys that count for it: the README's
 * rule, an entity counts when the planner's string resolves to the same catalogue entity as the mention, or equals the
 * Wikipedia name. The two differ when the dataset's link is off ("John Mayer" linked to John_Mayer_Trio, "Kanye West"
 * to Kids_See_Ghosts): either reading is right, and the entity is counted once.
 */
function goldKeys(q: NerQuery, index: EntityIndex): { artists: Set<string>[]; works: Set<string>[] } {
  const artists: Set<string>[] = [];
  const works: Set<string>[] = [];
  const seen = new Set<string>();
  for (const e of q.entities) {
    const keys = new Set<string>();
    if (e.type === 'Artist') {
      for (const a of [index.artist(wikiPlain(e.wikiName), { near: false }), index.artist(e.mention)]) if (a !== undefined) keys.add(`a${a.id}`);
    } else {
      for (const name of [wikiPlain(e.wikiName), e.mention]) {
        if (name !== '' && (index.track(name) !== undefined || index.album(name) !== undefined)) keys.add(workKey(name));
      }
    }
    // The same entity annotated twice in one query counts once.
    if (keys.size === 0 || [...keys].some((k) => seen.has(k))) continue;
    for (const k of keys) seen.add(k);
    (e.type === 'Artist' ? artists : works).push(keys);
  }
  return { artists, works };
}

/** Right answers among `predicted` for `gold` (each gold entity a set of keys that count for it; each key used once). */
export function matchEntities(gold: readonly ReadonlySet<string>[], predicted: ReadonlySet<string>): number {
  const used = new Set<string>();
  let tp = 0;
  for (const keys of gold) {
    const hit = [...keys].find((k) => predicted.has(k) && !used.has(k));
    if (hit === undefined) continue;
    used.add(hit);
    tp++;
  }
  return tp;
}

/** A work's key: its normalised title, apostrophes dropped (the dataset writes "say it aint so", the catalogue "Say It Ain't So"). */
const workKey = (title: string): string => `w${normalizeTitle(title.replace(/['’]/g, ''))}`;

/** The catalogue keys of the artists and works the planner's calls carry. */
function plannedKeys(calls: readonly PlannedCall[], index: EntityIndex, text = ''): { artists: Set<string>; works: Set<string> } {
  const folded = ` ${artistKey(text)} `;
  const artists = new Set<string>();
  const works = new Set<string>();
  const addArtist = (name: unknown) => {
    if (typeof name !== 'string') return;
    const a = index.artist(name);
    if (a !== undefined) artists.add(`a${a.id}`);
  };
  const addTrack = (ref: unknown) => {
    if (typeof ref === 'number') {
      const t = index.trackById(ref);
      if (t !== undefined) works.add(workKey(t.title));
      // A track id carries its artist: counted when the request names that artist ("6 Underground by Sneaker Pimps").
      if (t !== undefined && folded.includes(` ${artistKey(t.artist)} `)) addArtist(t.artist);
    } else if (typeof ref === 'string') {
      const by = /^(.+?) - (.+)$/.exec(ref);
      const t = by !== null ? index.track(by[2]!, by[1]!) : undefined;
      if (t !== undefined) {
        works.add(workKey(t.title));
        addArtist(t.artist);
      } else if (by !== null) addArtist(by[1]);
      else addMentions(index.mentions(ref));
    }
  };
  const addMentions = (ms: readonly Mention[]) => {
    for (const m of ms) {
      if (m.kind === 'artist') artists.add(`a${m.artist.id}`);
      else works.add(workKey(m.kind === 'track' ? m.track.title : m.album.title));
    }
  };
  for (const c of calls) {
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
  return { artists, works };
}

/** Scores the planner on one dataset's queries. */
function scoreNer(queries: readonly NerQuery[], index: EntityIndex): { artist: NerCounts; work: NerCounts } {
  const artist: NerCounts = { tp: 0, predicted: 0, gold: 0 };
  const work: NerCounts = { tp: 0, predicted: 0, gold: 0 };
  for (const q of queries) {
    // As the agent plans with an entity index: the linker's mentions, no name guessing on top.
    const plan = planTurn(q.text, EMPTY_STATE, index.mentions(q.text));
    const got = plannedKeys(plan.calls, index, q.text);
    const gold = goldKeys(q, index);
    for (const [counts, g, p] of [[artist, gold.artists, got.artists], [work, gold.works, got.works]] as const) {
      counts.gold += g.length;
      counts.predicted += p.size;
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
