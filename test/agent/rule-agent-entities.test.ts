import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from '../../src/agent/agent.ts';
import { InMemoryConversationStore } from '../../src/agent/conversation-state.ts';
import { Conversation } from '../../src/desk/conversation.ts';
import { failureText } from '../../src/desk/turn-reply.ts';
import { resolvePerson } from '../../src/serving/state/people.ts';
import { DRIVERS } from '../support/db.ts';
import { openHarness, type Harness } from '../tools/support/tool-harness.ts';

// Issue 19's planner failures through the agent with the rule planner, on the fixture catalogue (entity index built
// from its tables on the first turn).
describe.each(DRIVERS)('the rule-planner agent links names against the catalogue on %s', (driver) => {
  let h: Harness;
  let personId: number;
  beforeAll(async () => {
    h = await openHarness(driver);
    personId = await resolvePerson(h.db, 'test', 'entities-person');
  });
  afterAll(async () => {
    await h?.close();
  });
  const agentOn = (channelId: string) => {
    const agent = new Conversation({ agent: new Agent({ services: h.services }), store: new InMemoryConversationStore() });
    return (text: string) => agent.handle({ personId, platform: 'test', channelId, text });
  };

  it('finds a title with "like" in it, then "more like that" and "what genre is that one" mean that track', async () => {
    const say = agentOn('find');
    const teen = h.fixture.byTitle.get('Smells Like Teen Spirit')!;
    const found = await say('find Smells Like Teen Spirit');
    expect(found.cards[0]?.id).toBe(teen);
    expect(found.text).toMatch(/Smells Like Teen Spirit by Nirvana/);
    const more = await say('more like that');
    expect(more.text).toMatch(/like Smells Like Teen Spirit/);
    expect(more.cards.length).toBeGreaterThan(0);
    expect(more.cards.map((c) => c.id)).not.toContain(teen);
    const genre = await say('what genre is Creep by Radiohead?');
    expect(genre.cards[0]?.id).toBe(h.fixture.byTitle.get('Creep'));
    expect(genre.text).toMatch(/^Creep by Radiohead: genre /);
  });

  it('"more like that" after finding a track does not carry the constraints of an earlier request', async () => {
    const say = agentOn('find-fresh');
    const calm = await say('calm songs please');
    expect(calm.text).toMatch(/\(calm\)/);
    await say('find Smells Like Teen Spirit');
    const more = await say('more like that');
    expect(more.text).toMatch(/like Smells Like Teen Spirit/);
    expect(more.text).not.toMatch(/calm/);
  });

  it('seeds "something like Justice" with the duo and keeps the artist named with an activity', async () => {
    const say = agentOn('justice');
    const justice = await say('something like Justice');
    expect(justice.text).toMatch(/like Justice/);
    expect(justice.cards.length).toBeGreaterThan(0);
    const dance = await say('something to dance to like Daft Punk');
    expect(dance.text).toMatch(/like Daft Punk for a party/);
    expect(dance.text).not.toMatch(/\bdance\b.*\//);
  });

  it('reads "I don\'t like Nirvana" as an exclusion of the request it refines', async () => {
    const say = agentOn('exclude');
    const rock = await say('10 rock songs');
    expect(rock.cards.some((c) => c.artists.includes('Nirvana'))).toBe(true);
    const without = await say("I don't like Nirvana");
    expect(without.text).toMatch(/no Nirvana/);
    expect(without.cards.length).toBeGreaterThan(0);
    expect(without.cards.some((c) => c.artists.includes('Nirvana'))).toBe(false);
  });

  it('obeys a genre and an artist left out in one request ("rock, but no Nirvana", as "r&b, no Drake")', async () => {
    const say = agentOn('genre-and-exclusion');
    const reply = await say('8 rock songs, but no Nirvana');
    expect(reply.text).toMatch(/no Nirvana/);
    expect(reply.cards.length).toBeGreaterThan(3);
    for (const c of reply.cards) {
      expect(c.artists).not.toContain('Nirvana');
      expect(c.genre).toBe('rock');
    }
  });

  it('reads a plain list of artists as a request, and does not start a game for "two songs" in a longer post', async () => {
    const say = agentOn('list');
    const list = await say('Radiohead, Nirvana, Pearl Jam');
    expect(list.text).toMatch(/like Radiohead, Nirvana, Pearl Jam/);
    expect(list.cards.length).toBeGreaterThan(0);
    const post = await say('I keep coming back to two songs by Nirvana, Come as You Are and Smells Like Teen Spirit, anything else like them?');
    expect(post.comparison).toBeUndefined();
    expect(post.cards.length).toBeGreaterThan(0);
  });

  it('honours the count asked for', async () => {
    const say = agentOn('count');
    const eight = await say('8 songs like Daft Punk');
    expect(eight.cards.length).toBeGreaterThan(5);
    expect(eight.cards.length).toBeLessThanOrEqual(8);
  });
});

describe('failure text', () => {
  it('never shows a person the text written for a language model', () => {
    const text = failureText({ kind: 'retry', code: 'invalid_arguments', message: 'Invalid arguments for similar_tracks: count: too big. Fix them and call similar_tracks again.' });
    expect(text).not.toMatch(/call similar_tracks again|Invalid arguments/);
    expect(text).toMatch(/another way/);
  });
});
