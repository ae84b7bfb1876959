/** RP3beta: item-item weights from 3-step random walks on the user-item graph, with popularity damping. */
import { InvalidParamsError } from './errors.ts';
import { isInteractionWeighting, weighInteractions, type InteractionWeighting } from './interaction-weighting.ts';
import type { ModelSnapshot } from './model-snapshot.ts';
import { topKProduct } from './neighbour-table.ts';
import { NeighbourTableRecommender, weightingParam } from './neighbour-table-recommender.ts';
import { expectKind, numberParam } from './snapshot-fields.ts';
import { CsrMatrix } from './sparse-matrix.ts';

/** RP3beta hyperparameters (Paudel et al. 2017). */
interface Rp3betaParams {
  /** Exponent on transition probabilities; below 1 flattens them. */
  readonly alpha: number;
  /** Popularity penalty: the weight into item j is divided by deg(j)^beta. */
  readonly beta: number;
  /** Neighbours kept per source item. */
  readonly neighbours: number;
  readonly weighting: InteractionWeighting;
}

/** Defaults for Rp3betaParams. */
const DEFAULT_RP3BETA_PARAMS: Rp3betaParams = { alpha: 0.6, beta: 0.2, neighbours: 200, weighting: 'binary' };

/**
 * W(i, j) = Σ_u P(i→u)^alpha · P(u→j)^alpha / deg(j)^beta, with P(i→u) = 1/deg(i) and P(u→j) = x_uj / Σ x_u;
 * each source item i keeps its `neighbours` largest weights; score(u, j) = Σ over u's items i of x_ui·W(i, j).
 */
export class Rp3betaRecommender extends NeighbourTableRecommender {
  readonly kind = 'rp3beta';
  readonly params: Rp3betaParams;

  constructor(params: Partial<Rp3betaParams> = {}) {
    super();
    this.params = { ...DEFAULT_RP3BETA_PARAMS, ...params };
    const p = this.params;
    if (!(p.alpha > 0)) throw new InvalidParamsError('alpha must be > 0');
    if (!(p.beta >= 0)) throw new InvalidParamsError('beta must be >= 0');
    if (!(Number.isInteger(p.neighbours) && p.neighbours > 0)) throw new InvalidParamsError('neighbours must be a positive integer');
    if (!isInteractionWeighting(p.weighting)) throw new InvalidParamsError('unknown weighting');
  }

  protected fitModel(interactions: CsrMatrix): void {
    const { alpha, beta } = this.params;
    const x = weighInteractions(interactions, this.params.weighting);
    // P(u -> j): row-normalised weights, raised to alpha.
    const pui = new Float32Array(x.nnz);
    for (let u = 0; u < x.rows; u++) {
      let s = 0;
      for (let p = x.indptr[u]!; p < x.indptr[u + 1]!; p++) s += x.data[p]!;
      for (let p = x.indptr[u]!; p < x.indptr[u + 1]!; p++) pui[p] = Math.pow(x.data[p]! / s, alpha);
    }
    const forward = new CsrMatrix(x.rows, x.cols, x.indptr, x.indices, pui);
    // P(i -> u): uniform over the item's users, raised to alpha.
    const xt = x.transpose();
    const piu = new Float32Array(xt.nnz);
    const degPenalty = new Float64Array(xt.rows);
    for (let i = 0; i < xt.rows; i++) {
      const deg = xt.rowLength(i);
      degPenalty[i] = deg > 0 ? Math.pow(deg, -beta) : 0;
      const v = deg > 0 ? Math.pow(1 / deg, alpha) : 0;
      for (let p = xt.indptr[i]!; p < xt.indptr[i + 1]!; p++) piu[p] = v;
    }
    const backward = new CsrMatrix(xt.rows, xt.cols, xt.indptr, xt.indices, piu);
    this.table = topKProduct(backward, forward, this.params.neighbours, (_i, j, v) => v * degPenalty[j]!);
    this.weighted = x;
  }

  /** Rebuilds a fitted model from its snapshot. */
  static fromSnapshot(snapshot: ModelSnapshot): Rp3betaRecommender {
    expectKind(snapshot, 'rp3beta');
    return new Rp3betaRecommender({
      alpha: numberParam(snapshot, 'alpha'),
      beta: numberParam(snapshot, 'beta'),
      neighbours: numberParam(snapshot, 'neighbours'),
      weighting: weightingParam(snapshot),
    }).restoreFrom(snapshot);
  }
}
