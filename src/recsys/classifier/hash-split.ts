/** Stable train / validation / test assignment by the FNV-1a hash of a key, so a row keeps its side across runs. */
import { fnv1a32 } from '../fnv1a.ts';

/** Which side of the split a row falls on. */
export type SplitSide = 'train' | 'validation' | 'test';

/** Shares of the split, as whole percentages of the hash space. */
export interface HashSplitOptions {
  /** Percent of keys held out for testing [20]. */
  readonly testPercent?: number;
  /** Percent of keys used to pick the best epoch [10]. */
  readonly validationPercent?: number;
  /** Mixed into the hash so that different tasks can use independent splits [""]. */
  readonly salt?: string;
}

/** The side of one key: bucket = fnv1a32(salt + key) mod 100; the lowest buckets are test, then validation. */
export function hashSplitSide(key: string, options: HashSplitOptions = {}): SplitSide {
  const bucket = fnv1a32((options.salt ?? '') + key) % 100;
  const test = options.testPercent ?? 20;
  if (bucket < test) return 'test';
  if (bucket < test + (options.validationPercent ?? 10)) return 'validation';
  return 'train';
}

/** Row indices of each side for a list of keys. */
export function hashSplit(keys: readonly string[], options: HashSplitOptions = {}): Record<SplitSide, number[]> {
  const out: Record<SplitSide, number[]> = { train: [], validation: [], test: [] };
  keys.forEach((k, i) => out[hashSplitSide(k, options)].push(i));
  return out;
}
