/**
 * The feature space of the preference model: per track, blocks such as the content vector, CF factors and genre and
 * mood probabilities, each column standardised and each block scaled to unit total variance, so that no block
 * dominates the utility just because it has more dimensions or larger numbers. Missing values (NaN) become the
 * column mean (0 after standardising), which is how a cold track with no CF factors still gets a vector.
 */
import { InvalidParamsError } from '../errors.ts';
import { UnknownTrackError } from './preference-errors.ts';

/** One block of raw features: `dim` columns per row, row-major, NaN where unknown. */
export interface FeatureBlock {
  readonly name: string;
  readonly dim: number;
  readonly values: Float32Array;
}

/** Where a block sits in the combined vector. */
interface BlockLayout {
  readonly name: string;
  readonly offset: number;
  readonly dim: number;
}

/** Standardised, block-scaled features of a set of tracks, addressable by row or by track id. */
export class PreferenceFeatures {
  private readonly rowOf: Map<number, number>;

  private constructor(
    /** Track id of each row. */
    readonly ids: Int32Array,
    readonly dim: number,
    /** rows × dim, row-major. */
    readonly values: Float32Array,
    readonly blocks: readonly BlockLayout[],
  ) {
    this.rowOf = new Map();
    ids.forEach((id, r) => this.rowOf.set(id, r));
  }

  /** Number of tracks. */
  get rows(): number {
    return this.ids.length;
  }

  /** Combines raw blocks for the tracks `ids` (rows of every block in the same order). */
  static build(ids: Int32Array, blocks: readonly FeatureBlock[]): PreferenceFeatures {
    const n = ids.length;
    if (blocks.length === 0) throw new InvalidParamsError('preference features need at least one block');
    if (new Set(ids).size !== n) throw new InvalidParamsError('track ids must be distinct');
    let dim = 0;
    const layout: BlockLayout[] = [];
    for (const b of blocks) {
      if (!(Number.isInteger(b.dim) && b.dim > 0)) throw new InvalidParamsError(`block ${b.name}: dim must be a positive integer`);
      if (b.values.length !== n * b.dim) throw new InvalidParamsError(`block ${b.name}: expected ${n * b.dim} values, got ${b.values.length}`);
      layout.push({ name: b.name, offset: dim, dim: b.dim });
      dim += b.dim;
    }
    const out = new Float32Array(n * dim);
    blocks.forEach((b, k) => {
      const offset = layout[k]!.offset;
      const scale = 1 / Math.sqrt(b.dim);
      for (let c = 0; c < b.dim; c++) {
        let count = 0;
        let sum = 0;
        let sq = 0;
        for (let r = 0; r < n; r++) {
          const v = b.values[r * b.dim + c]!;
          if (!Number.isFinite(v)) continue;
          count++;
          sum += v;
          sq += v * v;
        }
        const mean = count > 0 ? sum / count : 0;
        const variance = count > 0 ? sq / count - mean * mean : 0;
        const inv = variance > 1e-12 ? scale / Math.sqrt(variance) : 0;
        for (let r = 0; r < n; r++) {
          const v = b.values[r * b.dim + c]!;
          out[r * dim + offset + c] = Number.isFinite(v) ? (v - mean) * inv : 0;
        }
      }
    });
    return new PreferenceFeatures(ids, dim, out, layout);
  }

  /** Features that are already standardised (for tests and simulations): used as given. */
  static fromMatrix(ids: Int32Array, dim: number, values: Float32Array, blocks?: readonly BlockLayout[]): PreferenceFeatures {
    if (values.length !== ids.length * dim) throw new InvalidParamsError(`expected ${ids.length * dim} values, got ${values.length}`);
    return new PreferenceFeatures(ids, dim, values, blocks ?? [{ name: 'features', offset: 0, dim }]);
  }

  /** The row of a track id, or undefined when the track has no features. */
  indexOf(id: number): number | undefined {
    return this.rowOf.get(id);
  }

  /** Whether a track id has features. */
  has(id: number): boolean {
    return this.rowOf.has(id);
  }

  /** The feature vector of row r (a view, not a copy). */
  row(r: number): Float32Array {
    return this.values.subarray(r * this.dim, (r + 1) * this.dim);
  }

  /** The feature vector of a track id; throws UnknownTrackError when it has none. */
  vectorOf(id: number): Float32Array {
    const r = this.rowOf.get(id);
    if (r === undefined) throw new UnknownTrackError(id);
    return this.row(r);
  }
}
