/**
 * The ranking stage's settings, one set of defaults for the evaluation, training and serving: fusion, MMR trade-off
 * and candidate depth (RankingParams), and how artist-seeded answers and the low-support guard are served
 * (ArtistServingParams). Training saves the tuned values with the model version (the `ranking` and `artistServing`
 * entries of its params); serving reads them back with the parse functions here.
 */
import { FUSIONS, type Fusion } from './fusion.ts';

/** The ranking stage's tuned settings. */
export interface RankingParams {
  /** How component scores are combined (fusion.ts). */
  readonly fusion: Fusion;
  /** MMR trade-off: 1 = no diversification (chosen on validation; 1 is always a candidate). */
  readonly lambda: number;
  /** Candidates taken from each component (the learned fusion uses its own fitted depth). */
  readonly poolPerComponent: number;
}

/** The one set of defaults (a version saved before the settings were saved, or a ranker built without any). */
export const RANKING_DEFAULTS: RankingParams = Object.freeze({ fusion: 'z', lambda: 1, poolPerComponent: 100 });

/** Serving settings of artist-seeded answers and the low-support guard (chosen on the served benchmark's validation seeds). */
export interface ArtistServingParams {
  /** Low-support shrinkage of neighbour components (0: off). */
  readonly supportShrink: number;
  /**
   * Weight of the artist-neighbour signal when seed tracks are usable too. 160: validation-seed NDCG@10 0.527 (tag
   * agreement 0.924) vs 0.472 at 40, 0.512 at 80, 0.531 at 320, 0.533 at 1000 (keys on evidence, 2026-12-05); the
   * smallest within one standard error of the best, so track-level signals still pick among the neighbours' tracks.
   */
  readonly artistWeight: number;
  /** Score of a seed artist's own tracks, as a share of its best neighbour's. */
  readonly selfShare: number;
  /** Best tracks taken per neighbour artist. */
  readonly tracksPerArtist: number;
  /** Weight of a seed track's artists when the track itself is well supported. */
  readonly knownTrackArtistWeight: number;
}

/** Defaults of ArtistServingParams. */
export const ARTIST_SERVING_DEFAULTS: ArtistServingParams = Object.freeze({ supportShrink: 2, artistWeight: 160, selfShare: 0.5, tracksPerArtist: 5, knownTrackArtistWeight: 0.5 });

/** What a parse found: the settings to use, and why the defaults stand in where they do. */
interface ParsedParams<T> {
  readonly params: T;
  /** Set when the saved settings were missing or malformed and defaults were used. */
  readonly problem?: string;
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * The ranking settings saved in a model version's params (`params.ranking`), or the defaults with the reason when
 * there are none (a version trained before they were saved) or they are malformed.
 */
export function rankingParamsOf(versionParams: unknown): ParsedParams<RankingParams> {
  const saved = isRecord(versionParams) ? versionParams['ranking'] : undefined;
  if (saved === undefined) return { params: RANKING_DEFAULTS, problem: 'the model version has no saved ranking settings' };
  if (!isRecord(saved)) return { params: RANKING_DEFAULTS, problem: 'the saved ranking settings are not an object' };
  const { fusion, lambda, poolPerComponent } = saved;
  if (typeof fusion !== 'string' || !(FUSIONS as readonly string[]).includes(fusion)) return { params: RANKING_DEFAULTS, problem: `unknown saved fusion ${String(fusion)}` };
  if (typeof lambda !== 'number' || !(lambda >= 0 && lambda <= 1)) return { params: RANKING_DEFAULTS, problem: `saved lambda ${String(lambda)} is not in [0, 1]` };
  if (typeof poolPerComponent !== 'number' || !Number.isInteger(poolPerComponent) || poolPerComponent < 1) {
    return { params: RANKING_DEFAULTS, problem: `saved poolPerComponent ${String(poolPerComponent)} is not a positive integer` };
  }
  return { params: { fusion: fusion as Fusion, lambda, poolPerComponent } };
}

/** The artist-serving settings saved in an artist model version's params (`params.artistServing`), or the defaults with the reason. */
export function artistServingParamsOf(versionParams: unknown): ParsedParams<ArtistServingParams> {
  const saved = isRecord(versionParams) ? versionParams['artistServing'] : undefined;
  if (saved === undefined) return { params: ARTIST_SERVING_DEFAULTS, problem: 'the artist model version has no saved serving settings' };
  if (!isRecord(saved)) return { params: ARTIST_SERVING_DEFAULTS, problem: 'the saved artist serving settings are not an object' };
  const out: Record<string, number> = {};
  for (const key of Object.keys(ARTIST_SERVING_DEFAULTS) as (keyof ArtistServingParams)[]) {
    const v = saved[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) return { params: ARTIST_SERVING_DEFAULTS, problem: `saved artist serving setting ${key} is not a non-negative number` };
    out[key] = v;
  }
  return { params: out as unknown as ArtistServingParams };
}
