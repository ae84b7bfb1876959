/**
 * The recommendation seam tools call: seeds, constraints and what the person ruled out in; ranked catalogue tracks
 * with explanations out. The real implementation is the ranking stage over the active model; another ranker can
 * drop in behind this interface.
 */
import type { Holiday, Instrument, Popularity, RelaxableField, Style, Vocals } from '../../recsys/constraints/constraint-vocabulary.ts';
import type { Strategy } from '../../recsys/experiments/thompson-bandit.ts';
import type { RangeField } from '../../recsys/ranking/constraints.ts';

/** Hard constraints, in catalogue terms (artist names, not ids). */
export interface RecommendConstraints {
  /** Any of these genres or styles ("grunge", "funk": STYLE_TAGS, met by listeners' tags). */
  readonly genres?: readonly string[];
  readonly moods?: readonly string[];
  /** Leave out tracks whose labels point to any of these genres (tracks with no genre evidence stay), or of these styles. */
  readonly excludeGenres?: readonly string[];
  /** Leave out tracks whose labels point to any of these moods. */
  readonly excludeMoods?: readonly string[];
  readonly ranges?: { readonly [F in RangeField]?: { readonly min?: number; readonly max?: number } };
  /** false: only tracks a source marks clean (relaxed, and said so, when too few are known). */
  readonly explicit?: boolean;
  /** Instrumental or sung, with evidence (see src/recsys/constraints). */
  readonly vocals?: Vocals;
  /** One of these instruments, by listeners' tags ("songs with saxophone"). */
  readonly instruments?: readonly Instrument[];
  /** The most played tracks, or the less played ones. */
  readonly popularity?: Popularity;
  /** Holiday songs only ("only") or no filter ("any"); left out, holiday songs are not recommended unless a seed is one. */
  readonly holiday?: Holiday;
  /** Only tracks by these artists (names). */
  readonly artists?: readonly string[];
  readonly excludeArtists?: readonly string[];
  /** Only these tracks (catalogue ids). */
  readonly tracks?: readonly number[];
  /** Never these tracks (catalogue ids). */
  readonly excludeTracks?: readonly number[];
}

/** A constraint loosened because too few tracks met every constraint. */
export interface Relaxation {
  /** The vocabulary field relaxed. */
  readonly constraint: RelaxableField;
  /** What it asked, in words ("energy …–0.3"). */
  readonly asked: string;
  /** Why it was relaxed, in words. */
  readonly reason: string;
  /** How many tracks met this constraint on its own. */
  readonly matching: number;
  /** How many tracks met every constraint before it was relaxed (after leaving out known and disliked ones). */
  readonly metAll: number;
}

/** The person's preference utility, as recommending sees it. */
export interface PreferenceInput {
  utility(trackId: number): number;
  readonly confidence: number;
}

/** One recommendation request. */
export interface RecommendationRequest {
  /** Seed tracks; empty means "no seeds" (the popularity floor under the constraints, unless artists are named). */
  readonly seeds: readonly number[];
  /** Seed artists by name: their neighbours in the artist model and those artists' best tracks join the answer. */
  readonly seedArtists?: readonly string[];
  readonly k: number;
  readonly constraints?: RecommendConstraints;
  /** Never returned. */
  readonly disliked?: readonly number[];
  /** Already known to the person (liked, skipped, earlier answers): never returned. */
  readonly known?: readonly number[];
  readonly preference?: PreferenceInput;
  /** Which candidate strategy ranks (default `hybrid`, the full blend); must be one of `strategies`. */
  readonly strategy?: Strategy;
  /** Per-request candidate sources by track id (e.g. `similar_listeners`), each adding at most its weight to a track's score. */
  readonly extraSignals?: readonly ExtraSignalInput[];
  /**
   * With no usable seed (and no seed artist), rank the tracks that meet the constraints by their own evidence for
   * these moods, popularity only breaking ties, instead of by popularity (see `fitMoods` in src/recsys/constraints).
   */
  readonly fitMoods?: readonly string[];
  /** Seed tracks picked to stand for a genre or mood (not named by the person): they may come back in the answer. */
  readonly returnableSeeds?: readonly number[];
}

/** A per-request candidate source: non-negative scores of some tracks. */
export interface ExtraSignalInput {
  readonly name: string;
  readonly weight: number;
  readonly scores: ReadonlyMap<number, number>;
}

/** One signal's share in a result. */
export interface SignalShare {
  readonly signal: string;
  readonly contribution: number;
  readonly rank?: number;
}

/** A recommended track with why. */
export interface Recommendation {
  readonly trackId: number;
  readonly score: number;
  readonly sentence: string;
  readonly signals: readonly SignalShare[];
  /** The style asked for (`genres`) that the track's evidence shows, when one was: its card names it. */
  readonly style?: Style;
}

/** The answer, or an empty list with the reason. */
export interface RecommendationList {
  readonly items: readonly Recommendation[];
  readonly emptyReason?: string;
  /** Remarks for the caller (e.g. seeds the model does not know). */
  readonly notes: readonly string[];
  /** The strategy that ranked; absent when the popularity floor or the artist neighbours answered. */
  readonly strategy?: Strategy;
  /** `artist`: no seed track was usable and the seed artists' neighbours answered; `fit`: no seed was usable and the tracks that best fit `fitMoods` answered. */
  readonly basis?: 'artist' | 'fit';
  /** Constraints relaxed, in the order they were, when too few tracks met them all (never silently). */
  readonly relaxed?: readonly Relaxation[];
  /** Set when the seeds are linked to other music only by names and titles spelled alike: the sentence that says the answer is a guess. */
  readonly guess?: string;
}

/** An artist name as the recommender's artist model knows it. */
export interface ResolvedArtistName {
  /** The catalogue's spelling. */
  readonly name: string;
  /** `exact` after folding case, accents and "the"; `near` for possessives, plurals and typos. */
  readonly match: 'exact' | 'near';
}

/** Why a track is (or is not) in a person's recommendations. */
export type ExplainOutcome =
  | { readonly found: true; readonly rank: number; readonly recommendation: Recommendation }
  | { readonly found: false; readonly reason: string };

/** Recommends catalogue tracks. */
export interface TrackRecommender {
  /** Which model answers: a version name, or `popularity` when none is active. */
  readonly description: string;
  /** The strategies this recommender can serve with the active models (`content` needs a content model). */
  readonly strategies: readonly Strategy[];
  /** Whether a track can be used as a seed. */
  knows(trackId: number): boolean;
  /** The artist a name means (forgiving accents, possessives and typos), if the artist model knows one. */
  resolveArtist(name: string): ResolvedArtistName | undefined;
  /** Ranked tracks; throws InvalidConstraintError for a constraint that can never hold. */
  recommend(request: RecommendationRequest): Promise<RecommendationList>;
  /** Tracks most like one track (seeded by it alone). */
  similar(trackId: number, k: number, constraints?: RecommendConstraints): Promise<RecommendationList>;
  /** Where `trackId` lands for this request, or why it does not. */
  explain(request: RecommendationRequest, trackId: number): Promise<ExplainOutcome>;
}

/**
 * `explain` by ranking, as every TrackRecommender answers it: a track the recommender cannot rank, a disliked or
 * known track, its rank among the best 200 for the request, or whether only the constraints keep it out.
 */
export async function explainByRanking(
  recommender: Pick<TrackRecommender, 'recommend'>,
  request: RecommendationRequest,
  trackId: number,
  ranks: boolean,
): Promise<ExplainOutcome> {
  if (!ranks) return { found: false, reason: 'no one in the training data has played it, so the recommender cannot rank it' };
  if (request.disliked?.includes(trackId)) return { found: false, reason: 'you disliked it, and disliked tracks are never recommended' };
  if (request.known?.includes(trackId) || request.seeds.includes(trackId)) return { found: false, reason: 'you already know it (it is a seed, or you rated it)' };
  const list = await recommender.recommend({ ...request, k: 200 });
  const rank = list.items.findIndex((r) => r.trackId === trackId);
  if (rank >= 0) return { found: true, rank: rank + 1, recommendation: list.items[rank]! };
  const alone = await recommender.recommend({ ...request, constraints: {}, k: 200 });
  const unconstrained = alone.items.findIndex((r) => r.trackId === trackId);
  return {
    found: false,
    reason:
      unconstrained >= 0
        ? `it would rank ${unconstrained + 1} without the constraints, but it does not meet them`
        : 'none of the signals puts it among the 200 best matches for these seeds',
  };
}
