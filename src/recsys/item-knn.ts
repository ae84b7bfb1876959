/** Item-item neighbours by cosine similarity over users (with shrinkage), the classic ItemKNN. */
import { InvalidParamsError, InvalidSnapshotError } from './errors.ts';
import { isInteractionWeighting, weighInteractions, type InteractionWeighting } from './interaction-weighting.ts';
import type { ModelSnapshot, SnapshotArray } from './model-snapshot.ts';
import { addNeighbourRow, topKProduct } from './neighbour-table.ts';
import { interactionsFromSnapshot, ScoringRecommender } from './scoring-recommender.ts';
import { arrayField, expectKind, numberParam, stringParam } from './snapshot-fields.ts';
import { CsrMatrix } from './sparse-matrix.ts';

/** ItemKNN hyperparameters. */
export interface ItemKnnParams {
  /** Neighbours kept per target item. */
  readonly neighbours: number;
  /** Shrinkage added to the cosine denominator; damps similarities resting on few co-occurrences. */
  readonly shrink: number;
  readonly weighting: InteractionWeighting;
}

/** Defaults for ItemKnnParams. */
export const DEFAULT_ITEM_KNN_PARAMS: ItemKnnParams = { neighbours: 100, shrink: 10, weighting: 'binary' };

/**
 * sim(i, j) = x_i·x_j / (|x_i||x_j| + shrink) over weighted user columns; each target item j keeps its
 * `neighbours` most similar items; score(u, j) = Σ over u's items i among j's neighbours of x_ui·sim(i, j).
 */
export class ItemKnnRecommender extends ScoringRecommender {
  readonly kind = 'itemknn';
  readonly params: ItemKnnParams;
  private weighted: CsrMatrix | undefined;
  private table: CsrMatrix | undefined;

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

  /** The scoring table: row i lists the items j that count i among their neighbours, with sim(i, j). */
  get neighbourTable(): CsrMatrix | undefined {
    return this.table;
  }

  protected userScores(user: number, out: Float32Array): void {
    const x = this.weighted!;
    out.fill(0);
    for (let p = x.indptr[user]!; p < x.indptr[user + 1]!; p++) addNeighbourRow(this.table!, x.indices[p]!, x.data[p]!, out);
  }

  protected seedScores(seeds: readonly number[], out: Float32Array): void {
    out.fill(0);
    for (const s of seeds) addNeighbourRow(this.table!, s, 1, out);
  }

  protected snapshotModel(): { params: ModelSnapshot['params']; arrays: Record<string, SnapshotArray> } {
    const t = this.table!;
    return {
      params: { ...this.params },
      arrays: { 'table.indptr': t.indptr, 'table.indices': t.indices, 'table.data': t.data },
    };
  }

  /** Rebuilds a fitted model from its snapshot. */
  static fromSnapshot(snapshot: ModelSnapshot): ItemKnnRecommender {
    expectKind(snapshot, 'itemknn');
    const weighting = stringParam(snapshot, 'weighting');
    if (!isInteractionWeighting(weighting)) throw new InvalidParamsError(`unknown weighting ${weighting}`);
    const model = new ItemKnnRecommender({
      neighbours: numberParam(snapshot, 'neighbours'),
      shrink: numberParam(snapshot, 'shrink'),
      weighting,
    });
    const m = interactionsFromSnapshot(snapshot);
    model.setInteractions(m);
    model.weighted = weighInteractions(m, weighting);
    model.table = tableFromSnapshot(snapshot, m.cols);
    return model;
  }
}

/** Reads an items × items table stored under table.* in a snapshot. */
export function tableFromSnapshot(snapshot: ModelSnapshot, items: number): CsrMatrix {
  const indptr = arrayField(snapshot, 'table.indptr', Int32Array, items + 1);
  const indices = arrayField(snapshot, 'table.indices', Int32Array);
  const data = arrayField(snapshot, 'table.data', Float32Array, indices.length);
  if (indptr[items] !== indices.length) throw new InvalidSnapshotError('neighbour table is inconsistent');
  for (let p = 0; p < indices.length; p++) {
    if (!(indices[p]! >= 0 && indices[p]! < items)) throw new InvalidSnapshotError('neighbour table index out of range');
  }
  return new CsrMatrix(items, items, indptr, indices, data);
}
