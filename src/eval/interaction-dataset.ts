/** A dataset read in the formats of ../shared/EVAL.md: interactions plus optional item side information. */
import type { InteractionPairs } from '../recsys/interaction-pairs.ts';
import type { ItemSideInfo } from '../recsys/item-side-info.ts';

/** One evaluation dataset; item indices follow first appearance among kept rows (the tie rule). */
export interface InteractionDataset extends InteractionPairs {
  readonly name: string;
  readonly side?: ItemSideInfo;
}

/** Collects rows in file order, assigning dense indices by first appearance and summing duplicate pairs. */
export class InteractionCollector {
  readonly userIds: string[] = [];
  readonly itemIds: string[] = [];
  private readonly userIndex = new Map<string, number>();
  private readonly itemIndex = new Map<string, number>();
  private readonly pairIndex = new Map<number, number>();
  private users: number[] = [];
  private items: number[] = [];
  private weights: number[] = [];

  /** Adds one row; returns the dense (user, item) indices. */
  add(userId: string, itemId: string, weight: number): { user: number; item: number } {
    let u = this.userIndex.get(userId);
    if (u === undefined) {
      u = this.userIds.length;
      this.userIds.push(userId);
      this.userIndex.set(userId, u);
    }
    let i = this.itemIndex.get(itemId);
    if (i === undefined) {
      i = this.itemIds.length;
      this.itemIds.push(itemId);
      this.itemIndex.set(itemId, i);
    }
    const key = u * 4194304 + i;
    const at = this.pairIndex.get(key);
    if (at === undefined) {
      this.pairIndex.set(key, this.users.length);
      this.users.push(u);
      this.items.push(i);
      this.weights.push(weight);
    } else {
      this.weights[at]! += weight;
    }
    return { user: u, item: i };
  }

  /** The item index of an id, if seen. */
  itemOf(itemId: string): number | undefined {
    return this.itemIndex.get(itemId);
  }

  /** The collected pairs. */
  pairs(): InteractionPairs {
    return {
      userIds: this.userIds,
      itemIds: this.itemIds,
      users: Int32Array.from(this.users),
      items: Int32Array.from(this.items),
      weights: Float32Array.from(this.weights),
    };
  }
}
