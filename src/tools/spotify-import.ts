/** spotify_import: reads the person's Spotify top, saved and playlist tracks as seeds for their recommendations only. */
import { z } from 'zod';
import { forPerson, spotifyOf } from './spotify-support.ts';
import { defineTool, ok } from './tool.ts';

const output = z.object({
  counts: z
    .object({ top_short: z.number().int(), top_medium: z.number().int(), top_long: z.number().int(), saved: z.number().int(), playlists: z.number().int() })
    .describe('Tracks read per source: top tracks of the last 4 weeks, 6 months and all time, saved tracks, tracks in their playlists.'),
  total: z.number().int().describe('Distinct Spotify tracks read.'),
  matched: z.number().int().describe('Distinct tracks found in the Earworm catalogue (by Spotify id, else title and artist).'),
  match_rate: z.number().describe('matched / total, 0..1.'),
  message: z.string().describe('A sentence for the person.'),
});

/** The spotify_import tool. */
export const spotifyImport = defineTool({
  name: 'spotify_import',
  title: 'Import from Spotify',
  description:
    "Import the person's Spotify library (top tracks, saved tracks, their playlists) as seeds for their own recommendations; a new import replaces the previous one. Returns counts per source, how many tracks matched the catalogue and a message to show. Needs a connected account (spotify_connect_link). Spotify data is never used to train models.",
  input: z.object({}).strict(),
  output,
  writes: true,
  async execute(_args, ctx) {
    const spotify = spotifyOf(ctx);
    const r = await forPerson(() => spotify.importLibrary(ctx.personId));
    // New seeds change what recommend answers for this person.
    await ctx.recommendCache.invalidate(ctx.personId);
    const rate = r.total === 0 ? 0 : r.matched / r.total;
    const pct = Math.round(rate * 100);
    const sources = `${r.counts.top_short + r.counts.top_medium + r.counts.top_long} top, ${r.counts.saved} saved and ${r.counts.playlists} playlist entries`;
    const message =
      r.total === 0
        ? 'Your Spotify library looks empty (no top, saved or playlist tracks), so nothing was imported.'
        : `Read ${r.total} distinct tracks from Spotify (${sources}); ${r.matched} of them (${pct}%) are in Earworm's catalogue and now seed your recommendations.` +
          (r.playlistsSkipped > 0 ? ` ${r.playlistsSkipped} playlist${r.playlistsSkipped === 1 ? '' : 's'} could not be read.` : '') +
          ' They are used only for you, never to train models; "disconnect spotify" deletes them.';
    return ok({ counts: r.counts, total: r.total, matched: r.matched, match_rate: Math.round(rate * 1000) / 1000, message });
  },
});
