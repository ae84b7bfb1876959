/** record_preference: the person's answer to an A/B comparison, once per interaction id. */
import { z } from 'zod';
import { UnknownComparisonIdError } from '../serving/ports/preference-store.ts';
import { rowId } from './schemas.ts';
import { defineTool, ok, retry } from './tool.ts';

const input = z
  .object({
    comparison_id: rowId.describe('From next_comparison.'),
    choice: z
      .enum(['a', 'b', 'skip', 'both', 'neither'])
      .describe('"a" or "b": the track the person prefers; "both": both fit equally; "neither": neither fits; "skip": no answer. Every answer but a skip teaches the taste model: "both" and "neither" say both tracks fit, or neither does.'),
    interaction_id: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe("Id of the click or message that carried the answer; repeating it is a no-op. Ids are the caller's own: another person's ids never clash. Default: one answer per comparison."),
  })
  .strict();

const output = z.object({
  recorded: z.boolean().describe('false: this answer was already stored (nothing changed).'),
  choice: z.enum(['a', 'b', 'skip', 'both', 'neither']).describe('The stored choice.'),
  votes: z.number().int().describe('Votes in the taste model.'),
  confidence: z.number().describe('Taste-model confidence, 0..1.'),
});

/** Records a vote and updates the taste model. */
export const recordPreference = defineTool({
  name: 'record_preference',
  title: 'Record an A/B answer',
  description:
    "Record which track of a comparison the person prefers. Idempotent: the same interaction_id (or, without one, the same comparison) is stored once. The person's taste model updates at once, and later recommendations use it.",
  input,
  output,
  writes: true,
  async execute(args, ctx) {
    try {
      const r = await ctx.preferences.vote({
        personId: ctx.personId,
        comparisonId: args.comparison_id,
        choice: args.choice,
        interactionId: args.interaction_id ?? `comparison:${ctx.personId}:${args.comparison_id}`,
      });
      await ctx.recommendCache.invalidate(ctx.personId);
      return ok({ recorded: r.recorded, choice: r.choice, votes: r.votes, confidence: r.confidence });
    } catch (err) {
      if (err instanceof UnknownComparisonIdError) {
        return retry('unknown_comparison', `comparison_id ${args.comparison_id} is not a comparison of this person. Call next_comparison for a new pair and use its comparison_id.`);
      }
      throw err;
    }
  },
});
