/** list_genres_and_moods: the labels and ranges recommend and search_catalog accept. */
import { z } from 'zod';
import { RANGE_DOMAINS } from '../recsys/ranking/constraints.ts';
import { defineTool, ok } from './tool.ts';

const input = z.object({}).strict();

const labels = z.array(z.object({ name: z.string(), tracks: z.number().int() }));

const output = z.object({
  genres: labels,
  subgenres: labels,
  moods: labels,
  ranges: z.array(z.object({ field: z.string(), min: z.number(), max: z.number(), unit: z.string() })),
});

/** The vocabulary of constraints. */
export const listGenresAndMoods = defineTool({
  name: 'list_genres_and_moods',
  title: 'Genres, moods and ranges',
  description: 'List the genres, subgenres and moods Earworm can filter by (with how many tracks carry each), and the numeric ranges recommend accepts as constraints.',
  input,
  output,
  writes: false,
  async execute(_args, ctx) {
    const v = await ctx.catalog.vocabulary();
    return ok({
      genres: v.genres.map((g) => ({ ...g })),
      subgenres: v.subgenres.map((g) => ({ ...g })),
      moods: v.moods.map((g) => ({ ...g })),
      ranges: Object.entries(RANGE_DOMAINS).map(([field, d]) => ({ field, min: d.min, max: d.max, unit: d.unit })),
    });
  },
});
