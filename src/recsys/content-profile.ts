/**
 * Content-based scores from item side information: shared artist / album / year with the person's items, genre
 * labels that items inherit from the training playlists containing them, and closeness in audio features.
 */
import { InvalidParamsError, InvalidSnapshotError } from './errors.ts';
import type { CategoricalColumn, ItemSideInfo } from './item-side-info.ts';
import type { ModelSnapshot, SnapshotArray } from './model-snapshot.ts';
import { interactionsFromSnapshot, ScoringRecommender } from './scoring-recommender.ts';
import { arrayField, expectKind, numberParam } from './snapshot-fields.ts';
import type { CsrMatrix } from './sparse-matrix.ts';

/** Weights of the content signals; a weight of 0 turns a signal off. */
interface ContentParams {
  /** Per static item column (e.g. artist, album): score += w · share of the person's items with the same value. */
  readonly categoryWeights: Readonly<Record<string, number>>;
  /** Per user-label column (e.g. genre): score += w · (item's label mix · person's label mix). */
  readonly labelWeights: Readonly<Record<string, number>>;
  /** score -= w · mean squared distance of standardised numeric features from the person's centroid. */
  readonly numericWeight: number;
}

interface LabelMix {
  readonly name: string;
  readonly cardinality: number;
  /** items × cardinality, each trained item's row sums to 1. */
  readonly mix: Float32Array;
}

/** Scores items by content similarity to a person's items or seeds. */
export class ContentProfileRecommender extends ScoringRecommender {
  readonly kind = 'content-profile';
  private labelMixes: LabelMix[] = [];
  private categoryShare = new Float64Array(0);

  constructor(
    private readonly side: ItemSideInfo,
    readonly params: ContentParams,
  ) {
    super();
    const all = [...Object.values(params.categoryWeights), ...Object.values(params.labelWeights), params.numericWeight];
    if (!all.every((w) => Number.isFinite(w) && w >= 0)) throw new InvalidParamsError('content weights must be finite and >= 0');
    for (const name of Object.keys(params.categoryWeights)) {
      if (!side.itemCategories.some((c) => c.name === name)) throw new InvalidParamsError(`no item column ${name}`);
    }
    for (const name of Object.keys(params.labelWeights)) {
      if (!side.userCategories.some((c) => c.name === name)) throw new InvalidParamsError(`no user column ${name}`);
    }
    const maxCard = Math.max(1, ...side.itemCategories.map((c) => c.cardinality));
    this.categoryShare = new Float64Array(maxCard);
  }

  protected fitModel(interactions: CsrMatrix): void {
    this.labelMixes = this.side.userCategories
      .filter((c) => (this.params.labelWeights[c.name] ?? 0) > 0)
      .map((c) => labelMix(c, interactions));
  }

  protected userScores(user: number, out: Float32Array): void {
    const m = this.interactions;
    this.profileScores(Array.from(m.indices.subarray(m.indptr[user]!, m.indptr[user + 1]!)), out);
  }

  protected seedScores(seeds: readonly number[], out: Float32Array): void {
    this.profileScores(seeds, out);
  }

  private profileScores(items: readonly number[], out: Float32Array): void {
    const n = this.itemCount;
    const share = 1 / items.length;
    out.fill(0);
    for (const col of this.side.itemCategories) {
      const w = this.params.categoryWeights[col.name] ?? 0;
      if (w === 0) continue;
      const v = col.values;
      for (const i of items) if (v[i]! >= 0) this.categoryShare[v[i]!]! += share;
      for (let j = 0; j < n; j++) {
        const c = v[j]!;
        if (c >= 0) out[j]! += w * this.categoryShare[c]!;
      }
      for (const i of items) if (v[i]! >= 0) this.categoryShare[v[i]!] = 0;
    }
    for (const lm of this.labelMixes) {
      const w = this.params.labelWeights[lm.name] ?? 0;
      const card = lm.cardinality;
      const profile = new Float64Array(card);
      for (const i of items) for (let l = 0; l < card; l++) profile[l]! += share * lm.mix[i * card + l]!;
      for (let j = 0; j < n; j++) {
        let s = 0;
        const o = j * card;
        for (let l = 0; l < card; l++) s += lm.mix[o + l]! * profile[l]!;
        out[j]! += w * s;
      }
    }
    const numeric = this.side.itemNumeric;
    if (numeric !== undefined && this.params.numericWeight > 0) {
      const d = numeric.names.length;
      const f = numeric.values;
      const centroid = new Float64Array(d);
      for (const i of items) for (let t = 0; t < d; t++) centroid[t]! += share * f[i * d + t]!;
      const w = this.params.numericWeight / d;
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let t = 0; t < d; t++) {
          const diff = f[j * d + t]! - centroid[t]!;
          s += diff * diff;
        }
        out[j]! -= w * s;
      }
    }
  }

  protected snapshotModel(): { params: ModelSnapshot['params']; arrays: Record<string, SnapshotArray> } {
    const arrays: Record<string, SnapshotArray> = {};
    for (const c of this.side.itemCategories) arrays[`item.${c.name}`] = c.values;
    for (const c of this.side.userCategories) arrays[`user.${c.name}`] = c.values;
    if (this.side.itemNumeric !== undefined) arrays['numeric'] = this.side.itemNumeric.values;
    return {
      params: {
        categoryWeights: { ...this.params.categoryWeights },
        labelWeights: { ...this.params.labelWeights },
        numericWeight: this.params.numericWeight,
        itemColumns: this.side.itemCategories.map((c) => ({ name: c.name, cardinality: c.cardinality })),
        userColumns: this.side.userCategories.map((c) => ({ name: c.name, cardinality: c.cardinality })),
        numericNames: this.side.itemNumeric?.names ?? [],
      },
      arrays,
    };
  }

  /** Rebuilds a fitted model from its snapshot. */
  static fromSnapshot(snapshot: ModelSnapshot): ContentProfileRecommender {
    expectKind(snapshot, 'content-profile');
    const m = interactionsFromSnapshot(snapshot);
    const columns = (key: string, prefix: string, rows: number): CategoricalColumn[] => {
      const list = snapshot.params[key];
      if (!Array.isArray(list)) throw new InvalidSnapshotError(`content: ${key} missing`);
      return list.map((entry: unknown) => {
        const e = entry as { name?: unknown; cardinality?: unknown };
        if (typeof e.name !== 'string' || typeof e.cardinality !== 'number') throw new InvalidSnapshotError(`content: bad ${key}`);
        return { name: e.name, cardinality: e.cardinality, values: arrayField(snapshot, `${prefix}.${e.name}`, Int32Array, rows) };
      });
    };
    const names = snapshot.params['numericNames'];
    if (!Array.isArray(names) || !names.every((s) => typeof s === 'string')) throw new InvalidSnapshotError('content: numericNames missing');
    const side: ItemSideInfo = {
      itemCategories: columns('itemColumns', 'item', m.cols),
      userCategories: columns('userColumns', 'user', m.rows),
      itemNumeric: names.length === 0 ? undefined : { names: names as string[], values: arrayField(snapshot, 'numeric', Float32Array, m.cols * names.length) },
    };
    const weights = (key: string): Record<string, number> => {
      const v = snapshot.params[key];
      if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new InvalidSnapshotError(`content: ${key} missing`);
      return Object.fromEntries(Object.entries(v).map(([k, w]) => [k, Number(w)]));
    };
    const model = new ContentProfileRecommender(side, {
      categoryWeights: weights('categoryWeights'),
      labelWeights: weights('labelWeights'),
      numericWeight: numberParam(snapshot, 'numericWeight'),
    });
    model.fit(m);
    return model;
  }
}

/** Each item's mix of the labels of the training users who have it (rows sum to 1; zero for untrained items). */
function labelMix(col: CategoricalColumn, interactions: CsrMatrix): LabelMix {
  const card = col.cardinality;
  const mix = new Float32Array(interactions.cols * card);
  for (let u = 0; u < interactions.rows; u++) {
    const l = col.values[u] ?? -1;
    if (l < 0) continue;
    for (let p = interactions.indptr[u]!; p < interactions.indptr[u + 1]!; p++) mix[interactions.indices[p]! * card + l]! += 1;
  }
  for (let i = 0; i < interactions.cols; i++) {
    let s = 0;
    for (let l = 0; l < card; l++) s += mix[i * card + l]!;
    if (s > 0) for (let l = 0; l < card; l++) mix[i * card + l]! /= s;
  }
  return { name: col.name, cardinality: card, mix };
}
