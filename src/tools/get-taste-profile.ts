/** get_taste_profile: what Earworm has learnt about the person from ratings and A/B votes. */
import { z } from 'zod';
import type { TrackCard } from '../serving/ports/catalog.ts';
import { cardOut, trackCard } from './schemas.ts';
import { hasTastes } from '../serving/ports/stated-tastes.ts';
import { defineTool, ok } from './tool.ts';

const input = z.object({}).strict();

const count = z.array(z.object({ name: z.string(), count: z.number().int() }));

const output = z.object({
  liked: z.array(trackCard).describe('Up to 10 liked tracks.'),
  counts: z.object({ liked: z.number().int(), skipped: z.number().int(), disliked: z.number().int(), votes: z.number().int() }),
  confidence: z.number().describe('How sure the A/B taste model is, 0..1.'),
  top_genres: count.describe('Genres among liked tracks.'),
  top_moods: count.describe('Moods among liked tracks.'),
  leanings: z.array(z.object({ feature: z.string(), weight: z.number() })).describe('What the A/B votes weigh most (positive: more of it).'),
  stated: z
    .object({
      genres: z.array(z.string()),
      moods: z.array(z.string()),
      energy: z.number().nullable(),
      artists: z.array(z.string()),
      weight: z.number().describe('How much the stated tastes still count, 0..1 (fades as votes and likes arrive).'),
    })
    .nullable()
    .describe('What the person stated they like (set_tastes), or null; the other fields are what Earworm learnt.'),
});

const tally = (cards: readonly TrackCard[], key: 'genre' | 'mood') => {
  const m = new Map<string, number>();
  for (const c of cards) if (c[key] !== null) m.set(c[key], (m.get(c[key]) ?? 0) + 1);
  return [...m].map(([name, n]) => ({ name, count: n })).sort((a, b) => b.count - a.count || a.name.localeCompare(b.name));
};

/** The person's taste profile. */
export const getTasteProfile = defineTool({
  name: 'get_taste_profile',
  title: 'Taste profile',
  description: "Summarise the person's taste: liked tracks, rating counts, genres and moods they like, what their A/B votes taught the taste model (with its confidence), and what they stated they like (set_tastes) with how much it still counts.",
  input,
  output,
  writes: false,
  async execute(_args, ctx) {
    const o = await ctx.ratings.opinions(ctx.personId);
    const taste = await ctx.preferences.taste(ctx.personId);
    const stated = await ctx.tastes.stated(ctx.personId);
    const cards = await ctx.catalog.describe(o.liked);
    const liked = o.liked.map((id) => cards.get(id)).filter((c): c is TrackCard => c !== undefined);
    return ok({
      liked: liked.slice(0, 10).map(cardOut),
      counts: { liked: o.liked.length, skipped: o.skipped.length, disliked: o.disliked.length, votes: taste.votes },
      confidence: taste.confidence,
      top_genres: tally(liked, 'genre'),
      top_moods: tally(liked, 'mood'),
      leanings: taste.leanings.map((l) => ({ ...l })),
      stated: hasTastes(stated)
        ? { genres: [...stated.genres], moods: [...stated.moods], energy: stated.energy, artists: stated.artists.map((a) => a.name), weight: taste.statedWeight ?? 0 }
        : null,
    });
  },
});
