/**
 * The taste feature blocks of the Bradley–Terry model, one recipe for the served model and the real-listener
 * benchmark: collaborative factors (a track's own, or its artist's), a tag/label embedding, the content vector, audio
 * fields, classifier probabilities and log popularity. Unknown rows are NaN, which PreferenceFeatures.build turns
 * into the column mean, so a cold track still gets a vector. Blocks are named so a stored model knows its space.
 */
import { InvalidParamsError } from '../errors.ts';
import type { FeatureBlock } from './preference-features.ts';

/** A dense block of `dim` columns per row, row-major; NaN where unknown. */
interface DenseInput {
  readonly dim: number;
  readonly values: Float32Array;
  /** Rows whose values are real (default: every row whose first value is finite). */
  readonly known?: (row: number) => boolean;
}

/** Named columns, row-major; NaN where unknown. */
interface NamedInput {
  readonly names: readonly string[];
  readonly values: Float32Array;
}

/** What is known about the rows; every part is optional. */
export interface TasteInputs {
  /** Collaborative-filtering item factors (or the item's artist's). */
  readonly cf?: DenseInput;
  /** Tag / label embedding. */
  readonly tags?: DenseInput;
  /** Content vector (audio + genre embedding). */
  readonly content?: DenseInput;
  /** Audio fields (energy, valence, ...). */
  readonly audio?: NamedInput;
  /** Classifier probabilities (genre, mood). */
  readonly labels?: NamedInput;
  /** Interaction counts; the block is log(1 + count). */
  readonly popularity?: Float32Array;
}

/** The feature blocks over `rows` rows, in a fixed order: cf, tags, content, audio, labels, popularity. */
export function tasteFeatureBlocks(rows: number, inputs: TasteInputs): FeatureBlock[] {
  const blocks: FeatureBlock[] = [];
  const dense = (name: string, d: DenseInput | undefined) => {
    if (d === undefined || d.dim === 0) return;
    if (d.values.length !== rows * d.dim) throw new InvalidParamsError(`${name}: expected ${rows * d.dim} values, got ${d.values.length}`);
    const values = Float32Array.from(d.values);
    if (d.known !== undefined) for (let r = 0; r < rows; r++) if (!d.known(r)) values.fill(Number.NaN, r * d.dim, (r + 1) * d.dim);
    blocks.push({ name, dim: d.dim, values });
  };
  const named = (name: string, d: NamedInput | undefined) => {
    if (d === undefined || d.names.length === 0) return;
    if (d.values.length !== rows * d.names.length) throw new InvalidParamsError(`${name}: expected ${rows * d.names.length} values, got ${d.values.length}`);
    blocks.push({ name, dim: d.names.length, values: Float32Array.from(d.values) });
  };
  dense('cf', inputs.cf);
  dense('tags', inputs.tags);
  dense('content', inputs.content);
  named('audio', inputs.audio);
  named('labels', inputs.labels);
  if (inputs.popularity !== undefined) {
    if (inputs.popularity.length !== rows) throw new InvalidParamsError(`popularity: expected ${rows} values, got ${inputs.popularity.length}`);
    blocks.push({ name: 'popularity', dim: 1, values: Float32Array.from(inputs.popularity, (c) => Math.log1p(Math.max(0, c))) });
  }
  if (blocks.length === 0) throw new InvalidParamsError('taste features need at least one block');
  return blocks;
}

/**
 * CF factors with an artist back-off: a row without interactions (count 0) takes the mean factors of its artist's
 * rows that have some; `known` is false only where neither the row nor its artist (artistOf −1: unknown) has any.
 */
export function artistBackoffFactors(items: Float32Array, dim: number, counts: Float32Array, artistOf: Int32Array): { values: Float32Array; known: (i: number) => boolean } {
  const n = counts.length;
  const sums = new Map<number, { v: Float64Array; n: number }>();
  for (let i = 0; i < n; i++) {
    const a = artistOf[i]!;
    if (a < 0 || !(counts[i]! > 0)) continue;
    let s = sums.get(a);
    if (s === undefined) sums.set(a, (s = { v: new Float64Array(dim), n: 0 }));
    for (let k = 0; k < dim; k++) s.v[k]! += items[i * dim + k]!;
    s.n++;
  }
  const values = Float32Array.from(items);
  const known = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    if (counts[i]! > 0) {
      known[i] = 1;
      continue;
    }
    const s = sums.get(artistOf[i]!);
    if (s === undefined) continue;
    for (let k = 0; k < dim; k++) values[i * dim + k] = s.v[k]! / s.n;
    known[i] = 1;
  }
  return { values, known: (i) => known[i] === 1 };
}
