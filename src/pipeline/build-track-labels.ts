/**
 * `buildTrackLabels` job: gathers every source of genre and mood evidence for the catalogue (human tags of tracks and
 * artists, TidyTuesday playlist genres, the active classifiers' stored predictions in track_predictions, Deezer
 * valence/arousal matched by title + artist and by artist), derives each track's labels with provenance
 * (src/recsys/labels/track-labels.ts), stores them in track_labels under a new `track-labels` model version and
 * activates it. Classifiers are read by model kind, so a retrained classifier's predictions flow in on the next run.
 */
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { artistAliasKey, normalizeArtistName, trackKey } from '../catalog/normalize.ts';
import type { Db } from '../db/db.ts';
import { activeModelVersion, publishModelVersion, TRACK_LABELS_KIND } from '../db/model-versions.ts';
import type { Logger } from '../logging/logger.ts';
import { buildTrackLabels as deriveLabels, LABEL_SOURCES, type ClassifierPredictions, type LabelEvidence, type LabelsOfTrack, type LabelSource, type ValenceArousal } from '../recsys/labels/track-labels.ts';
import { GENRES, MOODS, type LabelKind } from '../recsys/labels/vocabulary.ts';
import { readCatalogSnapshot, type CatalogSnapshot } from './catalog-snapshot.ts';
import { readDeezerSplit, type DeezerMoodRecord } from './deezer-mood.ts';

/** Classifier model kinds whose stored predictions are label evidence, and the half of the vocabulary each maps to. */
const LABEL_CLASSIFIERS: readonly { readonly kind: string; readonly labels: LabelKind }[] = [
  { kind: 'genre-classifier', labels: 'genre' },
  { kind: 'subgenre-classifier', labels: 'genre' },
  { kind: 'mood-classifier', labels: 'mood' },
];

/** Options of the job. */
interface TrackLabelOptions {
  /** Folder holding `deezer-mood/{train,validation}.csv`; without it (or without the files) that source is skipped. */
  readonly dataDir?: string;
  /** Version string [a UTC timestamp]. */
  readonly version?: string;
  readonly now?: () => Date;
  /** A snapshot already read (training reads one for the classifiers). */
  readonly snapshot?: CatalogSnapshot;
}

/** What the job produced. */
export interface TrackLabelSummary {
  readonly version: string;
  readonly tracks: number;
  readonly withGenre: number;
  readonly withMood: number;
  /** Tracks that a source gave some label to, per kind and source. */
  readonly bySource: { readonly genre: Readonly<Record<string, number>>; readonly mood: Readonly<Record<string, number>> };
  readonly deezer: { readonly rows: number; readonly tracksMatched: number; readonly artistsMatched: number };
  readonly rows: number;
}

/** Rows per insert statement (rows travel as one JSON parameter). */
const BATCH = 5000;

/** Every source of label evidence for the catalogue in `db`, and the classifier versions it read. */
export async function readLabelEvidence(
  db: Db,
  log: Logger,
  options: Pick<TrackLabelOptions, 'dataDir' | 'snapshot'> = {},
): Promise<{ evidence: LabelEvidence; snapshot: CatalogSnapshot; classifierVersions: Record<string, string>; deezer: TrackLabelSummary['deezer'] }> {
  const snap = options.snapshot ?? (await readCatalogSnapshot(db));
  const n = snap.trackIds.length;
  const position = new Map<number, number>();
  snap.trackIds.forEach((id, i) => position.set(id, i));

  const playlistGenres = new Map<number, Map<string, number>>();
  for (const counts of [snap.genreCounts, snap.subgenreCounts]) {
    for (const [i, c] of counts) {
      let m = playlistGenres.get(i);
      if (m === undefined) playlistGenres.set(i, (m = new Map()));
      for (const [label, { count }] of c) m.set(label, (m.get(label) ?? 0) + count);
    }
  }

  const classifiers: ClassifierPredictions[] = [];
  const classifierVersions: Record<string, string> = {};
  for (const c of LABEL_CLASSIFIERS) {
    const row = await activeModelVersion(db, c.kind);
    if (row === undefined) continue;
    const classes = (((row.params as { classes?: unknown }).classes as unknown[] | undefined) ?? []).map(String);
    const rows = await db.rows<{ track_id: number; probs: number[] }>(sql`select track_id, probs from track_predictions where model_version_id = ${row.id}`);
    const probs = new Map<number, number[]>();
    for (const r of rows) {
      const i = position.get(Number(r.track_id));
      if (i !== undefined) probs.set(i, r.probs.map(Number));
    }
    classifiers.push({ name: c.kind, kind: c.labels, classes, probs });
    classifierVersions[c.kind] = row.version;
  }

  const aliases = await readArtistAliases(db);
  const deezer = await readDeezer(snap, options.dataDir, log, aliases);
  const evidence: LabelEvidence = {
    trackCount: n,
    primaryArtist: snap.primaryArtist.map((a) => (a < 0 ? a : (aliases.canonical.get(a) ?? a))),
    trackTags: snap.trackTags,
    artistTags: mergeArtistTags(snap.artistTags, aliases.canonical),
    playlistGenres,
    classifiers,
    deezerTracks: deezer.tracks,
    deezerArtists: deezer.artists,
  };
  return { evidence, snapshot: snap, classifierVersions, deezer: deezer.stats };
}

/** Derives, stores and activates the label table of the catalogue in `db`. */
export async function buildTrackLabels(db: Db, log: Logger, options: TrackLabelOptions = {}): Promise<TrackLabelSummary> {
  const now = options.now ?? (() => new Date());
  const version = options.version ?? now().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const { evidence, snapshot: snap, classifierVersions, deezer } = await readLabelEvidence(db, log, options);
  const n = snap.trackIds.length;
  const labels = deriveLabels(evidence);

  const summary = summarise(labels);
  // The labels live in track_labels, not in files under the state folder: no path to store.
  const label = {
    kind: TRACK_LABELS_KIND,
    version,
    path: '',
    params: { genres: GENRES, moods: MOODS, sources: LABEL_SOURCES, classifiers: classifierVersions },
    metrics: { ...summary, deezer },
    dataSnapshot: { tracks: n },
  };
  let rows = 0;
  await publishModelVersion(db, '', label, {
    beforeActivate: async ([row]) => {
      let batch: { track_id: number; kind: string; label: string; probability: number; sources: unknown }[] = [];
      const flush = async () => {
        if (batch.length === 0) return;
        await db.rows(sql`
          insert into track_labels (model_version_id, track_id, kind, label, probability, sources)
          select ${row!.id}, x.track_id, x.kind, x.label, x.probability, x.sources
          from json_to_recordset(${JSON.stringify(batch)}::json) as x(track_id int, kind text, label text, probability real, sources jsonb)
          on conflict do nothing`);
        rows += batch.length;
        batch = [];
      };
      for (let i = 0; i < n; i++) {
        for (const kind of ['genre', 'mood'] as const) {
          for (const l of labels[i]![kind]) batch.push({ track_id: snap.trackIds[i]!, kind, label: l.label, probability: l.probability, sources: l.sources });
        }
        if (batch.length >= BATCH) await flush();
      }
      await flush();
    },
  });
  log.info({ version, rows, withGenre: summary.withGenre, withMood: summary.withMood }, 'track labels active');
  return { version, tracks: n, ...summary, deezer, rows };
}

function summarise(labels: readonly LabelsOfTrack[]): Pick<TrackLabelSummary, 'withGenre' | 'withMood' | 'bySource'> {
  const bySource = { genre: {} as Record<string, number>, mood: {} as Record<string, number> };
  let withGenre = 0;
  let withMood = 0;
  for (const l of labels) {
    if (l.genre.length > 0) withGenre++;
    if (l.mood.length > 0) withMood++;
    for (const kind of ['genre', 'mood'] as const) {
      const seen = new Set<LabelSource>();
      for (const x of l[kind]) for (const s of Object.keys(x.sources) as LabelSource[]) seen.add(s);
      for (const s of seen) bySource[kind][s] = (bySource[kind][s] ?? 0) + 1;
    }
  }
  return { withGenre, withMood, bySource };
}

/**
 * One artist written two ways in two sources ("Thirty Seconds To Mars" in Yes.com and TidyTuesday, "30 Seconds to
 * Mars" in Last.fm) is one artist for its labels: every artist id maps to the smallest id of its alias key
 * (artistAliasKey), so the artist's tags, its other tracks and its Deezer moods are pooled across the spellings.
 */
async function readArtistAliases(db: Db): Promise<{ canonical: Map<number, number>; byKey: Map<string, number> }> {
  const rows = await db.rows<{ id: number; norm_name: string }>(sql`select id, norm_name from artists order by id`);
  const byKey = new Map<string, number>();
  const canonical = new Map<number, number>();
  for (const r of rows) {
    const key = artistAliasKey(r.norm_name);
    const first = byKey.get(key);
    if (first === undefined) byKey.set(key, Number(r.id));
    else canonical.set(Number(r.id), first);
  }
  return { canonical, byKey };
}

/** Artist tags pooled under each artist's canonical id (a tag named under both spellings adds its people). */
function mergeArtistTags(tags: CatalogSnapshot['artistTags'], canonical: ReadonlyMap<number, number>): CatalogSnapshot['artistTags'] {
  const out = new Map(tags);
  for (const [a, t] of tags) {
    const c = canonical.get(a);
    if (c === undefined) continue;
    out.delete(a);
    const weight = new Map<string, number>();
    for (const list of [out.get(c), t]) list?.tags.forEach((tag, k) => weight.set(tag, (weight.get(tag) ?? 0) + (list.weights?.[k] ?? 1)));
    out.set(c, { tags: [...weight.keys()], weights: [...weight.values()] });
  }
  return out;
}

/** Deezer valence/arousal by catalogue track (title + primary artist) and by artist (mean of the artist's rows). */
async function readDeezer(
  snap: CatalogSnapshot,
  dataDir: string | undefined,
  log: Logger,
  aliases: { readonly byKey: ReadonlyMap<string, number> },
): Promise<{ tracks: Map<number, ValenceArousal>; artists: Map<number, ValenceArousal>; stats: TrackLabelSummary['deezer'] }> {
  const tracks = new Map<number, ValenceArousal>();
  const artists = new Map<number, ValenceArousal>();
  const empty = { tracks, artists, stats: { rows: 0, tracksMatched: 0, artistsMatched: 0 } };
  if (dataDir === undefined) return empty;
  const records: DeezerMoodRecord[] = [];
  for (const split of ['train', 'validation'] as const) records.push(...((await readDeezerSplit(dataDir, split)) ?? []));
  if (records.length === 0) {
    log.warn({ dir: path.join(dataDir, 'deezer-mood') }, 'no Deezer mood files: that label source is skipped');
    return empty;
  }
  const keyIndex = new Map<string, number>();
  snap.normKeys.forEach((k, i) => keyIndex.set(k, i));
  const sums = new Map<number, { v: number; a: number; n: number }>();
  for (const r of records) {
    const v = r.valence;
    const a = r.arousal;
    const i = keyIndex.get(trackKey(r.title, r.artist));
    if (i !== undefined) tracks.set(i, { valence: v, arousal: a });
    const id = aliases.byKey.get(artistAliasKey(normalizeArtistName(r.artist)));
    if (id === undefined) continue;
    const s = sums.get(id) ?? { v: 0, a: 0, n: 0 };
    sums.set(id, { v: s.v + v, a: s.a + a, n: s.n + 1 });
  }
  for (const [id, s] of sums) artists.set(id, { valence: s.v / s.n, arousal: s.a / s.n });
  return { tracks, artists, stats: { rows: records.length, tracksMatched: tracks.size, artistsMatched: artists.size } };
}
