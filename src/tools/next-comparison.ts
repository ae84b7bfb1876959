/** next_comparison: the next A/B pair that teaches Earworm the most about the person's taste. */
import { z } from 'zod';
import { personalisation } from './personalisation.ts';
import { cardOut, trackCard } from './schemas.ts';
import { defineTool, ok } from './tool.ts';

const input = z.object({}).strict();

const output = z.object({
  comparison_id: z.number().int(),
  a: trackCard,
  b: trackCard,
  strategy: z.enum(['informative', 'random']),
  probability_a: z.number().describe("The model's current guess that the person prefers a."),
  how_to_answer: z.string(),
});

/** Chooses and stores the person's next comparison. */
export const nextComparison = defineTool({
  name: 'next_comparison',
  title: 'Next A/B comparison',
  description:
    'Get the next pair of tracks to ask the person about ("which of these two fits you better?"). Show both, then call record_preference with the comparison_id and their choice. Pairs are never repeated.',
  input,
  output,
  writes: true,
  async execute(_args, ctx) {
    const p = await personalisation(ctx);
    const plausible = await ctx.recommender.recommend({ seeds: [...new Set([...p.seeds.slice(0, 10), ...p.statedSeeds])], k: 200, disliked: p.disliked });
    const offer = await ctx.preferences.nextComparison(
      ctx.personId,
      plausible.items.map((r) => r.trackId),
    );
    const cards = await ctx.catalog.describe([offer.a, offer.b]);
    const a = cards.get(offer.a);
    const b = cards.get(offer.b);
    if (a === undefined || b === undefined) throw new Error(`comparison ${offer.comparisonId} names a track that is not in the catalogue`);
    return ok({
      comparison_id: offer.comparisonId,
      a: cardOut(a),
      b: cardOut(b),
      strategy: offer.strategy,
      probability_a: offer.probabilityA,
      how_to_answer: `Ask which fits better, then call record_preference with comparison_id ${offer.comparisonId} and choice "a", "b", "both", "neither" or "skip".`,
    });
  },
});
