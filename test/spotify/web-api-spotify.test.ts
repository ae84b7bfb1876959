/** The Spotify adapter (spotify-web-api-node against configurable hosts) on its own, against the local fake. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLibrary, onHosts, rewriteOrigin } from '../../src/spotify/library-hosts.ts';
import { codeChallenge, newCodeVerifier } from '../../src/spotify/pkce.ts';
import { SpotifyError, SpotifyRateLimitedError } from '../../src/spotify/spotify-errors.ts';
import { WebApiSpotify } from '../../src/spotify/web-api-spotify.ts';
import { FakeSpotify } from './support/fake-spotify.ts';

describe('WebApiSpotify against the fake', () => {
  const fake = new FakeSpotify();
  const sleeps: number[] = [];
  let spotify: WebApiSpotify;
  const redirectUri = 'http://127.0.0.1:9/spotify/callback';
  beforeAll(async () => {
    await fake.start();
    fake.redirectUris.add(redirectUri);
    fake.addTrack({ id: 't1', name: 'Creep', artist: 'Radiohead' });
    fake.users.set('u1', { id: 'u1', displayName: '', top: { short_term: ['t1'], medium_term: [], long_term: [] }, saved: ['t1'] });
    fake.loggedIn = 'u1';
    spotify = new WebApiSpotify({
      clientId: fake.clientId,
      clientSecret: fake.clientSecret,
      redirectUri,
      accountsUrl: fake.accountsUrl,
      apiUrl: fake.apiUrl,
      timeoutMs: 2000,
      retry: { sleep: async (ms) => void sleeps.push(ms), maxRetryAfterSeconds: 10 },
    });
  });
  afterAll(() => fake.stop());

  /** Follows the authorize URL as a browser would, up to the redirect; returns the code. */
  async function authorise(challenge: string): Promise<string> {
    const url = spotify.authorizeUrl({ state: 's1', codeChallenge: challenge, scopes: ['user-top-read'] });
    const res = await fetch(url, { redirect: 'manual' });
    const location = new URL(res.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe(redirectUri);
    expect(location.searchParams.get('state')).toBe('s1');
    return location.searchParams.get('code')!;
  }

  it('exchanges a code only with the verifier of its challenge', async () => {
    const verifier = newCodeVerifier();
    const stolen = await authorise(codeChallenge(verifier));
    await expect(spotify.exchangeCode({ code: stolen, codeVerifier: newCodeVerifier() })).rejects.toMatchObject({ code: 'SPOTIFY_AUTH_REVOKED', status: 400 });
    const code = await authorise(codeChallenge(verifier));
    const tokens = await spotify.exchangeCode({ code, codeVerifier: verifier });
    expect(tokens.refreshToken).toBeDefined();
    expect(tokens.expiresIn).toBe(3600);
    expect(await spotify.me(tokens.accessToken)).toEqual({ id: 'u1', displayName: undefined });
    const refreshed = await spotify.refresh(tokens.refreshToken!);
    expect(refreshed.refreshToken).toBeUndefined();
    expect(await spotify.topTracks(refreshed.accessToken, 'short_term', { limit: 50, offset: 0 })).toMatchObject({ items: [{ id: 't1', uri: 'spotify:track:t1', name: 'Creep', artists: ['Radiohead'] }], next: false });
  });

  it('keeps search within limit 10 and add-items within 100, which the fake also enforces', async () => {
    const code = await authorise(codeChallenge('v'.repeat(43)));
    const { accessToken } = await spotify.exchangeCode({ code, codeVerifier: 'v'.repeat(43) });
    const before = fake.requests.length;
    await expect(spotify.searchTracks(accessToken, 'creep', 11)).rejects.toBeInstanceOf(RangeError);
    await expect(spotify.addItems(accessToken, 'x', Array.from({ length: 101 }, () => 'spotify:track:t1'))).rejects.toBeInstanceOf(RangeError);
    expect(fake.requests.length).toBe(before);
    expect((await spotify.searchTracks(accessToken, 'track:creep artist:radiohead', 10)).map((t) => t.id)).toEqual(['t1']);
    // The library itself would send limit 20; the fake answers as Spotify does since February 2026.
    const lib = loadLibrary();
    const client = new lib.SpotifyWebApi({ accessToken });
    await expect(onHosts({ accountsUrl: fake.accountsUrl, apiUrl: fake.apiUrl, timeoutMs: 2000 }, () => client.searchTracks('creep', { limit: 20 }))).rejects.toMatchObject({ statusCode: 400 });
  });

  it('maps failures once: 401, 404, 429 past the longest wait, 5xx after bounded retries', async () => {
    await expect(spotify.me('not-a-token')).rejects.toMatchObject({ code: 'SPOTIFY_UNAUTHORIZED', status: 401 });
    const code = await authorise(codeChallenge('w'.repeat(43)));
    const { accessToken } = await spotify.exchangeCode({ code, codeVerifier: 'w'.repeat(43) });
    await expect(spotify.playlistItems(accessToken, 'missing', { limit: 50, offset: 0 })).rejects.toMatchObject({ code: 'SPOTIFY_NOT_FOUND' });
    sleeps.length = 0;
    fake.fail('GET', '/v1/me', 429, 1, 60);
    const limited = await spotify.me(accessToken).catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(SpotifyRateLimitedError);
    expect((limited as SpotifyRateLimitedError).retryAfterSeconds).toBe(60);
    expect(sleeps).toEqual([]);
    fake.fail('GET', '/v1/me', 500, 4);
    const down = await spotify.me(accessToken).catch((e: unknown) => e);
    expect(down).toBeInstanceOf(SpotifyError);
    expect((down as SpotifyError).code).toBe('SPOTIFY_UNAVAILABLE');
    expect(sleeps).toEqual([250, 500, 1000]);
    expect(fake.seen('GET', '/v1/me').length).toBeGreaterThanOrEqual(5);
    fake.clearFaults();
  });

  it('rewrites only the two Spotify origins', () => {
    const hosts = { accountsUrl: 'http://127.0.0.1:1/', apiUrl: 'http://127.0.0.1:2' };
    expect(rewriteOrigin('https://api.spotify.com/v1/me', hosts)).toBe('http://127.0.0.1:2/v1/me');
    expect(rewriteOrigin('https://accounts.spotify.com/api/token', hosts)).toBe('http://127.0.0.1:1/api/token');
    expect(rewriteOrigin('https://api.spotify.com.evil.example/v1/me', hosts)).toBe('https://api.spotify.com.evil.example/v1/me');
  });
});

describe('Spotify settings from the configuration', () => {
  it('builds the service only when the app and EARWORM_SECRET are set', async () => {
    const { loadConfig } = await import('../../src/config/config.ts');
    const { spotifyDeps } = await import('../../src/spotify/spotify-service.ts');
    expect(spotifyDeps(loadConfig({}, '/tmp'))).toEqual({});
    const config = loadConfig({ SPOTIFY_CLIENT_ID: 'id', SPOTIFY_CLIENT_SECRET: 'secret', EARWORM_SECRET: 's'.repeat(32), PORT: '8123' }, '/tmp');
    expect(spotifyDeps(config)).toEqual({ spotify: { app: { clientId: 'id', clientSecret: 'secret', redirectUri: 'http://127.0.0.1:8123/spotify/callback' }, secret: 's'.repeat(32) } });
  });
});

describe('Spotify data and training', () => {
  it('is touched only by the seeds module and personalisation: no pipeline, training, evaluation or recsys code reads person_seeds', async () => {
    const { readdir, readFile } = await import('node:fs/promises');
    const root = new URL('../../src/', import.meta.url);
    const files = (await readdir(root, { recursive: true })).filter((f) => f.endsWith('.ts'));
    const readers: string[] = [];
    for (const f of files) if (/person_seeds|personSeeds/.test(await readFile(new URL(f, root), 'utf8'))) readers.push(f.replace(/\\/g, '/'));
    expect(readers.sort()).toEqual(['db/schema.ts', 'spotify/person-seeds.ts', 'tools/personalisation.ts'].sort());
  });
});
