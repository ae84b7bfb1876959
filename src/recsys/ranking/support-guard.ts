/** The low-support guard of neighbour components (issue 18 item 4). */
import type { ItemScorer } from '../recommender.ts';

/**
 * A neighbour component's scores times n / (n + shrink), n the item's training occurrences, so that items seen in
 * one or two playlists cannot dominate because they sit beside a seed there.
 */
export class SupportShrunkScorer implements ItemScorer {
  private readonly factor: Float32Array;
  constructor(
    private readonly inner: ItemScorer,
    popularity: Float32Array,
    readonly shrink: number,
  ) {
    this.factor = Float32Array.from(popularity, (n) => (n > 0 ? n / (n + shrink) : 0));
  }
  get itemCount(): number {
    return this.inner.itemCount;
  }
  scoreUser(user: number, out: Float32Array): void {
    this.inner.scoreUser(user, out);
    this.apply(out);
  }
  scoreSeeds(seeds: readonly number[], out: Float32Array): void {
    this.inner.scoreSeeds(seeds, out);
    this.apply(out);
  }
  private apply(out: Float32Array): void {
    const f = this.factor;
    for (let i = 0; i < out.length; i++) if (out[i]! > 0) out[i]! *= f[i]!;
  }
}

/** Components whose scores come from co-occurrence neighbours (the low-support guard applies to them). */
export const NEIGHBOUR_COMPONENT_KINDS: ReadonlySet<string> = new Set(['rp3beta', 'itemknn']);
