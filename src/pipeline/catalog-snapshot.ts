/**
 * Reads what the content models learn from out of the catalogue tables into plain arrays: tracks with their audio
 * features and primary artist, human tags per track (Yes.com / Last.fm `tag` kind) and per artist (Last.fm
 * tag_assignments), and playlist genre/subgenre label counts per track (TidyTuesday playlists).
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../db/db.ts';
import type { AudioFeatures } from '../recsys/content/audio-features.ts';
import type { WeightedTags } from '../recsys/classifier/mood-labels.ts';

/** Label counts of one track for one label kind: label -> [playlist rows, first row id]. */
export type LabelCounts = Map<string, { count: number; first: number }>;

/** The catalogue as arrays; index i describes trackIds[i]. */
export interface CatalogSnapshot {
  readonly trackIds: Int32Array;
  readonly normKeys: readonly string[];
  readonly years: readonly (number | null)[];
  /** Primary artist id (-1 when none). */
  readonly primaryArtist: Int32Array;
  /** Audio features, null when the track has none. */
  readonly audio: readonly (AudioFeatures | null)[];
  /** The track's own human tags (kind `tag`), deduplicated across sources. */
  readonly trackTags: readonly (WeightedTags | undefined)[];
  /** Each artist's Last.fm tags weighted by how many people applied them. */
  readonly artistTags: ReadonlyMap<number, WeightedTags>;
  /** Playlist genre and subgenre counts per track index (only labelled tracks). */
  readonly genreCounts: ReadonlyMap<number, LabelCounts>;
  readonly subgenreCounts: ReadonlyMap<number, LabelCounts>;
  /** Distinct playlist genres and subgenres, sorted. */
  readonly genres: readonly string[];
  readonly subgenres: readonly string[];
}

type TrackRow = {
  id: number;
  norm_key: string;
  year: number | null;
  duration_ms: number | null;
  artist_id: number | null;
  has_audio: boolean;
  danceability: number | null;
  energy: number | null;
  key: number | null;
  loudness: number | null;
  mode: number | null;
  speechiness: number | null;
  acousticness: number | null;
  instrumentalness: number | null;
  liveness: number | null;
  valence: number | null;
  tempo: number | null;
};

/** Reads the snapshot; a few queries, each streaming a whole table once. */
export async function readCatalogSnapshot(db: Db): Promise<CatalogSnapshot> {
  const rows = await db.rows<TrackRow>(sql`
    select t.id, t.norm_key, t.year, t.duration_ms, ta.artist_id, (af.track_id is not null) as has_audio,
           af.danceability, af.energy, af.key, af.loudness, af.mode, af.speechiness, af.acousticness,
           af.instrumentalness, af.liveness, af.valence, af.tempo
    from tracks t
    left join track_artists ta on ta.track_id = t.id and ta.position = 0
    left join audio_features af on af.track_id = t.id
    order by t.id`);
  const n = rows.length;
  const trackIds = new Int32Array(n);
  const primaryArtist = new Int32Array(n).fill(-1);
  const normKeys: string[] = [];
  const years: (number | null)[] = [];
  const audio: (AudioFeatures | null)[] = [];
  const position = new Map<number, number>();
  rows.forEach((r, i) => {
    trackIds[i] = num(r.id);
    position.set(num(r.id), i);
    normKeys.push(r.norm_key);
    years.push(r.year === null ? null : num(r.year));
    if (r.artist_id !== null) primaryArtist[i] = num(r.artist_id);
    audio.push(
      r.has_audio
        ? {
            danceability: r.danceability,
            energy: r.energy,
            key: r.key,
            loudness: r.loudness,
            mode: r.mode,
            speechiness: r.speechiness,
            acousticness: r.acousticness,
            instrumentalness: r.instrumentalness,
            liveness: r.liveness,
            valence: r.valence,
            tempo: r.tempo,
            durationMs: r.duration_ms,
          }
        : null,
    );
  });

  const tagRows = await db.rows<{ track_id: number; name: string; weight: number }>(sql`
    select tt.track_id, tg.name, max(tt.weight) as weight
    from track_tags tt join tags tg on tg.id = tt.tag_id
    where tg.kind = 'tag'
    group by tt.track_id, tg.name`);
  const trackTagLists = new Map<number, { tags: string[]; weights: number[] }>();
  for (const r of tagRows) {
    const i = position.get(num(r.track_id));
    if (i === undefined) continue;
    let t = trackTagLists.get(i);
    if (t === undefined) trackTagLists.set(i, (t = { tags: [], weights: [] }));
    t.tags.push(r.name);
    t.weights.push(num(r.weight));
  }
  const trackTags: (WeightedTags | undefined)[] = Array.from({ length: n }, (_, i) => trackTagLists.get(i));

  const artistRows = await db.rows<{ artist_id: number; name: string; people: number }>(sql`
    select ta.artist_id, tg.name, count(distinct ta.person_id)::int as people
    from tag_assignments ta join tags tg on tg.id = ta.tag_id
    group by ta.artist_id, tg.name`);
  const artistTagLists = new Map<number, { tags: string[]; weights: number[] }>();
  for (const r of artistRows) {
    const a = num(r.artist_id);
    let t = artistTagLists.get(a);
    if (t === undefined) artistTagLists.set(a, (t = { tags: [], weights: [] }));
    t.tags.push(r.name);
    t.weights.push(num(r.people));
  }

  const labelRows = await db.rows<{ track_id: number; genre: string; subgenre: string | null; n: number; first: number }>(sql`
    select i.track_id, lower(p.genre) as genre, lower(p.subgenre) as subgenre, count(*)::int as n, min(i.id) as first
    from interactions i join playlists p on p.id = i.playlist_id
    where p.genre is not null and i.track_id is not null
    group by i.track_id, lower(p.genre), lower(p.subgenre)`);
  const genreCounts = new Map<number, LabelCounts>();
  const subgenreCounts = new Map<number, LabelCounts>();
  const add = (m: Map<number, LabelCounts>, i: number, label: string, count: number, first: number) => {
    let c = m.get(i);
    if (c === undefined) m.set(i, (c = new Map()));
    const prev = c.get(label);
    c.set(label, prev === undefined ? { count, first } : { count: prev.count + count, first: Math.min(prev.first, first) });
  };
  const genres = new Set<string>();
  const subgenres = new Set<string>();
  for (const r of labelRows) {
    const i = position.get(num(r.track_id));
    if (i === undefined) continue;
    add(genreCounts, i, r.genre, num(r.n), num(r.first));
    genres.add(r.genre);
    if (r.subgenre !== null) {
      add(subgenreCounts, i, r.subgenre, num(r.n), num(r.first));
      subgenres.add(r.subgenre);
    }
  }
  return {
    trackIds,
    normKeys,
    years,
    primaryArtist,
    audio,
    trackTags,
    artistTags: artistTagLists,
    genreCounts,
    subgenreCounts,
    genres: [...genres].sort(),
    subgenres: [...subgenres].sort(),
  };
}

/** The majority label of a track (most playlist rows; ties go to the label seen first in the source file). */
export function majorityLabel(counts: LabelCounts): string {
  let best = '';
  let bestCount = -1;
  let bestFirst = Infinity;
  for (const [label, { count, first }] of counts) {
    if (count > bestCount || (count === bestCount && first < bestFirst)) {
      best = label;
      bestCount = count;
      bestFirst = first;
    }
  }
  return best;
}

/** Postgres drivers return bigint/numeric columns as strings or numbers; ids here are always safe integers. */
function num(v: unknown): number {
  return typeof v === 'number' ? v : Number(v);
}
