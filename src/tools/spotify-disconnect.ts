/** spotify_disconnect: forgets the person's Spotify tokens and deletes everything imported from Spotify. */
import { z } from 'zod';
import { forPerson, spotifyOf } from './spotify-support.ts';
import { defineTool, ok } from './tool.ts';

/** The spotify_disconnect tool. */
export const spotifyDisconnect = defineTool({
  name: 'spotify_disconnect',
  title: 'Disconnect Spotify',
  description:
    "Disconnect the person's Spotify account: deletes the stored tokens and every seed imported from Spotify. Returns {disconnected (whether an account was connected), removed_seeds}. Safe to call twice. Access can also be removed on Spotify's side at spotify.com/account/apps.",
  input: z.object({}).strict(),
  output: z.object({ disconnected: z.boolean(), removed_seeds: z.number().int() }),
  writes: true,
  async execute(_args, ctx) {
    const spotify = spotifyOf(ctx);
    const r = await forPerson(() => spotify.disconnect(ctx.personId));
    await ctx.recommendCache.invalidate(ctx.personId);
    return ok({ disconnected: r.disconnected, removed_seeds: r.removedSeeds });
  },
});
