/** Item-item neighbours by cosine similarity over users (with shrinkage), the classic ItemKNN. */
import { InvalidParamsError } from './errors.ts';
import { isInteractionWeighting, weighInteractions, type InteractionWeighting } from './interaction-weighting.ts';
import type { ModelSnapshot } from './model-snapshot.ts';
import { topKProduct } from './neighbour-table.ts';
import { NeighbourTableRecommender, weightingParam } from './neighbour-table-recommender.ts';
import { expectKind, numberParam } from './snapshot-fields.ts';
import type { CsrMatrix } from './sparse-matrix.ts';

/** ItemKNN hyperparameters. */
interface ItemKnnParams {
  /** Neighbours kept per target item. */
  readonly neighbours: number;
  /** Shrinkage added to the cosine denominator; damps similarities resting on few co-occurrences. */
  readonly shrink: number;
  readonly weighting: InteractionWeighting;
}

/** Defaults for ItemKnnParams. */
const DEFAULT_ITEM_KNN_PARAMS: ItemKnnParams = { neighbours: 100, shrink: 10, weighting: 'binary' };

/**
 * sim(i, j) = x_i·x_j / (|x_i||x_j| + shrink) over weighted user columns; each target item j keeps its
 * `neighbours` most similar items; score(u, j) = Σ over u's items i among j's neighbours of x_ui·sim(i, j).
 */
export class ItemKnnRecommender extends NeighbourTableRecommender {
  readonly kind = 'itemknn';
  readonly params: ItemKnnParams;

  constructor(params: Partial<ItemKnnParams> = {}) {
    super();
    this.params = { ...DEFAULT_ITEM_KNN_PARAMS, ...params };
    const p = this.params;
    if (!(Number.isInteger(p.neighbours) && p.neighbours > 0)) throw new InvalidParamsError('neighbours must be a positive integer');
    if (!(p.shrink >= 0)) throw new InvalidParamsError('shrink must be >= 0');
    if (!isInteractionWeighting(p.weighting)) throw new InvalidParamsError('unknown weighting');
  }

  protected fitModel(interactions: CsrMatrix): void {
    const x = weighInteractions(interactions, this.params.weighting);
    const xt = x.transpose();
    const norms = new Float64Array(xt.rows);
    for (let i = 0; i < xt.rows; i++) {
      let s = 0;
      for (let p = xt.indptr[i]!; p < xt.indptr[i + 1]!; p++) s += xt.data[p]! * xt.data[p]!;
      norms[i] = Math.sqrt(s);
    }
    const shrink = this.params.shrink;
    const byTarget = topKProduct(xt, x, this.params.neighbours, (i, j, v) => v / (norms[i]! * norms[j]! + shrink + 1e-12));
    this.weighted = x;
    this.table = byTarget.transpose();
  }

  /** Rebuilds a fitted model from its snapshot. */
  static fromSnapshot(snapshot: ModelSnapshot): ItemKnnRecommender {
    expectKind(snapshot, 'itemknn');
    return new ItemKnnRecommender({
      neighbours: numberParam(snapshot, 'neighbours'),
      shrink: numberParam(snapshot, 'shrink'),
      weighting: weightingParam(snapshot),
    }).restoreFrom(snapshot);
  }
}
