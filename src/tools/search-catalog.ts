/** search_catalog: find tracks by title, artist or tag, with optional genre, mood and year filters. */
import { z } from 'zod';
import { cardOut, trackCard } from './schemas.ts';
import { defineTool, ok } from './tool.ts';

const input = z
  .object({
    query: z.string().trim().min(1).max(200).describe('Words of the title, artist or a tag, e.g. "daft punk one more time" or "shoegaze".'),
    genre: z.string().min(1).optional().describe('Only tracks of this predicted genre.'),
    mood: z.string().min(1).optional().describe('Only tracks of this predicted mood.'),
    year_min: z.number().int().min(1900).max(2100).optional(),
    year_max: z.number().int().min(1900).max(2100).optional(),
    limit: z.number().int().min(1).max(25).default(10),
  })
  .strict();

const output = z.object({
  tracks: z.array(trackCard),
  hint: z.string().optional().describe('What to try when nothing matched.'),
});

/** Catalogue text search. */
export const searchCatalog = defineTool({
  name: 'search_catalog',
  title: 'Search the catalogue',
  description:
    'Find catalogue tracks whose title, artist or tags contain every word of `query` (most played first), optionally filtered by genre, mood and release years. Use it to turn what the person names into track ids for the other tools.',
  input,
  output,
  writes: false,
  async execute(args, ctx) {
    const tracks = await ctx.catalog.search(args.query, args.limit, {
      ...(args.genre !== undefined ? { genre: args.genre } : {}),
      ...(args.mood !== undefined ? { mood: args.mood } : {}),
      ...(args.year_min !== undefined ? { yearMin: args.year_min } : {}),
      ...(args.year_max !== undefined ? { yearMax: args.year_max } : {}),
    });
    if (tracks.length > 0) return ok({ tracks: tracks.map(cardOut) });
    return ok({ tracks: [], hint: 'Nothing matched. Use fewer or different words (title words plus the artist work best), or drop the filters.' });
  },
});
