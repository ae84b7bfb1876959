/**
 * Mood from valence and arousal. The mood classifier's classes are the four quadrants of the valence/arousal plane,
 * named with the words people use: happy (valence ≥ 0, arousal ≥ 0), energetic (valence < 0, arousal ≥ 0: tense,
 * angry, driving), sad (valence < 0, arousal < 0) and calm (valence ≥ 0, arousal < 0), on the Deezer mood dataset's
 * standardised scale. Its predicted valence is P(happy) + P(calm) and its predicted arousal P(happy) + P(energetic)
 * (each the probability of the upper half), which is how track_predictions' mood probabilities give valence and
 * arousal without another column. "focus" is not a quadrant: it is defined by evidence (focusEvidence).
 * Also here: the baselines every mood figure is shown beside (the energy/valence rule), the evidence features the
 * classifier sees besides audio (the artist's mean Deezer valence/arousal, mood-tag shares), and Spearman's ρ.
 */
import { MOODS, moodScores, type WeightedTags } from './mood-labels.ts';

/** The classifier's moods, in MOODS order (so a class index is also a MOODS index). */
export const QUADRANT_MOODS = ['happy', 'sad', 'energetic', 'calm'] as const;

/** The quadrant (index into QUADRANT_MOODS) of a valence/arousal point; 0 is the boundary. */
export function quadrantOf(valence: number, arousal: number): number {
  if (valence >= 0) return arousal >= 0 ? 0 : 3;
  return arousal >= 0 ? 2 : 1;
}

/** The two-line baseline: Spotify valence ≥ 0.5 is positive, energy ≥ 0.5 is aroused. */
export function energyValenceRule(energy: number, valence: number): number {
  return quadrantOf(valence - 0.5, energy - 0.5);
}

/** Predicted valence and arousal (probability of the upper half) from the four quadrant probabilities. */
export function valenceArousalOf(probs: ArrayLike<number>, offset = 0): { valence: number; arousal: number } {
  const [happy, , energetic, calm] = [probs[offset]!, probs[offset + 1]!, probs[offset + 2]!, probs[offset + 3]!];
  return { valence: happy + calm, arousal: happy + energetic };
}

/** Focus music by evidence, not by a tag: mostly instrumental (instrumentalness ≥ 0.5) and little speech (< 0.1). */
export function focusEvidence(audio: { readonly instrumentalness?: number | null | undefined; readonly speechiness?: number | null | undefined }): boolean {
  const i = audio.instrumentalness;
  const s = audio.speechiness;
  return typeof i === 'number' && typeof s === 'number' && i >= 0.5 && s < 0.1;
}

/** Names of the evidence features, in the order writeMoodEvidence writes them. */
export const MOOD_EVIDENCE_FEATURES = [
  'artist_valence',
  'artist_arousal',
  'artist_mood_tracks',
  ...MOODS.map((m) => `track_tag_${m}`),
  ...MOODS.map((m) => `artist_tag_${m}`),
] as const;

/** Sums of an artist's known valence/arousal values. */
interface ArtistMoodSums {
  readonly valence: number;
  readonly arousal: number;
  readonly count: number;
}

/**
 * Writes a track's evidence: its artist's mean valence and arousal, shrunk toward 0 by one pseudo-track, with the
 * track's own value left out when it is among them (`own`), the log count of those tracks, and the share of each
 * mood's tags among the track's and the artist's tags.
 */
export function writeMoodEvidence(
  artist: ArtistMoodSums | undefined,
  own: { readonly valence: number; readonly arousal: number } | undefined,
  trackTags: WeightedTags | undefined,
  artistTags: WeightedTags | undefined,
  out: Float32Array,
  offset: number,
): void {
  let v = artist?.valence ?? 0;
  let a = artist?.arousal ?? 0;
  let n = artist?.count ?? 0;
  if (own !== undefined && n > 0) {
    v -= own.valence;
    a -= own.arousal;
    n -= 1;
  }
  out[offset] = v / (n + 1);
  out[offset + 1] = a / (n + 1);
  out[offset + 2] = Math.log1p(n);
  let k = offset + 3;
  for (const tags of [trackTags, artistTags]) {
    const s = tags === undefined ? new Float64Array(MOODS.length) : moodScores(tags);
    const total = s.reduce((x, y) => x + y, 0);
    for (let m = 0; m < MOODS.length; m++) out[k++] = total > 0 ? s[m]! / total : 0;
  }
}

/** Spearman's rank correlation (average ranks for ties); NaN with fewer than 3 points. */
export function spearman(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  if (n < 3 || y.length !== n) return Number.NaN;
  const rx = ranks(x);
  const ry = ranks(y);
  const mean = (n + 1) / 2;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (rx[i]! - mean) * (ry[i]! - mean);
    sxx += (rx[i]! - mean) ** 2;
    syy += (ry[i]! - mean) ** 2;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : Number.NaN;
}

function ranks(v: ArrayLike<number>): Float64Array {
  const n = v.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => v[a]! - v[b]!);
  const r = new Float64Array(n);
  let i = 0;
  while (i < n) {
    let j = i;
    while (j + 1 < n && v[order[j + 1]!] === v[order[i]!]) j++;
    for (let t = i; t <= j; t++) r[order[t]!] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return r;
}

/** One scored group of check tracks. */
export interface MoodCheckFigures {
  readonly rows: number;
  readonly accuracy: number;
  readonly macroF1: number;
  /** Always the training majority quadrant. */
  readonly majorityAccuracy: number;
  readonly ruleAccuracy: number;
  readonly ruleMacroF1: number;
  /** Spearman ρ of predicted and true valence / arousal (model; rule: Spotify valence and energy). */
  readonly valenceSpearman: number;
  readonly arousalSpearman: number;
  readonly ruleValenceSpearman: number;
  readonly ruleArousalSpearman: number;
}

/** A check track: truth, the model's four probabilities, and Spotify energy/valence for the rule. */
interface MoodCheckCase {
  readonly quadrant: number;
  readonly valence: number;
  readonly arousal: number;
  readonly probs: ArrayLike<number>;
  readonly energy: number;
  readonly spotifyValence: number;
}

/** Scores the model, the majority class and the energy/valence rule on the same check tracks. */
export function scoreMoodCheck(cases: readonly MoodCheckCase[], majority: number): MoodCheckFigures {
  const n = cases.length;
  const truth = Int32Array.from(cases, (c) => c.quadrant);
  const model = Int32Array.from(cases, (c) => argmax(c.probs));
  const rule = Int32Array.from(cases, (c) => energyValenceRule(c.energy, c.spotifyValence));
  const acc = (p: Int32Array) => (n === 0 ? Number.NaN : p.reduce((s, v, i) => s + (v === truth[i] ? 1 : 0), 0) / n);
  const va = cases.map((c) => valenceArousalOf(c.probs));
  return {
    rows: n,
    accuracy: acc(model),
    macroF1: macroF1(truth, model, QUADRANT_MOODS.length),
    majorityAccuracy: acc(new Int32Array(n).fill(majority)),
    ruleAccuracy: acc(rule),
    ruleMacroF1: macroF1(truth, rule, QUADRANT_MOODS.length),
    valenceSpearman: spearman(va.map((x) => x.valence), cases.map((c) => c.valence)),
    arousalSpearman: spearman(va.map((x) => x.arousal), cases.map((c) => c.arousal)),
    ruleValenceSpearman: spearman(cases.map((c) => c.spotifyValence), cases.map((c) => c.valence)),
    ruleArousalSpearman: spearman(cases.map((c) => c.energy), cases.map((c) => c.arousal)),
  };
}

function argmax(p: ArrayLike<number>): number {
  let best = 0;
  for (let k = 1; k < p.length; k++) if (p[k]! > p[best]!) best = k;
  return best;
}

function macroF1(truth: Int32Array, pred: Int32Array, classes: number): number {
  let sum = 0;
  let present = 0;
  for (let k = 0; k < classes; k++) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (let i = 0; i < truth.length; i++) {
      if (pred[i] === k && truth[i] === k) tp++;
      else if (pred[i] === k) fp++;
      else if (truth[i] === k) fn++;
    }
    if (tp + fn === 0) continue;
    present++;
    sum += tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
  }
  return present === 0 ? Number.NaN : sum / present;
}
