/** Structured commands through the desk: typed tool outcomes become platform-neutral replies, the same for every front end. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from '../../src/agent/agent.ts';
import { CommandReplies, type CommandReply } from '../../src/desk/command-replies.ts';
import { FrontDesk, type Speaker } from '../../src/desk/front-desk.ts';
import { PgConversationStore } from '../../src/desk/pg-conversation-store.ts';
import { silentLogger } from '../../src/logging/logger.ts';
import { openHarness, type Harness } from '../tools/support/tool-harness.ts';

const ana: Speaker = { platform: 'test', externalId: 'ana', channelId: 'c1' };
const ben: Speaker = { platform: 'test', externalId: 'ben', channelId: 'c1' };

function cardsOf(r: CommandReply) {
  if (r.kind !== 'reply') throw new Error(`expected cards, got ${r.kind}: ${'text' in r ? r.text : ''}`);
  return r;
}

describe('command replies (src/desk)', () => {
  let h: Harness;
  let desk: FrontDesk;
  let commands: CommandReplies;
  beforeAll(async () => {
    h = await openHarness('pglite');
    desk = new FrontDesk({ db: h.db, agent: new Agent({ services: h.services }), services: h.services, store: new PgConversationStore(h.db), logger: silentLogger, ratePerMinute: 1000 });
    commands = new CommandReplies(desk);
  });
  afterAll(() => h.close());

  it('answers a recommendation with cards, buttons and each card’s signals, remembered as shown', async () => {
    const r = cardsOf(await commands.recommend(ana, { text: 'Daft Punk', count: 4 }));
    expect(r.reply.text).toMatch(/^For “Daft Punk”:/);
    expect(r.reply.cards.length).toBeGreaterThan(0);
    expect(r.reply.cards.length).toBeLessThanOrEqual(4);
    for (const c of r.reply.cards) {
      expect(c.buttons.like).toMatch(/^ew:/);
      expect(r.signals?.get(c.card.id)?.length ?? 0).toBeGreaterThan(0);
    }
    expect((await desk.lastShown(ana)).map((c) => c.id)).toEqual(r.reply.cards.map((c) => c.card.id));
  });

  it('says what it could not find in words for a person, never the text written for a language model', async () => {
    const r = await commands.similar(ana, 'Zzyzx Qwrtp Unfindable', 5);
    expect(r.kind).toBe('private');
    const text = r.kind === 'private' ? r.text : '';
    expect(text).toContain('couldn’t find'.replace('’', "'"));
    expect(text).not.toMatch(/call \w+ again|seeds\.|search_catalog/);
    const genre = await commands.recommend(ana, { genre: 'polka-step', count: 5 });
    expect(genre).toMatchObject({ kind: 'private' });
    expect(genre.kind === 'private' ? genre.text : '').toMatch(/don't know that genre/);
  });

  it('reads a vibe from the one activity table, and asks for one when none is named', async () => {
    expect(await commands.vibe(ana, '   ')).toMatchObject({ kind: 'private' });
    const r = await commands.vibe(ana, 'focus');
    const text = r.kind === 'reply' ? r.reply.text : r.kind === 'text' ? r.text : '';
    expect(text).toMatch(/focus/);
    expect(commands.activityNames).toContain('focus');
  });

  it('builds the profile card with the front end’s own hints', async () => {
    const plain = await commands.profile(ben);
    if (plain.kind !== 'profile') throw new Error(`expected a profile, got ${plain.kind}`);
    expect(plain.card.fields.map((f) => f.name)).toEqual(['Genres you like', 'Moods you like', 'Your A/B votes lean towards', 'Liked tracks', 'What you told me']);
    expect(plain.card.fields[4]!.value).toBe('Nothing yet: tell me what you like to say what you like.');
    const discord = await new CommandReplies(desk, { compare: 'use /compare', tastes: 'use /tastes', export: 'use /export' }).profile(ben);
    expect(discord.kind === 'profile' && discord.card.fields[2]!.value).toBe('No votes yet: use /compare to start.');
  });

  it('says Spotify is not set up when this server has no Spotify tools', async () => {
    const r = await commands.connect(ana);
    expect(r).toMatchObject({ kind: 'private' });
    expect(r.kind === 'private' ? r.text : '').toMatch(/Spotify (isn't|is not) set up/);
  });

  it('suggests catalogue tracks for what is typed, and names the genres the labels know', async () => {
    expect(await commands.trackSuggestions(ana, '  ')).toEqual([]);
    const found = await commands.trackSuggestions(ana, 'karma police');
    expect(found[0]?.label).toMatch(/^Karma Police — Radiohead/);
    expect(await commands.vocabulary(ana, 'genres')).toEqual(expect.arrayContaining(['rock']));
  });
});
