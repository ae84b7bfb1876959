/**
 * The `spotify-sync` job: re-imports one person's Spotify library (top tracks, saved tracks, playlists) as their
 * seeds. Idempotent — an import replaces that person's Spotify seeds in one transaction — so a retried or repeated
 * job leaves the same state.
 */
import type { JobProcessor } from '../jobs/job-types.ts';
import type { SpotifyService } from './spotify-service.ts';

/** Builds the processor; `after` runs once the seeds changed (e.g. invalidate the person's cached answers). */
export function spotifySyncProcessor(spotify: SpotifyService, hooks: { readonly recommendCache?: { invalidate(personId: number): Promise<void> } } = {}): JobProcessor<'spotify-sync'> {
  return async (data, ctx) => {
    await ctx.progress(0.1);
    const report = await spotify.importLibrary(data.personId);
    await hooks.recommendCache?.invalidate(data.personId);
    return report;
  };
}
