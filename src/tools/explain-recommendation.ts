/** explain_recommendation: why a track is (or is not) recommended to the person for some seeds. */
import { z } from 'zod';
import type { TrackCard } from '../serving/ports/catalog.ts';
import { personalisation } from './personalisation.ts';
import { cardOut, explanationOut, trackCard, trackRef } from './schemas.ts';
import { defineTool, ok } from './tool.ts';
import { isRetry, trackArg } from './track-args.ts';

const input = z
  .object({
    track: trackRef.describe('The recommended track to explain (id or text).'),
    seeds: z.array(trackRef).max(10).optional().describe("The seeds the recommendation came from; default: the person's likes."),
  })
  .strict();

const output = z.object({
  track: trackCard,
  recommended: z.boolean(),
  rank: z.number().int().optional(),
  why: explanationOut.optional(),
  reason: z.string().optional().describe('Why it is not recommended, when it is not.'),
});

/** Explains one recommendation with the signals that put it there. */
export const explainRecommendation = defineTool({
  name: 'explain_recommendation',
  title: 'Explain a recommendation',
  description:
    "Explain why a track is recommended to the person: its rank and each signal's contribution (listeners with similar taste, tracks played together, popularity, the person's A/B votes), or why it is not recommended.",
  input,
  output,
  writes: false,
  async execute(args, ctx) {
    const track = await trackArg(ctx, args.track, 'track');
    if (isRetry(track)) return track;
    const seeds: TrackCard[] = [];
    for (const [i, ref] of (args.seeds ?? []).entries()) {
      const s = await trackArg(ctx, ref, `seeds[${i}]`);
      if (isRetry(s)) return s;
      seeds.push(s);
    }
    const p = await personalisation(ctx);
    const outcome = await ctx.recommender.explain(
      {
        seeds: args.seeds === undefined ? p.seeds.slice(0, 10) : seeds.map((s) => s.id),
        k: 10,
        disliked: p.disliked,
        known: p.known,
        ...(p.preference !== undefined ? { preference: p.preference } : {}),
      },
      track.id,
    );
    if (!outcome.found) return ok({ track: cardOut(track), recommended: false, reason: outcome.reason });
    const r = outcome.recommendation;
    return ok({ track: cardOut(track), recommended: true, rank: outcome.rank, why: { sentence: r.sentence, signals: r.signals.map((s) => ({ ...s })) } });
  },
});
