/**
 * Shared by the Spotify tools: the service when configured, and the one mapping of Spotify failures to errors for
 * the person (anything else stays a system error).
 */
import { SpotifyError, SpotifyNotConnectedError, SpotifyRateLimitedError } from '../spotify/spotify-errors.ts';
import type { SpotifyService } from '../spotify/spotify-service.ts';
import { UserError } from './errors.ts';
import type { ToolContext } from './tool-context.ts';

/** How the person connects, in words any front end can show. */
const HOW_TO_CONNECT = 'say "connect spotify" (the spotify_connect_link tool) and open the link it gives you';

/** The Spotify service, or a UserError naming the variables an operator must set. */
export function spotifyOf(ctx: ToolContext): SpotifyService {
  if (ctx.spotify === undefined) {
    throw new UserError(
      'spotify_not_configured',
      'Spotify is not set up on this Earworm server. The operator must set SPOTIFY_CLIENT_ID, SPOTIFY_CLIENT_SECRET and EARWORM_SECRET (and SPOTIFY_REDIRECT_URI when the server is not at http://127.0.0.1:PORT), then restart.',
    );
  }
  return ctx.spotify;
}

/** Runs a Spotify operation, turning failures the person can act on into UserErrors. */
export async function forPerson<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    throw toUserError(err) ?? err;
  }
}

/** The UserError for a Spotify failure the person can act on; undefined for the rest (system errors). */
function toUserError(err: unknown): UserError | undefined {
  if (err instanceof SpotifyNotConnectedError) {
    return new UserError(
      'spotify_not_connected',
      err.reason === 'revoked'
        ? `Your Spotify connection expired or was revoked, so Earworm dropped it. Connect again: ${HOW_TO_CONNECT}.`
        : `Connect your Spotify account first: ${HOW_TO_CONNECT}.`,
    );
  }
  if (err instanceof SpotifyRateLimitedError) return new UserError('spotify_busy', `Spotify is limiting requests right now. Try again in ${Math.max(1, Math.ceil(err.retryAfterSeconds))} seconds.`);
  if (!(err instanceof SpotifyError)) return undefined;
  if (err.code === 'SPOTIFY_UNAVAILABLE') return new UserError('spotify_unavailable', 'Spotify is not answering right now. Try again in a few minutes.');
  if (err.code === 'SPOTIFY_FORBIDDEN') {
    return new UserError(
      'spotify_forbidden',
      "Spotify refused access for your account. If this Earworm app is in Spotify's development mode, the operator must add your Spotify account under User Management in the developer dashboard (at most 5 people).",
    );
  }
  return undefined;
}
