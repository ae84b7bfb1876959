/**
 * Genre and mood labels of every track from every source of evidence, with provenance. Each source gives a track a
 * distribution over the vocabulary (src/recsys/labels/vocabulary.ts); a track's label probability is the
 * reliability-weighted mean of the distributions of the sources that have one. Pure: arrays in, labels out.
 *
 * Sources: the track's own human tags (Yes.com / Last.fm), its playlist genres and subgenres (TidyTuesday), its
 * primary artist's Last.fm tags, the genres of the artist's other tracks, the audio classifiers' stored predictions,
 * and Deezer valence/arousal of the track or, failing that, the mean of its artist's tracks.
 */
import { canonicalLabel, genresOfTag, moodOfTag, sameFamily, type LabelKind } from './vocabulary.ts';

/** Where a label came from. */
export const LABEL_SOURCES = ['track_tags', 'playlist_genre', 'artist_tags', 'artist_tracks', 'classifier', 'deezer_track', 'deezer_artist'] as const;

/** One source of label evidence. */
export type LabelSource = (typeof LABEL_SOURCES)[number];

/** How much each source counts when sources disagree, per source. */
export type SourceWeights = { readonly [S in LabelSource]: number };

/** Source weights for genres and for moods. */
export type LabelWeights = { readonly [K in LabelKind]: SourceWeights };

/**
 * How much each source counts when sources disagree. Chosen on held-out human tags (`earworm eval --served --part
 * label-accuracy`: half of the tagged tracks choose from a grid, the other half reports): TidyTuesday playlist genres
 * are a playlist's label, not the track's ("Unplugged Hits" is filed under latin pop), so they count little; the
 * artist's other tracks and the artist's own tags carry most of the evidence a track's tags would.
 */
export const SOURCE_WEIGHTS: LabelWeights = {
  genre: { track_tags: 1, playlist_genre: 0.1, artist_tags: 0.7, artist_tracks: 1.5, classifier: 0.1, deezer_track: 0.8, deezer_artist: 0.4 },
  mood: { track_tags: 1, playlist_genre: 1, artist_tags: 2, artist_tracks: 0.5, classifier: 0.8, deezer_track: 0.4, deezer_artist: 0.4 },
};

/**
 * Evidence thresholds on a label's probability: a request for a label keeps a track when it is the track's top label,
 * or when it reaches `keep` and at least `keepShareOfTop` of the largest probability outside its family (a track whose
 * evidence clearly puts it in another genre does not count: Nicki Minaj's "Right Thru Me", hip hop 0.55 and r&b 0.26, is not
 * an r&b answer); an exclusion removes a track at `exclude` or above. A track with no evidence for a kind neither
 * meets a request for it nor is removed by an exclusion.
 */
export const LABEL_EVIDENCE = { keep: 0.25, keepShareOfTop: 0.5, exclude: 0.15 } as const;

/**
 * Whether a label with probability `p` that is not the track's top label is evidence for it, where `rival` is the
 * largest probability of a label outside its family (the top label itself always is evidence).
 */
export function meetsProbability(p: number, rival: number): boolean {
  return p >= LABEL_EVIDENCE.keep && p >= LABEL_EVIDENCE.keepShareOfTop * rival;
}

/** Shares below this are dropped from a source's distribution (one stray tag among many). */
const MIN_SHARE = 0.05;

/** Weighted tags of a track or an artist. */
interface TagList {
  readonly tags: readonly string[];
  readonly weights?: readonly number[];
}

/** A classifier's stored predictions: class names and, per track, its probability row. */
export interface ClassifierPredictions {
  /** Model kind, for provenance (e.g. `genre-classifier`). */
  readonly name: string;
  /** Which half of the vocabulary its classes map to. */
  readonly kind: LabelKind;
  readonly classes: readonly string[];
  /** Snapshot index -> probabilities (in `classes` order). */
  readonly probs: ReadonlyMap<number, readonly number[]>;
}

/** Valence and arousal, standardised (mean 0, sd 1), as in the Deezer mood dataset. */
export interface ValenceArousal {
  readonly valence: number;
  readonly arousal: number;
}

/** Everything the labels are derived from; index i describes one catalogue track. */
export interface LabelEvidence {
  readonly trackCount: number;
  /** Primary artist id per track (-1: none). */
  readonly primaryArtist: Int32Array;
  readonly trackTags: readonly (TagList | undefined)[];
  readonly artistTags: ReadonlyMap<number, TagList>;
  /** Playlist genre and subgenre names with their counts, per track index. */
  readonly playlistGenres: ReadonlyMap<number, ReadonlyMap<string, number>>;
  readonly classifiers: readonly ClassifierPredictions[];
  /** Deezer valence/arousal of the track itself, per track index. */
  readonly deezerTracks: ReadonlyMap<number, ValenceArousal>;
  /** Mean Deezer valence/arousal of an artist's tracks, per artist id. */
  readonly deezerArtists: ReadonlyMap<number, ValenceArousal>;
}

/** One label of one track. */
export interface TrackLabel {
  readonly label: string;
  readonly probability: number;
  /** Each source's share for this label (only sources that gave it some). */
  readonly sources: Readonly<Partial<Record<LabelSource, number>>>;
}

/** The labels of one track, each kind sorted by probability (empty when nothing is known). */
export interface LabelsOfTrack {
  readonly genre: readonly TrackLabel[];
  readonly mood: readonly TrackLabel[];
}

type Dist = Map<string, number>;

/** Labels of every track in `e` (index order). */
export function buildTrackLabels(e: LabelEvidence, weights: LabelWeights = SOURCE_WEIGHTS): LabelsOfTrack[] {
  const n = e.trackCount;
  // Track-level genre evidence (own tags, playlist genres) pooled per artist, for the artist's other tracks; each
  // track counts by how reliable its evidence is (a tagged track more than one known only from a playlist's genre).
  const g = weights.genre;
  const own: ({ d: Dist; w: number } | undefined)[] = new Array<{ d: Dist; w: number } | undefined>(n);
  const byArtist = new Map<number, { sum: Dist; tracks: number }>();
  for (let i = 0; i < n; i++) {
    const tags = g.track_tags > 0 ? tagDist(e.trackTags[i], 'genre') : undefined;
    const lists = g.playlist_genre > 0 ? playlistDist(e.playlistGenres.get(i)) : undefined;
    const d = mix([
      [tags, g.track_tags],
      [lists, g.playlist_genre],
    ]);
    const a = e.primaryArtist[i]!;
    if (d === undefined || a < 0) continue;
    const w = Math.max(tags === undefined ? 0 : g.track_tags, lists === undefined ? 0 : g.playlist_genre);
    own[i] = { d, w };
    let p = byArtist.get(a);
    if (p === undefined) byArtist.set(a, (p = { sum: new Map(), tracks: 0 }));
    for (const [k, v] of d) p.sum.set(k, (p.sum.get(k) ?? 0) + w * v);
    p.tracks += w;
  }
  const classifierDists = (i: number, kind: LabelKind): Dist | undefined =>
    mix(
      e.classifiers
        .filter((c) => c.kind === kind)
        .map((c): [Dist | undefined, number] => {
          const row = c.probs.get(i);
          return [row === undefined ? undefined : classDist(kind, c.classes, row), 1];
        }),
    );
  const out: LabelsOfTrack[] = [];
  for (let i = 0; i < n; i++) {
    const a = e.primaryArtist[i]!;
    const aTags = a >= 0 ? e.artistTags.get(a) : undefined;
    let artistTracks: Dist | undefined;
    // The pool counts as much as the evidence in it, up to one tagged track's worth: an artist known from one
    // playlist's genre ("Unplugged Hits", filed under latin) does not outweigh the artist's own tags.
    let poolWeight = g.artist_tracks;
    const pool = a >= 0 ? byArtist.get(a) : undefined;
    if (pool !== undefined) {
      // Leave the track's own evidence out: this source says what the artist's *other* tracks are.
      const mine = own[i];
      const others = pool.tracks - (mine?.w ?? 0);
      poolWeight = g.artist_tracks * Math.min(1, others);
      if (others > 1e-9) {
        const d: Dist = new Map();
        for (const [k, v] of pool.sum) d.set(k, Math.max(0, v - (mine === undefined ? 0 : mine.w * (mine.d.get(k) ?? 0))));
        artistTracks = normalise(d);
      }
    }
    const dz = e.deezerTracks.get(i);
    const dzA = a >= 0 ? e.deezerArtists.get(a) : undefined;
    const genre = combine(poolWeight === g.artist_tracks ? g : { ...g, artist_tracks: poolWeight }, {
      track_tags: tagDist(e.trackTags[i], 'genre'),
      playlist_genre: playlistDist(e.playlistGenres.get(i)),
      artist_tags: tagDist(aTags, 'genre'),
      artist_tracks: artistTracks,
      classifier: classifierDists(i, 'genre'),
    });
    const mood = combine(weights.mood, {
      track_tags: tagDist(e.trackTags[i], 'mood'),
      artist_tags: tagDist(aTags, 'mood'),
      classifier: classifierDists(i, 'mood'),
      deezer_track: dz === undefined ? undefined : vaDist(dz),
      deezer_artist: dz === undefined && dzA !== undefined ? vaDist(dzA) : undefined,
    });
    out.push({ genre, mood });
  }
  return out;
}

/** Reliability-weighted mean of the sources' distributions, labels sorted by probability. */
function combine(weights: SourceWeights, sources: Partial<Record<LabelSource, Dist | undefined>>): TrackLabel[] {
  let total = 0;
  const acc = new Map<string, { p: number; sources: Partial<Record<LabelSource, number>> }>();
  for (const [s, d] of Object.entries(sources) as [LabelSource, Dist | undefined][]) {
    const w = weights[s];
    if (d === undefined || d.size === 0 || !(w > 0)) continue;
    total += w;
    for (const [label, share] of d) {
      let x = acc.get(label);
      if (x === undefined) acc.set(label, (x = { p: 0, sources: {} }));
      x.p += w * share;
      x.sources[s] = round(share);
    }
  }
  if (total === 0) return [];
  return [...acc.entries()]
    .map(([label, x]) => ({ label, probability: round(x.p / total), sources: x.sources }))
    .filter((l) => l.probability >= MIN_SHARE / 2)
    .sort((a, b) => b.probability - a.probability || a.label.localeCompare(b.label));
}

/** A tag list's distribution over one half of the vocabulary (undefined when no tag names any label). */
function tagDist(t: TagList | undefined, kind: LabelKind): Dist | undefined {
  if (t === undefined) return undefined;
  const d: Dist = new Map();
  t.tags.forEach((tag, j) => {
    const w = t.weights?.[j] ?? 1;
    if (!(w > 0) || !Number.isFinite(w)) return;
    const labels = kind === 'genre' ? genresOfTag(tag) : [moodOfTag(tag)].filter((m) => m !== undefined);
    for (const l of labels) d.set(l, (d.get(l) ?? 0) + w);
  });
  return normalise(d);
}

function playlistDist(c: ReadonlyMap<string, number> | undefined): Dist | undefined {
  if (c === undefined) return undefined;
  const d: Dist = new Map();
  for (const [name, count] of c) for (const g of genresOfTag(name)) d.set(g, (d.get(g) ?? 0) + count);
  return normalise(d);
}

/** A classifier row's distribution: only classes it rates above chance (1 / classes) count as evidence. */
function classDist(kind: LabelKind, classes: readonly string[], row: readonly number[]): Dist | undefined {
  const d: Dist = new Map();
  const chance = 1 / Math.max(1, classes.length);
  classes.forEach((c, k) => {
    const p = row[k] ?? 0;
    if (!(p > chance)) return;
    const labels = kind === 'genre' ? genresOfTag(c) : [canonicalLabel('mood', c)].filter((m) => m !== undefined);
    for (const l of labels) d.set(l, (d.get(l) ?? 0) + p);
  });
  return normalise(d);
}

/**
 * Moods of a valence/arousal point (standardised): the quadrant's mood (high/high happy, low valence + high arousal
 * angry, low/low sad, high valence + low arousal calm), energetic for high arousal, dark for clearly negative valence
 * with arousal. A point near the centre names no mood.
 */
export function vaDist({ valence: v, arousal: a }: ValenceArousal): Dist | undefined {
  if (!Number.isFinite(v) || !Number.isFinite(a) || Math.hypot(v, a) < 0.35) return undefined;
  const d: Dist = new Map();
  const add = (m: string, w: number) => d.set(m, (d.get(m) ?? 0) + w);
  if (v >= 0 && a >= 0) add('happy', 1);
  else if (v < 0 && a >= 0) add('angry', 1);
  else if (v < 0) add('sad', 1);
  else add('calm', 1);
  if (a > 0.8) add('energetic', Math.min(1, a - 0.3));
  if (a < -0.8 && v < 0) add('calm', 0.3);
  if (v < -0.8 && a > 0) add('dark', 0.5);
  return normalise(d);
}

function mix(parts: readonly [Dist | undefined, number][]): Dist | undefined {
  const d: Dist = new Map();
  let any = false;
  for (const [p, w] of parts) {
    if (p === undefined) continue;
    any = true;
    for (const [k, v] of p) d.set(k, (d.get(k) ?? 0) + w * v);
  }
  return any ? normalise(d) : undefined;
}

function normalise(d: Dist): Dist | undefined {
  let s = 0;
  for (const v of d.values()) s += v;
  if (!(s > 0)) return undefined;
  const out: Dist = new Map();
  for (const [k, v] of d) if (v / s >= MIN_SHARE) out.set(k, v / s);
  let s2 = 0;
  for (const v of out.values()) s2 += v;
  if (s2 === 0) return undefined;
  for (const [k, v] of out) out.set(k, v / s2);
  return out;
}

function round(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}

/** Whether a track's labels are evidence *for* `label` (a request for it keeps the track). */
export function meetsLabel(labels: readonly TrackLabel[], label: string): boolean {
  const i = labels.findIndex((l) => l.label === label);
  const rival = Math.max(0, ...labels.filter((l) => !sameFamily(l.label, label)).map((l) => l.probability));
  return i === 0 || (i > 0 && meetsProbability(labels[i]!.probability, rival));
}

/** Whether a track's labels point to `label` (an exclusion of it removes the track). */
export function pointsTo(labels: readonly TrackLabel[], label: string): boolean {
  const l = labels.find((x) => x.label === label);
  return l !== undefined && l.probability >= LABEL_EVIDENCE.exclude;
}

