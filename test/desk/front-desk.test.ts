/** The shared conversation core of the chat front ends: buttons, exactly-once presses, limits and bad input. */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from '../../src/agent/agent.ts';
import { PgConversationStore } from '../../src/desk/pg-conversation-store.ts';
import { firstDelivery, pruneDeliveries } from '../../src/desk/event-dedupe.ts';
import { FrontDesk, type DeskOutcome, type Speaker } from '../../src/desk/front-desk.ts';
import { RateLimiter } from '../../src/desk/rate-limiter.ts';
import { silentLogger } from '../../src/logging/logger.ts';
import { DRIVERS } from '../support/db.ts';
import { openHarness, type Harness } from '../tools/support/tool-harness.ts';

const alice: Speaker = { platform: 'test', externalId: 'alice', channelId: 'c1' };
const bob: Speaker = { platform: 'test', externalId: 'bob', channelId: 'c1' };

function reply(o: DeskOutcome) {
  if (o.kind !== 'reply') throw new Error(`expected a reply, got ${o.kind}: ${'message' in o ? o.message : ''}`);
  return o.reply;
}

describe.each(DRIVERS)('front desk on %s', (driver) => {
  let h: Harness;
  let desk: FrontDesk;
  let clock = Date.parse('2026-11-22T10:00:00Z');
  beforeAll(async () => {
    h = await openHarness(driver);
    const store = new PgConversationStore(h.db);
    desk = new FrontDesk({ db: h.db, agent: new Agent({ services: h.services }), services: h.services, store, logger: silentLogger, ratePerMinute: 1000, now: () => clock });
  });
  afterAll(() => h.close());

  it('gives every card like, dislike and more-like-this buttons', async () => {
    const r = reply(await desk.say(alice, 'recommend something'));
    expect(r.cards.length).toBeGreaterThan(0);
    const ids = r.cards.flatMap((c) => [c.buttons.like, c.buttons.dislike, c.buttons.more]);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^ew:[A-Za-z0-9_-]{12}$/);
  });

  it('counts a vote once however often the button is pressed, then offers the next pair', async () => {
    const first = reply(await desk.compare(alice));
    const cmp = first.comparison!;
    const p1 = await desk.press(alice, cmp.buttons.a);
    const p2 = await desk.press(alice, cmp.buttons.a);
    const p3 = await desk.press(alice, cmp.buttons.b);
    expect(p1.kind === 'pressed' && p1.recorded).toBe(true);
    expect(p2.kind === 'pressed' && p2.recorded).toBe(false);
    expect(p3.kind === 'pressed' && p3.recorded).toBe(false);
    if (p3.kind === 'pressed') expect(p3.ack).toContain('Already counted: you chose A');
    const [{ n } = { n: -1 }] = await h.db.rows<{ n: number }>(sql`select count(*)::int as n from votes where comparison_id = ${cmp.comparison.comparisonId}`);
    expect(n).toBe(1);
    expect(p1.kind === 'pressed' && p1.reply?.comparison?.comparison.comparisonId).not.toBe(cmp.comparison.comparisonId);
  });

  it("does not let one person vote on another person's comparison", async () => {
    const cmp = reply(await desk.compare(alice)).comparison!;
    const o = await desk.press(bob, cmp.buttons.b);
    expect(o).toMatchObject({ kind: 'notice', code: 'not_yours' });
  });

  it('answers unknown, forged and expired buttons with an explanation', async () => {
    expect(await desk.press(alice, 'ew:AAAAAAAAAAAA')).toMatchObject({ kind: 'notice', code: 'unknown' });
    expect(await desk.press(alice, 'ew:../../etc')).toMatchObject({ kind: 'notice', code: 'unknown' });
    const r = reply(await desk.say(alice, 'recommend something'));
    clock += 8 * 24 * 3600 * 1000;
    expect(await desk.press(alice, r.cards[0]!.buttons.like)).toMatchObject({ kind: 'notice', code: 'expired' });
  });

  it('likes once, and a disliked track is not recommended again', async () => {
    const r = reply(await desk.say(bob, 'recommend something'));
    const target = r.cards[0]!;
    const d1 = await desk.press(bob, target.buttons.dislike);
    const d2 = await desk.press(bob, target.buttons.dislike);
    expect(d1.kind === 'pressed' && d1.recorded).toBe(true);
    expect(d2.kind === 'pressed' && d2.recorded).toBe(false);
    const again = reply(await desk.say(bob, 'recommend something'));
    expect(again.cards.map((c) => c.card.id)).not.toContain(target.card.id);
  });

  it('answers a message with U+0000 and other control characters (removed), and stores the conversation', async () => {
    const nul: Speaker = { platform: 'test', externalId: 'nul', channelId: 'c-nul' };
    const r = reply(await desk.say(nul, 'recommend\u0000 something like \u0007metallica\uD800'));
    expect(r.cards.length).toBeGreaterThan(0);
    const rows = await h.db.rows<{ content: string }>(
      sql`select m.content::text as content from messages m join conversations c on c.id = m.conversation_id join identities i on i.person_id = c.person_id where i.provider = 'test' and i.external_id = 'nul'`,
    );
    expect(rows.some((m) => m.content.includes('recommend something like metallica'))).toBe(true);
    expect(await desk.say(nul, '\u0000\u0001 ')).toMatchObject({ kind: 'notice', code: 'empty' });
    // A tool string argument with one is refused with a message that says where (the model or person can fix it).
    const t = await desk.tool(nul, 'rate_track', { track: h.fixture.byTitle.get('Teardrop')!, rating: 'like', interaction_id: 'click\u0000 1' });
    expect(t).toMatchObject({ outcome: { kind: 'retry', code: 'control_characters' } });
    expect('outcome' in t && t.outcome.kind === 'retry' ? t.outcome.message : '').toContain('interaction_id contains the control character U+0000 at position 5');
  });

  it('rejects empty and overlong messages without calling the agent', async () => {
    expect(await desk.say(alice, '   ')).toMatchObject({ kind: 'notice', code: 'empty' });
    expect(await desk.say(alice, 'x'.repeat(10_000))).toMatchObject({ kind: 'notice', code: 'too_long' });
  });

  it('prunes buttons a day past their expiry and old delivery ids, keeping live ones', async () => {
    const live = await desk.buttons.create(1, 'test', { type: 'compare' });
    clock += 9 * 24 * 3600 * 1000;
    const fresh = await desk.buttons.create(1, 'test', { type: 'compare' });
    expect(await desk.buttons.prune()).toBeGreaterThan(0);
    expect((await desk.buttons.resolve(live)).status).toBe('unknown');
    expect((await desk.buttons.resolve(fresh)).status).toBe('ok');
    await firstDelivery(h.db, 'test', 'old');
    await h.db.orm.execute(sql`update processed_events set received_at = now() - interval '2 days' where event_id = 'old'`);
    expect(await pruneDeliveries(h.db)).toBe(1);
    expect(await firstDelivery(h.db, 'test', 'old')).toBe(true);
  });

  it('stores a delivery id once', async () => {
    expect(await firstDelivery(h.db, 'slack', 'Ev1')).toBe(true);
    expect(await firstDelivery(h.db, 'slack', 'Ev1')).toBe(false);
    expect(await firstDelivery(h.db, 'discord', 'Ev1')).toBe(true);
  });
});

describe('rate limiter', () => {
  it('allows `limit` requests per window, then says when to retry', () => {
    let t = 0;
    const l = new RateLimiter(2, 60_000, () => t);
    expect(l.take('p').allowed).toBe(true);
    t = 10_000;
    expect(l.take('p').allowed).toBe(true);
    const d = l.take('p');
    expect(d).toEqual({ allowed: false, retryAfterMs: 50_000 });
    expect(l.take('q').allowed).toBe(true);
    t = 60_001;
    expect(l.take('p').allowed).toBe(true);
  });
});
