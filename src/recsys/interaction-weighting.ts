/** How raw interaction weights (play counts, repeats) are turned into the values neighbour models use. */
import { InvalidParamsError } from './errors.ts';
import type { CsrMatrix } from './sparse-matrix.ts';

/** binary: every interaction counts 1; log: 1 + ln(weight); raw: the weight itself. */
export type InteractionWeighting = 'binary' | 'log' | 'raw';

/** Applies a weighting to every stored value. */
export function weighInteractions(m: CsrMatrix, weighting: InteractionWeighting): CsrMatrix {
  switch (weighting) {
    case 'binary':
      return m.mapValues(() => 1);
    case 'log':
      return m.mapValues((w) => 1 + Math.log(Math.max(1, w)));
    case 'raw':
      return m;
    default:
      throw new InvalidParamsError(`unknown weighting ${String(weighting)}`);
  }
}

/** Narrows an unknown value to an InteractionWeighting. */
export function isInteractionWeighting(v: unknown): v is InteractionWeighting {
  return v === 'binary' || v === 'log' || v === 'raw';
}
