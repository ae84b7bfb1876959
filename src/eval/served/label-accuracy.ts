/**
 * Label accuracy against held-out human tags. A track's own Yes.com / Last.fm tags are the most direct evidence of
 * its genre and mood; for half of the tagged tracks (a fixed rule on the catalogue index) those tags are hidden, the
 * labels are derived from every other source (playlist genres, artist tags, the artist's other tracks, classifiers,
 * Deezer), and the top label is judged against the hidden tags (it must be one the tags support, by the same rule a
 * genre request uses). Baselines: the majority label, and each source alone. The other half chooses the source
 * weights from a small grid, so the weights in serving are chosen on data the reported figure does not use.
 */
import { readLabelEvidence } from '../../pipeline/build-track-labels.ts';
import { buildTrackLabels, LABEL_SOURCES, meetsLabel, SOURCE_WEIGHTS, type LabelEvidence, type LabelSource, type LabelWeights, type SourceWeights, type TrackLabel } from '../../recsys/labels/track-labels.ts';
import type { LabelKind } from '../../recsys/labels/vocabulary.ts';
import type { ServedEnv, ServedFigure } from './served-part.ts';

/** Only the track's own tags count: the truth the other sources are judged against. */
const ONLY_TAGS: SourceWeights = Object.fromEntries(LABEL_SOURCES.map((s) => [s, s === 'track_tags' ? 1 : 0])) as SourceWeights;
const TAGS_ONLY: LabelWeights = { genre: ONLY_TAGS, mood: ONLY_TAGS };

/** Which half a tagged track falls in: 0 chooses weights, 1 reports (a fixed multiplicative hash of the index). */
const half = (i: number): 0 | 1 => (((Math.imul(i + 1, 2654435761) >>> 0) % 1000) < 500 ? 0 : 1);

/** Tracks (index) whose own tags give a label of `kind`, with those labels. */
function truthOf(e: LabelEvidence, kind: LabelKind): Map<number, readonly TrackLabel[]> {
  const truth = new Map<number, readonly TrackLabel[]>();
  buildTrackLabels(e, TAGS_ONLY).forEach((l, i) => {
    if (l[kind].length > 0) truth.set(i, l[kind]);
  });
  return truth;
}

/** The evidence with the own tags of `hidden` tracks removed. */
function hide(e: LabelEvidence, hidden: ReadonlySet<number>): LabelEvidence {
  return { ...e, trackTags: e.trackTags.map((t, i) => (hidden.has(i) ? undefined : t)) };
}

/** Share of `tracks` whose top label (by `weights`) the hidden tags support, and the share with any label. */
function judge(e: LabelEvidence, truth: ReadonlyMap<number, readonly TrackLabel[]>, tracks: readonly number[], kind: LabelKind, w: SourceWeights): { accuracy: number; labelled: number; correct: number } {
  const labels = buildTrackLabels(e, { ...SOURCE_WEIGHTS, [kind]: w });
  let labelled = 0;
  let correct = 0;
  for (const i of tracks) {
    const top = labels[i]![kind][0];
    if (top === undefined) continue;
    labelled++;
    if (meetsLabel(truth.get(i)!, top.label)) correct++;
  }
  return { accuracy: tracks.length === 0 ? 0 : correct / tracks.length, labelled, correct };
}

/** Candidate weights: the current ones with the sources that can disagree with a track's tags scaled. */
function grid(kind: LabelKind): SourceWeights[] {
  const scaled = (over: Partial<Record<LabelSource, number>>): SourceWeights => ({ ...SOURCE_WEIGHTS[kind], ...over });
  const out: SourceWeights[] = [];
  if (kind === 'genre') {
    for (const playlist_genre of [0.1, 0.2, 0.5, 1]) for (const artist_tags of [0.7, 1.2]) for (const classifier of [0.1, 0.4]) for (const artist_tracks of [0.5, 1, 1.5]) out.push(scaled({ playlist_genre, artist_tags, classifier, artist_tracks }));
  } else {
    for (const classifier of [0.4, 0.8, 1.2]) for (const artist_tags of [0.7, 2, 3]) for (const deezer_track of [0.2, 0.4, 0.8]) out.push(scaled({ classifier, artist_tags, deezer_track }));
  }
  return out;
}

const SE = (p: number, n: number): number => Math.sqrt((p * (1 - p)) / Math.max(1, n));

/** The figures for one kind on `e` (pure: tested on a fixture). */
export function labelAccuracyFigures(e: LabelEvidence, kind: LabelKind): ServedFigure[] {
  const truth = truthOf(e, kind);
  const folds: [number[], number[]] = [[], []];
  for (const i of truth.keys()) folds[half(i)].push(i);
  const [tune, report] = folds;
  const hiddenReport = hide(e, new Set(report));
  const current = judge(hiddenReport, truth, report, kind, SOURCE_WEIGHTS[kind]);
  const hiddenTune = hide(e, new Set(tune));
  let best = { weights: SOURCE_WEIGHTS[kind], accuracy: -1 };
  for (const w of grid(kind)) {
    const a = judge(hiddenTune, truth, tune, kind, w).accuracy;
    if (a > best.accuracy + 1e-9) best = { weights: w, accuracy: a };
  }
  const tuned = judge(hiddenReport, truth, report, kind, best.weights);
  // The majority label of the tuning half, answered for every track.
  const counts = new Map<string, number>();
  for (const i of tune) counts.set(truth.get(i)![0]!.label, (counts.get(truth.get(i)![0]!.label) ?? 0) + 1);
  const majority = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '';
  const majorityHits = report.filter((i) => meetsLabel(truth.get(i)!, majority)).length / Math.max(1, report.length);
  const n = report.length;
  const figures: ServedFigure[] = [
    { name: `${kind}: top label supported by hidden tags (serving weights)`, value: current.accuracy, n, se: SE(current.accuracy, n), note: `labelled ${current.labelled} of ${n}` },
    { name: `${kind}: same, weights chosen on the other half`, value: tuned.accuracy, n, se: SE(tuned.accuracy, n), note: weightNote(best.weights) },
    { name: `${kind}: majority label (${majority})`, value: majorityHits, n, se: SE(majorityHits, n) },
  ];
  for (const s of LABEL_SOURCES) {
    if (s === 'track_tags') continue;
    const alone = judge(hiddenReport, truth, report, kind, { ...ONLY_TAGS, track_tags: 0, [s]: 1 });
    if (alone.labelled === 0) continue;
    figures.push({ name: `${kind}: ${s} alone`, value: alone.accuracy, n, se: SE(alone.accuracy, n), note: `labelled ${alone.labelled}; accuracy where labelled ${(alone.correct / alone.labelled).toFixed(3)}` });
  }
  return figures;
}

function weightNote(w: SourceWeights): string {
  return LABEL_SOURCES.filter((s) => s !== 'track_tags').map((s) => `${s} ${w[s]}`).join(', ');
}

/** The served part: genre and mood label accuracy on the configured state. */
export async function labelAccuracy(env: ServedEnv): Promise<ServedFigure[]> {
  const { evidence } = await readLabelEvidence(env.db, env.logger, { dataDir: env.dataDir });
  return [...labelAccuracyFigures(evidence, 'genre'), ...labelAccuracyFigures(evidence, 'mood')];
}
