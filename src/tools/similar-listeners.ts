/**
 * similar_listeners: "people like you" — how many listeners share the person's taste, their top genres and moods,
 * and what they play that the person has not rated. Only aggregates, and only when there are enough similar
 * listeners (MIN_GROUP) that no one can be singled out; the only names shown are those people chose themselves
 * with share_my_listening. Never an id, display name, platform id or history of anyone else.
 */
import { z } from 'zod';
import type { TrackCard } from '../serving/ports/catalog.ts';
import { MIN_GROUP, MIN_SHARED } from '../serving/ports/listeners.ts';
import { cardOut, trackCard } from './schemas.ts';
import { defineTool, ok } from './tool.ts';

const input = z
  .object({
    count: z.number().int().min(MIN_GROUP).max(50).default(20).describe('How many of the nearest listeners to consider.'),
  })
  .strict();

const label = z.object({ name: z.string(), listeners: z.number().int().describe('How many of the similar listeners like it.') });

const output = z.object({
  similar_listeners: z.number().int().describe('How many similar listeners were found.'),
  top_genres: z.array(label),
  top_moods: z.array(label),
  they_play: z.array(z.object({ track: trackCard, listeners: z.number().int() })).describe(`Tracks at least ${MIN_SHARED} of them like that the person has not rated.`),
  shown_names: z.array(z.string()).describe('Names of similar listeners who chose to be shown (share_my_listening).'),
  note: z.string(),
});

/** The similar_listeners tool. */
export const similarListeners = defineTool({
  name: 'similar_listeners',
  title: 'People like you',
  description:
    'Find listeners with taste like the person\'s ("people like you") and report them in aggregate: how many, their top genres and moods, and what they play that the person has not heard. Names appear only for people who opted in with share_my_listening. Needs a few likes or votes from the person first.',
  input,
  output,
  writes: false,
  async execute(args, ctx) {
    const s = await ctx.listeners.similar(ctx.personId, args.count);
    const cards = await ctx.catalog.describe(s.tracks.map((t) => t.trackId));
    const note = s.enough
      ? `${s.count} listeners share your taste; genres, moods and tracks are counted over all of them.`
      : s.count === 0
        ? 'No similar listeners yet: like a few tracks or answer a few comparisons, and ask again.'
        : `Only ${s.count} similar listener${s.count === 1 ? '' : 's'} so far; details are shown once there are at least ${MIN_GROUP}, so no one can be singled out.`;
    return ok({
      similar_listeners: s.count,
      top_genres: s.topGenres.map((g) => ({ ...g })),
      top_moods: s.topMoods.map((m) => ({ ...m })),
      they_play: s.tracks.flatMap((t) => {
        const c: TrackCard | undefined = cards.get(t.trackId);
        return c === undefined ? [] : [{ track: cardOut(c), listeners: t.listeners }];
      }),
      shown_names: [...s.shown],
      note,
    });
  },
});
