/** Content features of items, and labels of users that reach items only through training interactions. */

/** One categorical attribute: a value index per row (item or user), -1 when unknown. */
export interface CategoricalColumn {
  readonly name: string;
  readonly values: Int32Array;
  readonly cardinality: number;
}

/** Dense numeric features, row-major (rows × dims). */
interface NumericColumns {
  readonly names: readonly string[];
  readonly values: Float32Array;
}

/**
 * Side information of a dataset. Item columns are static attributes (artist, album, audio features). User columns
 * (a playlist's genre) describe users; models may use them only through training interactions (an item inherits the
 * labels of the training users who have it), never for a person being evaluated.
 */
export interface ItemSideInfo {
  readonly itemCategories: readonly CategoricalColumn[];
  readonly itemNumeric: NumericColumns | undefined;
  readonly userCategories: readonly CategoricalColumn[];
}
