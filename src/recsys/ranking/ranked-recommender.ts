/**
 * The full ranker as a Recommender over item indices, so that `npm run eval` measures the same ranking stage that
 * serves people: component candidates, the fitted blend, MMR over item vectors. With no votes the preference utility
 * has no weight, and the evaluation protocol has no constraints, so those stages are idle here.
 */
import { InvalidParamsError } from '../errors.ts';
import type { ModelSnapshot, SnapshotArray, SnapshotValue } from '../model-snapshot.ts';
import type { RecommendOptions } from '../recommender.ts';
import { addStandardised } from '../score-normalisation.ts';
import { ScoringRecommender } from '../scoring-recommender.ts';
import type { CsrMatrix } from '../sparse-matrix.ts';
import type { ScoredItem } from '../top-k.ts';
import { assembleRanker, mmrSimilarity } from './assembly.ts';
import type { ConstraintCatalog } from './constraints.ts';
import type { Fusion } from './fusion.ts';
import type { LearnedFusion } from './learned-fusion.ts';
import type { Ranker, RankingComponent } from './ranker.ts';
import { RANKING_DEFAULTS, type RankingParams } from './ranking-params.ts';

/** A named, weighted component model. */
export interface RankedComponent {
  readonly name: string;
  readonly model: ScoringRecommender;
  readonly weight: number;
}

/** Settings of the ranked model. */
export interface RankedOptions {
  /** MMR trade-off (1 = none) [RANKING_DEFAULTS]. */
  readonly lambda?: number;
  /** Candidates per component [RANKING_DEFAULTS]. */
  readonly poolPerComponent?: number;
  /** Row-major item vectors for MMR similarity (e.g. normalised ALS item factors); omitted: no MMR. */
  readonly vectors?: { readonly values: Float32Array; readonly dim: number };
  /** How component scores are combined (fusion.ts) [RANKING_DEFAULTS]. */
  readonly fusion?: Fusion;
  /** The fitted model of the `learned` fusion (required by it). */
  readonly learned?: LearnedFusion;
}

/** Candidates + fitted blend + MMR, as a Recommender (history and seeds are never returned). */
export class RankedRecommender extends ScoringRecommender {
  readonly kind = 'ranked';
  private ranker: Ranker | undefined;
  private readonly buffer: { scores: Float32Array; mask: Uint8Array } = { scores: new Float32Array(0), mask: new Uint8Array(0) };

  constructor(
    readonly components: readonly RankedComponent[],
    readonly options: RankedOptions = {},
  ) {
    super();
    if (components.length === 0) throw new InvalidParamsError('the ranked model needs at least one component');
  }

  /** Builds the ranked model over components already fitted on `interactions`. */
  static ofFitted(components: readonly RankedComponent[], interactions: CsrMatrix, options: RankedOptions = {}): RankedRecommender {
    const r = new RankedRecommender(components, options);
    r.setInteractions(interactions);
    r.prepare();
    return r;
  }

  protected fitModel(interactions: CsrMatrix): void {
    for (const c of this.components) if (c.weight > 0) c.model.fit(interactions);
    this.prepare();
  }

  /** The ranking settings this model ranks with (the options over RANKING_DEFAULTS). */
  get rankingParams(): RankingParams {
    return {
      fusion: this.options.fusion ?? RANKING_DEFAULTS.fusion,
      lambda: this.options.lambda ?? RANKING_DEFAULTS.lambda,
      poolPerComponent: this.options.poolPerComponent ?? RANKING_DEFAULTS.poolPerComponent,
    };
  }

  private prepare(): void {
    const n = this.itemCount;
    const catalog: ConstraintCatalog = { itemCount: n, genres: [], genre: new Int16Array(n).fill(-1), moods: [], mood: new Int16Array(n).fill(-1), ranges: {} };
    const components: RankingComponent[] = this.components.map((c) => ({ name: c.name, scorer: c.model, weight: c.weight }));
    const v = this.options.vectors;
    const recommendable = new Uint8Array(n);
    for (let i = 0; i < n; i++) recommendable[i] = this.itemPopularity[i]! > 0 ? 1 : 0;
    this.ranker = assembleRanker(
      {
        components,
        catalog,
        recommendable,
        popularity: this.itemPopularity,
        ...(this.options.learned !== undefined ? { learned: this.options.learned } : {}),
        ...(v !== undefined ? { similarity: mmrSimilarity(v) } : {}),
      },
      this.rankingParams,
    );
    this.buffer.mask = recommendable;
    this.buffer.scores = new Float32Array(n);
  }

  override recommend(user: number, k: number, options?: RecommendOptions): ScoredItem[] {
    const m = this.interactions;
    if (!Number.isInteger(user) || user < 0 || user >= m.rows) return super.recommend(user, k, options);
    if (m.rowLength(user) === 0) return super.recommend(user, k, options);
    const known = [...(options?.exclude ?? []), ...m.indices.subarray(m.indptr[user]!, m.indptr[user + 1]!)];
    return this.ranker!.rank({ user, k, known, profileSize: m.rowLength(user) }).items.map((r) => ({ item: r.item, score: r.score }));
  }

  override recommendFromSeeds(seeds: readonly number[], k: number, options?: RecommendOptions): ScoredItem[] {
    if (this.knownSeeds(seeds).length === 0) return super.recommendFromSeeds(seeds, k, options);
    const known = [...(options?.exclude ?? [])];
    return this.ranker!.rank({ seeds, k, known, profileSize: seeds.length }).items.map((r) => ({ item: r.item, score: r.score }));
  }

  protected userScores(user: number, out: Float32Array): void {
    out.fill(0);
    for (const c of this.components) {
      if (c.weight === 0) continue;
      c.model.scoreUser(user, this.buffer.scores);
      addStandardised(this.buffer.scores, this.buffer.mask, c.weight, out);
    }
  }

  protected seedScores(seeds: readonly number[], out: Float32Array): void {
    out.fill(0);
    for (const c of this.components) {
      if (c.weight === 0) continue;
      c.model.scoreSeeds(seeds, this.buffer.scores);
      addStandardised(this.buffer.scores, this.buffer.mask, c.weight, out);
    }
  }

  protected snapshotModel(): { params: ModelSnapshot['params']; arrays: Record<string, SnapshotArray> } {
    const arrays: Record<string, SnapshotArray> = {};
    const components: SnapshotValue[] = [];
    this.components.forEach((c, n) => {
      const s = c.model.toSnapshot();
      components.push({ name: c.name, kind: s.kind, weight: c.weight, params: s.params });
      for (const [name, a] of Object.entries(s.arrays)) arrays[`c${n}.${name}`] = a;
    });
    if (this.options.vectors !== undefined) arrays['mmr.vectors'] = this.options.vectors.values;
    return {
      params: {
        components,
        ...this.rankingParams,
        ...(this.options.learned !== undefined ? { learned: this.options.learned.toJSON() } : {}),
        vectorDim: this.options.vectors?.dim ?? 0,
      },
      arrays,
    };
  }
}
