/**
 * "People like me" through the rule-planner agent (terminal, web, Slack and Discord chat all take this path): the
 * reply names how many similar listeners there are, what they like and play, and only the names people chose to
 * show; "share my listening as …" and "stop sharing my listening" opt in and out.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from '../../src/agent/agent.ts';
import { Conversation } from '../../src/desk/conversation.ts';
import { PgConversationStore } from '../../src/desk/pg-conversation-store.ts';
import { replyText } from '../../src/agent/reply-text.ts';
import { resolvePerson } from '../../src/serving/state/people.ts';
import { DRIVERS } from '../support/db.ts';
import { openHarness, valueOf, type Harness } from '../tools/support/tool-harness.ts';

describe.each(DRIVERS)('similar listeners in chat on %s', (driver) => {
  let h: Harness;
  let agent: Conversation;
  const others = ['listener-a', 'listener-b', 'listener-c'];
  const key = async (name: string, channelId = 'default') => ({ personId: await resolvePerson(h.db, 'test', name, `Display ${name}`), platform: 'terminal', channelId });
  beforeAll(async () => {
    h = await openHarness(driver);
    agent = new Conversation({ agent: new Agent({ services: h.services }), store: new PgConversationStore(h.db) });
    const rock = h.fixture.rock;
    const likes = [
      [rock[0]!, rock[1]!, rock[2]!, rock[3]!, rock[4]!],
      [rock[0]!, rock[1]!, rock[3]!, rock[4]!, rock[5]!],
      [rock[1]!, rock[2]!, rock[3]!, rock[4]!],
    ];
    for (const [i, name] of others.entries()) {
      await resolvePerson(h.db, 'test', name, `Display ${name}`);
      for (const t of likes[i]!) valueOf(await h.call(name, 'rate_track', { track: t, rating: 'like' }));
    }
    for (const t of [rock[0]!, rock[1]!, rock[2]!]) valueOf(await h.call('chatter', 'rate_track', { track: t, rating: 'like' }));
  });
  afterAll(async () => {
    await h?.close();
  });

  it('answers "people like me" with aggregates and what they play, as cards the person can rate', async () => {
    const k = await key('chatter');
    const reply = await agent.handle({ ...k, text: 'people like me' });
    expect(reply.planner).toBe('rules');
    expect(reply.text).toMatch(/^3 listeners share your taste/);
    expect(reply.text).toContain('Genres they like: rock (3)');
    expect(reply.text).toMatch(/Names appear only for people who chose to be shown/);
    expect(reply.text).not.toMatch(/Among them/);
    const ids = reply.cards.map((c) => c.id);
    expect(ids).toEqual(expect.arrayContaining([h.fixture.rock[3]!, h.fixture.rock[4]!]));
    expect(ids).not.toContain(h.fixture.rock[0]!);
    expect(reply.cards[0]!.why).toMatch(/^\d listeners with taste like yours play it\.$/);
    for (const o of others) {
      expect(replyText(reply)).not.toContain(o);
      expect(replyText(reply)).not.toContain(`Display ${o}`);
    }
    // The cards are what "like 1" refers to next.
    const liked = await agent.handle({ ...k, text: 'like 1' });
    expect(liked.text).toContain(`Liked ${reply.cards[0]!.title}`);
  });

  it('shows a name only after that person opts in, and not after they opt out', async () => {
    const shared = await agent.handle({ ...(await key(others[0]!)), text: 'share my listening as Rocky' });
    expect(shared.text).toMatch(/see you as “Rocky”/);
    const k = await key('chatter', 'names');
    expect((await agent.handle({ ...k, text: 'who listens like me?' })).text).toContain('Among them, by their own choice: Rocky.');
    const stopped = await agent.handle({ ...(await key(others[0]!)), text: 'stop sharing my listening' });
    expect(stopped.text).toMatch(/not shown by name/);
    const after = await agent.handle({ ...k, text: 'similar listeners' });
    expect(after.text).not.toContain('Rocky');
    expect((await agent.handle({ ...k, text: 'share my listening' })).text).toMatch(/share my listening as Rocky/);
  });

  it('says there is no one yet to a new person, without details', async () => {
    const reply = await agent.handle({ ...(await key('newcomer')), text: 'people like me' });
    expect(reply.text).toMatch(/^No similar listeners yet/);
    expect(reply.cards).toEqual([]);
  });
});
