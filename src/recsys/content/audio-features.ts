/**
 * Spotify-style audio features: their valid ranges, a repair policy for bad values, and the two numeric layouts
 * built from them (the classifier input row and the normalised block of a content vector).
 */

/** Audio features of one track as stored in the catalogue; any field may be missing or broken in input data. */
export interface AudioFeatures {
  readonly danceability: number | null | undefined;
  readonly energy: number | null | undefined;
  readonly key: number | null | undefined;
  readonly loudness: number | null | undefined;
  readonly mode: number | null | undefined;
  readonly speechiness: number | null | undefined;
  readonly acousticness: number | null | undefined;
  readonly instrumentalness: number | null | undefined;
  readonly liveness: number | null | undefined;
  readonly valence: number | null | undefined;
  readonly tempo: number | null | undefined;
  readonly durationMs?: number | null | undefined;
}

/** Name of one audio feature field. */
type AudioFeatureName = keyof AudioFeatures;

/** Valid range and the value used when a field is missing (a typical catalogue value). */
interface FieldSpec {
  readonly name: AudioFeatureName;
  readonly min: number;
  readonly max: number;
  readonly fallback: number;
}

/** Ranges from the Spotify Web API reference; key -1 means "no key detected". */
const FIELDS: readonly FieldSpec[] = [
  { name: 'danceability', min: 0, max: 1, fallback: 0.65 },
  { name: 'energy', min: 0, max: 1, fallback: 0.7 },
  { name: 'key', min: -1, max: 11, fallback: -1 },
  { name: 'loudness', min: -60, max: 5, fallback: -6.7 },
  { name: 'mode', min: 0, max: 1, fallback: 1 },
  { name: 'speechiness', min: 0, max: 1, fallback: 0.06 },
  { name: 'acousticness', min: 0, max: 1, fallback: 0.08 },
  { name: 'instrumentalness', min: 0, max: 1, fallback: 0 },
  { name: 'liveness', min: 0, max: 1, fallback: 0.13 },
  { name: 'valence', min: 0, max: 1, fallback: 0.51 },
  { name: 'tempo', min: 0, max: 250, fallback: 120 },
  { name: 'durationMs', min: 1_000, max: 3_600_000, fallback: 216_000 },
];

/** Audio features with every field present, finite and in range. */
type CleanAudioFeatures = { readonly [K in AudioFeatureName]-?: number };

/** What the repair did to one track's features: fields filled in (missing / NaN) and fields clamped (out of range). */
interface FeatureRepair {
  readonly features: CleanAudioFeatures;
  readonly imputed: readonly AudioFeatureName[];
  readonly clamped: readonly AudioFeatureName[];
}

/** A track's audio features are too broken to use (most fields missing or not numbers). */
export class InvalidAudioFeaturesError extends Error {
  readonly code = 'INVALID_AUDIO_FEATURES';
  constructor(readonly problems: readonly string[]) {
    super(`audio features unusable: ${problems.join('; ')}`);
    this.name = 'InvalidAudioFeaturesError';
  }
}

/** Fields that count toward "usable": if more than half of these are missing, the track is treated as featureless. */
const CORE_FIELDS = 11;

/**
 * The documented fallback for bad input: a missing, NaN or infinite field takes the typical value above (imputed);
 * a finite value outside its range is clamped (key/mode are also rounded). Throws InvalidAudioFeaturesError when
 * more than half of the eleven core fields are missing, since the result would say more about the defaults than
 * about the track.
 */
export function repairAudioFeatures(raw: Partial<AudioFeatures>): FeatureRepair {
  const out: Record<string, number> = {};
  const imputed: AudioFeatureName[] = [];
  const clamped: AudioFeatureName[] = [];
  let missingCore = 0;
  FIELDS.forEach((spec, idx) => {
    const v = raw[spec.name];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      out[spec.name] = spec.fallback;
      imputed.push(spec.name);
      if (idx < CORE_FIELDS) missingCore++;
      return;
    }
    let x = spec.name === 'key' || spec.name === 'mode' ? Math.round(v) : v;
    if (x < spec.min || x > spec.max) {
      x = Math.min(spec.max, Math.max(spec.min, x));
      clamped.push(spec.name);
    }
    out[spec.name] = x;
  });
  if (missingCore * 2 > CORE_FIELDS) {
    throw new InvalidAudioFeaturesError(imputed.map((f) => `${f} missing or not a finite number`));
  }
  return { features: out as CleanAudioFeatures, imputed, clamped };
}

/** Column names of the classifier input row. */
export const CLASSIFIER_FEATURES = [
  'danceability',
  'energy',
  'loudness',
  'speechiness',
  'acousticness',
  'instrumentalness',
  'liveness',
  'valence',
  'tempo',
  'mode',
  'key_sin',
  'key_cos',
  'key_unknown',
  'duration_min',
  'release_year',
] as const;

/** Release year used when a track has none (the middle of the TidyTuesday catalogue). */
const FALLBACK_RELEASE_YEAR = 2015;

/**
 * Writes one classifier row at `offset`: raw audio features, key as a point on the circle of fifths' pitch wheel
 * (sin/cos, so that B and C are neighbours), duration in minutes, release year. The model standardises them itself.
 */
export function writeClassifierRow(f: CleanAudioFeatures, releaseYear: number | null | undefined, out: Float32Array, offset: number): void {
  const angle = (2 * Math.PI * Math.max(f.key, 0)) / 12;
  const known = f.key >= 0;
  const year = typeof releaseYear === 'number' && Number.isFinite(releaseYear) && releaseYear >= 1900 && releaseYear <= 2100 ? releaseYear : FALLBACK_RELEASE_YEAR;
  const row = [
    f.danceability,
    f.energy,
    f.loudness,
    f.speechiness,
    f.acousticness,
    f.instrumentalness,
    f.liveness,
    f.valence,
    f.tempo,
    f.mode,
    known ? Math.sin(angle) : 0,
    known ? Math.cos(angle) : 0,
    known ? 0 : 1,
    f.durationMs / 60_000,
    year,
  ];
  for (let j = 0; j < row.length; j++) out[offset + j] = row[j]!;
}

/** Column names of the normalised audio block of a content vector. */
export const CONTENT_AUDIO_FEATURES = [
  'danceability',
  'energy',
  'valence',
  'tempo',
  'loudness',
  'acousticness',
  'instrumentalness',
  'speechiness',
  'liveness',
  'mode',
  'key_sin',
  'key_cos',
  'duration',
] as const;

/**
 * Writes the audio block of a content vector: every value scaled to about [0, 1] by its fixed range (tempo 40-220
 * BPM, loudness -40..0 dB, duration log-scaled 1-10 min), key on the pitch wheel at half weight. Fixed ranges, not
 * catalogue statistics, so a vector does not change when the catalogue grows.
 */
export function writeContentAudioBlock(f: CleanAudioFeatures, out: Float32Array, offset: number): void {
  const unit = (v: number, lo: number, hi: number) => Math.min(1, Math.max(0, (v - lo) / (hi - lo)));
  const angle = (2 * Math.PI * Math.max(f.key, 0)) / 12;
  const keyWeight = f.key >= 0 ? 0.25 : 0;
  const minutes = f.durationMs / 60_000;
  const row = [
    f.danceability,
    f.energy,
    f.valence,
    unit(f.tempo, 40, 220),
    unit(f.loudness, -40, 0),
    f.acousticness,
    f.instrumentalness,
    f.speechiness,
    f.liveness,
    f.mode * 0.5,
    keyWeight * Math.sin(angle),
    keyWeight * Math.cos(angle),
    unit(Math.log(Math.max(minutes, 0.1)), Math.log(1), Math.log(10)),
  ];
  for (let j = 0; j < row.length; j++) out[offset + j] = row[j]!;
}
