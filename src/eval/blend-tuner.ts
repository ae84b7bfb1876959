/**
 * Chooses the weights of a blend on validation data: every component's standardised scores (and reciprocal ranks)
 * are computed once per validation person over a candidate pool (the union of each component's top items), then
 * weights are found by coordinate ascent on mean ndcg@20 over those pools. With several validation folds (splits
 * carved from the training data with different seeds), the objective is the mean over folds of each fold's mean,
 * so that one small split's noise does not decide the blend.
 */
import { rrfValue, type WeightedFusion } from '../recsys/ranking/fusion.ts';
import { featureCount, fitLearnedFusion, PER_COMPONENT_FEATURES, writeFeatures, type LearnedFusion, type LearnedFusionCase } from '../recsys/ranking/learned-fusion.ts';
import { standardisation } from '../recsys/score-normalisation.ts';
import type { ScoringRecommender } from '../recsys/scoring-recommender.ts';
import type { CsrMatrix } from '../recsys/sparse-matrix.ts';
import type { ColdSplit, WarmSplit } from '../recsys/split.ts';
import { topK } from '../recsys/top-k.ts';
import { LIST_LENGTH } from './evaluate-split.ts';

/** A validation split of either task. */
export type ValidationSplit = { readonly task: 'W'; readonly split: WarmSplit } | { readonly task: 'C'; readonly split: ColdSplit };

/** Weights chosen for each component, with the validation ndcg@20 they reach. */
interface BlendChoice {
  readonly weights: number[];
  readonly ndcg: number;
}

interface Pool {
  readonly items: Int32Array;
  /** components × items, z-scores. */
  readonly z: Float32Array;
  /** components × items, reciprocal-rank values (fusion.ts). */
  readonly rrf: Float32Array;
  /** components × items, 1-based rank in the component's top poolSize (0: not there). */
  readonly ranks: Int32Array;
  /** Per item: ln(1 + training interactions), standardised over the items in training. */
  readonly popularity: Float32Array;
  /** ln(history length) in task W, ln(seed count) in task C. */
  readonly logProfile: number;
  readonly relevant: Uint8Array;
  readonly idcg: number;
}

/** Weight values tried for each component. */
const BLEND_WEIGHTS = [0, 0.1, 0.25, 0.5, 1, 2, 4] as const;

/** One validation fold: its split, its training matrix, and the components fitted on that matrix (same order in every fold). */
export interface BlendFold {
  readonly components: readonly ScoringRecommender[];
  readonly train: CsrMatrix;
  readonly val: ValidationSplit;
}

/** Tunes blend weights (z-score fusion) for components already fitted on the validation training matrix `train`. */
export function tuneBlend(components: readonly ScoringRecommender[], train: CsrMatrix, val: ValidationSplit, poolSize = 150): BlendChoice {
  return tuneBlendPools({ components: components.length, poolSize, folds: [buildPools(components, train, val, poolSize)] }, 'z');
}

/** Per-fold candidate pools, computed once and reused for every fusion method. */
interface FoldPools {
  readonly components: number;
  /** Candidates taken from each component per person (the depth of the rank features). */
  readonly poolSize: number;
  readonly folds: readonly (readonly Pool[])[];
}

/** Builds the candidate pools of every fold (the expensive part: every component scores every validation person). */
export function buildFoldPools(folds: readonly BlendFold[], poolSize = 150): FoldPools {
  if (folds.length === 0) throw new Error('blend tuning needs at least one validation fold');
  const c = folds[0]!.components.length;
  if (!folds.every((f) => f.components.length === c)) throw new Error('every fold must have the same components');
  return { components: c, poolSize, folds: folds.map((f) => buildPools(f.components, f.train, f.val, poolSize)) };
}

/** Each component alone, by the mean over folds of validation ndcg@20. */
export function singleScores(pools: FoldPools, fusion: WeightedFusion = 'z'): number[] {
  const c = pools.components;
  return Array.from({ length: c }, (_v, k) => foldMean(pools, Array.from({ length: c }, (_w, j) => (j === k ? 1 : 0)), fusion));
}

/** Tunes blend weights for one fusion method by the mean over folds of each fold's validation ndcg@20. */
export function tuneBlendPools(pools: FoldPools, fusion: WeightedFusion): BlendChoice {
  const c = pools.components;
  const score = (w: readonly number[]) => foldMean(pools, w, fusion);
  let weights = new Array<number>(c).fill(0);
  let best = -1;
  for (let k = 0; k < c; k++) {
    const w = new Array<number>(c).fill(0);
    w[k] = 1;
    const s = score(w);
    if (s > best + 1e-12) {
      best = s;
      weights = w;
    }
  }
  for (let pass = 0; pass < 3; pass++) {
    let improved = false;
    for (let k = 0; k < c; k++) {
      for (const v of BLEND_WEIGHTS) {
        if (v === weights[k]) continue;
        const w = weights.slice();
        w[k] = v;
        if (!w.some((x) => x > 0)) continue;
        const s = score(w);
        if (s > best + 1e-9) {
          best = s;
          weights = w;
          improved = true;
        }
      }
    }
    if (!improved) break;
  }
  return { weights, ndcg: best };
}

function foldMean(pools: FoldPools, weights: readonly number[], fusion: WeightedFusion): number {
  let sum = 0;
  for (const p of pools.folds) sum += meanNdcg(p, weights, fusion);
  return pools.folds.length > 0 ? sum / pools.folds.length : 0;
}

function buildPools(components: readonly ScoringRecommender[], train: CsrMatrix, val: ValidationSplit, poolSize: number): Pool[] {
  const n = train.cols;
  const mask = new Uint8Array(n);
  const counts = new Float32Array(n);
  for (let p = 0; p < train.nnz; p++) {
    mask[train.indices[p]!] = 1;
    counts[train.indices[p]!]! += 1;
  }
  const popularity = standardisedLogPopularity(counts, mask);
  const c = components.length;
  const full = components.map(() => new Float32Array(n));
  const pools: Pool[] = [];
  const cases = val.task === 'W' ? val.split.users.length : val.split.users.length;
  const inPool = new Uint8Array(n);
  for (let q = 0; q < cases; q++) {
    const blocked = new Uint8Array(n);
    for (let i = 0; i < n; i++) blocked[i] = mask[i] === 1 ? 0 : 1;
    let hidden: Int32Array;
    let seeds: number[] = [];
    let profile: number;
    if (val.task === 'W') {
      const u = val.split.users[q]!;
      for (let p = train.indptr[u]!; p < train.indptr[u + 1]!; p++) blocked[train.indices[p]!] = 1;
      hidden = val.split.hidden[q]!;
      profile = train.rowLength(u);
    } else {
      seeds = Array.from(val.split.seeds[q]!);
      for (const s of seeds) blocked[s] = 1;
      hidden = val.split.targets[q]!;
      profile = seeds.length;
    }
    const members: number[] = [];
    components.forEach((m, k) => {
      const buf = full[k]!;
      if (val.task === 'W') m.scoreUser(val.split.users[q]!, buf);
      else m.scoreSeeds(seeds, buf);
      const { mean, inv } = standardisation(buf, mask);
      for (let i = 0; i < n; i++) buf[i] = (buf[i]! - mean) * inv;
      for (const r of topK(buf, poolSize, blocked)) {
        if (inPool[r.item] === 0) {
          inPool[r.item] = 1;
          members.push(r.item);
        }
      }
    });
    members.sort((a, b) => a - b);
    const items = Int32Array.from(members);
    const z = new Float32Array(c * items.length);
    for (let k = 0; k < c; k++) for (let t = 0; t < items.length; t++) z[k * items.length + t] = full[k]![items[t]!]!;
    const slot = new Map<number, number>();
    items.forEach((it, t) => slot.set(it, t));
    const rrf = new Float32Array(c * items.length);
    const ranks = new Int32Array(c * items.length);
    for (let k = 0; k < c; k++) {
      topK(full[k]!, poolSize, blocked).forEach((r, rank) => {
        const at = k * items.length + slot.get(r.item)!;
        rrf[at] = rrfValue(rank + 1);
        ranks[at] = rank + 1;
      });
    }
    const hiddenSet = new Set(hidden);
    const relevant = new Uint8Array(items.length);
    items.forEach((it, t) => {
      relevant[t] = hiddenSet.has(it) ? 1 : 0;
      inPool[it] = 0;
    });
    let idcg = 0;
    for (let r = 1; r <= Math.min(LIST_LENGTH, hiddenSet.size); r++) idcg += 1 / Math.log2(r + 1);
    pools.push({ items, z, rrf, ranks, popularity: Float32Array.from(items, (it) => popularity[it]!), logProfile: Math.log(Math.max(1, profile)), relevant, idcg });
  }
  return pools;
}

function meanNdcg(pools: readonly Pool[], weights: readonly number[], fusion: WeightedFusion): number {
  const c = weights.length;
  let sum = 0;
  for (const pool of pools) {
    const m = pool.items.length;
    const values = fusion === 'z' ? pool.z : pool.rrf;
    const blended = new Float32Array(m);
    for (let k = 0; k < c; k++) {
      const w = weights[k]!;
      if (w === 0) continue;
      const o = k * m;
      for (let t = 0; t < m; t++) blended[t]! += w * values[o + t]!;
    }
    let dcg = 0;
    topK(blended, LIST_LENGTH).forEach((r, rank) => {
      if (pool.relevant[r.item] === 1) dcg += 1 / Math.log2(rank + 2);
    });
    sum += pool.idcg > 0 ? dcg / pool.idcg : 0;
  }
  return pools.length > 0 ? sum / pools.length : 0;
}

/** ln(1 + count) standardised over the masked items (the popularity feature of learned fusion). */
function standardisedLogPopularity(counts: Float32Array, mask: Uint8Array): Float32Array {
  const out = new Float32Array(counts.length);
  for (let i = 0; i < counts.length; i++) out[i] = Math.log1p(counts[i]!);
  const { mean, inv } = standardisation(out, mask);
  for (let i = 0; i < out.length; i++) out[i] = (out[i]! - mean) * inv;
  return out;
}

/** At most this many validation people train one learned fusion (every k-th person beyond that), to bound the fit. */
const MAX_LEARNED_CASES = 2500;

/** A learned fusion and its validation ndcg@20, measured on people it was not fitted on. */
interface LearnedChoice {
  readonly model: LearnedFusion;
  /** Mean over folds of the cross-fitted ndcg@20 (fitted on the other folds, or the other half of one fold). */
  readonly ndcg: number;
}

/**
 * Fits learned fusion on the validation pools, starting from the linear z-blend `start` weights. Its validation
 * score is cross-fitted: with several folds each fold is scored by a model fitted on the others; with one fold,
 * each half of its people by a model fitted on the other half. The returned model is fitted on every fold.
 */
export function crossFitLearned(pools: FoldPools, start: readonly number[], l2 = 0.01): LearnedChoice {
  const dim = featureCount(pools.components);
  const init = new Float64Array(dim);
  start.forEach((w, k) => (init[k * PER_COMPONENT_FEATURES] = w));
  const cases = pools.folds.map((f) => f.map((p) => learnedCase(p, pools.components, pools.poolSize)));
  const fit = (train: readonly LearnedFusionCase[]) => fitLearnedFusion(capped(train), pools.components, pools.poolSize, { l2, start: init });
  let sum = 0;
  let parts = 0;
  if (pools.folds.length > 1) {
    pools.folds.forEach((f, k) => {
      const model = fit(cases.filter((_c, j) => j !== k).flat());
      sum += learnedNdcg(f, cases[k]!, model);
      parts++;
    });
  } else {
    const f = pools.folds[0]!;
    const c = cases[0]!;
    for (const parity of [0, 1]) {
      const model = fit(c.filter((_x, q) => q % 2 !== parity));
      sum += learnedNdcg(f.filter((_p, q) => q % 2 === parity), c.filter((_x, q) => q % 2 === parity), model);
      parts++;
    }
  }
  return { model: fit(cases.flat()), ndcg: parts > 0 ? sum / parts : 0 };
}

/** A learned fusion's mean over folds of validation ndcg@20 on these pools (in-sample when fitted on them). */
export function learnedFoldMean(pools: FoldPools, model: LearnedFusion): number {
  let sum = 0;
  for (const f of pools.folds) sum += learnedNdcg(f, f.map((p) => learnedCase(p, pools.components, pools.poolSize)), model);
  return pools.folds.length > 0 ? sum / pools.folds.length : 0;
}

function capped<T>(cases: readonly T[]): readonly T[] {
  if (cases.length <= MAX_LEARNED_CASES) return cases;
  const step = cases.length / MAX_LEARNED_CASES;
  return Array.from({ length: MAX_LEARNED_CASES }, (_v, j) => cases[Math.floor(j * step)]!);
}

function learnedCase(pool: Pool, components: number, depth: number): LearnedFusionCase {
  const m = pool.items.length;
  const dim = featureCount(components);
  const features = new Float32Array(m * dim);
  const z = new Float64Array(components);
  const rank = new Int32Array(components);
  for (let t = 0; t < m; t++) {
    for (let k = 0; k < components; k++) {
      z[k] = pool.z[k * m + t]!;
      rank[k] = pool.ranks[k * m + t]!;
    }
    writeFeatures(z, rank, depth, pool.popularity[t]!, pool.logProfile, features, t * dim);
  }
  return { features, relevant: pool.relevant };
}

function learnedNdcg(pools: readonly Pool[], cases: readonly LearnedFusionCase[], model: LearnedFusion): number {
  const dim = model.weights.length;
  let sum = 0;
  pools.forEach((pool, q) => {
    const f = cases[q]!.features;
    const scores = Float32Array.from({ length: pool.items.length }, (_v, t) => model.score(f, t * dim));
    let dcg = 0;
    topK(scores, LIST_LENGTH).forEach((r, rank) => {
      if (pool.relevant[r.item] === 1) dcg += 1 / Math.log2(rank + 2);
    });
    sum += pool.idcg > 0 ? dcg / pool.idcg : 0;
  });
  return pools.length > 0 ? sum / pools.length : 0;
}
