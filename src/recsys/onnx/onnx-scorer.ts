/** Runs the scorer graph (scorer-graph.ts) with onnxruntime on the configured provider. */
import { InvalidParamsError } from '../errors.ts';
import { SCORER_INDICES, SCORER_K, SCORER_QUERIES, SCORER_SCORES, type TopKBatch } from './scorer-graph.ts';
import { loadOrt, openOnnxBytes, openOnnxFile, type OnnxSession, type OpenSessionOptions } from './onnx-session.ts';

/** A loaded scorer: top-k items for a batch of query vectors. */
export class OnnxScorer {
  private constructor(
    private readonly s: OnnxSession,
    readonly items: number,
    readonly dim: number,
  ) {}

  /** The provider the graph really runs on. */
  get provider(): OnnxSession['provider'] {
    return this.s.provider;
  }

  /** Why the requested provider was not used, if it was not. */
  get fallbackReason(): string | undefined {
    return this.s.fallbackReason;
  }

  /** Opens a scorer from a file or from bytes; `items` and `dim` must match the graph's factor matrix. */
  static async open(source: string | Uint8Array, items: number, dim: number, options: OpenSessionOptions = {}): Promise<OnnxScorer> {
    const s = typeof source === 'string' ? await openOnnxFile(source, options) : await openOnnxBytes(source, 'scorer', options);
    return new OnnxScorer(s, items, dim);
  }

  /** The k best items for each of `batch` query rows (row-major [batch][dim]). */
  async topK(queries: Float32Array, batch: number, k: number): Promise<TopKBatch> {
    if (queries.length !== batch * this.dim || batch < 1) throw new InvalidParamsError(`queries hold ${queries.length} values, expected ${batch} x ${this.dim}`);
    if (!(Number.isInteger(k) && k >= 1)) throw new InvalidParamsError('k must be a positive integer');
    const kk = Math.min(k, this.items);
    const ort = await loadOrt();
    const out = await this.s.run({
      [SCORER_QUERIES]: new ort.Tensor('float32', queries, [batch, this.dim]),
      [SCORER_K]: new ort.Tensor('int64', BigInt64Array.from([BigInt(kk)]), [1]),
    });
    const scores = out[SCORER_SCORES]!.data as Float32Array;
    const idx = out[SCORER_INDICES]!.data as BigInt64Array;
    return { k: kk, scores, indices: Int32Array.from(idx, (v) => Number(v)) };
  }

  release(): Promise<void> {
    return this.s.release();
  }
}
