/**
 * The TrackRecommender over the active chat model and the ranking stage (src/recsys/ranking): the model's blended
 * components as candidate scorers, genre/mood predictions, audio features, year, explicit flag and artists as
 * constraint attributes, the person's Bradley–Terry utility, MMR over iALS item factors, and an explanation per result.
 */
import path from 'node:path';
import { sql, type SQL } from 'drizzle-orm';
import { normalizeArtistName } from '../../catalog/normalize.ts';
import type { Db } from '../../db/db.ts';
import { activeModelVersion, CONTENT_MODEL_KINDS, modelFilePath } from '../../db/model-versions.ts';
import { ContentIndex } from '../../recsys/content/content-index.ts';
import { HOLIDAY_PLAYLIST, HOLIDAY_TAGS, HOLIDAY_TITLE, INSTRUMENT_TAGS, INSTRUMENTS, LEAD_VOICE_TAGS, type Instrument, RELAXATION_ORDER, type RelaxableField, splitStyles, STYLE_TAGS, STYLES, type Style, VOCAL_TAGS } from '../../recsys/constraints/constraint-vocabulary.ts';
import { canonicalLabel } from '../../recsys/labels/vocabulary.ts';
import { STRATEGIES, type Strategy } from '../../recsys/experiments/thompson-bandit.ts';
import { InvalidParamsError } from '../../recsys/errors.ts';
import type { ItemScorer } from '../../recsys/recommender.ts';
import { applyConstraints, LEAD_VOICE, relaxConstraint, type ConstraintCatalog, type RangeField, type RankingConstraints } from '../../recsys/ranking/constraints.ts';
import { NeighbourScorer } from '../../recsys/ranking/neighbour-scorer.ts';
import type { ExtraSignal, PreferenceSignal, RankedItem, Ranker, RankingComponent } from '../../recsys/ranking/ranker.ts';
import { ARTIST_SERVING_DEFAULTS, RANKING_DEFAULTS, type ArtistServingParams, type RankingParams } from '../../recsys/ranking/ranking-params.ts';
import { loadArtistModel, type ArtistModel } from '../models/artist-model.ts';
import type { TrackModel } from '../models/track-model.ts';
import { loadServedLabels } from './served-labels.ts';
import type {
  ExplainOutcome,
  ExtraSignalInput,
  ResolvedArtistName,
  RecommendConstraints,
  Recommendation,
  RecommendationList,
  Relaxation,
  RecommendationRequest,
  TrackRecommender,
} from '../ports/track-recommender.ts';
import { explainByRanking } from '../ports/track-recommender.ts';
import { assembleRanker, modelRankingParts, servedRankingParams, type RankerInputs } from '../../recsys/ranking/assembly.ts';

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

/** Scores items by ln(1 + plays): the tie-break among artist neighbours' tracks when no seed track is usable. */
class LogPopularityScorer implements ItemScorer {
  private readonly logPop: Float32Array;
  constructor(popularity: Float32Array) {
    this.logPop = Float32Array.from(popularity, (p) => Math.log1p(Math.max(0, p)));
  }
  get itemCount(): number {
    return this.logPop.length;
  }
  scoreUser(_user: number, out: Float32Array): void {
    out.set(this.logPop);
  }
  scoreSeeds(_seeds: readonly number[], out: Float32Array): void {
    out.set(this.logPop);
  }
}

/** The note of an answer from the popularity floor because no seed track is in the track model. */
const NO_SEED_NOTE = 'no seed was usable, so these are popular tracks that fit the request';

/** The note of the floor when nothing at all links the seeds to other music (the one unavoidable fallback). */
const NO_EVIDENCE_NOTE =
  'nothing links the seed tracks to other music: no one has played them, and their artists have no similar artists with played tracks (no shared listeners, playlists, tags or words), so these are popular tracks that fit the request, not similar ones';

/** Seed tracks with fewer training occurrences than this count as unplayed for the artist signal. */
const LOW_SUPPORT = 3;

/** Share of the blend's total weight that `explore` gives to novelty. */
const EXPLORE_NOVELTY_SHARE = 0.35;

/** Hybrid components that score from item content rather than co-occurrence. */
const CONTENT_COMPONENT_KINDS: ReadonlySet<string> = new Set(['content-profile']);

/** Options of `RankedTrackRecommender.create`. */
interface RankedRecommenderOptions {
  /** The content ANN index for the `content` strategy (default: the active content-vectors version, if it loads; null: none). */
  readonly content?: ContentIndex | null;
  /** The state folder the active content index's files are under (default: the path as stored, from the working directory). */
  readonly home?: string;
  /** The artist model (default: the active artist-graph version, if it loads; null: none). */
  readonly artists?: ArtistModel | null;
  /** Artist-seeding and low-support settings over those saved with the artist model [its saved settings, else ARTIST_SERVING_DEFAULTS]. */
  readonly artistParams?: Partial<ArtistServingParams>;
}

const AUDIO_RANGES = ['tempo', 'energy', 'valence', 'danceability', 'acousticness', 'instrumentalness'] as const;

/** Ranked recommendations over the model's items. */
export class RankedTrackRecommender implements TrackRecommender {
  private readonly indexOf: Map<number, number>;
  /** Per item, 1 for a plain holiday song (holidaySongs), else 0: the `holiday` signal of a request for holiday songs. */
  private readonly plainHoliday: Float32Array;
  private readonly bestItems = new Map<number, number[]>();
  /** The catalogue tracks nobody played, as constraints see them: built on first use (most requests never need it). */
  private unplayedCatalog: Promise<UnplayedCatalog> | undefined;

  private constructor(
    private readonly db: Db,
    private readonly model: TrackModel,
    private readonly seeded: Ranker,
    private readonly floor: Ranker,
    /** Rankers of the strategies other than `hybrid` (which is `seeded`) that the active models support. */
    private readonly byStrategy: ReadonlyMap<Strategy, Ranker>,
    /** The attributes constraints are checked against (the rankers' own catalogue). */
    private readonly catalog: ConstraintCatalog,
    /** Ranks artist neighbours' tracks when no seed track is usable (log popularity only breaks ties). */
    private readonly byArtist: Ranker,
    private readonly artists: ArtistModel | undefined,
    /** Why there is no artist model, when there is none. */
    private readonly artistProblem: string | undefined,
    /** The catalogue's holiday songs, played or not, with how plainly they are (holidaySongs). */
    private readonly holidaySongs: ReadonlyMap<number, number>,
    readonly artistParams: ArtistServingParams,
    /** The ranking settings every ranker here uses (saved with the chat model version). */
    readonly rankingParams: RankingParams,
  ) {
    this.indexOf = new Map(Array.from(model.trackIds, (t, i) => [t, i]));
    this.plainHoliday = Float32Array.from(model.trackIds, (t) => holidaySongs.get(t) ?? 0);
    // Every artist's played tracks, most played first, once here rather than on a request's first visit.
    if (artists !== undefined) {
      const pop = model.recommender.itemPopularity;
      model.trackIds.forEach((t, item) => {
        for (const node of artists.nodesOf(t)) {
          const list = this.bestItems.get(node);
          if (list === undefined) this.bestItems.set(node, [item]);
          else list.push(item);
        }
      });
      for (const list of this.bestItems.values()) list.sort((x, y) => pop[y]! - pop[x]! || x - y);
    }
  }

  get strategies(): readonly Strategy[] {
    if (this.model.source !== 'model') return [];
    return STRATEGIES.filter((s) => s === 'hybrid' || this.byStrategy.has(s));
  }

  /** Builds the rankers over the model's items, reading their attributes from the database. */
  static async create(db: Db, model: TrackModel, options: RankedRecommenderOptions = {}): Promise<RankedTrackRecommender> {
    const rec = model.recommender;
    const holiday = await holidaySongs(db);
    const catalog = await loadConstraintCatalog(db, model.trackIds, rec.itemPopularity, holiday);
    let artists: ArtistModel | undefined;
    let artistProblem: string | undefined;
    if (options.artists === null) artistProblem = 'the artist model is switched off';
    else if (options.artists !== undefined) artists = options.artists;
    else ({ model: artists, problem: artistProblem } = await loadArtistModel(db, options.home));
    const params: ArtistServingParams = { ...ARTIST_SERVING_DEFAULTS, ...artists?.servingParams, ...options.artistParams };
    // One assembly (src/recsys/ranking/assembly.ts) with the settings saved beside the model version.
    const parts = modelRankingParts(rec, params.supportShrink);
    const ranking = servedRankingParams(model.ranking, parts.learned !== undefined);
    const shared: Omit<RankerInputs, 'components'> = {
      catalog,
      popularity: rec.itemPopularity,
      ...(parts.similarity !== undefined ? { similarity: parts.similarity } : {}),
      ...(parts.learned !== undefined ? { learned: parts.learned } : {}),
    };
    // Strategies other than the learned hybrid blend their components' weights.
    const weightedParams: RankingParams = ranking.fusion === 'learned' ? { ...ranking, fusion: 'z', poolPerComponent: RANKING_DEFAULTS.poolPerComponent } : ranking;
    const build = (components: readonly RankingComponent[], p: RankingParams = weightedParams): Ranker => assembleRanker({ ...shared, components }, p);
    const floorScorer = new PopularityScorer(rec.itemPopularity);
    const popularityOnly = [{ name: 'popularity', scorer: floorScorer, weight: 1 }];
    const seeded = ranking.fusion === 'learned' ? build(parts.all, ranking) : parts.weighted.length > 0 ? build(parts.weighted) : build(popularityOnly);
    const floor = build(popularityOnly);
    const byStrategy = new Map<Strategy, Ranker>();
    const weighted = parts.weighted;
    if (model.source === 'model' && weighted.length > 0) {
      const cf = weighted.filter((p) => !CONTENT_COMPONENT_KINDS.has(p.name));
      if (cf.length > 0) byStrategy.set('cf', build(cf));
      const content = weighted.filter((p) => CONTENT_COMPONENT_KINDS.has(p.name));
      const index = options.content === undefined ? await activeContentIndex(db, options.home) : options.content;
      if (index !== null) content.push({ name: 'content', scorer: contentScorer(index, model.trackIds), weight: 1 });
      if (content.length > 0) byStrategy.set('content', build(content));
      const total = weighted.reduce((a, p) => a + p.weight, 0);
      const novelty = { name: 'novelty', scorer: new NoveltyScorer(rec.itemPopularity), weight: (total * EXPLORE_NOVELTY_SHARE) / (1 - EXPLORE_NOVELTY_SHARE) };
      byStrategy.set('explore', build([...weighted, novelty]));
    }
    const byArtist = build([{ name: 'popularity', scorer: new LogPopularityScorer(rec.itemPopularity), weight: 0.1 }]);
    return new RankedTrackRecommender(db, model, seeded, floor, byStrategy, catalog, byArtist, artists, artistProblem, holiday, params, ranking);
  }

  /** Resolves an artist name (accents, "the", possessives, near misses) to the artist model's spelling. */
  resolveArtist(name: string): ResolvedArtistName | undefined {
    const r = this.artists?.resolve(name);
    return r === undefined ? undefined : { name: r.name, match: r.match };
  }

  /** The artist model's version, if one is loaded. */
  get artistVersion(): string | undefined {
    return this.artists?.version;
  }

  get description(): string {
    return this.model.source === 'model' ? `hybrid ${this.model.version ?? ''}`.trim() : 'popularity';
  }

  knows(trackId: number): boolean {
    return this.indexOf.has(trackId);
  }

  async recommend(request: RecommendationRequest): Promise<RecommendationList> {
    const unplayedOwn = await this.unplayedByNamed(request);
    if (unplayedOwn !== undefined) return unplayedOwn;
    const planned0 = this.plan(this.strongSeeds(request.seeds));
    const { seeds, notes } = planned0;
    const artist = this.artistSignal(request, seeds.length > 0);
    if (artist.note !== undefined) notes.push(artist.note);
    // Artist seeds with no usable seed track: the artist neighbours' best tracks, not the global popularity floor.
    const byArtist = artist.signal !== undefined && (planned0.ranker === this.floor || seeds.length === 0) && this.model.source === 'model';
    // No seed at all but a mood that fits the request (an activity's, or the one asked for): the tracks that meet the
    // constraints ranked by their own evidence for it, not the most popular of them ("focus" gave an energetic EDM remix).
    const moodScores = !byArtist && this.model.source === 'model' ? this.moodFit(request.fitMoods ?? []) : undefined;
    const fit = planned0.ranker === this.floor ? moodScores : undefined;
    const planned = byArtist || fit !== undefined ? this.byArtist : planned0.ranker;
    if (byArtist) {
      const i = notes.indexOf(NO_SEED_NOTE);
      if (i >= 0) notes.splice(i, 1);
    } else if (planned === this.floor && (request.seedArtists?.length ?? 0) > 0) {
      notes.push(`answering with popular tracks because ${artist.why ?? 'no seed artist could be used'}`);
    } else if (planned === this.floor && this.artists !== undefined && artist.signal === undefined && request.seeds.length > 0 && request.seeds.every((t) => !this.indexOf.has(t))) {
      // The fallback nothing can avoid: say why rather than pass popular tracks off as similar ones.
      const i = notes.indexOf(NO_SEED_NOTE);
      if (i >= 0) notes.splice(i, 1);
      notes.push(NO_EVIDENCE_NOTE);
    }
    const strategy = planned === this.floor || planned === this.byArtist ? undefined : (request.strategy ?? 'hybrid');
    const ranker = strategy === undefined || strategy === 'hybrid' ? planned : this.byStrategy.get(strategy);
    if (ranker === undefined) throw new InvalidParamsError(`strategy ${strategy ?? ''} is not available (available: ${this.strategies.join(', ')})`);
    const asked = await this.toRanking(request.constraints);
    // Holiday songs are left out unless asked for, or unless the person started from one ("more like Last Christmas");
    // an artist's best tracks standing in for the artist do not count ("like Bing Crosby" is not "White Christmas").
    const standIn = new Set(request.returnableSeeds ?? []);
    const fromHoliday = request.seeds.some((t) => !standIn.has(t) && this.holidaySongs.has(t));
    const constraints = asked.holiday === undefined && fromHoliday ? { ...asked, holiday: 'any' as const } : asked;
    if (this.model.trackIds.length === 0) return { items: [], emptyReason: 'no one has played any track yet, so there is nothing to recommend from', notes };
    const extra = (request.extraSignals ?? []).map((e) => this.extraSignal(e));
    if (artist.signal !== undefined) extra.push({ name: 'similar_artists', weight: byArtist ? 1 : this.artistParams.artistWeight, scores: artist.signal });
    // The mood asked for ranks the answer with no seed, and counts beside the person's own seeds when there are some.
    if (moodScores !== undefined && planned !== this.floor) extra.push({ name: 'mood_fit', weight: 1, scores: moodScores });
    // Asked for holiday songs, the plain ones lead: "White Christmas" before a worship song one tag calls christmas.
    const holidayOnly = constraints.holiday === 'only';
    if (holidayOnly) extra.push({ name: 'holiday', weight: 1, scores: this.plainHoliday });
    const capped = artist.seedNodes.size > 0;
    // Seed tracks that stand for a named artist (its best tracks) may come back; tracks the person named may not.
    const byNamed = (t: number): boolean => {
      const main = this.artists?.nodesOf(t)[0];
      return main !== undefined && artist.named.has(main);
    };
    // Seed tracks picked for a label ("classical": its best tracks) may come back too: the person did not name them.
    const standIns = new Set(request.returnableSeeds ?? []);
    const returnSeeds = artist.named.size > 0 || standIns.size > 0;
    // Seeds the person named never come back, even when a little-played one was left to its artist's signal (the
    // ranker then has no seed to exclude: "more like Spill The Wine" showed Spill The Wine first).
    const known = [...(request.known ?? []), ...request.seeds.filter((t) => !(returnSeeds && (byNamed(t) || standIns.has(t))))];
    const rankWith = (c: RankingConstraints) =>
      ranker.rank({
        ...(ranker === this.floor ? { user: 0 } : ranker === this.byArtist ? { user: 0 } : { seeds }),
        k: capped || holidayOnly ? request.k * 3 + 10 : request.k,
        constraints: c,
        disliked: this.items(request.disliked),
        known: this.items(known),
        ...(returnSeeds ? { returnSeeds } : {}),
        ...(request.preference !== undefined ? { preference: this.signal(request.preference) } : {}),
        ...(extra.length > 0 ? { extra } : {}),
      });
    // Artist seeds answered from the neighbours: the catalogue tracks nobody played join them when the request asks
    // nothing they cannot be checked against (a genre or style by their labels and tags; not a mood, range or popularity).
    const unplayed = byArtist && artist.signal !== undefined && artist.nodes !== undefined && unplayedCheckable(request.constraints);
    const cold = unplayed ? await this.unplayedCandidates({ signal: artist.signal!, nodes: artist.nodes!, seedNodes: artist.seedNodes }, request, known, constraints) : [];
    // Nothing to start from and too few played tracks of the genre or style asked ("some bebop": none of its artists'
    // tracks was played): the catalogue tracks nobody played that meet it, before the request is loosened.
    const filled = planned === this.floor && this.model.source === 'model' ? await this.unplayedFill(request, known, constraints) : undefined;
    if (filled !== undefined) notes.push(filled.note);
    const { result, relaxed } = this.rankRelaxing(rankWith, constraints, request.k, cold.length + (filled?.items.length ?? 0));
    const named = artist.named.size;
    const seedCap = named >= 2 ? Math.max(Math.floor(request.k / 5), Math.min(named, Math.ceil(request.k / 2))) : Math.max(1, Math.floor(request.k / 5));
    // Answering from the artist neighbours alone: only tracks they put there, never popular filler (a shorter answer
    // instead; "like Aphex Twin" was padded with Nicki Minaj and Bruno Mars once Four Tet's tracks ran out).
    const signal = artist.signal;
    const fromArtists = byArtist && signal !== undefined ? result.items.filter((r) => signal[r.item]! > 0) : result.items;
    const found = fromArtists.length > 0 ? fromArtists : result.items;
    const plainly = (r: RankedItem) => this.plainHoliday[r.item]!;
    const pool = holidayOnly && relaxed.every((x) => x.constraint !== 'holiday') ? [...found].sort((x, y) => plainly(y) - plainly(x)).slice(0, capped ? found.length : request.k) : found;
    const ranked = capped ? this.capArtists(pool, (r) => this.model.trackIds[r.item]!, artist.seedNodes, request.k, seedCap) : pool;
    // Played tracks let in by a relaxation come after the unplayed ones that meet every constraint.
    const metAll = relaxed.length > 0 ? applyConstraints(this.catalog, constraints).allowed : undefined;
    const items = unplayed
      ? this.withUnplayed(ranked, cold, signal!, artist.seedNodes, request.k, seedCap, metAll)
      : filled !== undefined
        ? [...ranked.filter((r) => metAll === undefined || metAll[r.item] === 1), ...filled.items, ...ranked.filter((r) => metAll !== undefined && metAll[r.item] !== 1)]
            .slice(0, request.k)
            .map((r) => ('item' in r ? this.toRecommendation(r) : r))
        : ranked.map((r) => this.toRecommendation(r));
    const base = {
      items: await this.withStyles(items, constraints.styles),
      notes,
      ...(strategy === undefined ? (byArtist ? { basis: 'artist' as const } : fit !== undefined ? { basis: 'fit' as const } : {}) : { strategy }),
      ...(relaxed.length > 0 ? { relaxed } : {}),
      ...(artist.guess !== undefined && artist.signal !== undefined ? { guess: artist.guess } : {}),
    };
    return result.emptyReason !== undefined && items.length === 0 ? { ...base, emptyReason: result.emptyReason } : base;
  }

  /**
   * Ranks under every constraint; when fewer than half the tracks asked for (at least one) meet them all, counting the
   * `alsoMet` tracks from outside the ranking that do, loosens one constraint at a time until enough do (nextRelaxation
   * says which). The tracks that met everything come first, and each relaxation says what it loosened, why, and how
   * many tracks met it.
   */
  private rankRelaxing(
    rankWith: (c: RankingConstraints) => { items: readonly RankedItem[]; emptyReason?: string },
    constraints: RankingConstraints,
    k: number,
    alsoMet = 0,
  ): { result: { items: readonly RankedItem[]; emptyReason?: string }; relaxed: Relaxation[] } {
    const strict = rankWith(constraints);
    // Tracks outside the ranking that meet every constraint (catalogue tracks nobody played) count towards enough.
    const enough = Math.max(1, Math.ceil(k / 2) - alsoMet);
    const relaxed: Relaxation[] = [];
    if (strict.items.length >= enough || alsoMet >= Math.ceil(k / 2)) return { result: strict, relaxed };
    let current = constraints;
    let result = strict;
    const items = [...strict.items];
    const seen = new Set(items.map((r) => r.item));
    const alone = applyConstraints(this.catalog, constraints).counts;
    const never = RELAXATION_ORDER.filter((f) => alone.some((c) => c.field === f && c.matching === 0));
    for (;;) {
      const next = this.nextRelaxation(current, never, enough);
      if (next === undefined) break;
      const { field, looser, entry } = next;
      // The tracks from outside the ranking met every constraint, so this one too.
      const matching = entry.matching + alsoMet;
      const metAll = items.length + alsoMet;
      const asked = entry.constraint;
      const every = relaxed.length === 0 ? 'every constraint together' : 'every constraint still in place';
      const met = metAll === 0 ? `no track met ${every}` : `only ${metAll} track${metAll === 1 ? '' : 's'} met ${every}`;
      const alone = `${met}, and ${matching} track${matching === 1 ? ' meets' : 's meet'} ${asked} on ${matching === 1 ? 'its' : 'their'} own`;
      // A style widens to its genre ("bluegrass" to country): said, since the answer is then of the genre.
      const widened = field === 'styles' ? (looser.genres ?? []).filter((g) => !(current.genres ?? []).includes(g)) : [];
      const reason =
        field === 'explicit'
          ? `${met}; ${matching} tracks are known to be clean and ${this.unknownExplicit()} have no explicit information, so tracks not marked explicit are allowed`
          : widened.length > 0
            ? `${alone}, so it was widened to ${widened.join(' and ')}`
            : `${alone}, so it was relaxed`;
      relaxed.push({ constraint: field, asked, reason, matching, metAll });
      current = looser;
      result = rankWith(current);
      // Tracks that met more of the request stay ahead of those that met less.
      for (const r of result.items) {
        if (seen.has(r.item)) continue;
        seen.add(r.item);
        items.push(r);
      }
      if (items.length >= enough) break;
    }
    if (relaxed.length === 0) return { result: strict, relaxed };
    return { result: result.emptyReason !== undefined && items.length > 0 ? { items } : { ...result, items }, relaxed };
  }

  /**
   * The constraint to loosen next, or undefined when none is left. One that no track meets on its own goes first
   * (`never`: keeping it cannot help). Then, of the constraints before what the person named as a label or an entity
   * (RELAXATION_ORDER before NAMED_LAST), the first in that order whose loosening alone lets `enough` tracks meet the
   * rest; if none does, the one that lets the most through; if none lets any more through, the first in the order.
   * Only then what was named, in the order. So the constraint with the least evidence gives way instead of two that
   * hold: "upbeat funk, nothing explicit" (3 tracks known to be clean) lets tracks with no explicit information in
   * rather than dropping "upbeat" and answering with a ballad.
   */
  private nextRelaxation(
    current: RankingConstraints,
    never: readonly RelaxableField[],
    enough: number,
  ): { field: RelaxableField; looser: RankingConstraints; entry: { constraint: string; matching: number } } | undefined {
    const now = applyConstraints(this.catalog, current);
    const counts = now.counts;
    const candidates = [...never, ...RELAXATION_ORDER.filter((f) => !never.includes(f))].flatMap((field) => {
      const looser = relaxConstraint(current, field);
      const entry = counts.find((c) => c.field === field);
      // A constraint every track meets (no holiday song in the catalogue) loosens nothing.
      return looser === undefined || entry === undefined || entry.matching === this.catalog.itemCount ? [] : [{ field, looser, entry }];
    });
    const first = candidates[0];
    if (first === undefined || never.includes(first.field)) return first;
    const loose = candidates.filter((c) => !NAMED_LAST.includes(c.field));
    if (loose.length === 0) return first;
    const met = loose.map((c) => applyConstraints(this.catalog, c.looser).count);
    const suffices = loose.findIndex((_, k) => met[k]! >= enough);
    if (suffices >= 0) return loose[suffices];
    const most = met.indexOf(Math.max(...met));
    return met[most]! > now.count ? loose[most] : loose[0];
  }

  /**
   * Each item's own evidence for any of `moods` (its label probability, or 1 for its top label when there are no
   * probabilities; the artist's labels do not count: mood belongs to the track). Undefined when no mood is known here.
   */
  private moodFit(moods: readonly string[]): Float32Array | undefined {
    const c = this.catalog;
    const ks = [...new Set(moods.map((m) => c.moods.indexOf(canonicalLabel('mood', m) ?? m.trim().toLowerCase())).filter((k) => k >= 0))];
    if (ks.length === 0) return undefined;
    const width = c.moods.length;
    const out = new Float32Array(c.itemCount);
    for (let i = 0; i < c.itemCount; i++) {
      for (const k of ks) {
        const v = c.moodProb !== undefined ? c.moodProb[i * width + k]! : c.mood[i] === k ? 1 : 0;
        if (v > out[i]!) out[i] = v;
      }
    }
    return out;
  }

  /** How many items have no explicit information from any source. */
  private unknownExplicit(): number {
    const known = this.catalog.explicitKnown;
    if (known === undefined) return 0;
    let n = 0;
    for (let i = 0; i < known.length; i++) if (known[i] !== 1) n++;
    return n;
  }

  /**
   * With an artist model, seed tracks seen in fewer than LOW_SUPPORT playlists are left to the artist signal (their
   * neighbours are whatever shared their one playlist); without one, every seed counts.
   */
  private strongSeeds(seeds: readonly number[]): readonly number[] {
    if (this.artists === undefined) return seeds;
    const pop = this.model.recommender.itemPopularity;
    return seeds.filter((t) => {
      const i = this.indexOf.get(t);
      return i === undefined || pop[i]! >= LOW_SUPPORT || this.artists!.nodesOf(t).length === 0;
    });
  }

  /**
   * The artist-neighbour signal of a request: the seed artists (named, or the artists of seed tracks nobody or hardly
   * anybody played; well-played seed tracks' artists count, less, only beside those), their graph neighbours, and each neighbour's best
   * tracks (most played first). Undefined when there is no artist model or nothing to start from.
   */
  private artistSignal(
    request: RecommendationRequest,
    hasSeeds: boolean,
  ): { signal?: Float32Array; nodes?: ReadonlyMap<number, number>; seedNodes: Map<number, number>; named: Set<number>; note?: string; guess?: string; why?: string } {
    const seedNodes = new Map<number, number>();
    const namedNodes = new Set<number>();
    const a = this.artists;
    if (a === undefined) return { seedNodes, named: namedNodes, ...(this.artistProblem !== undefined && (request.seedArtists?.length ?? 0) > 0 ? { why: this.artistProblem } : {}) };
    const add = (node: number, w: number): void => {
      seedNodes.set(node, Math.max(seedNodes.get(node) ?? 0, w));
    };
    const named: string[] = [];
    for (const name of request.seedArtists ?? []) {
      const r = a.resolve(name);
      if (r === undefined) continue;
      add(r.node, 1);
      namedNodes.add(r.node);
      named.push(r.name);
    }
    const pop = this.model.recommender.itemPopularity;
    for (const t of request.seeds) {
      const i = this.indexOf.get(t);
      const weak = i === undefined || pop[i]! < LOW_SUPPORT;
      const [main] = a.nodesOf(t);
      // Well-played seed tracks speak for themselves; their artists join only beside named artists or weak seeds.
      if (main !== undefined && (weak || (request.seedArtists?.length ?? 0) > 0)) add(main, weak ? 1 : this.artistParams.knownTrackArtistWeight);
    }
    if (seedNodes.size === 0) return { seedNodes, named: namedNodes, ...((request.seedArtists?.length ?? 0) > 0 ? { why: 'no seed artist is in the artist model' } : {}) };
    const agg = new Map<number, number>();
    // Several artists named together (building a playlist from them): their own tracks belong in it as much as
    // their neighbours'; one artist named ("like X"): mostly the neighbours.
    const selfShare = named.length >= 2 ? 1 : this.artistParams.selfShare;
    for (const [node, w] of seedNodes) {
      const nb = a.graph.neighbours(node);
      for (const x of nb) agg.set(x.node, (agg.get(x.node) ?? 0) + w * x.score);
      const self = selfShare * (nb[0]?.score ?? 1);
      agg.set(node, (agg.get(node) ?? 0) + w * self);
    }
    // Few neighbours with played tracks (an artist known mostly from Last.fm): their neighbours too, at half weight.
    const withTracks = [...agg.keys()].filter((node) => this.itemsOfArtist(node).length > 0).length;
    if (withTracks < 10) {
      for (const [node, s] of [...agg.entries()]) {
        if (seedNodes.has(node)) continue;
        for (const x of a.graph.neighbours(node)) if (!agg.has(x.node)) agg.set(x.node, 0.5 * s * x.score);
      }
    }
    const n = this.model.trackIds.length;
    const scores = new Float32Array(n);
    let any = false;
    const per = this.artistParams.tracksPerArtist;
    for (const [node, s] of agg) {
      this.itemsOfArtist(node)
        .slice(0, per)
        .forEach((item, r) => {
          const v = s / (1 + 0.5 * r);
          if (v > scores[item]!) scores[item] = v;
          any = true;
        });
    }
    if (!any) return { seedNodes, named: namedNodes, why: 'neither the seed artists nor their neighbours have tracks anyone played' };
    const neighbours = [...agg.entries()].filter(([node]) => !seedNodes.has(node) && this.itemsOfArtist(node).length > 0).sort((x, y) => y[1] - x[1]).slice(0, 3);
    const alike = neighbours.map(([node]) => a.nameOf(node)).join(', ');
    // Seeds linked to other music only by the words or spelling of names and titles: say it is a guess.
    const weak = [...seedNodes.keys()].every((node) => a.graph.weak.has(node));
    const note = weak
      ? `${named.length > 0 ? named.join(', ') : "the seed tracks' artists"} share no listeners, playlists, tags or audio with other music, so these come from artists whose names and titles are worded or spelled alike (${alike}): a guess, not a similarity`
      : named.length > 0
        ? `started from ${named.join(', ')} and similar artists (${alike})`
        : hasSeeds
          ? undefined
          : `the seed tracks' artists and similar artists (${alike}) stand in for seeds no one has played`;
    return { signal: scores, nodes: agg, seedNodes, named: namedNodes, ...(note !== undefined ? { note } : {}), ...(weak && note !== undefined ? { guess: note } : {}) };
  }

  /**
   * The catalogue tracks nobody in the listening data played (two thirds of the catalogue: Yes.com's song list, with
   * its Last.fm tags) by the artist neighbours, each keyed by its artist's score after that artist's played tracks
   * (ordered by how much listeners tagged them), that meet `constraints` as the catalogue's labels and tags show
   * (unplayedMeets): "like Miles Davis" had only the smooth-jazz radio hits of his neighbours, while John Coltrane's
   * and Thelonious Monk's tracks, never played in the data, could not be answered at all.
   */
  private async unplayedCandidates(
    artist: { readonly signal: Float32Array; readonly nodes: ReadonlyMap<number, number>; readonly seedNodes: ReadonlyMap<number, number> },
    request: RecommendationRequest,
    known: readonly number[],
    constraints: RankingConstraints,
  ): Promise<{ key: number; rec: Recommendation }[]> {
    const a = this.artists!;
    // As for played tracks: seeds the person named never come back; tracks standing in for a named artist may.
    const leaveOut = new Set([...known, ...(request.disliked ?? []), ...(request.constraints?.excludeTracks ?? [])]);
    const excludedNodes = new Set((request.constraints?.excludeArtists ?? []).map((n) => a.resolve(n)?.node).filter((n): n is number => n !== undefined));
    const per = this.artistParams.tracksPerArtist;
    const nearest = [...artist.nodes].sort((x, y) => y[1] - x[1]).slice(0, 3 * request.k).map(([node]) => node);
    const meets = await this.unplayedMeets(constraints);
    const byNode = await this.unplayedTracksOf(nearest.filter((node) => !excludedNodes.has(node)), leaveOut, meets);
    const out: { key: number; rec: Recommendation }[] = [];
    for (const [node, tracks] of byNode) {
      const s = artist.nodes.get(node)!;
      const before = Math.min(per, this.itemsOfArtist(node).length);
      const name = a.nameOf(node);
      const because = artist.seedNodes.has(node) ? `it is by ${name}` : `its artist, ${name}, is close to the artists you asked for or like`;
      tracks.slice(0, per).forEach((trackId, r) => {
        const key = s / (1 + 0.5 * (before + r));
        out.push({ key, rec: unplayedRecommendation(trackId, key, because) });
      });
    }
    return out;
  }

  /**
   * The answer from the artist neighbours with their unplayed tracks (unplayedCandidates) put beside the played ones:
   * every track keyed by its artist's score, under the same caps per artist; played tracks that met only a relaxed
   * request (not `metAll`) after every track that met it all. The explanation says no one in the data has played it.
   */
  private withUnplayed(
    ranked: readonly RankedItem[],
    cold: readonly { key: number; rec: Recommendation }[],
    signal: Float32Array,
    seedNodes: ReadonlyMap<number, number>,
    k: number,
    seedCap: number,
    metAll: Uint8Array | undefined,
  ): Recommendation[] {
    const tier = (r: RankedItem) => (metAll === undefined || metAll[r.item] === 1 ? 0 : 1);
    const played = ranked.map((r) => ({ rec: this.toRecommendation(r), key: signal[r.item]!, tier: tier(r) }));
    const candidates = [...played, ...cold.map((c) => ({ ...c, tier: 0 }))];
    candidates.sort((x, y) => x.tier - y.tier || y.key - x.key || x.rec.trackId - y.rec.trackId);
    return this.capArtists(
      candidates.map((c) => c.rec),
      (r) => r.trackId,
      seedNodes,
      k,
      seedCap,
    );
  }

  /**
   * Whether a catalogue track nobody played meets `constraints` by what the catalogue knows of it (its genre labels
   * from its own and its artist's tags, its artist's styles, a holiday title or tag, a placeholder title), as played
   * tracks meet them (applyConstraints); the played items' indices (`items`, `excludeItems`) do not apply to it.
   */
  private async unplayedMeets(constraints: RankingConstraints): Promise<(trackId: number) => boolean> {
    const { indexOf, allowed } = await this.unplayedAllowed(constraints);
    return (t) => {
      const i = indexOf.get(t);
      return i !== undefined && allowed[i] === 1;
    };
  }

  /** The catalogue of unplayed tracks, and which of them meet `constraints` (the played items' indices do not apply). */
  private async unplayedAllowed(constraints: RankingConstraints): Promise<UnplayedCatalog & { readonly allowed: Uint8Array }> {
    const cold = await this.unplayedConstraintCatalog();
    const { items: _only, excludeItems: _never, ...rest } = constraints;
    return { ...cold, allowed: applyConstraints(cold.catalog, rest).allowed };
  }

  /**
   * With nothing to start from, a genre or style that fewer than half the tracks asked for meet among played tracks:
   * the catalogue tracks nobody played that meet the request (unplayedMeets), the most tagged by listeners first, at
   * most two per artist, and a note saying so. Undefined when the request asks no genre or style, asks something they
   * cannot be checked against, or played tracks are enough (a popular genre keeps to played tracks).
   */
  private async unplayedFill(request: RecommendationRequest, known: readonly number[], constraints: RankingConstraints): Promise<{ items: Recommendation[]; note: string } | undefined> {
    const asked = [...(constraints.genres ?? []), ...(constraints.styles ?? [])];
    if (asked.length === 0 || !unplayedCheckable(request.constraints)) return undefined;
    const enough = Math.max(1, Math.ceil(request.k / 2));
    if (applyConstraints(this.catalog, constraints).count >= enough) return undefined;
    const { catalog, indexOf, allowed } = await this.unplayedAllowed(constraints);
    const leaveOut = new Set([...known, ...(request.disliked ?? []), ...(request.constraints?.excludeTracks ?? [])]);
    const meeting = [...indexOf].filter(([t, i]) => allowed[i] === 1 && !leaveOut.has(t)).map(([t]) => t);
    if (meeting.length === 0) return undefined;
    const rows = await this.db.rows<{ track_id: number; w: number }>(
      sql`select track_id, sum(weight)::float8 as w from track_tags where track_id in (${sqlList(meeting)}) group by track_id`,
    );
    const tagged = new Map(rows.map((r) => [Number(r.track_id), Number(r.w)]));
    const ordered = meeting.sort((x, y) => (tagged.get(y) ?? 0) - (tagged.get(x) ?? 0) || x - y);
    const perArtist = new Map<number, number>();
    const picked: number[] = [];
    for (const t of ordered) {
      if (picked.length >= request.k) break;
      const i = indexOf.get(t)!;
      const main = catalog.artistOffsets !== undefined && catalog.artistIds !== undefined && catalog.artistOffsets[i + 1]! > catalog.artistOffsets[i]! ? catalog.artistIds[catalog.artistOffsets[i]!] : undefined;
      const n = main === undefined ? 0 : (perArtist.get(main) ?? 0);
      if (n >= 2) continue;
      if (main !== undefined) perArtist.set(main, n + 1);
      picked.push(t);
    }
    const what = asked.join(' or ');
    const items = picked.map((t, r) => unplayedRecommendation(t, 1 / (1 + 0.5 * r), `listeners' tags of it and its artist say it is ${what}`));
    return { items, note: `few played tracks are ${what}, so these include catalogue tracks no one in the listening data has played yet, the most tagged by listeners first` };
  }

  /** The catalogue tracks nobody played as a constraint catalogue, read once, on first use. */
  private unplayedConstraintCatalog(): Promise<UnplayedCatalog> {
    this.unplayedCatalog ??= (async () => {
      const rows = await this.db.rows<{ id: number }>(sql`select id from tracks order by id`);
      const ids = Int32Array.from(rows.map((r) => Number(r.id)).filter((t) => !this.indexOf.has(t)));
      const catalog = await loadConstraintCatalog(this.db, ids, new Float32Array(ids.length), this.holidaySongs, sql`(select id from tracks)`);
      return { catalog, indexOf: new Map(Array.from(ids, (t, i) => [t, i])) };
    })().catch((e: unknown) => {
      // A failed read is tried again on the next request rather than remembered.
      this.unplayedCatalog = undefined;
      throw e;
    });
    return this.unplayedCatalog;
  }

  /**
   * "Play some Miles Davis" when none of the named artists' tracks was played in the listening data but the catalogue
   * holds them: their catalogue tracks, most tagged first (several artists take turns), instead of relaxing "by" into
   * the neighbours' played tracks. Only when nothing else is asked that those tracks could not be checked against.
   */
  private async unplayedByNamed(request: RecommendationRequest): Promise<RecommendationList | undefined> {
    const a = this.artists;
    const names = request.constraints?.artists;
    if (a === undefined || names === undefined || names.length === 0 || this.model.source !== 'model') return undefined;
    const { artists: _named, ...others } = request.constraints!;
    if (!unplayedCheckable(others)) return undefined;
    const resolved = names.map((n) => a.resolve(n)).filter((r) => r !== undefined);
    if (resolved.length === 0 || resolved.some((r) => this.itemsOfArtist(r.node).length > 0)) return undefined;
    const standIns = new Set(request.returnableSeeds ?? []);
    const leaveOut = new Set([...(request.known ?? []), ...request.seeds.filter((t) => !standIns.has(t)), ...(request.disliked ?? []), ...(request.constraints?.excludeTracks ?? [])]);
    // Their own tracks were asked for: holiday songs stay unless left out (they come last), placeholders never do.
    const asked = await this.toRanking(others);
    const meets = await this.unplayedMeets(asked.holiday === undefined ? { ...asked, holiday: 'any' } : asked);
    const byNode = await this.unplayedTracksOf(
      resolved.map((r) => r.node),
      leaveOut,
      meets,
    );
    const perArtist = resolved.map((r) => ({ name: r.name, tracks: byNode.get(r.node) ?? [] }));
    const items: Recommendation[] = [];
    for (let r = 0; items.length < request.k && perArtist.some((x) => r < x.tracks.length); r++) {
      for (const x of perArtist) {
        const trackId = x.tracks[r];
        if (trackId === undefined || items.length >= request.k) continue;
        items.push(unplayedRecommendation(trackId, 1 / (1 + 0.5 * r), `it is by ${x.name}`));
      }
    }
    if (items.length === 0) return undefined;
    const who = resolved.map((r) => r.name).join(', ');
    return { items, notes: [`no one in the listening data has played ${who} yet: these are their tracks in the catalogue, the most tagged by listeners first`], basis: 'artist' };
  }

  /**
   * Each node's catalogue tracks (as main artist) that nobody in the listening data played, are not left out and meet
   * the request (`meets`), the most tagged by listeners first (one query); nodes with none are absent.
   */
  private async unplayedTracksOf(nodes: readonly number[], leaveOut: ReadonlySet<number>, meets: (trackId: number) => boolean): Promise<Map<number, number[]>> {
    const a = this.artists!;
    const byNode = new Map<number, number[]>();
    for (const node of nodes) {
      const tracks = a.tracksOf(node).filter((t) => a.nodesOf(t)[0] === node && !this.indexOf.has(t) && !leaveOut.has(t) && meets(t));
      if (tracks.length > 0) byNode.set(node, tracks);
    }
    const all = [...byNode.values()].flat();
    if (all.length === 0) return byNode;
    const rows = await this.db.rows<{ track_id: number; w: number }>(
      sql`select track_id, sum(weight)::float8 as w from track_tags where track_id in (${sqlList(all)}) group by track_id`,
    );
    const tagged = new Map(rows.map((r) => [Number(r.track_id), Number(r.w)]));
    // Holiday songs last: nobody asked for them ("like Bing Crosby" is not "White Christmas" first).
    const key = (t: number) => (this.holidaySongs.has(t) ? 1 : 0);
    for (const tracks of byNode.values()) tracks.sort((x, y) => key(x) - key(y) || (tagged.get(y) ?? 0) - (tagged.get(x) ?? 0) || x - y);
    return byNode;
  }

  /** The model's items credited to an artist node, most played first. */
  private itemsOfArtist(node: number): readonly number[] {
    return this.bestItems.get(node) ?? [];
  }

  /**
   * At most `seedCap` tracks by the seed artists (a fifth of the answer for one artist named, up to half when several
   * are), and at most two tracks per other artist.
   */
  private capArtists<T>(items: readonly T[], trackOf: (x: T) => number, seedNodes: ReadonlyMap<number, number>, k: number, seedCap: number): T[] {
    const a = this.artists;
    if (a === undefined) return items.slice(0, k);
    let fromSeeds = 0;
    const perArtist = new Map<number, number>();
    const out: T[] = [];
    const rest: T[] = [];
    for (const r of items) {
      if (out.length === k) break;
      const main = a.nodesOf(trackOf(r))[0];
      const isSeed = main !== undefined && seedNodes.has(main);
      const count = main === undefined ? 0 : (perArtist.get(main) ?? 0);
      if ((isSeed && fromSeeds >= seedCap) || (!isSeed && count >= 2)) {
        rest.push(r);
        continue;
      }
      if (isSeed) fromSeeds++;
      if (main !== undefined) perArtist.set(main, count + 1);
      out.push(r);
    }
    // Too few other artists: fill up in rank order rather than answer short.
    for (const r of rest) {
      if (out.length >= k) break;
      out.push(r);
    }
    return out;
  }

  async similar(trackId: number, k: number, constraints?: RecommendConstraints): Promise<RecommendationList> {
    return this.recommend({ seeds: [trackId], k, ...(constraints !== undefined ? { constraints } : {}) });
  }

  explain(request: RecommendationRequest, trackId: number): Promise<ExplainOutcome> {
    return explainByRanking(this, request, trackId, this.indexOf.has(trackId));
  }


  private plan(seedTracks: readonly number[]): { ranker: Ranker; seeds: number[]; notes: string[] } {
    const seeds = this.items(seedTracks);
    const notes: string[] = [];
    const unknown = seedTracks.length - seeds.length;
    if (unknown > 0) {
      notes.push(
        this.artists !== undefined
          ? `${unknown} seed track(s) are unknown to the track model (no one has played them): their artists stand in for them`
          : `${unknown} seed track(s) are unknown to the recommender (no one has played them) and were ignored`,
      );
    }
    if (this.model.source !== 'model') notes.push('no trained model is active: answering with the most popular tracks (run `earworm train`)');
    if (seeds.length > 0 && this.model.source === 'model') return { ranker: this.seeded, seeds, notes };
    if (seedTracks.length > 0 && seeds.length === 0) notes.push(NO_SEED_NOTE);
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

  /**
   * Each item marked with the first of the styles asked for that its evidence shows (its card names the style); an
   * unplayed track by the catalogue of unplayed tracks, when one was read.
   */
  private async withStyles(items: readonly Recommendation[], styles: readonly Style[] | undefined): Promise<readonly Recommendation[]> {
    if (styles === undefined || styles.length === 0) return items;
    const cold = items.some((r) => !this.indexOf.has(r.trackId)) && this.unplayedCatalog !== undefined ? await this.unplayedCatalog : undefined;
    return items.map((r) => {
      const i = this.indexOf.get(r.trackId);
      const j = cold?.indexOf.get(r.trackId);
      const style =
        i !== undefined ? styles.find((x) => this.catalog.styles?.[x]?.[i] === 1) : j !== undefined ? styles.find((x) => cold!.catalog.styles?.[x]?.[j] === 1) : undefined;
      return style === undefined ? r : { ...r, style };
    });
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
    // A style ("some grunge", "no grunge") asks for or leaves out its own tracks, not its whole genre (rock).
    const { genres, styles } = splitStyles(c.genres);
    if (genres.length > 0) out.genres = names('genre', genres);
    if (styles.length > 0) out.styles = styles;
    if (c.moods !== undefined && c.moods.length > 0) out.moods = names('mood', c.moods);
    const left = splitStyles(c.excludeGenres);
    if (left.genres.length > 0) out.excludeGenres = names('genre', left.genres);
    if (left.styles.length > 0) out.excludeStyles = left.styles;
    if (c.excludeMoods !== undefined && c.excludeMoods.length > 0) out.excludeMoods = names('mood', c.excludeMoods);
    if (c.ranges !== undefined) out.ranges = c.ranges;
    if (c.explicit !== undefined) out.explicit = c.explicit;
    if (c.vocals !== undefined) out.vocals = c.vocals;
    if (c.instruments !== undefined && c.instruments.length > 0) out.instruments = c.instruments;
    if (c.popularity !== undefined) out.popularity = c.popularity;
    if (c.holiday !== undefined) out.holiday = c.holiday;
    if (c.artists !== undefined && c.artists.length > 0) {
      out.artists = await this.artistIds(c.artists);
      out.artistNames = [...c.artists];
    }
    if (c.excludeArtists !== undefined && c.excludeArtists.length > 0) {
      out.excludeArtists = await this.artistIds(c.excludeArtists);
      out.excludeArtistNames = [...c.excludeArtists];
    }
    if (c.tracks !== undefined && c.tracks.length > 0) out.items = this.items(c.tracks);
    if (c.excludeTracks !== undefined && c.excludeTracks.length > 0) out.excludeItems = this.items(c.excludeTracks);
    return out;
  }

  /** The artist model's spelling of a name it knows exactly (folded case, accents, "the"). */
  private exactArtist(name: string): string | undefined {
    const r = this.artists?.resolve(name);
    return r?.match === 'exact' ? r.name : undefined;
  }

  /** Catalogue artist ids of names (folded as the catalogue folds them; the artist model's spelling when it knows one). */
  private async artistIds(names: readonly string[]): Promise<number[]> {
    const norm = [...new Set(names.flatMap((n) => [normalizeArtistName(n), normalizeArtistName(this.exactArtist(n) ?? n)]))];
    const rows = await this.db.rows<{ id: number }>(
      sql`select id from artists where norm_name in (${sqlList(norm)})`,
    );
    return rows.map((r) => Number(r.id));
  }
}

/** A track nobody in the listening data played, recommended because of its artist; the sentence says so. */
function unplayedRecommendation(trackId: number, score: number, because: string): Recommendation {
  return { trackId, score, sentence: `Recommended because ${because}; no one in the listening data has played it yet.`, signals: [{ signal: 'similar_artists', contribution: score }] };
}

/**
 * Whether a request constrains nothing but what tracks outside the model (no audio features or plays) can be checked
 * against: genres and styles asked for or left out (their labels from their own and their artist's tags), holiday
 * songs, artists and tracks to leave out. Only then can they join an answer; a mood, range or popularity keeps them out.
 */
function unplayedCheckable(c: RecommendConstraints | undefined): boolean {
  if (c === undefined) return true;
  const { excludeArtists: _a, excludeTracks: _t, genres: _g, excludeGenres: _x, holiday: _h, ...rest } = c;
  return Object.values(rest).every((v) => v === undefined || (Array.isArray(v) && v.length === 0));
}

/** The catalogue tracks nobody played as constraints see them, and each track's index there. */
interface UnplayedCatalog {
  readonly catalog: ConstraintCatalog;
  readonly indexOf: ReadonlyMap<number, number>;
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

/**
 * Constraint attributes of the model's items: genre and mood labels (the items' own, and their primary artist's on
 * average), audio ranges, year, explicit flag (and whether a source states it), vocal tags, lead voice, instruments,
 * styles, popularity percentile, artists. `served` is a query of the track ids worth reading rows for [the played ones].
 */
async function loadConstraintCatalog(
  db: Db,
  trackIds: Int32Array,
  itemPopularity: Float32Array,
  holidaySongs: ReadonlyMap<number, number>,
  served: SQL = sql`(select distinct track_id from interactions where track_id is not null)`,
): Promise<ConstraintCatalog> {
  const n = trackIds.length;
  const indexOf = new Map(Array.from(trackIds, (t, i) => [t, i]));
  const genre = await loadServedLabels(db, trackIds, 'genre');
  const mood = await loadServedLabels(db, trackIds, 'mood');
  const ranges: Partial<Record<RangeField, Float32Array>> = {};
  for (const f of [...AUDIO_RANGES, 'year'] as const) ranges[f] = new Float32Array(n).fill(Number.NaN);
  const explicit = new Uint8Array(n);
  const explicitKnown = new Uint8Array(n);
  const holiday = Uint8Array.from(trackIds, (t) => (holidaySongs.has(t) ? 1 : 0));
  const untitled = new Uint8Array(n);
  const rows = await db.rows<Record<string, number | string | boolean | null>>(sql`
    select t.id, t.title, t.year, t.explicit, af.tempo, af.energy, af.valence, af.danceability, af.acousticness, af.instrumentalness
    from tracks t left join audio_features af on af.track_id = t.id
    where t.id in ${served}`);
  for (const r of rows) {
    const i = indexOf.get(Number(r.id));
    if (i === undefined) continue;
    for (const f of [...AUDIO_RANGES, 'year'] as const) {
      const v = r[f];
      if (v !== null && v !== undefined) ranges[f]![i] = Number(v);
    }
    if (!/[\p{L}\p{N}]/u.test(String(r.title ?? ''))) untitled[i] = 1;
    if (r.explicit === true) explicit[i] = 1;
    if (r.explicit !== null && r.explicit !== undefined) explicitKnown[i] = 1;
  }
  const artistRows = await db.rows<{ track_id: number; artist_id: number }>(sql`
    select track_id, artist_id from track_artists
    where track_id in ${served}
    order by track_id, position`);
  const perItem: number[][] = Array.from({ length: n }, () => []);
  for (const r of artistRows) {
    const i = indexOf.get(Number(r.track_id));
    if (i !== undefined) perItem[i]!.push(Number(r.artist_id));
  }
  const artistOffsets = new Int32Array(n + 1);
  perItem.forEach((a, i) => (artistOffsets[i + 1] = artistOffsets[i]! + a.length));
  const artistIds = Int32Array.from(perItem.flat());
  // Tags that say a track is sung or rapped: its own, or (by several people) its primary artist's.
  const vocalEvidence = new Uint8Array(n);
  const tagList = sqlList(VOCAL_TAGS);
  const vocalTracks = await db.rows<{ track_id: number }>(sql`
    select distinct tt.track_id from track_tags tt join tags g on g.id = tt.tag_id
    where lower(g.name) in (${tagList}) and tt.track_id in ${served}`);
  for (const r of vocalTracks) {
    const i = indexOf.get(Number(r.track_id));
    if (i !== undefined) vocalEvidence[i] = 1;
  }
  const vocalArtists = new Set(
    (
      await db.rows<{ artist_id: number }>(sql`
        select ta.artist_id from tag_assignments ta join tags g on g.id = ta.tag_id
        where lower(g.name) in (${tagList}) group by ta.artist_id having count(*) >= 2`)
    ).map((r) => Number(r.artist_id)),
  );
  perItem.forEach((a, i) => {
    if (a[0] !== undefined && vocalArtists.has(a[0])) vocalEvidence[i] = 1;
  });
  const leadVoice = await leadVoices(db, indexOf, perItem);
  const instruments = await instrumentMasks(db, indexOf, perItem);
  const styles = await styleMasks(db, indexOf, perItem);
  // Popularity percentile: the share of items played less (tracks tied at the bottom are all less played), and the
  // share played more (tracks tied at the top are all most played: with only the first, eight tracks tied for the
  // most plays among 21 sat at 0.62 and "mainstream" matched none).
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => itemPopularity[x]! - itemPopularity[y]!);
  const popularity = new Float32Array(n);
  const playedMore = new Float32Array(n);
  let less = 0;
  for (let r = 0; r < n; r++) {
    if (r > 0 && itemPopularity[order[r]!]! > itemPopularity[order[r - 1]!]!) less = r;
    popularity[order[r]!] = n === 0 ? 0 : less / n;
  }
  let more = 0;
  for (let r = n - 1; r >= 0; r--) {
    if (r < n - 1 && itemPopularity[order[r]!]! < itemPopularity[order[r + 1]!]!) more = n - 1 - r;
    playedMore[order[r]!] = more / n;
  }
  return {
    itemCount: n,
    genres: genre.names,
    genre: genre.top,
    moods: mood.names,
    mood: mood.top,
    ...(genre.prob !== undefined ? { genreProb: genre.prob } : {}),
    ...(mood.prob !== undefined ? { moodProb: mood.prob } : {}),
    artistGenreProb: artistMean(genre.prob, genre.top, genre.names.length, perItem),
    artistMoodProb: artistMean(mood.prob, mood.top, mood.names.length, perItem),
    ranges,
    explicit,
    explicitKnown,
    vocalEvidence,
    holiday,
    leadVoice,
    instruments,
    styles,
    untitled,
    popularity,
    playedMore,
    artistOffsets,
    artistIds,
  };
}

/** Listeners' tags an artist needs before its voice or an instrument counts for its tracks (a voice also needs three times the other's). */
const ARTIST_TAG_MIN = 2;

/**
 * Per instrument, the items listeners' tags say feature it (INSTRUMENT_TAGS): the track's own tags, or its primary
 * artist's tags by at least ARTIST_TAG_MIN listeners (a pianist's or a saxophonist's tracks).
 */
async function instrumentMasks(db: Db, indexOf: ReadonlyMap<number, number>, perItem: readonly (readonly number[])[]): Promise<Partial<Record<Instrument, Uint8Array>>> {
  const byTag = new Map<string, Instrument>();
  for (const x of INSTRUMENTS) for (const t of INSTRUMENT_TAGS[x]) byTag.set(t, x);
  const names = sqlList([...byTag.keys()]);
  const { out, mask } = masksFor<Instrument>(perItem.length);
  await markByTrackTags(db, byTag, indexOf, mask, 'any tag');
  const artists = new Map<number, Instrument[]>();
  for (const r of await db.rows<{ artist_id: number; name: string }>(sql`
    select ta.artist_id, lower(g.name) as name from tag_assignments ta join tags g on g.id = ta.tag_id
    where ta.artist_id is not null and lower(g.name) in (${names})
    group by ta.artist_id, lower(g.name) having count(*) >= ${ARTIST_TAG_MIN}`)) {
    const x = byTag.get(r.name);
    if (x !== undefined) artists.set(Number(r.artist_id), [...(artists.get(Number(r.artist_id)) ?? []), x]);
  }
  markByPrimaryArtist(perItem, artists, mask);
  return out;
}

/** Per key, a mask over `n` items made on first use. */
function masksFor<K extends string>(n: number): { out: Partial<Record<K, Uint8Array>>; mask: (x: K) => Uint8Array } {
  const out: Partial<Record<K, Uint8Array>> = {};
  return { out, mask: (x) => (out[x] ??= new Uint8Array(n)) };
}

/**
 * Marks each item whose own tags name a key (`byTag`: lower-cased tag → key); `labels only` counts a source's labels
 * (a playlist's subgenre) and not listeners' free-form tags.
 */
async function markByTrackTags<K extends string>(db: Db, byTag: ReadonlyMap<string, K>, indexOf: ReadonlyMap<number, number>, mask: (x: K) => Uint8Array, which: 'any tag' | 'labels only'): Promise<void> {
  for (const r of await db.rows<{ track_id: number; name: string }>(sql`
    select distinct tt.track_id, lower(g.name) as name from track_tags tt join tags g on g.id = tt.tag_id
    where ${which === 'labels only' ? sql`g.kind <> 'tag' and ` : sql``}lower(g.name) in (${sqlList([...byTag.keys()])})`)) {
    const i = indexOf.get(Number(r.track_id));
    const x = byTag.get(r.name);
    if (i !== undefined && x !== undefined) mask(x)[i] = 1;
  }
}

/** Marks each item with the keys of its primary artist in `artists`. */
function markByPrimaryArtist<K extends string>(perItem: readonly (readonly number[])[], artists: ReadonlyMap<number, Iterable<K>>, mask: (x: K) => Uint8Array): void {
  perItem.forEach((a, i) => {
    for (const x of a[0] === undefined ? [] : (artists.get(a[0]) ?? [])) mask(x)[i] = 1;
  });
}

/** What the person named as a label or an entity: given up last, in RELAXATION_ORDER, whatever the evidence. */
const NAMED_LAST: readonly RelaxableField[] = ['moods', 'holiday', 'styles', 'genres', 'artists', 'tracks'];

/** Share of an artist's tagged tracks that must carry a style's tag before the style counts for all its tracks. */
const STYLE_TRACK_SHARE = 2 / 3;

/**
 * Per style, the items listeners' tags say are of it (STYLE_TAGS): a playlist's label on the track itself (Spotify's
 * playlist subgenres), or its primary artist's style. An artist is of a style when Last.fm listeners tag it so at
 * least ARTIST_TAG_MIN times and a third as often as its most used tag, or when at least STYLE_TRACK_SHARE of its
 * tagged tracks carry the style's tag. A track's own free-form tag is not enough: Yes.com's tags put "grunge" on TLC's
 * "Waterfalls" and on Metallica.
 */
async function styleMasks(db: Db, indexOf: ReadonlyMap<number, number>, perItem: readonly (readonly number[])[]): Promise<Partial<Record<Style, Uint8Array>>> {
  const byTag = new Map<string, Style>();
  for (const x of STYLES) for (const t of [x, ...STYLE_TAGS[x]]) byTag.set(t, x);
  const names = sqlList([...byTag.keys()]);
  const { out, mask } = masksFor<Style>(perItem.length);
  await markByTrackTags(db, byTag, indexOf, mask, 'labels only');
  const artists = new Map<number, Set<Style>>();
  const mark = (artist: number, x: Style) => artists.set(artist, (artists.get(artist) ?? new Set()).add(x));
  // Listeners' tags on the artist (every tag of the style together), against the artist's most used tag.
  const listened = new Map<number, { top: number; by: Map<Style, number> }>();
  for (const r of await db.rows<{ artist_id: number; name: string; n: number; top: number }>(sql`
    select artist_id, name, n, top from (
      select ta.artist_id, lower(g.name) as name, count(*) as n, max(count(*)) over (partition by ta.artist_id) as top
      from tag_assignments ta join tags g on g.id = ta.tag_id
      where ta.artist_id is not null group by ta.artist_id, lower(g.name)) counted
    where name in (${names})`)) {
    const x = byTag.get(r.name);
    if (x === undefined) continue;
    const a = listened.get(Number(r.artist_id)) ?? { top: Number(r.top), by: new Map<Style, number>() };
    a.by.set(x, (a.by.get(x) ?? 0) + Number(r.n));
    listened.set(Number(r.artist_id), a);
  }
  for (const [artist, { top, by }] of listened) for (const [x, n] of by) if (n >= ARTIST_TAG_MIN && 3 * n >= top) mark(artist, x);
  // The artist's tagged tracks that carry a tag of the style, against all its tagged tracks.
  const styled = new Map<number, Map<Style, Set<number>>>();
  for (const r of await db.rows<{ artist_id: number; track_id: number; name: string }>(sql`
    select distinct ta.artist_id, tt.track_id, lower(g.name) as name
    from track_tags tt join tags g on g.id = tt.tag_id join track_artists ta on ta.track_id = tt.track_id and ta.position = 0
    where lower(g.name) in (${names})`)) {
    const x = byTag.get(r.name);
    if (x === undefined) continue;
    const by = styled.get(Number(r.artist_id)) ?? new Map<Style, Set<number>>();
    by.set(x, (by.get(x) ?? new Set()).add(Number(r.track_id)));
    styled.set(Number(r.artist_id), by);
  }
  const tagged = new Map<number, number>();
  for (const r of await db.rows<{ artist_id: number; n: number }>(sql`
    select ta.artist_id, count(distinct tt.track_id) as n from track_tags tt join track_artists ta on ta.track_id = tt.track_id and ta.position = 0
    where ta.artist_id in (select a.artist_id from track_tags s join tags g on g.id = s.tag_id join track_artists a on a.track_id = s.track_id and a.position = 0 where lower(g.name) in (${names}))
    group by ta.artist_id`)) {
    tagged.set(Number(r.artist_id), Number(r.n));
  }
  for (const [artist, by] of styled) for (const [x, tracks] of by) if (tracks.size >= STYLE_TRACK_SHARE * (tagged.get(artist) ?? Infinity)) mark(artist, x);
  markByPrimaryArtist(perItem, artists, mask);
  return out;
}

/**
 * Who sings lead on each item (LEAD_VOICE), from listeners' tags (LEAD_VOICE_TAGS): a track's own tags when they name
 * one voice (both, as on a duet, leave it unknown); else its primary artist's, counted over the artist's tracks tagged
 * with one voice and the artist's own tags by listeners, when one voice has at least ARTIST_TAG_MIN and three times
 * the other's.
 */
async function leadVoices(db: Db, indexOf: ReadonlyMap<number, number>, perItem: readonly (readonly number[])[]): Promise<Uint8Array> {
  const female = sqlList(LEAD_VOICE_TAGS.female);
  const male = sqlList(LEAD_VOICE_TAGS.male);
  const tracks = await db.rows<{ track_id: number; artist_id: number | null; f: number; m: number }>(sql`
    select tt.track_id, min(ta.artist_id) as artist_id,
      count(distinct g.id) filter (where lower(g.name) in (${female})) as f,
      count(distinct g.id) filter (where lower(g.name) in (${male})) as m
    from track_tags tt join tags g on g.id = tt.tag_id
    left join track_artists ta on ta.track_id = tt.track_id and ta.position = 0
    where lower(g.name) in (${female}, ${male})
    group by tt.track_id`);
  const byArtist = new Map<number, { f: number; m: number }>();
  const count = (artist: number, f: number, m: number) => {
    const c = byArtist.get(artist) ?? { f: 0, m: 0 };
    c.f += f;
    c.m += m;
    byArtist.set(artist, c);
  };
  const own = new Map<number, number>();
  for (const r of tracks) {
    const f = Number(r.f);
    const m = Number(r.m);
    const voice = f > 0 && m === 0 ? LEAD_VOICE.female : m > 0 && f === 0 ? LEAD_VOICE.male : 0;
    own.set(Number(r.track_id), voice);
    if (r.artist_id !== null && voice !== 0) count(Number(r.artist_id), voice === LEAD_VOICE.female ? 1 : 0, voice === LEAD_VOICE.male ? 1 : 0);
  }
  const tagged = await db.rows<{ artist_id: number; f: number; m: number }>(sql`
    select ta.artist_id,
      count(*) filter (where lower(g.name) in (${female})) as f,
      count(*) filter (where lower(g.name) in (${male})) as m
    from tag_assignments ta join tags g on g.id = ta.tag_id
    where ta.artist_id is not null and lower(g.name) in (${female}, ${male})
    group by ta.artist_id`);
  for (const r of tagged) count(Number(r.artist_id), Number(r.f), Number(r.m));
  const artistVoice = (artist: number | undefined): number => {
    const c = artist === undefined ? undefined : byArtist.get(artist);
    if (c === undefined) return 0;
    if (c.f >= ARTIST_TAG_MIN && c.f >= 3 * c.m) return LEAD_VOICE.female;
    if (c.m >= ARTIST_TAG_MIN && c.m >= 3 * c.f) return LEAD_VOICE.male;
    return 0;
  };
  const out = new Uint8Array(perItem.length);
  for (const [track, i] of indexOf) out[i] = own.get(track) ?? artistVoice(perItem[i]![0]);
  return out;
}

/** A SQL list of values, for `in (...)`. */
function sqlList(values: readonly (string | number)[]): SQL {
  return sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  );
}

/** A holiday tag is evidence when a track has at most this many tags from the source (it is ≥ 1/20 of them). */
const HOLIDAY_TAG_SHARE_OF = 20;

/**
 * The catalogue's holiday songs, played or not, each with how plainly it is one: 1 by its title (HOLIDAY_TITLE) or by
 * most of its playlists being named for the holiday ("Christmas Soul"); 0 by a holiday tag among a track's few tags
 * from one source alone (a worship song some listeners file under christmas).
 */
async function holidaySongs(db: Db): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  for (const r of await db.rows<{ id: number; title: string }>(sql`select id, title from tracks`)) if (HOLIDAY_TITLE.test(r.title)) out.set(Number(r.id), 1);
  const tags = sqlList(HOLIDAY_TAGS);
  // A holiday tag among a track's few tags says what it is; one among a hundred ("Killing In The Name", a Christmas
  // number one) says what some listeners remember it for.
  const tagged = await db.rows<{ track_id: number }>(sql`
    select tt.track_id from track_tags tt
    where tt.track_id in (select h.track_id from track_tags h join tags g on g.id = h.tag_id where lower(g.name) in (${tags}))
    group by tt.track_id, tt.source
    having bool_or(tt.tag_id in (select id from tags where lower(name) in (${tags}))) and count(*) <= ${HOLIDAY_TAG_SHARE_OF}`);
  for (const r of tagged) if (!out.has(Number(r.track_id))) out.set(Number(r.track_id), 0);
  const named = (await db.rows<{ id: number; name: string }>(sql`select id, name from playlists where name is not null`)).filter((p) => HOLIDAY_PLAYLIST.test(p.name)).map((p) => Number(p.id));
  if (named.length === 0) return out;
  const ids = sqlList(named);
  // A track in a Christmas playlist and in more playlists of other names is not a holiday song ("Celebrate").
  const byPlaylist = await db.rows<{ track_id: number }>(sql`
    select track_id from interactions
    where playlist_id is not null and track_id in (select track_id from interactions where playlist_id in (${ids}))
    group by track_id
    having 2 * count(distinct playlist_id) filter (where playlist_id in (${ids})) >= count(distinct playlist_id)`);
  for (const r of byPlaylist) out.set(Number(r.track_id), 1);
  return out;
}

/** Each item's primary artist's label distribution: the mean over that artist's labelled items (top labels alone when there are no probabilities). */
function artistMean(given: Float32Array | undefined, top: Int16Array, width: number, perItem: readonly (readonly number[])[]): Float32Array {
  const prob = given ?? oneHot(top, width);
  const sums = new Map<number, { v: Float32Array; n: number }>();
  perItem.forEach((a, i) => {
    const artist = a[0];
    if (artist === undefined || top[i] === -1) return;
    let s = sums.get(artist);
    if (s === undefined) sums.set(artist, (s = { v: new Float32Array(width), n: 0 }));
    for (let k = 0; k < width; k++) s.v[k]! += prob[i * width + k]!;
    s.n++;
  });
  const out = new Float32Array(top.length * width);
  perItem.forEach((a, i) => {
    const s = a[0] === undefined ? undefined : sums.get(a[0]);
    if (s === undefined) return;
    for (let k = 0; k < width; k++) out[i * width + k] = s.v[k]! / s.n;
  });
  return out;
}

/** Top labels as row-major one-hot probabilities. */
function oneHot(top: Int16Array, width: number): Float32Array {
  const out = new Float32Array(top.length * width);
  top.forEach((k, i) => {
    if (k >= 0) out[i * width + k] = 1;
  });
  return out;
}
