/** Runs a fitted model over the evaluated users of a split and measures its top-20 lists. */
import { RankingMetrics, type RankingReport } from '../recsys/metrics.ts';
import type { Recommender } from '../recsys/recommender.ts';
import type { ColdSplit, WarmSplit } from '../recsys/split.ts';

/** Cutoff of the protocol's lists. */
export const LIST_LENGTH = 20;

/** Task W: recommend for each evaluated user (never a training item) and score against the hidden items. */
export function evaluateWarm(model: Recommender, split: WarmSplit, candidateCount: number): RankingReport {
  const metrics = new RankingMetrics(candidateCount, split.train.itemIds.length, LIST_LENGTH);
  split.users.forEach((u, n) => {
    const ranked = model.recommend(u, LIST_LENGTH).map((r) => r.item);
    metrics.add(ranked, split.hidden[n]!);
  });
  return metrics.report();
}

/** Task C: recommend from each test user's seeds (never a seed) and score against the targets. */
export function evaluateCold(model: Recommender, split: ColdSplit, candidateCount: number): RankingReport {
  const metrics = new RankingMetrics(candidateCount, split.train.itemIds.length, LIST_LENGTH);
  split.users.forEach((_u, n) => {
    const ranked = model.recommendFromSeeds(Array.from(split.seeds[n]!), LIST_LENGTH).map((r) => r.item);
    metrics.add(ranked, split.targets[n]!);
  });
  return metrics.report();
}

/** Number of items that occur in a set of training pairs (the candidates). */
export function countCandidates(items: Int32Array, itemCount: number): number {
  const seen = new Uint8Array(itemCount);
  let n = 0;
  for (let k = 0; k < items.length; k++) {
    if (seen[items[k]!] === 0) {
      seen[items[k]!] = 1;
      n++;
    }
  }
  return n;
}
