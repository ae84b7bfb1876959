/**
 * The ranking stage: candidates from every component (ALS fold-in, item-item, content ANN, popularity: each an
 * ItemScorer over item indices), hard constraints as a mask, a blend of the components' standardised scores with
 * fitted weights, the person's Bradley–Terry utility re-ranking with a weight that grows with its confidence,
 * diversity by MMR, and an explanation on every result. Disliked, already-known and excluded items are never returned.
 */
import { InvalidParamsError, UnknownItemError } from '../errors.ts';
import { standardisation } from '../score-normalisation.ts';
import type { ItemScorer } from '../recommender.ts';
import { topK } from '../top-k.ts';
import { applyConstraints, type ConstraintCatalog, type RankingConstraints } from './constraints.ts';
import { explanationSentence, type Explanation, type SignalContribution } from './explanation.ts';
import { addFused, rrfValue, type Fusion } from './fusion.ts';
import { featureCount, writeFeatures, type LearnedFusion } from './learned-fusion.ts';
import { maximalMarginalRelevance, type ItemSimilarity } from './mmr.ts';
import { RANKING_DEFAULTS } from './ranking-params.ts';

/** One blended component and its weight (weights are fitted on validation data). */
export interface RankingComponent {
  readonly name: string;
  readonly scorer: ItemScorer;
  readonly weight: number;
}

/** The person's Bradley–Terry utility, as the ranker sees it. */
export interface PreferenceSignal {
  /** Posterior mean utility of an item index (NaN when the item has no preference features). */
  utility(item: number): number;
  /** 0..1, from the posterior. */
  readonly confidence: number;
}

/** Ranker settings; defaults in brackets. */
interface RankerOptions {
  /** Candidates taken from each component [RANKING_DEFAULTS]. */
  readonly poolPerComponent?: number;
  /** MMR trade-off: 1 = no diversification [RANKING_DEFAULTS]. */
  readonly lambda?: number;
  /** Weight of the preference utility at full confidence; the weight used is this × confidence [1]. */
  readonly preferenceWeight?: number;
  /** Item similarity for MMR (omitted: no diversification). */
  readonly similarity?: ItemSimilarity;
  /** Items that may be recommended at all (e.g. those the models were trained on); omitted: every item. */
  readonly recommendable?: Uint8Array;
  /** How component scores are combined (fusion.ts) [RANKING_DEFAULTS]. */
  readonly fusion?: Fusion;
  /** The fitted model of the `learned` fusion (one feature block per component, in order); its depth is the pool depth. */
  readonly learned?: LearnedFusion;
  /** Training interactions per item: the popularity feature of the `learned` fusion. */
  readonly popularity?: Float32Array;
}

/** One ranking request: a known user or seed items, plus what the person ruled out. */
interface RankingRequest {
  readonly user?: number;
  readonly seeds?: readonly number[];
  readonly k: number;
  readonly constraints?: RankingConstraints;
  /** Items the person disliked: never returned. */
  readonly disliked?: readonly number[];
  /** Items the person already knows (history, seeds, earlier suggestions): never returned. */
  readonly known?: readonly number[];
  /** Seeds may be returned (they were picked for the person, e.g. a named artist's best tracks) [false]. */
  readonly returnSeeds?: boolean;
  readonly preference?: PreferenceSignal;
  /** Per-request candidate sources (e.g. what similar listeners play): blended, pooled and explained like components. */
  readonly extra?: readonly ExtraSignal[];
  /** How much the person has told us (history length, or seed count): a feature of the `learned` fusion [seeds, else known]. */
  readonly profileSize?: number;
}

/**
 * A per-request signal: a non-negative score for every item (0 where it has nothing to say). Sparse sources are not
 * standardised (a handful of items would get huge z-scores): the item's score over the largest eligible score,
 * times `weight`, is added to its blended z-score, so an extra signal adds at most `weight`.
 */
export interface ExtraSignal {
  readonly name: string;
  readonly weight: number;
  readonly scores: Float32Array;
}

/** One result. */
export interface RankedItem {
  readonly item: number;
  readonly score: number;
  readonly explanation: Explanation;
}

/** The ranked list, or an empty one with the reason. */
interface RankingResult {
  readonly items: readonly RankedItem[];
  /** Set when nothing could be returned: why. */
  readonly emptyReason?: string;
}

/** Ranks items for a person from several components. */
export class Ranker {
  private readonly scratch: Float32Array[];
  private readonly blendBuffer: Float32Array;
  private readonly poolPerComponent: number;
  private readonly lambda: number;
  private readonly preferenceWeight: number;
  private readonly fusion: Fusion;
  /** ln(1 + interactions) per item, for the `learned` fusion. */
  private readonly logPopularity: Float32Array | undefined;

  constructor(
    readonly components: readonly RankingComponent[],
    private readonly catalog: ConstraintCatalog,
    private readonly options: RankerOptions = {},
  ) {
    if (components.length === 0) throw new InvalidParamsError('the ranker needs at least one component');
    if (!components.every((c) => Number.isFinite(c.weight) && c.weight >= 0)) throw new InvalidParamsError('component weights must be >= 0');
    if (!components.some((c) => c.weight > 0)) throw new InvalidParamsError('at least one component weight must be > 0');
    if (!components.every((c) => c.scorer.itemCount === catalog.itemCount)) throw new InvalidParamsError('every component must score the catalogue items');
    this.poolPerComponent = options.poolPerComponent ?? RANKING_DEFAULTS.poolPerComponent;
    this.lambda = options.lambda ?? RANKING_DEFAULTS.lambda;
    this.preferenceWeight = options.preferenceWeight ?? 1;
    this.fusion = options.fusion ?? RANKING_DEFAULTS.fusion;
    if (this.fusion === 'learned') {
      const learned = options.learned;
      if (learned === undefined || options.popularity === undefined) throw new InvalidParamsError('the learned fusion needs its fitted model and item popularity');
      if (learned.components !== components.length) throw new InvalidParamsError(`the learned fusion was fitted for ${learned.components} components, not ${components.length}`);
      if (options.popularity.length !== catalog.itemCount) throw new InvalidParamsError('popularity must cover the catalogue items');
      this.poolPerComponent = learned.depth;
      this.logPopularity = Float32Array.from(options.popularity, (c) => Math.log1p(c));
    }
    if (!(this.lambda >= 0 && this.lambda <= 1)) throw new InvalidParamsError('lambda must be in [0, 1]');
    this.scratch = components.map(() => new Float32Array(catalog.itemCount));
    this.blendBuffer = new Float32Array(catalog.itemCount);
  }

  /** Ranks items for a request. Invalid constraints throw InvalidConstraintError; impossible combinations return empty with a reason. */
  rank(request: RankingRequest): RankingResult {
    const n = this.catalog.itemCount;
    if (!(Number.isInteger(request.k) && request.k >= 0)) throw new InvalidParamsError('k must be a non-negative integer');
    const mask = applyConstraints(this.catalog, request.constraints ?? {});
    if (mask.emptyReason !== undefined) return { items: [], emptyReason: mask.emptyReason };
    // Scores are standardised over the items that meet the constraints (before the person's own exclusions).
    const eligible = Uint8Array.from(mask.allowed);
    const recommendable = this.options.recommendable;
    if (recommendable !== undefined) for (let i = 0; i < n; i++) eligible[i] = eligible[i]! & recommendable[i]!;
    const allowed = Uint8Array.from(eligible);
    const block = (items: readonly number[] | undefined): void => {
      for (const i of items ?? []) {
        if (!(Number.isInteger(i) && i >= 0 && i < n)) throw new UnknownItemError(i);
        allowed[i] = 0;
      }
    };
    block(request.disliked);
    block(request.known);
    if (request.returnSeeds !== true) block(request.seeds);
    let open = 0;
    for (let i = 0; i < n; i++) open += allowed[i]!;
    if (open === 0) return { items: [], emptyReason: `all ${mask.count} tracks that meet the constraints are already known or disliked` };

    // Each component scores every item; z-scores over the eligible items (or reciprocal ranks, see fusion.ts) make
    // them comparable. The candidates are each component's own top items plus the blend's top items.
    const blocked = new Uint8Array(n);
    for (let i = 0; i < n; i++) blocked[i] = allowed[i] === 1 ? 0 : 1;
    const pool = new Map<number, number[]>();
    const member = (item: number): number[] => {
      let ranks = pool.get(item);
      if (ranks === undefined) pool.set(item, (ranks = new Array<number>(this.components.length).fill(0)));
      return ranks;
    };
    const blended = this.blendBuffer;
    blended.fill(0);
    const stats = this.components.map((c, k) => {
      const out = this.scratch[k]!;
      if (request.user !== undefined) c.scorer.scoreUser(request.user, out);
      else if (request.seeds !== undefined && request.seeds.length > 0) c.scorer.scoreSeeds(request.seeds, out);
      else throw new InvalidParamsError('a ranking request needs a user or seeds');
      const st = addFused(this.fusion, out, eligible, blocked, c.weight, blended);
      // Learned fusion pools every component, as it was fitted (its weights are not the components' weights).
      if (c.weight > 0 || this.fusion === 'learned') topK(out, this.poolPerComponent, blocked).forEach((r, rank) => (member(r.item)[k] = rank + 1));
      return st;
    });
    const extras = (request.extra ?? []).filter((e) => e.weight > 0 && e.scores.length === n);
    const extraStats = extras.map((e) => {
      let max = 0;
      for (let i = 0; i < n; i++) if (eligible[i] === 1 && e.scores[i]! > max) max = e.scores[i]!;
      const st = { mean: 0, inv: max > 0 ? 1 / max : 0 };
      const f = e.weight * st.inv;
      for (let i = 0; i < n; i++) if (e.scores[i]! > 0) blended[i]! += f * e.scores[i]!;
      // Only items the source actually scores join the pool through it.
      for (const r of topK(e.scores, this.poolPerComponent, blocked)) if (r.score > 0) member(r.item);
      return st;
    });
    if (this.fusion !== 'learned') for (const r of topK(blended, this.poolPerComponent, blocked)) member(r.item);
    const items = [...pool.keys()];
    const blend = items.map((item) => blended[item]!);
    const learned = this.learnedScores(request, items, pool, stats, eligible);
    if (learned !== undefined) items.forEach((_item, t) => (blend[t]! += learned.model.score(learned.features, t * learned.dim)));

    // The preference utility, standardised over the pool, weighted by confidence.
    const pref = request.preference;
    const prefWeight = pref === undefined ? 0 : this.preferenceWeight * Math.max(0, Math.min(1, pref.confidence));
    let utilities: number[] | undefined;
    let uMean = 0;
    let uInv = 0;
    if (pref !== undefined) {
      utilities = items.map((i) => pref.utility(i));
      const known = utilities.filter(Number.isFinite);
      if (known.length > 1) {
        uMean = known.reduce((a, b) => a + b, 0) / known.length;
        const variance = known.reduce((a, b) => a + (b - uMean) ** 2, 0) / known.length;
        uInv = variance > 1e-24 ? 1 / Math.sqrt(variance) : 0;
      }
    }
    const finalScore = items.map((_item, t) => {
      const u = utilities?.[t];
      return blend[t]! + (u !== undefined && Number.isFinite(u) ? prefWeight * (u - uMean) * uInv : 0);
    });
    const order = items.map((item, t) => ({ item, relevance: finalScore[t]!, t })).sort((a, b) => b.relevance - a.relevance || a.item - b.item);
    const similarity = this.options.similarity;
    const picks =
      similarity === undefined || this.lambda === 1
        ? order.slice(0, request.k).map((o) => ({ ...o, redundancy: undefined }))
        : maximalMarginalRelevance(order, request.k, this.lambda, similarity).map((p) => ({ ...p, redundancy: p.redundancy as number | undefined }));
    const tOf = new Map(items.map((item, t) => [item, t]));
    const results = picks.map((p) => {
      const t = tOf.get(p.item)!;
      const ranks = pool.get(p.item)!;
      const signals: SignalContribution[] = this.components.map((c, k) => {
        const raw = this.scratch[k]![p.item]!;
        const z = (raw - stats[k]!.mean) * stats[k]!.inv;
        const contribution =
          learned !== undefined ? learned.model.componentShare(learned.features, t * learned.dim, k) : this.fusion === 'z' ? c.weight * z : c.weight * rrfValue(ranks[k]!);
        const base = { signal: c.name, score: raw, z, weight: c.weight, contribution };
        return ranks[k]! > 0 ? { ...base, rank: ranks[k]! } : base;
      });
      extras.forEach((e, k) => {
        const raw = e.scores[p.item]!;
        if (!(raw > 0)) return;
        const z = (raw - extraStats[k]!.mean) * extraStats[k]!.inv;
        signals.push({ signal: e.name, score: raw, z, weight: e.weight, contribution: e.weight * z });
      });
      if (learned !== undefined) {
        const count = this.options.popularity![p.item]!;
        signals.push({ signal: 'popularity-prior', score: count, z: learned.popularity(p.item), weight: 1, contribution: learned.model.popularityShare(learned.features, t * learned.dim) });
      }
      const u = utilities?.[t];
      if (pref !== undefined && u !== undefined && Number.isFinite(u)) {
        const z = (u - uMean) * uInv;
        signals.push({ signal: 'preference', score: u, z, weight: prefWeight, contribution: prefWeight * z });
      }
      const explanation: Explanation = {
        signals,
        ...(pref !== undefined ? { preferenceConfidence: pref.confidence } : {}),
        ...(p.redundancy !== undefined ? { redundancy: p.redundancy } : {}),
        sentence: explanationSentence(signals),
      };
      return { item: p.item, score: finalScore[t]!, explanation };
    });
    return { items: results };
  }

  /** The learned fusion's features of the pool items (undefined for the other fusions). */
  private learnedScores(
    request: RankingRequest,
    items: readonly number[],
    pool: ReadonlyMap<number, readonly number[]>,
    stats: readonly { mean: number; inv: number }[],
    eligible: Uint8Array,
  ): { model: LearnedFusion; features: Float32Array; dim: number; popularity: (item: number) => number } | undefined {
    const model = this.options.learned;
    const logPop = this.logPopularity;
    if (this.fusion !== 'learned' || model === undefined || logPop === undefined) return undefined;
    const { mean, inv } = standardisation(logPop, eligible);
    const popularity = (item: number): number => (logPop[item]! - mean) * inv;
    const size = request.profileSize ?? (request.seeds !== undefined && request.seeds.length > 0 ? request.seeds.length : (request.known?.length ?? 1));
    const logProfile = Math.log(Math.max(1, size));
    const c = this.components.length;
    const dim = featureCount(c);
    const features = new Float32Array(items.length * dim);
    const z = new Float64Array(c);
    items.forEach((item, t) => {
      for (let k = 0; k < c; k++) z[k] = (this.scratch[k]![item]! - stats[k]!.mean) * stats[k]!.inv;
      writeFeatures(z, pool.get(item)!, model.depth, popularity(item), logProfile, features, t * dim);
    });
    return { model, features, dim, popularity };
  }
}
