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
