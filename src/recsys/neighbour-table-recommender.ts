/**
 * The shared half of the item-item models (ItemKNN, RP3beta): an items × items neighbour table, scores as
 * weighted sums of the person's items' rows, and the table's place in a model file. Subclasses only build the table.
 */
import { InvalidParamsError, InvalidSnapshotError } from './errors.ts';
import { isInteractionWeighting, weighInteractions, type InteractionWeighting } from './interaction-weighting.ts';
import type { ModelSnapshot, SnapshotArray } from './model-snapshot.ts';
import { addNeighbourRow } from './neighbour-table.ts';
import { interactionsFromSnapshot, ScoringRecommender } from './scoring-recommender.ts';
import { arrayField, stringParam } from './snapshot-fields.ts';
import { CsrMatrix } from './sparse-matrix.ts';

/** An item-item model: score(u, j) = Σ over u's items i of x_ui · table(i, j). */
export abstract class NeighbourTableRecommender extends ScoringRecommender {
  /** Hyperparameters, written to the model file as they are. */
  abstract readonly params: { readonly weighting: InteractionWeighting };
  /** The weighted training interactions the scores sum over. */
  protected weighted: CsrMatrix | undefined;
  /** Row i lists the items j that i contributes to, with their weight. */
  protected table: CsrMatrix | undefined;

  /** The scoring table: row i lists the items j that count i among their neighbours, with its weight. */
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
      params: { ...(this.params as unknown as ModelSnapshot['params']) },
      arrays: { 'table.indptr': t.indptr, 'table.indices': t.indices, 'table.data': t.data },
    };
  }

  /** Restores interactions and the table from a snapshot into this (unfitted) model. */
  protected restoreFrom(snapshot: ModelSnapshot): this {
    const m = interactionsFromSnapshot(snapshot);
    this.setInteractions(m);
    this.weighted = weighInteractions(m, this.params.weighting);
    this.table = tableFromSnapshot(snapshot, m.cols);
    return this;
  }
}

/** The interaction weighting a snapshot names, checked. */
export function weightingParam(snapshot: ModelSnapshot): InteractionWeighting {
  const weighting = stringParam(snapshot, 'weighting');
  if (!isInteractionWeighting(weighting)) throw new InvalidParamsError(`unknown weighting ${weighting}`);
  return weighting;
}

/** Reads an items × items table stored under table.* in a snapshot. */
function tableFromSnapshot(snapshot: ModelSnapshot, items: number): CsrMatrix {
  const indptr = arrayField(snapshot, 'table.indptr', Int32Array, items + 1);
  const indices = arrayField(snapshot, 'table.indices', Int32Array);
  const data = arrayField(snapshot, 'table.data', Float32Array, indices.length);
  if (indptr[items] !== indices.length) throw new InvalidSnapshotError('neighbour table is inconsistent');
  for (let p = 0; p < indices.length; p++) {
    if (!(indices[p]! >= 0 && indices[p]! < items)) throw new InvalidSnapshotError('neighbour table index out of range');
  }
  return new CsrMatrix(items, items, indptr, indices, data);
}
