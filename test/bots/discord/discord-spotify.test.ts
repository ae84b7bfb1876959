/**
 * Spotify through Discord with Spotify configured: the real discord.js client against the local fake Discord, and
 * Earworm's Spotify adapter against the local fake Spotify (2026 shapes). `/connect` answers privately with a link
 * whose state completes the OAuth flow at Earworm's callback; `/export` saves the tracks `/recommend` just showed as
 * a private playlist (POST /me/playlists, then /items) and links to it.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from '../../../src/agent/agent.ts';
import { PgConversationStore } from '../../../src/desk/pg-conversation-store.ts';
import { FrontDesk } from '../../../src/desk/front-desk.ts';
import { DiscordBot } from '../../../src/bots/discord/discord-bot.ts';
import { startDiscordGateway, type DiscordGateway } from '../../../src/bots/discord/discord-gateway.ts';
import { silentLogger } from '../../../src/logging/logger.ts';
import { DRIVERS } from '../../support/db.ts';
import { countFor, NOT_ON_SPOTIFY, openSpotifyWorld, type SpotifyWorld } from '../../spotify/support/spotify-world.ts';
import { FakeDiscord, fakeUser, type FakeUser, type RecordedCall } from './support/fake-discord.ts';

type Embed = { title: string; description: string };
type LinkButton = { type: number; style: number; url?: string; label: string; custom_id?: string };

describe.each(DRIVERS)('Discord with Spotify configured on %s', (driver) => {
  let w: SpotifyWorld;
  let fake: FakeDiscord;
  let desk: FrontDesk;
  let gateway: DiscordGateway;
  beforeAll(async () => {
    w = await openSpotifyWorld(driver);
    fake = await FakeDiscord.start();
    const store = new PgConversationStore(w.h.db);
    desk = new FrontDesk({ db: w.h.db, agent: new Agent({ services: w.services }), services: w.services, store, logger: silentLogger, ratePerMinute: 1000 });
    const bot = new DiscordBot({ desk, db: w.h.db, logger: silentLogger });
    gateway = await startDiscordGateway({ token: 'fake-bot-token', bot, rest: { api: fake.api }, readyTimeoutMs: 55_000 });
  });
  afterAll(async () => {
    await gateway?.stop();
    await fake?.close();
    await w?.close();
  });

  /** Delivers a command and waits for its deferred reply to be edited (or deleted). */
  async function slash(user: FakeUser, name: string, options: Record<string, string | number> = {}) {
    const i = fake.deliver(fake.command(user, name, options));
    const edit = await fake.until(() => fake.callsFor(i).find((c) => (c.method === 'PATCH' || c.method === 'DELETE') && c.status !== undefined && c.status < 300), 55_000, `/${name} answer`);
    const callback = fake.callsFor(i).find((c) => c.path.endsWith('/callback'))!;
    return { callback, edit };
  }

  /** The single link button of a message. */
  function linkOf(c: RecordedCall): LinkButton {
    const rows = (c.body.components ?? []) as { components: LinkButton[] }[];
    expect(rows).toHaveLength(1);
    expect(rows[0]!.components).toHaveLength(1);
    const button = rows[0]!.components[0]!;
    expect(button.style).toBe(5); // ButtonStyle.Link: opens the URL, sends Earworm nothing
    expect(button.custom_id).toBeUndefined();
    return button;
  }

  const personOf = (user: FakeUser) => desk.person({ platform: 'discord', externalId: user.id, channelId: fake.channelId });

  it('/connect answers privately with a link whose state completes the OAuth flow at the callback', async () => {
    const ana = fakeUser('ana');
    const person = await personOf(ana);
    const { callback, edit } = await slash(ana, 'connect');
    expect(callback.body).toEqual({ type: 5, data: { flags: 64 } });
    expect(edit.body.content).toBe('Connect your Spotify account to save recommendations as playlists. The link works for 10 minutes.');
    const button = linkOf(edit);
    expect(button.label).toBe('Connect Spotify');
    const url = new URL(button.url!);
    expect(`${url.protocol}//${url.host}${url.pathname}`).toBe(`${w.fake.accountsUrl}/authorize`);
    expect(url.searchParams.get('redirect_uri')).toBe(w.redirectUri);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    // The state in the link is the one stored for this Discord user's person, and nobody is connected yet.
    expect(await countFor(w, 'oauth_states', person)).toBe(1);
    expect(await countFor(w, 'linked_accounts', person)).toBe(0);

    w.fake.loggedIn = 'ana.spotify';
    const res = await fetch(url);
    expect(res.url.startsWith(`${w.redirectUri}?`)).toBe(true);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Connected, you can close this tab');
    const linked = await w.h.db.rows<{ person_id: number; external_user_id: string }>(sql`select person_id, external_user_id from linked_accounts`);
    expect(linked).toEqual([{ person_id: person, external_user_id: 'ana.spotify' }]);
    // The link worked once.
    const replay = await fetch(url);
    expect(replay.status).toBe(400);
    expect(await replay.text()).toContain('already used');

    const again = await slash(ana, 'connect');
    expect(again.callback.body).toEqual({ type: 5, data: { flags: 64 } });
    expect(again.edit.body.content).toBe("You're already connected to Spotify as **ana.spotify**. Use /export to save recommendations as a playlist.");
    expect(again.edit.body.components ?? []).toEqual([]);
  });

  it('/export before connecting says how to connect, privately, and creates nothing', async () => {
    const bo = fakeUser('bo');
    const playlists = w.fake.playlists.size;
    const { callback, edit } = await slash(bo, 'export');
    expect(callback.body).toEqual({ type: 5, data: { flags: 64 } });
    expect(edit.body.content).toMatch(/^Connect your Spotify account first: say "connect spotify"/);
    expect(w.fake.playlists.size).toBe(playlists);
  });

  it('/export saves the tracks /recommend just showed as a private playlist and links to it', async () => {
    // Another Discord user connects the same Spotify account, so this test stands on its own.
    const ana = fakeUser('ana2');
    w.fake.loggedIn = 'ana.spotify';
    const link = linkOf((await slash(ana, 'connect')).edit);
    expect((await fetch(link.url!)).status).toBe(200);

    const shown = await slash(ana, 'recommend', { request: 'radiohead', count: 5 });
    const cards = (shown.edit.body.embeds as Embed[]).map((e) => ({ title: e.title.replace(/^\d+\. /, ''), artist: /^by \*\*(.+?)\*\*/.exec(e.description)![1]! }));
    expect(cards).toHaveLength(5);
    const creates = w.fake.seen('POST', '/v1/me/playlists').length;
    w.fake.addBatches.length = 0;

    const { callback, edit } = await slash(ana, 'export', { name: 'Discord picks' });
    expect(callback.body).toEqual({ type: 5, data: { flags: 64 } });
    const onSpotify = cards.filter((c) => c.title !== NOT_ON_SPOTIFY);
    const skipped = cards.length - onSpotify.length;
    expect(edit.body.content).toBe(`Saved ${onSpotify.length} track${onSpotify.length === 1 ? '' : 's'} to your Spotify playlist${skipped > 0 ? ` (${skipped} not on Spotify)` : ''}.`);
    const button = linkOf(edit);
    expect(button.label).toBe('Open in Spotify');
    const id = /^https:\/\/open\.spotify\.com\/playlist\/(\w+)$/.exec(button.url!)?.[1];
    expect(id).toBeDefined();

    // At the fake Spotify: one playlist created with POST /me/playlists, filled through /items, private, Ana's.
    expect(w.fake.seen('POST', '/v1/me/playlists').length).toBe(creates + 1);
    expect(w.fake.seen('POST', `/v1/playlists/${id}/items`)).toHaveLength(1);
    expect(w.fake.addBatches).toEqual([onSpotify.length]);
    const pl = w.fake.playlists.get(id!)!;
    expect(pl).toMatchObject({ name: 'Discord picks', ownerId: 'ana.spotify', public: false, description: 'Recommended by Earworm' });
    // Exactly the tracks shown, in the order shown (Spotify's own titles may carry a suffix such as "- Remastered").
    const saved = pl.items.map((uri) => w.fake.tracks.get(uri.replace('spotify:track:', ''))!);
    expect(saved).toHaveLength(onSpotify.length);
    saved.forEach((t, i) => {
      expect(t.name.startsWith(onSpotify[i]!.title)).toBe(true);
      expect(t.artist).toBe(onSpotify[i]!.artist);
    });
  });

  it('made no REST call that Discord would have refused', () => {
    expect(fake.calls.filter((c) => (c.status ?? 500) >= 300).map((c) => `${c.method} ${c.path} → ${String(c.status)}`)).toEqual([]);
  });
});
