/** spotify_connect_link: a link that connects the person's Spotify account (or who is connected already). */
import { z } from 'zod';
import { forPerson, spotifyOf } from './spotify-support.ts';
import { defineTool, ok } from './tool.ts';

// One object (MCP output schemas must be objects): either url + expires_in_minutes, or already_connected + spotify_user.
const output = z.object({
  url: z.string().optional().describe('Open in a browser to allow Earworm to read the Spotify library; works once.'),
  expires_in_minutes: z.number().optional(),
  already_connected: z.literal(true).optional(),
  spotify_user: z.string().optional().describe('The connected Spotify user id.'),
});

/** The spotify_connect_link tool. */
export const spotifyConnectLink = defineTool({
  name: 'spotify_connect_link',
  title: 'Connect Spotify',
  description:
    "Give the person a link that connects their Spotify account to Earworm (Spotify login, then back to Earworm). Returns {url, expires_in_minutes}: show the link and say it works once, for that many minutes. If an account is already connected, returns {already_connected: true, spotify_user}. After connecting, spotify_import reads their top and saved tracks and playlists as seeds for their recommendations.",
  input: z.object({}).strict(),
  output,
  writes: true,
  async execute(_args, ctx) {
    const spotify = spotifyOf(ctx);
    const link = await forPerson(() => spotify.connectLink(ctx.personId));
    return ok(link.kind === 'link' ? { url: link.url, expires_in_minutes: link.expiresInMinutes } : { already_connected: true as const, spotify_user: link.spotifyUser });
  },
});
