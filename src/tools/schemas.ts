/** Zod schemas shared by several tools: track references, track cards, constraints, explanations. */
import { z } from 'zod';
import { EVIDENCE, EXPLICIT, HOLIDAY, INSTRUMENTS, POPULARITY, RANGE_FIELDS, RELAXATION_ORDER, STYLES, VOCALS, type Instrument, type RangeFieldName } from '../recsys/constraints/constraint-vocabulary.ts';
import { GENRES, MOODS } from '../recsys/labels/vocabulary.ts';
import type { TrackCard } from '../serving/ports/catalog.ts';
import type { RecommendConstraints, Relaxation } from '../serving/ports/track-recommender.ts';

/** Largest id a row of Earworm's tables can have (Postgres `integer`). */
const MAX_ROW_ID = 2_147_483_647;

/** An id of a row Earworm issued (track, comparison): a whole number from 1 to MAX_ROW_ID, or a clear tool error. */
export const rowId = z
  .number()
  .int('must be a whole number: an id a tool returned')
  .min(1, 'must be an id a tool returned (ids start at 1)')
  .max(MAX_ROW_ID, `is larger than any id Earworm issues (at most ${MAX_ROW_ID}): use the id a tool returned`);

/** A track as the caller names it: a catalogue id, or text such as "daft punk one more time". */
export const trackRef = z
  .union([rowId, z.string().trim().min(1).max(200)])
  .describe('A catalogue track id (e.g. 1234) or what the person said (e.g. "daft punk one more time").');

/** A track card in results. */
export const trackCard = z.object({
  id: z.number().int().describe('Catalogue track id: pass it to other tools.'),
  title: z.string(),
  artists: z.array(z.string()),
  album: z.string().nullable(),
  year: z.number().int().nullable(),
  genre: z.string().nullable().describe('Most probable genre (from tags, playlists, artist tags and the audio classifier).'),
  mood: z.string().nullable().describe('Most probable mood.'),
  plays: z.number().int().describe('Playlists and listeners that have it.'),
});

/** Converts a catalogue card into the output shape. */
export function cardOut(t: TrackCard): z.output<typeof trackCard> {
  return { id: t.id, title: t.title, artists: [...t.artists], album: t.album, year: t.year, genre: t.genre, mood: t.mood, plays: t.plays };
}

const range = (field: RangeFieldName) => {
  const d = RANGE_FIELDS[field];
  return z
    .object({ min: z.number().min(d.min).max(d.max).optional(), max: z.number().min(d.min).max(d.max).optional() })
    .strict()
    .optional()
    .describe(`${d.what}, ${d.min}–${d.max}${d.unit === '' ? '' : ` ${d.unit}`}; either end may be left out.`);
};

const ranges = Object.fromEntries((Object.keys(RANGE_FIELDS) as RangeFieldName[]).map((f) => [f, range(f)])) as { [F in RangeFieldName]: ReturnType<typeof range> };

/** Hard constraints of a recommendation: the one vocabulary of src/recsys/constraints, field for field. */
export const constraintsInput = z
  .object({
    genres: z
      .array(z.string().min(1))
      .max(10)
      .optional()
      .describe(
        `Only tracks with evidence for one of these genres: ${GENRES.join(', ')}; or for one of these styles, by listeners' tags of the track or its artist (relaxed to its genre when too few tracks are of it): ${STYLES.join(', ')} (e.g. "some grunge": ["grunge"]; "real funk, not r&b": ["funk"], the style being what is not modern r&b).`,
      ),
    exclude_genres: z
      .array(z.string().min(1))
      .max(10)
      .optional()
      .describe(
        `Leave out tracks whose evidence (own labels or their artist's) points to any of these genres (e.g. "no rap": ["hip hop"]), or to any of these styles, by listeners' tags of the track or its artist, without leaving out their genre: ${STYLES.join(', ')} (e.g. "90s rock but no grunge": genres ["rock"], exclude_genres ["grunge"]).`,
      ),
    moods: z.array(z.string().min(1)).max(10).optional().describe(`Only tracks with evidence for one of these moods: ${MOODS.join(', ')}.`),
    exclude_moods: z.array(z.string().min(1)).max(10).optional().describe('Leave out tracks whose evidence points to any of these moods (e.g. "nothing sad": ["sad"]).'),
    artists: z.array(z.string().trim().min(1)).max(20).optional().describe('Only tracks by these artists (e.g. "only Radiohead").'),
    exclude_artists: z.array(z.string().trim().min(1)).max(20).optional().describe('Artist names never to return (e.g. "I don\'t like Drake").'),
    tracks: z.array(trackRef).max(50).optional().describe('Only these tracks (e.g. to pick from a list).'),
    exclude_tracks: z.array(trackRef).max(50).optional().describe('Tracks never to return.'),
    ...ranges,
    vocals: z.enum(VOCALS).optional().describe(`"instrumental": no singing (instrumentalness ≥ ${EVIDENCE.instrumentalMin} and no vocal tags); "vocal": sung or rapped; "female" / "male": a woman / a man sings lead (listeners' tags of the track or its artist).`),
    instruments: z
      .array(z.enum(INSTRUMENTS as [string, ...string[]]))
      .min(1)
      .max(5)
      .optional()
      .describe(`Only tracks that feature one of these instruments, by listeners' tags of the track or its artist: ${INSTRUMENTS.join(', ')}.`),
    explicit: z
      .union([z.enum(EXPLICIT), z.boolean()])
      .optional()
      .describe('"clean": only tracks a source marks clean (false means the same); "any" (or true): no filter.'),
    popularity: z.enum(POPULARITY).optional().describe(`"mainstream": the most played ${EVIDENCE.mainstreamTopShare * 100}% of tracks; "deep_cuts": the less played half.`),
    holiday: z.enum(HOLIDAY).optional().describe('"only": holiday songs (Christmas and the season); "any": no filter. Left out, holiday songs are not recommended unless a seed track is one.'),
  })
  .strict();

/** Constraint input as the tool received it. */
export type ConstraintsInput = z.output<typeof constraintsInput>;

/** Converts constraint input into the recommender's terms (`tracks` and `exclude_tracks` as the given ids). */
export function toConstraints(c: ConstraintsInput | undefined, trackIds: { tracks?: readonly number[]; excludeTracks?: readonly number[] } = {}): RecommendConstraints {
  if (c === undefined) return {};
  const out: { -readonly [K in keyof RecommendConstraints]: RecommendConstraints[K] } = {};
  const r: Record<string, { min?: number; max?: number }> = {};
  for (const f of Object.keys(RANGE_FIELDS) as RangeFieldName[]) {
    const v = c[f];
    if (v === undefined || (v.min === undefined && v.max === undefined)) continue;
    r[f] = { ...(v.min !== undefined ? { min: v.min } : {}), ...(v.max !== undefined ? { max: v.max } : {}) };
  }
  if (c.genres !== undefined) out.genres = c.genres;
  if (c.moods !== undefined) out.moods = c.moods;
  if (c.exclude_genres !== undefined) out.excludeGenres = c.exclude_genres;
  if (c.exclude_moods !== undefined) out.excludeMoods = c.exclude_moods;
  if (Object.keys(r).length > 0) out.ranges = r;
  if (c.explicit === false || c.explicit === 'clean') out.explicit = false;
  if (c.vocals !== undefined) out.vocals = c.vocals;
  if (c.instruments !== undefined) out.instruments = c.instruments as Instrument[];
  if (c.popularity !== undefined) out.popularity = c.popularity;
  if (c.holiday !== undefined) out.holiday = c.holiday;
  if (c.artists !== undefined) out.artists = c.artists;
  if (c.exclude_artists !== undefined) out.excludeArtists = c.exclude_artists;
  if (trackIds.tracks !== undefined) out.tracks = trackIds.tracks;
  if (trackIds.excludeTracks !== undefined) out.excludeTracks = trackIds.excludeTracks;
  return out;
}

/** A constraint loosened because too few tracks met them all. */
export const relaxationOut = z.object({
  constraint: z.enum(RELAXATION_ORDER).describe('The constraint relaxed.'),
  asked: z.string().describe('What it asked, in words.'),
  reason: z.string().describe('Why it was relaxed: tell the person.'),
  matching: z.number().int().describe('Tracks that met this constraint on its own.'),
  met_all: z.number().int().describe('Tracks that met every constraint before it was relaxed.'),
});

/** The relaxations of a recommend or similar_tracks result, as sentences for the person. */
export function relaxationNotes(relaxed: unknown): string[] {
  if (!Array.isArray(relaxed)) return [];
  return (relaxed as { asked?: unknown; reason?: unknown }[]).map((r) => `I relaxed "${String(r.asked)}": ${String(r.reason)}.`);
}

/** A relaxation in the output shape. */
export function relaxationsOut(rs: readonly Relaxation[] | undefined): z.output<typeof relaxationOut>[] {
  return (rs ?? []).map((r) => ({ constraint: r.constraint, asked: r.asked, reason: r.reason, matching: r.matching, met_all: r.metAll }));
}

/** Why a track was recommended. */
export const explanationOut = z.object({
  sentence: z.string(),
  signals: z.array(
    z.object({
      signal: z.string().describe('ials, rp3beta, itemknn, popularity or preference (your A/B votes).'),
      contribution: z.number(),
      rank: z.number().int().optional(),
    }),
  ),
});

/** A recommended track with its score and explanation. */
export const recommendationOut = z.object({ track: trackCard, score: z.number(), why: explanationOut });
