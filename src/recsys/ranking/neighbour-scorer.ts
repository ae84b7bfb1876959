/**
 * Turns a nearest-neighbour search (the content ANN index) into an ItemScorer, so content candidates join the
 * ranker like any other component: an item's score is its summed similarity to the person's items or seeds over
 * the neighbour lists, and items in no list get the lowest listed score (they are not candidates from this source).
 */
import type { ItemScorer } from '../recommender.ts';
import type { ScoredItem } from '../top-k.ts';

/** The k nearest items to one item (item indices, similarity as score). */
type NeighbourSearch = (item: number, k: number) => readonly ScoredItem[];

/** An ItemScorer over neighbour lists. */
export class NeighbourScorer implements ItemScorer {
  constructor(
    readonly itemCount: number,
    private readonly search: NeighbourSearch,
    /** A known user's items (e.g. their history), whose neighbours are summed. */
    private readonly itemsOf: (user: number) => readonly number[],
    /** Neighbours fetched per item [50]. */
    private readonly perItem = 50,
  ) {}

  scoreUser(user: number, out: Float32Array): void {
    this.scoreSeeds(this.itemsOf(user), out);
  }

  scoreSeeds(seeds: readonly number[], out: Float32Array): void {
    out.fill(0);
    const hit = new Uint8Array(this.itemCount);
    let floor = Infinity;
    for (const s of seeds) {
      for (const n of this.search(s, this.perItem)) {
        out[n.item]! += n.score;
        hit[n.item] = 1;
      }
    }
    for (let i = 0; i < this.itemCount; i++) if (hit[i] === 1) floor = Math.min(floor, out[i]!);
    if (!Number.isFinite(floor)) return;
    for (let i = 0; i < this.itemCount; i++) if (hit[i] === 0) out[i] = floor;
  }
}
