/** Zod schemas shared by several tools: track references, track cards, constraints, explanations. */
import { z } from 'zod';
import { GENRES, MOODS } from '../recsys/labels/vocabulary.ts';
import { RANGE_DOMAINS } from '../recsys/ranking/constraints.ts';
import type { TrackCard } from '../serving/ports/catalog.ts';
import type { RecommendConstraints } from '../serving/ports/track-recommender.ts';

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

const range = (field: keyof typeof RANGE_DOMAINS, what: string) => {
  const d = RANGE_DOMAINS[field];
  return z
    .object({ min: z.number().min(d.min).max(d.max).optional(), max: z.number().min(d.min).max(d.max).optional() })
    .optional()
    .describe(`${what}, ${d.min}–${d.max}${d.unit === '' ? '' : ` ${d.unit}`}; either end may be left out.`);
};

/** Hard constraints of a recommendation. */
export const constraintsInput = z
  .object({
    genres: z.array(z.string().min(1)).max(10).optional().describe(`Only tracks with evidence for one of these genres: ${GENRES.join(', ')}.`),
    moods: z.array(z.string().min(1)).max(10).optional().describe(`Only tracks with evidence for one of these moods: ${MOODS.join(', ')}.`),
    exclude_genres: z.array(z.string().min(1)).max(10).optional().describe(`Leave out tracks whose evidence points to any of these genres (e.g. "no rap": ["hip hop"]).`),
    exclude_moods: z.array(z.string().min(1)).max(10).optional().describe(`Leave out tracks whose evidence points to any of these moods (e.g. "nothing sad": ["sad"]).`),
    tempo: range('tempo', 'Tempo in BPM'),
    energy: range('energy', 'Energy'),
    valence: range('valence', 'Valence (musical positiveness)'),
    danceability: range('danceability', 'Danceability'),
    acousticness: range('acousticness', 'Acousticness'),
    instrumentalness: range('instrumentalness', 'Instrumentalness (above 0.5: mostly without vocals)'),
    year: range('year', 'Release year'),
    explicit: z.boolean().optional().describe('false leaves explicit tracks out.'),
    exclude_artists: z.array(z.string().min(1)).max(20).optional().describe('Artist names never to return.'),
  })
  .strict();

/** Converts constraint input into the recommender's terms. */
export function toConstraints(c: z.output<typeof constraintsInput> | undefined): RecommendConstraints {
  if (c === undefined) return {};
  const ranges: Record<string, { min?: number; max?: number }> = {};
  for (const f of ['tempo', 'energy', 'valence', 'danceability', 'acousticness', 'instrumentalness', 'year'] as const) {
    const r = c[f];
    if (r === undefined) continue;
    ranges[f] = { ...(r.min !== undefined ? { min: r.min } : {}), ...(r.max !== undefined ? { max: r.max } : {}) };
  }
  return {
    ...(c.genres !== undefined ? { genres: c.genres } : {}),
    ...(c.moods !== undefined ? { moods: c.moods } : {}),
    ...(c.exclude_genres !== undefined ? { excludeGenres: c.exclude_genres } : {}),
    ...(c.exclude_moods !== undefined ? { excludeMoods: c.exclude_moods } : {}),
    ...(Object.keys(ranges).length > 0 ? { ranges } : {}),
    ...(c.explicit !== undefined ? { explicit: c.explicit } : {}),
    ...(c.exclude_artists !== undefined ? { excludeArtists: c.exclude_artists } : {}),
  };
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
