/**
 * get_experiment_stats: how the recommend strategies are doing — per bandit arm the likes, skips, like rate and a
 * 95 % Wilson interval, a two-proportion test of the best arm against the rest pooled, and the hashed A/B split
 * between the bandit and the hybrid-only control.
 */
import { z } from 'zod';
import { twoProportionTest, wilsonInterval, type ArmCounts } from '../recsys/experiments/experiment-analytics.ts';
import { STRATEGIES } from '../recsys/experiments/thompson-bandit.ts';
import { BANDIT_SCOPE, scopeOf, STRATEGY_EXPERIMENT, STRATEGY_VARIANTS, type ArmEvidence } from '../serving/ports/experiments.ts';
import { defineTool, ok } from './tool.ts';

const input = z.object({}).strict();

const interval = z.object({ low: z.number(), high: z.number() });

const line = z.object({
  successes: z.number().int().describe('Likes.'),
  failures: z.number().int().describe('Skips and dislikes.'),
  trials: z.number().int(),
  rate: z.number().describe('Like rate (0 when there is no feedback yet).'),
  interval_95: interval.describe('95 % Wilson score interval of the like rate.'),
});

const output = z.object({
  arms: z.array(line.extend({ arm: z.string(), available: z.boolean().describe('Whether the bandit can pick it now (content needs a content model).') })),
  best_vs_rest: z
    .object({
      best: z.string(),
      difference: z.number().describe("Best arm's like rate minus the pooled rate of the others."),
      p_value: z.number(),
      significant: z.boolean().describe('Two-sided pooled two-proportion z-test at the 5 % level.'),
    })
    .optional()
    .describe('Absent until two arms have feedback.'),
  experiment: z.object({
    name: z.string(),
    your_variant: z.string(),
    variants: z.array(line.extend({ variant: z.string(), share: z.number() })),
  }),
  by_context: z
    .array(
      z.object({
        context: z.string().describe('a=activity or mood asked for | t=time of day (UTC) | d=weekday/weekend | p=platform'),
        arms: z.array(line.extend({ arm: z.string(), posterior_mean: z.number().describe('Like rate the contextual bandit believes, backing off to the activity and global evidence.') })),
      }),
    )
    .describe('The contextual bandit: arm performance per context that has feedback, with 95 % intervals.'),
});

const LEVEL = 0.95;

function summary(successes: number, failures: number): z.output<typeof line> {
  const trials = successes + failures;
  return { successes, failures, trials, rate: trials > 0 ? successes / trials : 0, interval_95: wilsonInterval(successes, trials, LEVEL) };
}

const total = (arms: readonly ArmEvidence[]) => arms.reduce((a, r) => ({ s: a.s + r.successes, f: a.f + r.failures }), { s: 0, f: 0 });

/** The get_experiment_stats tool. */
export const getExperimentStats = defineTool({
  name: 'get_experiment_stats',
  title: 'Recommendation experiment statistics',
  description:
    'Report how the recommendation strategies (cf, content, hybrid, explore) perform: for each, likes, skips, like rate with a 95 % interval, a significance test of the best strategy against the rest, the A/B split between the bandit and the hybrid-only control (with the variant of the person asking), and per context (time of day, weekday/weekend, activity or mood, platform) how each strategy does. Call it when someone asks how recommendations or experiments are doing.',
  input,
  output,
  writes: false,
  async execute(_args, ctx) {
    const stored = await ctx.experiments.arms(BANDIT_SCOPE);
    const available = new Set<string>(ctx.recommender.strategies);
    const byArm = new Map(stored.map((a) => [a.arm, a]));
    const arms = STRATEGIES.map((arm) => ({ arm, available: available.has(arm), ...summary(byArm.get(arm)?.successes ?? 0, byArm.get(arm)?.failures ?? 0) }));
    const withData = arms.filter((a) => a.trials > 0);
    let bestVsRest: z.output<typeof output>['best_vs_rest'];
    if (withData.length >= 2) {
      const best = withData.reduce((b, a) => (a.rate > b.rate ? a : b));
      const rest = withData.filter((a) => a !== best);
      const restCounts: ArmCounts = { name: 'rest', successes: rest.reduce((s, a) => s + a.successes, 0), trials: rest.reduce((s, a) => s + a.trials, 0) };
      const test = twoProportionTest(restCounts, { name: best.arm, successes: best.successes, trials: best.trials }, 1 - LEVEL);
      bestVsRest = { best: best.arm, difference: test.difference, p_value: test.pValue, significant: test.significant };
    }
    const weightSum = STRATEGY_VARIANTS.reduce((s, v) => s + v.weight, 0);
    const variants = [];
    for (const v of STRATEGY_VARIANTS) {
      const t = total(v.name === 'bandit' ? stored : await ctx.experiments.arms(scopeOf(v.name)));
      variants.push({ variant: v.name, share: v.weight / weightSum, ...summary(t.s, t.f) });
    }
    const byContext = (await ctx.experiments.contextArms()).map((c) => ({
      context: c.context,
      arms: c.arms.map((a) => ({ arm: a.arm, posterior_mean: a.posteriorMean, ...summary(a.successes, a.failures) })),
    }));
    return ok({
      arms,
      ...(bestVsRest !== undefined ? { best_vs_rest: bestVsRest } : {}),
      experiment: { name: STRATEGY_EXPERIMENT, your_variant: ctx.experiments.variantOf(ctx.personId), variants },
      by_context: byContext,
    });
  },
});
