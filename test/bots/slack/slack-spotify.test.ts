/**
 * Spotify through Slack with Spotify configured: the real Bolt app on loopback, driven by signed requests, answering
 * through the fake Slack Web API, with Earworm's Spotify adapter against the local fake Spotify. The App Home offers
 * "connect" to a person who is not connected and "disconnect" to one who is; its connect button hands out a link
 * that completes the OAuth flow at Earworm's callback; its disconnect button removes the link and the imported seeds.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from '../../../src/agent/agent.ts';
import { PgConversationStore } from '../../../src/desk/pg-conversation-store.ts';
import { FrontDesk } from '../../../src/desk/front-desk.ts';
import { silentLogger } from '../../../src/logging/logger.ts';
import { DRIVERS } from '../../support/db.ts';
import { countFor, openSpotifyWorld, type SpotifyWorld } from '../../spotify/support/spotify-world.ts';
import { startFakeSlack, type FakeSlack } from './support/fake-slack.ts';
import { serveSlackApp, type ServedSlackApp, type SlackRequests } from './support/slack-requests.ts';

const SECRET = 'test-signing-secret-0123456789abcdef';

interface Block {
  type: string;
  block_id?: string;
  text?: { text?: string };
  elements?: { type: string; action_id?: string; url?: string; text?: { text?: string } | string }[];
}

/** The Spotify part of a Home view: its text and its buttons (action id → url, if a link). */
function spotifySection(view: { blocks: Block[] }) {
  const text = view.blocks.find((b) => b.type === 'section' && (b.text?.text ?? '').startsWith('*Spotify:*'))?.text?.text ?? '';
  const actions = view.blocks.find((b) => b.block_id === 'home:spotify')?.elements ?? [];
  return { text, buttons: actions.map((e) => e.action_id ?? ''), urls: actions.flatMap((e) => (e.url === undefined ? [] : [e.url])) };
}

describe.each(DRIVERS)('Slack with Spotify configured on %s', (driver) => {
  let w: SpotifyWorld;
  let fake: FakeSlack;
  let app: ServedSlackApp;
  let slack: SlackRequests;
  let desk: FrontDesk;
  beforeAll(async () => {
    w = await openSpotifyWorld(driver);
    fake = await startFakeSlack();
    const store = new PgConversationStore(w.h.db);
    desk = new FrontDesk({ db: w.h.db, agent: new Agent({ services: w.services }), services: w.services, store, logger: silentLogger, ratePerMinute: 1000 });
    app = await serveSlackApp({ desk, db: w.h.db, fake, secret: SECRET });
    slack = app.slack;
  });
  afterAll(async () => {
    await app?.close();
    await fake?.close();
    await w?.close();
  });

  /** Runs `act`, then returns the Home view published for `user` because of it. */
  async function nextHome(user: string, act: () => Promise<{ status: number }>) {
    const before = fake.callsOf('views.publish', (a) => a.user_id === user).length;
    expect((await act()).status).toBe(200);
    const pubs = await fake.waitFor('views.publish', (a) => a.user_id === user, before + 1);
    return pubs.at(-1)!.args.view as { type: string; blocks: Block[] };
  }

  const personOf = (user: string) => desk.person({ platform: 'slack', externalId: `T1:${user}`, channelId: user });

  /** Presses connect on the Home tab and follows the link it shows, logged in to the fake Spotify as `spotifyUser`. */
  async function connectThroughHome(user: string, spotifyUser: string) {
    const link = spotifySection(await nextHome(user, () => slack.pressHome(user, 'slack:spotify_connect')));
    w.fake.loggedIn = spotifyUser;
    return { link, res: link.urls.length === 1 ? await fetch(link.urls[0]!) : undefined };
  }

  it('shows connect to a person who is not connected, and the connect button hands out a working link', async () => {
    const home = await nextHome('U1', () => slack.openHome('U1'));
    expect(home.type).toBe('home');
    const offline = spotifySection(home);
    expect(offline.text).toMatch(/not connected/i);
    expect(offline.buttons).toEqual(['slack:spotify_connect']);

    const { link, res } = await connectThroughHome('U1', 'ana.spotify');
    expect(link.buttons).toEqual(['slack:spotify_open']);
    expect(link.urls).toHaveLength(1);
    const url = new URL(link.urls[0]!);
    expect(`${url.protocol}//${url.host}${url.pathname}`).toBe(`${w.fake.accountsUrl}/authorize`);
    expect(url.searchParams.get('redirect_uri')).toBe(w.redirectUri);
    expect(res!.url.startsWith(`${w.redirectUri}?`)).toBe(true);
    expect(res!.status).toBe(200);
    expect(await res!.text()).toContain('Connected, you can close this tab');
    const linked = await w.h.db.rows<{ person_id: number; external_user_id: string }>(sql`select person_id, external_user_id from linked_accounts`);
    expect(linked).toEqual([{ person_id: await personOf('U1'), external_user_id: 'ana.spotify' }]);
  });

  it('shows disconnect once connected; the disconnect button removes the link and the imported seeds', async () => {
    const person = await personOf('U2');
    expect((await connectThroughHome('U2', 'ana.spotify')).res?.status).toBe(200);
    // Import the library through the slash command (the agent runs spotify_import).
    const { rid, res } = await slack.command('U2', 'import my spotify');
    expect(res.status).toBe(200);
    const [posted] = await fake.waitFor('chat.postMessage', (a) => String(JSON.stringify(a.blocks)).includes('<@U2> asked: import my spotify'));
    expect(String(JSON.stringify(posted!.args.blocks))).toMatch(/8 of them \(80%\)/);
    expect(fake.responses.filter((r) => r.id === rid)).toHaveLength(0);
    const seeds = await countFor(w, 'person_seeds', person);
    expect(seeds).toBeGreaterThan(0);

    const online = spotifySection(await nextHome('U2', () => slack.openHome('U2')));
    expect(online.text).toContain('connected as ana.spotify');
    expect(online.buttons).toEqual(['slack:spotify_disconnect']);

    const after = await nextHome('U2', () => slack.pressHome('U2', 'slack:spotify_disconnect'));
    expect(after.blocks[0]).toMatchObject({ type: 'context' });
    expect(JSON.stringify(after.blocks[0])).toContain(`Disconnected from Spotify; removed ${seeds} seed tracks from your profile.`);
    expect(spotifySection(after).buttons).toEqual(['slack:spotify_connect']);
    expect(await countFor(w, 'linked_accounts', person)).toBe(0);
    expect(await countFor(w, 'person_seeds', person)).toBe(0);
    const [left] = await w.h.db.rows<{ n: number }>(sql`select count(*)::int as n from oauth_states where person_id = ${person}`);
    expect(left!.n).toBe(0);

    // And the Home opened later still offers connect.
    expect(spotifySection(await nextHome('U2', () => slack.openHome('U2'))).buttons).toEqual(['slack:spotify_connect']);
  });
});
