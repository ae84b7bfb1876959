/**
 * spotify_export_playlist: saves tracks as a new private playlist in the person's Spotify account: the given
 * catalogue tracks, or by default their current recommendations (what recommend answers for "me").
 */
import { z } from 'zod';
import { UserError } from './errors.ts';
import { recommend } from './recommend.ts';
import { rowId } from './schemas.ts';
import { forPerson, spotifyOf } from './spotify-support.ts';
import { defineTool, ok, retry } from './tool.ts';

const input = z
  .object({
    name: z.string().trim().min(1).max(100).optional().describe('Playlist name (default "Earworm picks <date>").'),
    track_ids: z.array(rowId).min(1).max(500).optional().describe('Catalogue track ids, in order. Leave out to export the person\'s current recommendations.'),
    count: z.number().int().min(1).max(50).default(20).describe('How many recommendations to export when track_ids is left out.'),
  })
  .strict();

const output = z.object({
  url: z.string().describe('Link to the playlist on Spotify.'),
  playlist_id: z.string(),
  name: z.string(),
  added: z.number().int().describe('Tracks added.'),
  skipped: z.number().int().describe('Tracks that could not be found on Spotify and were left out.'),
});

/** The spotify_export_playlist tool. */
export const spotifyExportPlaylist = defineTool({
  name: 'spotify_export_playlist',
  title: 'Save as Spotify playlist',
  description:
    "Save tracks as a new private playlist in the person's Spotify account and return its link. Pass track_ids (catalogue ids, e.g. the tracks just recommended), or leave them out to export the person's current recommendations (count, default 20). Tracks Spotify does not have are skipped and counted. Needs a connected account (spotify_connect_link).",
  input,
  output,
  writes: true,
  async execute(args, ctx) {
    const spotify = spotifyOf(ctx);
    let trackIds: number[];
    if (args.track_ids !== undefined) {
      const cards = await ctx.catalog.describe(args.track_ids);
      const unknown = args.track_ids.map((id, i) => [id, i] as const).filter(([id]) => !cards.has(id));
      if (unknown.length > 0) {
        return retry('unknown_track', `${unknown.slice(0, 5).map(([id, i]) => `track_ids[${i}]: no catalogue track ${id}`).join('; ')}. Use ids from recommend or search_catalog, or leave track_ids out to export the current recommendations.`);
      }
      trackIds = args.track_ids;
    } else {
      const recs = await recommend.execute(recommend.input.parse({ count: args.count, for: 'me' }), ctx);
      if (!recs.ok) return recs;
      trackIds = recs.value.recommendations.map((r) => r.track.id);
    }
    const name = args.name ?? `Earworm picks ${new Date().toISOString().slice(0, 10)}`;
    const r = await forPerson(() => spotify.exportPlaylist(ctx.personId, { name, trackIds }));
    if (r.kind === 'empty') {
      throw new UserError('spotify_nothing_to_export', `None of these ${trackIds.length} tracks could be found on Spotify, so no playlist was created. Try other tracks.`);
    }
    return ok({ url: r.url, playlist_id: r.playlistId, name: r.name, added: r.added, skipped: r.skipped });
  },
});
