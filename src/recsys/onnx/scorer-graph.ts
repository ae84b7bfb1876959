/**
 * Scoring people against the catalogue as an ONNX graph: scores = queries · itemFactorsᵀ (MatMul), then TopK. The
 * batch of queries and k are dynamic inputs, so one file serves any batch size; on a GPU host onnxruntime's CUDA
 * provider runs it. `scoreTopKJs` is the plain TypeScript reference that both must agree with.
 */
import { InvalidParamsError } from '../errors.ts';
import { topK } from '../top-k.ts';
import { OnnxDataType, type OnnxModel } from './onnx-model.ts';

/** Input: float32 [batch, dim] user (or seed-folded) vectors. */
export const SCORER_QUERIES = 'queries';
/** Input: int64 [1], how many items to return per row. */
export const SCORER_K = 'k';
/** Output: float32 [batch, k] scores, best first. */
export const SCORER_SCORES = 'top_scores';
/** Output: int64 [batch, k] item indices (rows of the factor matrix). */
export const SCORER_INDICES = 'top_indices';

/** The scorer graph with the item factors (row-major [items][dim]) stored transposed as an initializer. */
export function scorerToOnnx(itemFactors: Float32Array, items: number, dim: number, metadata: Readonly<Record<string, string>> = {}): OnnxModel {
  if (itemFactors.length !== items * dim || items < 1 || dim < 1) throw new InvalidParamsError(`item factors hold ${itemFactors.length} values, expected ${items} x ${dim}`);
  const transposed = new Float32Array(dim * items);
  for (let i = 0; i < items; i++) for (let d = 0; d < dim; d++) transposed[d * items + i] = itemFactors[i * dim + d]!;
  return {
    graphName: 'earworm_scorer',
    nodes: [
      { opType: 'MatMul', inputs: [SCORER_QUERIES, 'item_factors_t'], outputs: ['scores'], name: 'score' },
      {
        opType: 'TopK',
        inputs: ['scores', SCORER_K],
        outputs: [SCORER_SCORES, SCORER_INDICES],
        name: 'top_k',
        attributes: [
          { name: 'axis', kind: 'int', value: -1 },
          { name: 'largest', kind: 'int', value: 1 },
          { name: 'sorted', kind: 'int', value: 1 },
        ],
      },
    ],
    initializers: [{ name: 'item_factors_t', dims: [dim, items], dataType: OnnxDataType.FLOAT, data: transposed }],
    inputs: [
      { name: SCORER_QUERIES, elemType: OnnxDataType.FLOAT, shape: ['batch', dim] },
      { name: SCORER_K, elemType: OnnxDataType.INT64, shape: [1] },
    ],
    outputs: [
      { name: SCORER_SCORES, elemType: OnnxDataType.FLOAT, shape: ['batch', 'k'] },
      { name: SCORER_INDICES, elemType: OnnxDataType.INT64, shape: ['batch', 'k'] },
    ],
    metadata: { items: String(items), dim: String(dim), ...metadata },
  };
}

/** Top-k per query row, as flat [batch][k] arrays. */
export interface TopKBatch {
  readonly k: number;
  readonly scores: Float32Array;
  readonly indices: Int32Array;
}

/** The reference scorer in TypeScript: float32 dot products (as the graph computes them) and the project's topK. */
export function scoreTopKJs(queries: Float32Array, batch: number, itemFactors: Float32Array, items: number, dim: number, k: number): TopKBatch {
  if (queries.length !== batch * dim) throw new InvalidParamsError(`queries hold ${queries.length} values, expected ${batch} x ${dim}`);
  const kk = Math.min(k, items);
  const scores = new Float32Array(batch * kk);
  const indices = new Int32Array(batch * kk);
  const row = new Float32Array(items);
  for (let b = 0; b < batch; b++) {
    const q = queries.subarray(b * dim, (b + 1) * dim);
    for (let i = 0; i < items; i++) {
      let s = 0;
      const base = i * dim;
      for (let d = 0; d < dim; d++) s += q[d]! * itemFactors[base + d]!;
      row[i] = s;
    }
    const top = topK(row, kk);
    top.forEach((t, j) => {
      scores[b * kk + j] = t.score;
      indices[b * kk + j] = t.item;
    });
  }
  return { k: kk, scores, indices };
}
