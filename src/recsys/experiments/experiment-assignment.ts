/**
 * A/B experiment assignment by hashing: a person's variant is a pure function of (experiment, person), so it is
 * stable across processes and restarts with nothing stored, and independent between experiments.
 */
import { InvalidParamsError } from '../errors.ts';
import { fnv1a32 } from '../fnv1a.ts';

/** One variant and its share of traffic (weights are relative). */
interface Variant {
  readonly name: string;
  readonly weight: number;
}

/** The variant of `personId` in `experiment`: FNV-1a of "experiment|person" mapped onto the cumulative weights. */
export function assignVariant(experiment: string, personId: string | number, variants: readonly Variant[]): string {
  if (variants.length === 0) throw new InvalidParamsError('an experiment needs at least one variant');
  let total = 0;
  for (const v of variants) {
    if (!(Number.isFinite(v.weight) && v.weight >= 0)) throw new InvalidParamsError(`variant ${v.name}: weight must be >= 0`);
    total += v.weight;
  }
  if (!(total > 0)) throw new InvalidParamsError('variant weights must not all be 0');
  // The hash is mixed once more (xorshift-multiply) so neighbouring ids do not land in neighbouring buckets.
  let h = fnv1a32(`${experiment}|${personId}`);
  h = Math.imul(h ^ (h >>> 16), 0x45d9f3b) >>> 0;
  h = (h ^ (h >>> 16)) >>> 0;
  const point = (h / 4294967296) * total;
  let acc = 0;
  for (const v of variants) {
    acc += v.weight;
    if (point < acc) return v.name;
  }
  return variants[variants.length - 1]!.name;
}
