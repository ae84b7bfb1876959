/**
 * Global item strengths from everyone's votes: the classic Bradley–Terry model P(i beats j) = π_i / (π_i + π_j),
 * fitted by Hunter's (2004) MM algorithm. Every item also plays one virtual win and one virtual loss against a
 * reference item of strength 1, a prior that keeps strengths finite for items that always win or always lose.
 */
import { InvalidParamsError, UnknownItemError } from '../errors.ts';
import { SameTrackPairError } from './preference-errors.ts';

/** One decided comparison between two item indices. */
interface ItemVote {
  readonly winner: number;
  readonly loser: number;
}

/** Fitting options; defaults in brackets. */
interface ItemStrengthOptions {
  /** Virtual wins and losses against the reference item [1]. */
  readonly pseudoCount?: number;
  readonly maxIterations?: number; // [200]
  readonly tolerance?: number; // [1e-9]
}

/** log π per item (0 for items with no votes: the reference strength), centred by the prior. */
export function fitItemStrengths(votes: readonly ItemVote[], itemCount: number, options: ItemStrengthOptions = {}): Float64Array {
  const prior = options.pseudoCount ?? 1;
  if (!(prior > 0)) throw new InvalidParamsError('pseudoCount must be > 0');
  const wins = new Float64Array(itemCount);
  const opponents: number[][] = Array.from({ length: itemCount }, () => []);
  for (const v of votes) {
    for (const i of [v.winner, v.loser]) if (!(Number.isInteger(i) && i >= 0 && i < itemCount)) throw new UnknownItemError(i);
    if (v.winner === v.loser) throw new SameTrackPairError(v.winner);
    wins[v.winner]! += 1;
    opponents[v.winner]!.push(v.loser);
    opponents[v.loser]!.push(v.winner);
  }
  let pi = new Float64Array(itemCount).fill(1);
  let next = new Float64Array(itemCount);
  const maxIt = options.maxIterations ?? 200;
  const tol = options.tolerance ?? 1e-9;
  for (let it = 0; it < maxIt; it++) {
    let change = 0;
    for (let i = 0; i < itemCount; i++) {
      const own = pi[i]!;
      // Virtual games against the reference item (strength 1): `prior` wins and `prior` losses.
      let denom = (2 * prior) / (own + 1);
      for (const j of opponents[i]!) denom += 1 / (own + pi[j]!);
      next[i] = (wins[i]! + prior) / denom;
      change = Math.max(change, Math.abs(Math.log(next[i]!) - Math.log(own)));
    }
    const t = pi;
    pi = next;
    next = t;
    if (change < tol) break;
  }
  const out = new Float64Array(itemCount);
  for (let i = 0; i < itemCount; i++) out[i] = Math.log(pi[i]!);
  return out;
}
