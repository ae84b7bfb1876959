/** The in-memory form of a trained model: what a model file stores and what restores a model. */

/** The typed arrays a model file can hold. */
export type SnapshotArray = Float32Array | Float64Array | Int32Array;

/** JSON-safe values for a snapshot's parameters. */
export type SnapshotValue = string | number | boolean | null | readonly SnapshotValue[] | { readonly [key: string]: SnapshotValue };

/** A trained model as data: its kind, its parameters (JSON) and its numeric tables (factors, neighbours, interactions). */
export interface ModelSnapshot {
  readonly kind: string;
  readonly params: { readonly [key: string]: SnapshotValue };
  readonly arrays: Readonly<Record<string, SnapshotArray>>;
}
