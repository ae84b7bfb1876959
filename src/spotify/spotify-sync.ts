/**
 * The `spotify-sync` job: re-imports one person's Spotify library (top tracks, saved tracks, playlists) as their
 * seeds. Idempotent — an import replaces that person's Spotify seeds in one transaction — so a retried or repeated
 * job leaves the same state. A person with no link (never connected, disconnected, or dropped after `invalid_grant`)
 * fails the job at once: retrying cannot connect them, only they can.
 */
import { PermanentJobError } from '../jobs/job-errors.ts';
import type { JobProcessor } from '../jobs/job-types.ts';
import { SpotifyNotConnectedError } from './spotify-errors.ts';
import type { SpotifyService } from './spotify-service.ts';

/** Builds the processor; `hooks.recommendCache` is invalidated once the seeds changed (the person's cached answers). */
export function spotifySyncProcessor(spotify: SpotifyService, hooks: { readonly recommendCache?: { invalidate(personId: number): Promise<void> } } = {}): JobProcessor<'spotify-sync'> {
  return async (data, ctx) => {
    await ctx.progress(0.1);
    const report = await spotify.importLibrary(data.personId).catch((err: unknown) => {
      if (!(err instanceof SpotifyNotConnectedError)) throw err;
      throw new PermanentJobError(`${err.message} for person ${data.personId}, so there is nothing to sync until they connect Spotify again`, { cause: err });
    });
    await hooks.recommendCache?.invalidate(data.personId);
    return report;
  };
}
