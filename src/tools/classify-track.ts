/** classify_track: the genre, subgenre and mood classifiers' predictions for one track. */
import { z } from 'zod';
import type { LabelPrediction } from '../serving/ports/catalog.ts';
import { cardOut, trackCard, trackRef } from './schemas.ts';
import { defineTool, ok } from './tool.ts';
import { isRetry, trackArg } from './track-args.ts';

const input = z.object({ track: trackRef }).strict();

const prediction = z
  .object({
    label: z.string(),
    confidence: z.number(),
    probabilities: z.array(z.object({ label: z.string(), probability: z.number() })),
    model_version: z.string(),
  })
  .nullable();

const labelList = z.array(z.object({ label: z.string(), probability: z.number(), sources: z.record(z.string(), z.number()) }));

const output = z.object({
  track: trackCard,
  genre: prediction,
  subgenre: prediction,
  mood: prediction,
  labels: z
    .object({ version: z.string(), genre: labelList, mood: labelList })
    .optional()
    .describe("The track's genre and mood labels from every source (tags, playlists, artist tags, classifiers, Deezer valence/arousal), each with the sources' shares."),
  note: z.string().optional(),
});

const out = (p: LabelPrediction | undefined) =>
  p === undefined ? null : { label: p.label, confidence: p.confidence, probabilities: p.probabilities.map((x) => ({ ...x })), model_version: p.modelVersion };

/** Classifier predictions of a track. */
export const classifyTrack = defineTool({
  name: 'classify_track',
  title: 'Classify a track',
  description:
    "Genre, subgenre and mood of a track as Earworm's classifiers predict them from its audio features, with every class's probability, and its labels from every source with provenance. `track` is an id or text; a track without audio features has no prediction (null).",
  input,
  output,
  writes: false,
  async execute(args, ctx) {
    const track = await trackArg(ctx, args.track, 'track');
    if (isRetry(track)) return track;
    const p = await ctx.catalog.predictions(track.id);
    const labels = ctx.catalog.labels === undefined ? undefined : await ctx.catalog.labels(track.id);
    const result = {
      track: cardOut(track),
      genre: out(p.genre),
      subgenre: out(p.subgenre),
      mood: out(p.mood),
      ...(labels !== undefined ? { labels: { version: labels.version, genre: labels.genre.map((l) => ({ ...l, sources: { ...l.sources } })), mood: labels.mood.map((l) => ({ ...l, sources: { ...l.sources } })) } } : {}),
    };
    return ok(Object.values(p).length === 0 && labels === undefined ? { ...result, note: 'No prediction: the track has no audio features, or no classifier is trained yet.' } : result);
  },
});
