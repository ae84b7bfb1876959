/** The train/test splits of ../shared/EVAL.md: task W (warm users) and task C (cold users from seeds). */
import { fnv1a32 } from './fnv1a.ts';
import { selectPairs, type InteractionPairs } from './interaction-pairs.ts';

/** Task W: a hashed fifth of each user's items hidden. */
export interface WarmSplit {
  readonly train: InteractionPairs;
  /** Evaluated users: at least one training and one hidden item. */
  readonly users: Int32Array;
  /** Hidden items of each evaluated user (parallel to users). */
  readonly hidden: readonly Int32Array[];
}

/** Task C: hashed users removed from training, each with 5 seeds and the rest as targets. */
export interface ColdSplit {
  readonly train: InteractionPairs;
  readonly users: Int32Array;
  readonly seeds: readonly Int32Array[];
  readonly targets: readonly Int32Array[];
}

/** (u, i) is a test item iff fnv1a(seed|u|i) % 5 == 0; users lacking a training or a test item are not evaluated. */
export function splitWarm(pairs: InteractionPairs, seed: number): WarmSplit {
  const n = pairs.users.length;
  const keep = new Uint8Array(n);
  const trainCount = new Int32Array(pairs.userIds.length);
  const hiddenByUser = new Map<number, number[]>();
  for (let k = 0; k < n; k++) {
    const u = pairs.users[k]!;
    const i = pairs.items[k]!;
    if (fnv1a32(`${seed}|${pairs.userIds[u]!}|${pairs.itemIds[i]!}`) % 5 === 0) {
      let list = hiddenByUser.get(u);
      if (list === undefined) hiddenByUser.set(u, (list = []));
      list.push(i);
    } else {
      keep[k] = 1;
      trainCount[u]!++;
    }
  }
  const users = [...hiddenByUser.keys()].filter((u) => trainCount[u]! > 0).sort((a, b) => a - b);
  return {
    train: selectPairs(pairs, keep),
    users: Int32Array.from(users),
    hidden: users.map((u) => Int32Array.from(hiddenByUser.get(u)!)),
  };
}

/**
 * A user with >= 10 distinct items is a test user iff fnv1a(seed|user|u) % 10 == 0; their 5 items with the
 * smallest fnv1a(seed|seed|u|i) are seeds (ties: lower item index), the others targets.
 */
export function splitCold(pairs: InteractionPairs, seed: number): ColdSplit {
  const n = pairs.users.length;
  const itemsOf = new Map<number, number[]>();
  for (let k = 0; k < n; k++) {
    const u = pairs.users[k]!;
    let list = itemsOf.get(u);
    if (list === undefined) itemsOf.set(u, (list = []));
    list.push(pairs.items[k]!);
  }
  const isTest = new Uint8Array(pairs.userIds.length);
  const users: number[] = [];
  for (const [u, items] of itemsOf) {
    if (items.length >= 10 && fnv1a32(`${seed}|user|${pairs.userIds[u]!}`) % 10 === 0) {
      isTest[u] = 1;
      users.push(u);
    }
  }
  users.sort((a, b) => a - b);
  const seeds: Int32Array[] = [];
  const targets: Int32Array[] = [];
  for (const u of users) {
    const items = itemsOf.get(u)!;
    const ranked = items
      .map((i) => ({ i, h: fnv1a32(`${seed}|seed|${pairs.userIds[u]!}|${pairs.itemIds[i]!}`) }))
      .sort((a, b) => a.h - b.h || a.i - b.i);
    seeds.push(Int32Array.from(ranked.slice(0, 5).map((r) => r.i)));
    targets.push(Int32Array.from(ranked.slice(5).map((r) => r.i)));
  }
  const keep = new Uint8Array(n);
  for (let k = 0; k < n; k++) keep[k] = isTest[pairs.users[k]!] === 1 ? 0 : 1;
  return { train: selectPairs(pairs, keep), users: Int32Array.from(users), seeds, targets };
}
