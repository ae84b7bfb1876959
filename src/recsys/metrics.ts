/** Ranking metrics of ../shared/EVAL.md: recall@K, ndcg@K, hr@10 per user, coverage@K over all lists. */

/** Mean metrics over evaluated users. */
export interface RankingReport {
  readonly users: number;
  readonly recall: number;
  readonly ndcg: number;
  readonly hr10: number;
  readonly coverage: number;
}

/** Accumulates per-user metrics at cutoff k; hidden items that are not candidates stay in the denominators. */
export class RankingMetrics {
  private n = 0;
  private recallSum = 0;
  private ndcgSum = 0;
  private hrSum = 0;
  private readonly recommended: Uint8Array;
  private readonly discount: Float64Array;

  constructor(
    private readonly candidateCount: number,
    itemCount: number,
    private readonly k = 20,
  ) {
    this.recommended = new Uint8Array(itemCount);
    this.discount = new Float64Array(k + 1);
    for (let r = 1; r <= k; r++) this.discount[r] = 1 / Math.log2(r + 1);
  }

  /** Adds one user's ranked list (best first) against their hidden items. */
  add(ranked: ArrayLike<number>, hidden: ArrayLike<number>): void {
    const set = new Set<number>();
    for (let q = 0; q < hidden.length; q++) set.add(hidden[q]!);
    const top = Math.min(this.k, ranked.length);
    let hits = 0;
    let dcg = 0;
    let hit10 = 0;
    for (let r = 0; r < top; r++) {
      const item = ranked[r]!;
      this.recommended[item] = 1;
      if (set.has(item)) {
        hits++;
        dcg += this.discount[r + 1]!;
        if (r < 10) hit10 = 1;
      }
    }
    const ideal = Math.min(this.k, set.size);
    let idcg = 0;
    for (let r = 1; r <= ideal; r++) idcg += this.discount[r]!;
    this.n++;
    this.recallSum += ideal > 0 ? hits / ideal : 0;
    this.ndcgSum += idcg > 0 ? dcg / idcg : 0;
    this.hrSum += hit10;
  }

  /** Means over the users added so far. */
  report(): RankingReport {
    let covered = 0;
    for (let i = 0; i < this.recommended.length; i++) covered += this.recommended[i]!;
    const n = Math.max(1, this.n);
    return {
      users: this.n,
      recall: this.recallSum / n,
      ndcg: this.ndcgSum / n,
      hr10: this.hrSum / n,
      coverage: this.candidateCount > 0 ? covered / this.candidateCount : 0,
    };
  }
}
