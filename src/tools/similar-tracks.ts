/** similar_tracks: tracks that listeners play alongside one track, under optional constraints. */
import { z } from 'zod';
import { InvalidConstraintError } from '../recsys/ranking/constraints.ts';
import type { TrackCard } from '../serving/ports/catalog.ts';
import { constraintArgs, constraintRetry } from './constraint-args.ts';
import { cardOut, constraintsInput, recommendationOut, relaxationOut, relaxationsOut, trackCard, trackRef } from './schemas.ts';
import { defineTool, ok } from './tool.ts';
import { isRetry, trackArg } from './track-args.ts';

const input = z
  .object({
    track: trackRef,
    count: z.number().int().min(1).max(50).default(10),
    constraints: constraintsInput.optional(),
  })
  .strict();

const output = z.object({
  track: trackCard,
  similar: z.array(recommendationOut),
  relaxed: z.array(relaxationOut).describe('Constraints loosened, in order, because too few tracks met them all. Tell the person.'),
  notes: z.array(z.string()),
});

/** Item-to-item neighbours of one track. */
export const similarTracks = defineTool({
  name: 'similar_tracks',
  title: 'Similar tracks',
  description:
    'Tracks most like one track ("more like this"), by what listeners play together, diversified and optionally filtered by constraints. `track` is an id or text like "radiohead creep"; an ambiguous name returns candidates.',
  input,
  output,
  writes: false,
  async execute(args, ctx) {
    const track = await trackArg(ctx, args.track, 'track');
    if (isRetry(track)) return track;
    if (!ctx.recommender.knows(track.id)) {
      return ok({ track: cardOut(track), similar: [], relaxed: [], notes: ['No one in the listening data has played this track, so there is nothing to compare it with.'] });
    }
    const constraints = await constraintArgs(ctx, args.constraints);
    if (isRetry(constraints)) return constraints;
    let list;
    try {
      list = await ctx.recommender.similar(track.id, args.count, constraints);
    } catch (err) {
      if (err instanceof InvalidConstraintError) return constraintRetry(err, 'similar_tracks');
      throw err;
    }
    const cards = await ctx.catalog.describe(list.items.map((r) => r.trackId));
    const notes = list.emptyReason === undefined ? [...list.notes] : [...list.notes, list.emptyReason];
    return ok({
      track: cardOut(track),
      similar: list.items.flatMap((r) => {
        const t: TrackCard | undefined = cards.get(r.trackId);
        return t === undefined ? [] : [{ track: cardOut(t), score: r.score, why: { sentence: r.sentence, signals: r.signals.map((s) => ({ ...s })) } }];
      }),
      relaxed: relaxationsOut(list.relaxed),
      notes,
    });
  },
});
