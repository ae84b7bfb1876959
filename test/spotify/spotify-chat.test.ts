/** The terminal chat's rule planner driving the Spotify tools: connect, import, recommend, save as playlist, disconnect. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from '../../src/agent/agent.ts';
import { Conversation } from '../../src/desk/conversation.ts';
import { PgConversationStore } from '../../src/desk/pg-conversation-store.ts';
import { DRIVERS } from '../support/db.ts';
import { openSpotifyWorld, type SpotifyWorld } from './support/spotify-world.ts';

describe.each(DRIVERS)('Spotify in the chat on %s', (driver) => {
  let w: SpotifyWorld;
  beforeAll(async () => {
    w = await openSpotifyWorld(driver);
  });
  afterAll(() => w?.close());

  it('connects, imports, saves the shown tracks as a playlist and disconnects, all from chat', async () => {
    const agent = new Conversation({ agent: new Agent({ services: w.services }), store: new PgConversationStore(w.h.db) });
    const key = { personId: await w.person('gil'), platform: 'terminal', channelId: 'default' };

    const early = await agent.handle({ ...key, text: 'import my spotify' });
    expect(early.text).toMatch(/Connect your Spotify account first: say "connect spotify"/);

    const connect = await agent.handle({ ...key, text: 'connect my spotify' });
    const url = /https?:\/\/\S+/.exec(connect.text)?.[0];
    expect(url).toBeDefined();
    w.fake.loggedIn = 'ana.spotify';
    expect((await fetch(url!)).status).toBe(200);
    expect((await agent.handle({ ...key, text: 'connect spotify' })).text).toMatch(/ana\.spotify is already connected/);

    const imported = await agent.handle({ ...key, text: 'import my spotify' });
    expect(imported.text).toMatch(/8 of them \(80%\) are in Earworm's catalogue/);

    const recs = await agent.handle({ ...key, text: 'recommend something' });
    expect(recs.cards.length).toBeGreaterThan(0);
    const saved = await agent.handle({ ...key, text: 'save this as a playlist called Rainy Days' });
    const link = /https:\/\/open\.spotify\.com\/playlist\/(\w+)/.exec(saved.text);
    expect(link).not.toBeNull();
    const pl = w.fake.playlists.get(link![1]!)!;
    expect(pl.name).toBe('Rainy Days');
    expect(saved.text).toMatch(new RegExp(`with ${pl.items.length} track`));

    const gone = await agent.handle({ ...key, text: 'disconnect spotify' });
    expect(gone.text).toMatch(/Disconnected your Spotify account and deleted the 10 seeds/);
  });
});
