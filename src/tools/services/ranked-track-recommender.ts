/**
 * The TrackRecommender over the active chat model and the ranking stage (src/recsys/ranking): the model's blended
 * components as candidate scorers, genre/mood predictions, audio features, year, explicit flag and artists as
 * constraint attributes, the person's Bradley–Terry utility, MMR over iALS item factors, and an explanation per result.
 */
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { normalizeArtistName } from '../../catalog/normalize.ts';
import type { Db } from '../../db/db.ts';
import { activeModelVersion, modelFilePath } from '../../db/model-versions.ts';
import { CONTENT_MODEL_KINDS } from '../../pipeline/train-content-models.ts';
import { ContentIndex } from '../../recsys/content/content-index.ts';
import { canonicalLabel } from '../../recsys/labels/vocabulary.ts';
import { STRATEGIES, type Strategy } from '../../recsys/experiments/thompson-bandit.ts';
import { InvalidParamsError } from '../../recsys/errors.ts';
import { HybridRecommender } from '../../recsys/hybrid.ts';
import { IalsRecommender } from '../../recsys/ials.ts';
import type { ItemScorer } from '../../recsys/recommender.ts';
import type { ConstraintCatalog, RangeField, RankingConstraints } from '../../recsys/ranking/constraints.ts';
import { cosineSimilarity } from '../../recsys/ranking/mmr.ts';
import { NeighbourScorer } from '../../recsys/ranking/neighbour-scorer.ts';
import { Ranker, type ExtraSignal, type PreferenceSignal, type RankedItem, type RankingComponent } from '../../recsys/ranking/ranker.ts';
import type { TrackModel } from '../../serving/track-model.ts';
import { loadServedLabels } from './served-labels.ts';
import type {
  ExplainOutcome,
  ExtraSignalInput,
  RecommendConstraints,
  Recommendation,
  RecommendationList,
  RecommendationRequest,
  TrackRecommender,
} from '../track-recommender.ts';

/** Scores every item by popularity whatever the seeds: the floor when a request names no seed the model knows. */
class PopularityScorer implements ItemScorer {
  constructor(private readonly popularity: Float32Array) {}
  get itemCount(): number {
    return this.popularity.length;
  }
  scoreUser(_user: number, out: Float32Array): void {
    out.set(this.popularity);
  }
  scoreSeeds(_seeds: readonly number[], out: Float32Array): void {
    out.set(this.popularity);
  }
}

/** Scores less played items higher (−log(1 + plays)): the `explore` strategy's nudge away from the head. */
class NoveltyScorer implements ItemScorer {
  private readonly novelty: Float32Array;
  constructor(popularity: Float32Array) {
    this.novelty = Float32Array.from(popularity, (p) => -Math.log1p(Math.max(0, p)));
  }
  get itemCount(): number {
    return this.novelty.length;
  }
  scoreUser(_user: number, out: Float32Array): void {
    out.set(this.novelty);
  }
  scoreSeeds(_seeds: readonly number[], out: Float32Array): void {
    out.set(this.novelty);
  }
}

/** Share of the blend's total weight that `explore` gives to novelty. */
const EXPLORE_NOVELTY_SHARE = 0.35;

/** Hybrid components that score from item content rather than co-occurrence. */
const CONTENT_COMPONENT_KINDS: ReadonlySet<string> = new Set(['content-profile']);

/** Options of `RankedTrackRecommender.create`. */
export interface RankedRecommenderOptions {
  /** The content ANN index for the `content` strategy (default: the active content-vectors version, if it loads; null: none). */
  readonly content?: ContentIndex | null;
  /** The state folder the active content index's files are under (default: the path as stored, from the working directory). */
  readonly home?: string;
}

const AUDIO_RANGES = ['tempo', 'energy', 'valence', 'danceability', 'acousticness', 'instrumentalness'] as const;

/** Ranked recommendations over the model's items. */
export class RankedTrackRecommender implements TrackRecommender {
  private readonly indexOf: Map<number, number>;

  private constructor(
    private readonly db: Db,
    private readonly model: TrackModel,
    private readonly seeded: Ranker,
    private readonly floor: Ranker,
    /** Rankers of the strategies other than `hybrid` (which is `seeded`) that the active models support. */
    private readonly byStrategy: ReadonlyMap<Strategy, Ranker>,
    /** The label names constraints are checked against. */
    private readonly catalog: Pick<ConstraintCatalog, 'genres' | 'moods'>,
  ) {
    this.indexOf = new Map(Array.from(model.trackIds, (t, i) => [t, i]));
  }

  get strategies(): readonly Strategy[] {
    if (this.model.source !== 'model') return [];
    return STRATEGIES.filter((s) => s === 'hybrid' || this.byStrategy.has(s));
  }

  /** Builds the rankers over the model's items, reading their attributes from the database. */
  static async create(db: Db, model: TrackModel, options: RankedRecommenderOptions = {}): Promise<RankedTrackRecommender> {
    const catalog = await loadConstraintCatalog(db, model.trackIds);
    const rec = model.recommender;
    const parts: RankingComponent[] =
      rec instanceof HybridRecommender
        ? rec.components.filter((c) => c.weight > 0).map((c) => ({ name: c.model.kind, scorer: c.model, weight: c.weight }))
        : [{ name: rec.kind, scorer: rec, weight: 1 }];
    const ials = rec instanceof HybridRecommender ? rec.components.find((c) => c.model instanceof IalsRecommender)?.model : undefined;
    const similarity = ials instanceof IalsRecommender && ials.items.length > 0 ? cosineSimilarity(ials.items, ials.params.factors) : undefined;
    const rankerOptions = similarity === undefined ? { lambda: 0.85 } : { lambda: 0.85, similarity };
    const floorScorer = new PopularityScorer(rec.itemPopularity);
    // The hybrid strategy ranks with the learned fusion when training kept one (over all the hybrid's components).
    const learned = rec instanceof HybridRecommender ? rec.learned : undefined;
    const seeded =
      learned !== undefined && rec instanceof HybridRecommender
        ? new Ranker(
            rec.components.map((c) => ({ name: c.model.kind, scorer: c.model, weight: c.weight })),
            catalog,
            { ...rankerOptions, fusion: 'learned', learned, popularity: rec.itemPopularity },
          )
        : parts.length > 0
          ? new Ranker(parts, catalog, rankerOptions)
          : new Ranker([{ name: 'popularity', scorer: floorScorer, weight: 1 }], catalog, rankerOptions);
    const floor = new Ranker([{ name: 'popularity', scorer: floorScorer, weight: 1 }], catalog, rankerOptions);
    const byStrategy = new Map<Strategy, Ranker>();
    if (model.source === 'model' && parts.length > 0) {
      const cf = parts.filter((p) => !CONTENT_COMPONENT_KINDS.has(p.name));
      if (cf.length > 0) byStrategy.set('cf', new Ranker(cf, catalog, rankerOptions));
      const content = parts.filter((p) => CONTENT_COMPONENT_KINDS.has(p.name));
      const index = options.content === undefined ? await activeContentIndex(db, options.home) : options.content;
      if (index !== null) content.push({ name: 'content', scorer: contentScorer(index, model.trackIds), weight: 1 });
      if (content.length > 0) byStrategy.set('content', new Ranker(content, catalog, rankerOptions));
      const total = parts.reduce((a, p) => a + p.weight, 0);
      const novelty = { name: 'novelty', scorer: new NoveltyScorer(rec.itemPopularity), weight: (total * EXPLORE_NOVELTY_SHARE) / (1 - EXPLORE_NOVELTY_SHARE) };
      byStrategy.set('explore', new Ranker([...parts, novelty], catalog, rankerOptions));
    }
    return new RankedTrackRecommender(db, model, seeded, floor, byStrategy, catalog);
  }

  get description(): string {
    return this.model.source === 'model' ? `hybrid ${this.model.version ?? ''}`.trim() : 'popularity';
  }

  knows(trackId: number): boolean {
    return this.indexOf.has(trackId);
  }

  async recommend(request: RecommendationRequest): Promise<RecommendationList> {
    const { ranker: planned, seeds, notes } = this.plan(request.seeds);
    const strategy = planned === this.floor ? undefined : (request.strategy ?? 'hybrid');
    const ranker = strategy === undefined || strategy === 'hybrid' ? planned : this.byStrategy.get(strategy);
    if (ranker === undefined) throw new InvalidParamsError(`strategy ${strategy ?? ''} is not available (available: ${this.strategies.join(', ')})`);
    const constraints = await this.toRanking(request.constraints);
    if (this.model.trackIds.length === 0) return { items: [], emptyReason: 'no one has played any track yet, so there is nothing to recommend from', notes };
    const result = ranker.rank({
      ...(ranker === this.floor ? { user: 0 } : { seeds }),
      k: request.k,
      constraints,
      disliked: this.items(request.disliked),
      known: this.items(request.known),
      ...(request.preference !== undefined ? { preference: this.signal(request.preference) } : {}),
      ...(request.extraSignals !== undefined && request.extraSignals.length > 0 ? { extra: request.extraSignals.map((e) => this.extraSignal(e)) } : {}),
    });
    const items = result.items.map((r) => this.toRecommendation(r));
    const base = strategy === undefined ? { items, notes } : { items, notes, strategy };
    return result.emptyReason !== undefined ? { ...base, emptyReason: result.emptyReason } : base;
  }

  async similar(trackId: number, k: number, constraints?: RecommendConstraints): Promise<RecommendationList> {
    return this.recommend({ seeds: [trackId], k, ...(constraints !== undefined ? { constraints } : {}) });
  }

  async explain(request: RecommendationRequest, trackId: number): Promise<ExplainOutcome> {
    const item = this.indexOf.get(trackId);
    if (item === undefined) return { found: false, reason: 'no one in the training data has played it, so the recommender cannot rank it' };
    if (request.disliked?.includes(trackId)) return { found: false, reason: 'you disliked it, and disliked tracks are never recommended' };
    if (request.known?.includes(trackId) || request.seeds.includes(trackId)) return { found: false, reason: 'you already know it (it is a seed, or you rated it)' };
    const list = await this.recommend({ ...request, k: 200 });
    const rank = list.items.findIndex((r) => r.trackId === trackId);
    if (rank >= 0) return { found: true, rank: rank + 1, recommendation: list.items[rank]! };
    const alone = await this.recommend({ ...request, constraints: {}, k: 200 });
    const unconstrained = alone.items.findIndex((r) => r.trackId === trackId);
    return {
      found: false,
      reason:
        unconstrained >= 0
          ? `it would rank ${unconstrained + 1} without the constraints, but it does not meet them`
          : 'none of the signals puts it among the 200 best matches for these seeds',
    };
  }

  private plan(seedTracks: readonly number[]): { ranker: Ranker; seeds: number[]; notes: string[] } {
    const seeds = this.items(seedTracks);
    const notes: string[] = [];
    const unknown = seedTracks.length - seeds.length;
    if (unknown > 0) notes.push(`${unknown} seed track(s) are unknown to the recommender (no one has played them) and were ignored`);
    if (this.model.source !== 'model') notes.push('no trained model is active: answering with the most popular tracks (run `earworm train`)');
    if (seeds.length > 0 && this.model.source === 'model') return { ranker: this.seeded, seeds, notes };
    if (seedTracks.length > 0 && seeds.length === 0) notes.push('no seed was usable, so these are popular tracks that fit the request');
    return { ranker: this.floor, seeds: [], notes };
  }

  private items(trackIds: readonly number[] | undefined): number[] {
    const out: number[] = [];
    for (const t of trackIds ?? []) {
      const i = this.indexOf.get(t);
      if (i !== undefined) out.push(i);
    }
    return out;
  }

  private extraSignal(e: ExtraSignalInput): ExtraSignal {
    const scores = new Float32Array(this.model.trackIds.length);
    for (const [trackId, score] of e.scores) {
      const i = this.indexOf.get(trackId);
      if (i !== undefined && score > 0) scores[i] = score;
    }
    return { name: e.name, weight: e.weight, scores };
  }

  private signal(p: { utility(trackId: number): number; confidence: number }): PreferenceSignal {
    const ids = this.model.trackIds;
    return { confidence: p.confidence, utility: (item) => p.utility(ids[item]!) };
  }

  private toRecommendation(r: RankedItem): Recommendation {
    return {
      trackId: this.model.trackIds[r.item]!,
      score: r.score,
      sentence: r.explanation.sentence,
      signals: r.explanation.signals.map((s) => (s.rank !== undefined ? { signal: s.signal, contribution: s.contribution, rank: s.rank } : { signal: s.signal, contribution: s.contribution })),
    };
  }

  private async toRanking(c: RecommendConstraints | undefined): Promise<RankingConstraints> {
    if (c === undefined) return {};
    const out: { -readonly [K in keyof RankingConstraints]: RankingConstraints[K] } = {};
    const known = { genre: this.catalog.genres, mood: this.catalog.moods };
    // Words of the vocabulary ("rap", "chill") name its labels; other words stay as given (and are checked).
    const names = (kind: 'genre' | 'mood', xs: readonly string[]) =>
      [...new Set(xs.map((x) => {
        const canon = canonicalLabel(kind, x);
        return canon !== undefined && known[kind].includes(canon) ? canon : x.trim().toLowerCase();
      }))];
    if (c.genres !== undefined && c.genres.length > 0) out.genres = names('genre', c.genres);
    if (c.moods !== undefined && c.moods.length > 0) out.moods = names('mood', c.moods);
    if (c.excludeGenres !== undefined && c.excludeGenres.length > 0) out.excludeGenres = names('genre', c.excludeGenres);
    if (c.excludeMoods !== undefined && c.excludeMoods.length > 0) out.excludeMoods = names('mood', c.excludeMoods);
    if (c.ranges !== undefined) out.ranges = c.ranges;
    if (c.explicit !== undefined) out.explicit = c.explicit;
    if (c.excludeArtists !== undefined && c.excludeArtists.length > 0) {
      const names = c.excludeArtists.map(normalizeArtistName);
      const rows = await this.db.rows<{ id: number }>(
        sql`select id from artists where norm_name in (${sql.join(
          names.map((n) => sql`${n}`),
          sql`, `,
        )})`,
      );
      out.excludeArtists = rows.map((r) => Number(r.id));
    }
    return out;
  }
}

/** The active content-vectors index, or null when none is active or its files do not load. */
async function activeContentIndex(db: Db, home: string | undefined): Promise<ContentIndex | null> {
  const row = await activeModelVersion(db, CONTENT_MODEL_KINDS.content);
  if (row === undefined) return null;
  try {
    return await ContentIndex.load(home === undefined ? path.resolve(row.path) : modelFilePath(home, row));
  } catch {
    // A missing or corrupt content index only takes the `content` strategy away; the other strategies still serve.
    return null;
  }
}

/** The content ANN as a ranking component over the model's items: summed cosine similarity to the seeds' neighbours. */
function contentScorer(index: ContentIndex, trackIds: Int32Array): NeighbourScorer {
  const indexOf = new Map(Array.from(trackIds, (t, i) => [t, i]));
  return new NeighbourScorer(
    trackIds.length,
    (item, k) => {
      const id = trackIds[item]!;
      if (!index.has(id)) return [];
      return index.similarTo(id, k).flatMap((n) => {
        const i = indexOf.get(n.id);
        return i === undefined ? [] : [{ item: i, score: n.similarity }];
      });
    },
    () => [],
  );
}

/** Constraint attributes of the model's items: predicted genre and mood, audio ranges, year, explicit, artists. */
async function loadConstraintCatalog(db: Db, trackIds: Int32Array): Promise<ConstraintCatalog> {
  const n = trackIds.length;
  const indexOf = new Map(Array.from(trackIds, (t, i) => [t, i]));
  const genre = await loadServedLabels(db, trackIds, 'genre');
  const mood = await loadServedLabels(db, trackIds, 'mood');
  const ranges: Partial<Record<RangeField, Float32Array>> = {};
  for (const f of [...AUDIO_RANGES, 'year'] as const) ranges[f] = new Float32Array(n).fill(Number.NaN);
  const explicit = new Uint8Array(n);
  const rows = await db.rows<Record<string, number | boolean | null>>(sql`
    select t.id, t.year, t.explicit, af.tempo, af.energy, af.valence, af.danceability, af.acousticness, af.instrumentalness
    from tracks t left join audio_features af on af.track_id = t.id
    where t.id in (select distinct track_id from interactions where track_id is not null)`);
  for (const r of rows) {
    const i = indexOf.get(Number(r.id));
    if (i === undefined) continue;
    for (const f of [...AUDIO_RANGES, 'year'] as const) {
      const v = r[f];
      if (v !== null && v !== undefined) ranges[f]![i] = Number(v);
    }
    if (r.explicit === true) explicit[i] = 1;
  }
  const artistRows = await db.rows<{ track_id: number; artist_id: number }>(sql`
    select track_id, artist_id from track_artists
    where track_id in (select distinct track_id from interactions where track_id is not null)
    order by track_id, position`);
  const perItem: number[][] = Array.from({ length: n }, () => []);
  for (const r of artistRows) {
    const i = indexOf.get(Number(r.track_id));
    if (i !== undefined) perItem[i]!.push(Number(r.artist_id));
  }
  const artistOffsets = new Int32Array(n + 1);
  perItem.forEach((a, i) => (artistOffsets[i + 1] = artistOffsets[i]! + a.length));
  const artistIds = Int32Array.from(perItem.flat());
  return {
    itemCount: n,
    genres: genre.names,
    genre: genre.top,
    moods: mood.names,
    mood: mood.top,
    ...(genre.prob !== undefined ? { genreProb: genre.prob } : {}),
    ...(mood.prob !== undefined ? { moodProb: mood.prob } : {}),
    ranges,
    explicit,
    artistOffsets,
    artistIds,
  };
}
