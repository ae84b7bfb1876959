/** rate_track: like, skip or dislike a track; idempotent per interaction id or per (person, track, rating). */
import { z } from 'zod';
import { cardOut, trackCard, trackRef } from './schemas.ts';
import { defineTool, ok } from './tool.ts';
import { isRetry, trackArg } from './track-args.ts';

const input = z
  .object({
    track: trackRef,
    rating: z.enum(['like', 'skip', 'dislike']),
    interaction_id: z.string().min(1).max(200).optional().describe('Id of the click or message; repeating it is a no-op.'),
  })
  .strict();

const output = z.object({
  track: trackCard,
  rating: z.enum(['like', 'skip', 'dislike']),
  recorded: z.boolean().describe('false: the same rating was already stored.'),
  rewarded_strategy: z.string().optional().describe('The recommend strategy this rating rewarded (like) or penalised (skip/dislike), when recommend served the track.'),
});

/** Stores a rating. */
export const rateTrack = defineTool({
  name: 'rate_track',
  title: 'Rate a track',
  description:
    'Record that the person likes, skipped or dislikes a track. Liked tracks seed later recommendations; disliked ones are never recommended again; rated tracks are not repeated. The latest rating of a track counts.',
  input,
  output,
  writes: true,
  async execute(args, ctx) {
    const track = await trackArg(ctx, args.track, 'track');
    if (isRetry(track)) return track;
    const r = await ctx.ratings.rate({
      personId: ctx.personId,
      trackId: track.id,
      kind: args.rating,
      ...(args.interaction_id !== undefined ? { interactionId: args.interaction_id } : {}),
    });
    await ctx.recommendCache.invalidate(ctx.personId);
    // A rating of a track that recommend served feeds the strategy bandit: like = success, skip/dislike = failure.
    const reward = await ctx.experiments.reward({
      personId: ctx.personId,
      trackId: track.id,
      liked: args.rating === 'like',
      ...(args.interaction_id !== undefined ? { interactionId: args.interaction_id } : {}),
    });
    return ok({
      track: cardOut(track),
      rating: args.rating,
      recorded: r.recorded,
      ...(reward.counted && reward.strategy !== undefined ? { rewarded_strategy: reward.strategy } : {}),
    });
  },
});
