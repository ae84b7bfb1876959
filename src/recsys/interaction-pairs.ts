/** Distinct (user, item, weight) interactions with the original ids, the input of splits and models. */
import { CsrMatrix } from './sparse-matrix.ts';

/**
 * Interactions as parallel arrays over dense indices. `itemIds` is in order of first appearance in the source,
 * so a lower item index wins ties. Pairs are distinct; weights are summed over duplicates.
 */
export interface InteractionPairs {
  readonly userIds: readonly string[];
  readonly itemIds: readonly string[];
  readonly users: Int32Array;
  readonly items: Int32Array;
  readonly weights: Float32Array;
}

/** The users × items matrix of a set of pairs (all users and items of the id spaces, empty rows included). */
export function pairsToMatrix(pairs: InteractionPairs): CsrMatrix {
  return CsrMatrix.fromTriples(pairs.userIds.length, pairs.itemIds.length, pairs.users, pairs.items, pairs.weights);
}

/** The subset of pairs where keep[k] is true, over the same id spaces. */
export function selectPairs(pairs: InteractionPairs, keep: Uint8Array): InteractionPairs {
  let n = 0;
  for (let k = 0; k < keep.length; k++) if (keep[k] !== 0) n++;
  const users = new Int32Array(n);
  const items = new Int32Array(n);
  const weights = new Float32Array(n);
  let m = 0;
  for (let k = 0; k < keep.length; k++) {
    if (keep[k] === 0) continue;
    users[m] = pairs.users[k]!;
    items[m] = pairs.items[k]!;
    weights[m++] = pairs.weights[k]!;
  }
  return { userIds: pairs.userIds, itemIds: pairs.itemIds, users, items, weights };
}
