/**
 * Served artist similarity. A fifth of the Last.fm listeners (by a hash of their Last.fm user id) is held out of the
 * artist model; 200 seed artists that at least 5 held-out listeners play, spread evenly over popularity (ranked by
 * Last.fm listeners, every (N/200)-th from the middle of its step), are asked of `recommend` by name for 10 tracks.
 * Each answer's artists are scored against what the held-out listeners of the seed also play (graded: the share of
 * them who play it; NDCG@10, each artist counted once, the seed artist itself never relevant) and against Last.fm
 * tags (share of the 10 whose artist shares one of its top 5 tags with the seed's top 5). Global popularity (the 10
 * most played tracks) is scored on the same seeds. The other interleaved 200 seeds are the validation seeds that
 * serving settings are chosen on (`validation: true`).
 */
import { sql } from 'drizzle-orm';
import { mainCreditKey } from '../../catalog/artist-keys.ts';
import { fnv1a32 } from '../../recsys/fnv1a.ts';
import type { ToolServices } from '../../tools/tool-context.ts';
import { figure, type ServedEnv, type ServedFigure } from './served-part.ts';
import { recommendAs } from './served-requests.ts';

/** Settings; defaults in brackets. */
interface ArtistSimilarityOptions {
  /** Seed artists [200]. */
  readonly seeds?: number;
  /** Held-out listeners a seed needs [5]. */
  readonly minListeners?: number;
  /** Use the validation seeds instead of the test seeds [false]. */
  readonly validation?: boolean;
  /** Services to ask (default: env.services with the held-out artist model when the build has one). */
  readonly services?: ToolServices;
}

/** Whether a Last.fm user id is held out of the artist model. */
function heldOutListener(lastfmUserId: string): boolean {
  return fnv1a32(`served|listener|${lastfmUserId}`) % 5 === 0;
}

const mainKey = mainCreditKey;

/** The held-out listener ids (person ids) and, per artist key, its held-out listeners and all its listeners. */
async function lastfmListeners(env: Pick<ServedEnv, 'db'>): Promise<{ heldOut: Set<number>; heldOutOf: Map<string, Set<number>>; listenersOf: Map<string, number>; nameOf: Map<string, string> }> {
  const rows = await env.db.rows<{ source_key: string; person_id: number; name: string }>(sql`
    select i.source_key, i.person_id, a.name from interactions i join artists a on a.id = i.artist_id
    where i.source = 'lastfm' and i.artist_id is not null and i.person_id is not null`);
  const heldOut = new Set<number>();
  const heldOutOf = new Map<string, Set<number>>();
  const listeners = new Map<string, Set<number>>();
  const nameOf = new Map<string, string>();
  for (const r of rows) {
    const key = mainKey(r.name);
    if (key === undefined) continue;
    if (!nameOf.has(key)) nameOf.set(key, r.name);
    const person = Number(r.person_id);
    const user = r.source_key.split('|')[0]!;
    const all = listeners.get(key) ?? new Set<number>();
    all.add(person);
    listeners.set(key, all);
    if (heldOutListener(user)) {
      heldOut.add(person);
      const h = heldOutOf.get(key) ?? new Set<number>();
      h.add(person);
      heldOutOf.set(key, h);
    }
  }
  return { heldOut, heldOutOf, listenersOf: new Map([...listeners].map(([k, s]) => [k, s.size])), nameOf };
}

/** Runs the part. */
export async function artistSimilarity(env: ServedEnv, options: ArtistSimilarityOptions = {}): Promise<ServedFigure[]> {
  const count = options.seeds ?? 200;
  const { heldOut, heldOutOf, listenersOf, nameOf } = await lastfmListeners(env);
  const eligible = [...heldOutOf.entries()]
    .filter(([, s]) => s.size >= (options.minListeners ?? 5))
    .map(([k]) => k)
    .sort((a, b) => listenersOf.get(b)! - listenersOf.get(a)! || (a < b ? -1 : 1));
  const step = eligible.length / count;
  const seeds: string[] = [];
  for (let i = 0; i < count && i * step < eligible.length; i++) seeds.push(eligible[Math.floor(i * step + (options.validation === true ? 0 : step / 2))]!);

  // What each held-out listener plays (artist keys).
  const playsOf = new Map<number, Set<string>>();
  for (const [key, people] of heldOutOf) for (const p of people) (playsOf.get(p) ?? playsOf.set(p, new Set()).get(p)!).add(key);
  const tagRows = await env.db.rows<{ name: string; tag_id: number; n: number }>(sql`
    select a.name, ta.tag_id, count(*)::int as n from tag_assignments ta join artists a on a.id = ta.artist_id group by a.name, ta.tag_id`);
  const tagCounts = new Map<string, Map<number, number>>();
  for (const r of tagRows) {
    const key = mainKey(r.name);
    if (key === undefined) continue;
    const m = tagCounts.get(key) ?? new Map<number, number>();
    m.set(Number(r.tag_id), (m.get(Number(r.tag_id)) ?? 0) + Number(r.n));
    tagCounts.set(key, m);
  }
  const topTags = (key: string): Set<number> =>
    new Set([...(tagCounts.get(key) ?? new Map<number, number>()).entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, 5).map(([t]) => t));

  const popular = (
    await env.db.rows<{ name: string }>(sql`
      select (select a.name from track_artists ta join artists a on a.id = ta.artist_id where ta.track_id = t.track_id order by ta.position limit 1) as name
      from (select track_id, count(*) as n from interactions where track_id is not null group by track_id order by n desc, track_id limit 10) t order by t.n desc, t.track_id`)
  ).map((r) => (r.name === null ? undefined : mainKey(r.name)));

  const services = options.services ?? (env.heldOutArtists !== undefined ? await env.services({ artists: await env.heldOutArtists(heldOut) }) : await env.services());
  const served = { ndcg: [] as number[], tags: [] as number[], answered: [] as number[] };
  const pop = { ndcg: [] as number[], tags: [] as number[] };
  let tagged = 0;
  for (const seed of seeds) {
    const seedListeners = heldOutOf.get(seed)!;
    const rel = new Map<string, number>();
    for (const p of seedListeners) for (const k of playsOf.get(p) ?? []) if (k !== seed) rel.set(k, (rel.get(k) ?? 0) + 1 / seedListeners.size);
    const ideal = [...rel.values()].sort((a, b) => b - a).slice(0, 10);
    const idcg = ideal.reduce((s, g, r) => s + g / Math.log2(r + 2), 0);
    const ndcg = (keys: readonly (string | undefined)[]): number => {
      const seen = new Set<string>();
      let dcg = 0;
      keys.slice(0, 10).forEach((k, r) => {
        if (k === undefined || seen.has(k)) return;
        seen.add(k);
        dcg += (rel.get(k) ?? 0) / Math.log2(r + 2);
      });
      return idcg > 0 ? dcg / idcg : 0;
    };
    const seedTags = topTags(seed);
    const agreement = (keys: readonly (string | undefined)[]): number => {
      let agree = 0;
      for (const k of keys.slice(0, 10)) if (k !== undefined && [...topTags(k)].some((t) => seedTags.has(t))) agree++;
      return agree / 10;
    };
    const answer = await recommendAs(env.db, services, { seeds: { artists: [nameOf.get(seed) ?? seed] }, count: 10 });
    const keys = answer.tracks.map((t) => (t.artists[0] === undefined ? undefined : mainKey(t.artists[0])));
    served.ndcg.push(ndcg(keys));
    served.answered.push(answer.ok && answer.tracks.length > 0 ? 1 : 0);
    pop.ndcg.push(ndcg(popular));
    if (seedTags.size > 0) {
      tagged++;
      served.tags.push(agreement(keys));
      pop.tags.push(agreement(popular));
    }
  }
  const which = options.validation === true ? 'validation seeds' : 'test seeds';
  return [
    figure('artist NDCG@10 (served)', served.ndcg, `${which}, vs held-out listeners`),
    figure('artist NDCG@10 (global popularity)', pop.ndcg, 'same seeds'),
    figure('tag agreement (served)', served.tags, `seeds with Last.fm tags (${tagged})`),
    figure('tag agreement (global popularity)', pop.tags, 'same seeds'),
    figure('answered with tracks', served.answered),
  ];
}
