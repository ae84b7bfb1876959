/**
 * Spotify end to end against a local fake speaking the 2026 wire format: connect (authorize → callback, PKCE checked
 * at /api/token), import as seeds, recommend from them, export in batches, refresh, invalid_grant, disconnect.
 */
import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getLinkedAccount } from '../../src/serving/state/linked-accounts.ts';
import { tracks, trackExternalIds } from '../../src/db/schema.ts';
import { TokenCipher } from '../../src/db/token-cipher.ts';
import { loadTrackInteractions } from '../../src/db/track-interactions.ts';
import { DRIVERS } from '../support/db.ts';
import { valueOf } from '../tools/support/tool-harness.ts';
import { countFor, openSpotifyWorld, SECRET, sid, type SpotifyWorld } from './support/spotify-world.ts';

type Rec = { track: { id: number } };

describe.each(DRIVERS)('Spotify on %s', (driver) => {
  let w: SpotifyWorld;
  beforeAll(async () => {
    w = await openSpotifyWorld(driver);
  });
  afterAll(() => w?.close());
  const cipher = new TokenCipher(SECRET);
  const recommendIds = async (person: string) => (valueOf(await w.call(person, 'recommend', { count: 5 })).recommendations as Rec[]).map((r) => r.track.id);

  it('connects through the authorize page and the callback, with PKCE and a state bound to the person', async () => {
    const link = valueOf(await w.call('ana', 'spotify_connect_link', {}));
    expect(link.expires_in_minutes).toBe(10);
    const url = new URL(link.url as string);
    expect(`${url.protocol}//${url.host}`).toBe(w.fake.accountsUrl);
    expect(url.pathname).toBe('/authorize');
    expect(url.searchParams.get('client_id')).toBe(w.fake.clientId);
    expect(url.searchParams.get('redirect_uri')).toBe(w.redirectUri);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('scope')?.split(' ')).toEqual(expect.arrayContaining(['user-top-read', 'user-library-read', 'playlist-modify-private']));

    w.fake.loggedIn = 'ana.spotify';
    const res = await fetch(url);
    expect(res.url.startsWith(`${w.redirectUri}?`)).toBe(true);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const html = await res.text();
    expect(html).toContain('Connected, you can close this tab');
    expect(html).toContain('Ana');
    // The fake accepted the verifier only because its S256 matched the challenge of this very link.
    const verifier = w.fake.verifiers.at(-1)!;
    expect(createHash('sha256').update(verifier).digest('base64url')).toBe(url.searchParams.get('code_challenge'));

    const again = valueOf(await w.call('ana', 'spotify_connect_link', {}));
    expect(again).toEqual({ already_connected: true, spotify_user: 'ana.spotify' });
  });

  it('rejects a forged, replayed or expired state and a declined consent, connecting nobody', async () => {
    const bob = await w.person('bob');
    const forged = await fetch(`${w.redirectUri}?code=abc&state=${'A'.repeat(43)}`);
    expect(forged.status).toBe(400);
    expect(await forged.text()).toContain('This link is not valid');

    w.fake.loggedIn = 'ben.spotify';
    const link = valueOf(await w.call('bob', 'spotify_connect_link', {}));
    const authorize = await fetch(link.url as string, { redirect: 'manual' });
    const callback = authorize.headers.get('location')!;
    // A different state with the real code: not this authorisation.
    const swapped = await fetch(callback.replace(/state=[^&]+/, `state=${'B'.repeat(43)}`));
    expect(swapped.status).toBe(400);
    const first = await fetch(callback);
    expect(first.status).toBe(200);
    const replay = await fetch(callback);
    expect(replay.status).toBe(400);
    expect(await replay.text()).toContain('already used');
    expect(valueOf(await w.call('bob', 'spotify_disconnect', {}))).toMatchObject({ disconnected: true });

    const late = valueOf(await w.call('bob', 'spotify_connect_link', {}));
    w.clock += 11 * 60_000;
    const expired = await fetch(late.url as string);
    expect(expired.status).toBe(400);
    expect(await expired.text()).toContain('expired');

    w.fake.decline = true;
    const declined = await w.connect('bob', 'ben.spotify');
    w.fake.decline = false;
    expect(declined.status).toBe(400);
    expect(await declined.text()).toContain('You did not allow Earworm');
    expect(await countFor(w, 'linked_accounts', bob)).toBe(0);
  });

  it('keeps tokens, states and verifiers out of the database in plaintext', async () => {
    const ana = await w.person('ana');
    const [row] = await w.h.db.rows<{ access_token_enc: string; refresh_token_enc: string }>(sql`select access_token_enc, refresh_token_enc from linked_accounts where person_id = ${ana}`);
    const account = await getLinkedAccount(w.h.db, cipher, ana, 'spotify');
    expect(w.fake.accessTokens.has(account!.accessToken)).toBe(true);
    expect(w.fake.refreshTokens.has(account!.refreshToken!)).toBe(true);
    expect(row!.access_token_enc).not.toContain(account!.accessToken);
    expect(row!.refresh_token_enc).not.toContain(account!.refreshToken);
    expect(row!.access_token_enc).toMatch(/^v1\./);

    const link = valueOf(await w.call('carol', 'spotify_connect_link', {}));
    const state = new URL(link.url as string).searchParams.get('state')!;
    const states = await w.h.db.rows<{ state_hash: string; code_verifier_enc: string }>(sql`select state_hash, code_verifier_enc from oauth_states where person_id = ${await w.person('carol')}`);
    expect(states).toHaveLength(1);
    expect(states[0]!.state_hash).toBe(createHash('sha256').update(state).digest('hex'));
    const verifier = cipher.decrypt(states[0]!.code_verifier_enc);
    expect(states[0]!.code_verifier_enc).not.toContain(verifier);
    expect(createHash('sha256').update(verifier).digest('base64url')).toBe(new URL(link.url as string).searchParams.get('code_challenge'));
  });

  it('imports top, saved and playlist tracks (2026 items[].item) as seeds and reports the match rate', async () => {
    const before = await recommendIds('ana');
    const out = valueOf(await w.call('ana', 'spotify_import', {}));
    expect(out.counts).toEqual({ top_short: 3, top_medium: 2, top_long: 1, saved: 3, playlists: 3 });
    expect(out).toMatchObject({ total: 10, matched: 8, match_rate: 0.8 });
    expect(out.message).toMatch(/10 distinct tracks .* 8 of them \(80%\)/);
    expect(out.message).toMatch(/1 playlist could not be read/);
    // Playlist entries came from the renamed endpoint only.
    expect(w.fake.seen('GET', '/v1/playlists/anamix/items')).toHaveLength(1);
    expect(w.fake.requests.some((r) => r.path.endsWith('/tracks') && r.path.startsWith('/v1/playlists'))).toBe(false);

    const ana = await w.person('ana');
    const seeds = await w.h.db.rows<{ track_id: number; source: string }>(sql`select track_id, source from person_seeds where person_id = ${ana} order by source, track_id`);
    const id = (t: string) => w.h.fixture.byTitle.get(t)!;
    const bySource = (s: string) => seeds.filter((r) => r.source === s).map((r) => Number(r.track_id)).sort((a, b) => a - b);
    expect(bySource('spotify:top_short')).toEqual([id('Creep'), id('Karma Police'), id('No Surprises')].sort((a, b) => a - b));
    expect(bySource('spotify:top_medium')).toEqual([id('Creep'), id('Smells Like Teen Spirit')].sort((a, b) => a - b));
    expect(bySource('spotify:saved')).toEqual([id('Everlong'), id('Black')].sort((a, b) => a - b));
    expect(bySource('spotify:playlist')).toEqual([id('Creep'), id('One'), id('Enter Sandman')].sort((a, b) => a - b));

    // A second import replaces the first (same rows, no duplicates).
    valueOf(await w.call('ana', 'spotify_import', {}));
    expect(await countFor(w, 'person_seeds', ana)).toBe(seeds.length);

    // The seeds now shape Ana's recommendations: rock-side answers, none of her own tracks repeated back.
    const after = valueOf(await w.call('ana', 'recommend', { count: 5 }));
    const afterIds = (after.recommendations as Rec[]).map((r) => r.track.id);
    expect(afterIds).not.toEqual(before);
    expect((after.seeds as { id: number }[]).map((s) => s.id)).toContain(id('Creep'));
    const rock = new Set(w.h.fixture.rock);
    expect(afterIds.filter((t) => rock.has(t)).length).toBeGreaterThanOrEqual(3);
    expect(afterIds.some((t) => seeds.some((s) => Number(s.track_id) === t))).toBe(false);
    // Someone without Spotify still gets the neutral answer.
    expect(await recommendIds('dave')).toEqual(before);
  });

  it('never lets imported seeds reach training data', async () => {
    const ana = await w.person('ana');
    const matrix = await loadTrackInteractions(w.h.db);
    expect(matrix.userIds).not.toContain(`u${ana}`);
    const [n] = await w.h.db.rows<{ n: number }>(sql`select count(*)::int as n from interactions where person_id = ${ana}`);
    expect(n!.n).toBe(0);
  });

  it('honours Retry-After on 429 and retries 5xx with bounded backoff; a lasting outage loses nothing', async () => {
    const ana = await w.person('ana');
    const seedsBefore = await countFor(w, 'person_seeds', ana);
    w.sleeps.length = 0;
    w.fake.fail('GET', '/v1/me/top/tracks', 429, 1, 2);
    w.fake.fail('GET', '/v1/me/tracks', 503, 2);
    const calls = w.fake.seen('GET', '/v1/me/top/tracks').length;
    valueOf(await w.call('ana', 'spotify_import', {}));
    expect(w.fake.seen('GET', '/v1/me/top/tracks').length).toBe(calls + 4);
    expect(w.sleeps).toEqual([2000, 250, 500]);

    w.fake.fail('GET', '/v1/me/tracks', 502, 10);
    const down = await w.call('ana', 'spotify_import', {});
    expect(down).toMatchObject({ kind: 'user', code: 'spotify_unavailable' });
    w.fake.clearFaults();
    expect(await countFor(w, 'person_seeds', ana)).toBe(seedsBefore);

    w.fake.fail('GET', '/v1/me/top/tracks', 429, 1, 3600);
    const busy = await w.call('ana', 'spotify_import', {});
    expect(busy).toMatchObject({ kind: 'user', code: 'spotify_busy' });
    if (busy.kind === 'user') expect(busy.message).toContain('3600 seconds');
    w.fake.clearFaults();
  });

  it('exports a playlist with POST /me/playlists and adds items in batches of at most 100', async () => {
    const rec = valueOf(await w.call('ana', 'spotify_export_playlist', { name: 'For Ana' }));
    expect(rec).toMatchObject({ name: 'For Ana', skipped: expect.any(Number) });
    const pl = w.fake.playlists.get(rec.playlist_id as string)!;
    expect(rec.url).toBe(`https://open.spotify.com/playlist/${pl.id}`);
    expect(pl.ownerId).toBe('ana.spotify');
    expect(pl.public).toBe(false);
    expect(pl.description).toBe('Recommended by Earworm');
    expect(pl.items.length).toBe(rec.added);
    expect(w.fake.seen('POST', '/v1/me/playlists').length).toBe(1);

    // 150 catalogue tracks with Spotify ids: two batches, 100 + 50.
    const made = await w.h.db.orm
      .insert(tracks)
      .values(Array.from({ length: 150 }, (_, i) => ({ title: `Bulk ${i}`, normKey: `bulk ${i}|bulk` })))
      .returning({ id: tracks.id });
    await w.h.db.orm.insert(trackExternalIds).values(made.map((t, i) => ({ namespace: 'spotify', externalId: sid(`bulk${i}x`), trackId: t.id })));
    made.forEach((_, i) => w.fake.addTrack({ id: sid(`bulk${i}x`), name: `Bulk ${i}`, artist: 'Bulk' }));
    w.fake.addBatches.length = 0;
    const big = valueOf(await w.call('ana', 'spotify_export_playlist', { track_ids: made.map((t) => t.id) }));
    expect(big).toMatchObject({ added: 150, skipped: 0 });
    expect(w.fake.addBatches).toEqual([100, 50]);
    expect(w.fake.playlists.get(big.playlist_id as string)!.items).toEqual(made.map((_, i) => `spotify:track:${sid(`bulk${i}x`)}`));

    // Without a Spotify id: found by search (limit ≤ 10), or skipped and counted.
    const id = (t: string) => w.h.fixture.byTitle.get(t)!;
    const searched = valueOf(await w.call('ana', 'spotify_export_playlist', { track_ids: [id('Teardrop'), id('Creep'), id('Avril 14th')] }));
    expect(searched).toMatchObject({ added: 2, skipped: 1 });
    expect(w.fake.playlists.get(searched.playlist_id as string)!.items).toEqual([`spotify:track:${sid('Teardrop')}`, `spotify:track:${sid('Creep')}`]);
    const searches = w.fake.seen('GET', '/v1/search');
    expect(searches.length).toBeGreaterThanOrEqual(2);
    for (const s of searches) expect(Number(s.query.get('limit'))).toBeLessThanOrEqual(10);
  });

  it('refreshes before expiry and keeps the old refresh token when the answer has none', async () => {
    const ana = await w.person('ana');
    const old = (await getLinkedAccount(w.h.db, cipher, ana, 'spotify'))!;
    w.clock += 3600_000;
    valueOf(await w.call('ana', 'spotify_import', {}));
    const now = (await getLinkedAccount(w.h.db, cipher, ana, 'spotify'))!;
    expect(now.accessToken).not.toBe(old.accessToken);
    expect(now.refreshToken).toBe(old.refreshToken);
    expect(now.expiresAt!.getTime()).toBe(w.clock + 3600_000);
    const refresh = w.fake.seen('POST', '/api/token').filter((r) => (r.body as Record<string, string>).grant_type === 'refresh_token');
    expect(refresh.length).toBe(1);

    // A 401 on a token Earworm thought valid: refresh once and carry on. A rotated refresh token replaces the old.
    w.fake.expireAccessTokens();
    w.fake.rotateRefreshTokens = true;
    valueOf(await w.call('ana', 'spotify_import', {}));
    w.fake.rotateRefreshTokens = false;
    const rotated = (await getLinkedAccount(w.h.db, cipher, ana, 'spotify'))!;
    expect(rotated.refreshToken).not.toBe(old.refreshToken);
    expect(w.fake.refreshTokens.has(rotated.refreshToken!)).toBe(true);
  });

  it('drops the link on invalid_grant and asks the person to reconnect', async () => {
    const ana = await w.person('ana');
    w.fake.revokeRefreshTokens();
    w.clock += 2 * 3600_000;
    const o = await w.call('ana', 'spotify_import', {});
    expect(o).toMatchObject({ kind: 'user', code: 'spotify_not_connected' });
    if (o.kind === 'user') expect(o.message).toMatch(/expired or was revoked.*connect spotify/);
    expect(await countFor(w, 'linked_accounts', ana)).toBe(0);
    const res = await w.connect('ana', 'ana.spotify');
    expect(res.status).toBe(200);
    expect(await countFor(w, 'linked_accounts', ana)).toBe(1);
  });

  it("disconnect deletes the person's tokens and Spotify seeds, and only theirs", async () => {
    const ana = await w.person('ana');
    const erin = await w.person('erin');
    await w.h.db.rows(sql`insert into person_seeds (person_id, track_id, source) values (${erin}, ${w.h.fixture.rock[0]!}, 'spotify:saved') returning 1 as x`);
    expect(await countFor(w, 'person_seeds', ana)).toBeGreaterThan(0);
    const out = valueOf(await w.call('ana', 'spotify_disconnect', {}));
    expect(out.disconnected).toBe(true);
    expect(out.removed_seeds).toBe(10);
    expect(await countFor(w, 'person_seeds', ana)).toBe(0);
    expect(await countFor(w, 'linked_accounts', ana)).toBe(0);
    expect(await countFor(w, 'oauth_states', ana)).toBe(0);
    expect(await countFor(w, 'person_seeds', erin)).toBe(1);
    expect(valueOf(await w.call('ana', 'spotify_disconnect', {}))).toEqual({ disconnected: false, removed_seeds: 0 });
  });

  it('answers bad input and a missing connection or configuration clearly', async () => {
    const notConnected = await w.call('frank', 'spotify_import', {});
    expect(notConnected).toMatchObject({ kind: 'user', code: 'spotify_not_connected' });
    if (notConnected.kind === 'user') expect(notConnected.message).toMatch(/Connect your Spotify account first: say "connect spotify"/);
    expect(await w.call('frank', 'spotify_export_playlist', {})).toMatchObject({ kind: 'user', code: 'spotify_not_connected' });

    const unknown = await w.call('frank', 'spotify_export_playlist', { track_ids: [999_999] });
    expect(unknown).toMatchObject({ kind: 'retry', code: 'unknown_track' });
    if (unknown.kind === 'retry') expect(unknown.message).toContain('track_ids[0]: no catalogue track 999999');
    const bad = await w.call('frank', 'spotify_export_playlist', { count: 0, name: '' });
    expect(bad).toMatchObject({ kind: 'retry', code: 'invalid_arguments' });
    if (bad.kind === 'retry') expect(bad.message).toMatch(/name: .*; count: /);
    expect(await w.call('frank', 'spotify_import', { everything: true })).toMatchObject({ kind: 'retry', code: 'invalid_arguments' });

    const { spotify: _s, ...unconfigured } = w.services;
    const { callTool } = await import('../../src/tools/registry.ts');
    const { contextFor } = await import('../../src/tools/tool-context.ts');
    for (const tool of ['spotify_connect_link', 'spotify_import', 'spotify_export_playlist', 'spotify_disconnect']) {
      const o = await callTool(tool, {}, contextFor(unconfigured, await w.person('frank')));
      expect(o).toMatchObject({ kind: 'user', code: 'spotify_not_configured' });
      if (o.kind === 'user') expect(o.message).toMatch(/SPOTIFY_CLIENT_ID, SPOTIFY_CLIENT_SECRET and EARWORM_SECRET/);
    }
  });
});
