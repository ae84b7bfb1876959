/** Server-issued web sessions: what may become a session, the limits on starting them, the cap and housekeeping. */
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/db.ts';
import { artists, interactions } from '../../src/db/schema.ts';
import { pruneWebSessions, webSessionSecret, WebSessions, type WebSession } from '../../src/desk/web-sessions.ts';
import { countRows, DRIVERS, freshDb } from '../support/db.ts';

const SECRET = randomBytes(32);

function session(r: Awaited<ReturnType<WebSessions['create']>>): WebSession {
  if ('refused' in r) throw new Error(`refused: ${r.refused.message}`);
  return r.session;
}

describe.each(DRIVERS)('web sessions on %s', (driver) => {
  let db: Db;
  let clock = Date.parse('2026-12-05T12:00:00Z');
  beforeAll(async () => {
    db = await freshDb(driver);
  });
  afterAll(() => db?.close());

  it('takes only values it issued, recently, under its own secret', async () => {
    const s = new WebSessions(db, SECRET, () => clock);
    const other = new WebSessions(db, randomBytes(32), () => clock);
    const issued = s.newCookie();
    expect(await s.lookup(issued)).toEqual({ status: 'unused', cookie: issued });
    expect(await other.lookup(issued)).toEqual({ status: 'missing' });
    expect(await s.lookup(randomBytes(32).toString('base64url'))).toEqual({ status: 'missing' });
    await expect(other.create(issued, '10.0.0.1')).rejects.toThrow(/not a cookie value this server issued/);
    // A value handed out more than a day ago can no longer start a session.
    clock += 25 * 3600 * 1000;
    expect(await s.lookup(issued)).toEqual({ status: 'missing' });
    // The CSRF token depends on the server secret, not only on the cookie.
    const fresh = s.newCookie();
    expect(s.validCsrf(fresh, s.csrfToken(fresh))).toBe(true);
    expect(s.validCsrf(fresh, other.csrfToken(fresh))).toBe(false);
  });

  it('limits new sessions per address and in all, and caps how many are stored', async () => {
    const s = new WebSessions(db, SECRET, () => clock, 3_600_000, { perAddressPerMinute: 2, perMinute: 3, maxSessions: 1000 });
    session(await s.create(s.newCookie(), '10.0.0.1'));
    session(await s.create(s.newCookie(), '10.0.0.1'));
    expect(await s.create(s.newCookie(), '10.0.0.1')).toMatchObject({ refused: { status: 429, code: 'session_rate_limited' } });
    session(await s.create(s.newCookie(), '10.0.0.2'));
    const overall = await s.create(s.newCookie(), '10.0.0.3');
    expect(overall).toMatchObject({ refused: { status: 429, code: 'session_rate_limited' } });
    if ('refused' in overall) expect(overall.refused.retryAfterS).toBeGreaterThan(0);
    // The same issued value twice is one session (a double submit), and does not count again.
    const c = s.newCookie();
    clock += 61_000;
    const a = session(await s.create(c, '10.0.0.4'));
    const b = session(await s.create(c, '10.0.0.4'));
    expect(b.personId).toBe(a.personId);

    const live = await countRows(db, 'web_sessions');
    const capped = new WebSessions(db, SECRET, () => clock, 3_600_000, { perAddressPerMinute: 100, perMinute: 100, maxSessions: live + 1 });
    session(await capped.create(capped.newCookie(), '10.0.0.5'));
    expect(await capped.create(capped.newCookie(), '10.0.0.6')).toMatchObject({ refused: { status: 503, code: 'sessions_full' } });
    // Once sessions expire, housekeeping at the cap makes room again.
    clock += 3_600_000 + 86_400_000 + 1000;
    session(await capped.create(capped.newCookie(), '10.0.0.6'));
  });

  it('housekeeping deletes expired sessions and the web people they leave with nothing taught', async () => {
    const s = new WebSessions(db, SECRET, () => clock, 3_600_000, { perAddressPerMinute: 100, perMinute: 100 });
    const idle = session(await s.create(s.newCookie(), '10.1.0.1'));
    const taught = session(await s.create(s.newCookie(), '10.1.0.2'));
    // What the second visitor taught Earworm (a like) keeps their person.
    const [artist] = await db.orm.insert(artists).values({ name: 'Massive Attack', normName: 'massive attack' }).returning({ id: artists.id });
    await db.orm.insert(interactions).values({ source: 'rating', sourceKey: `t-${taught.personId}`, personId: taught.personId, artistId: artist!.id, kind: 'like', weight: 1 });
    clock += 3_600_000 + 86_400_000 + 1000;
    const removed = await pruneWebSessions(db, () => clock);
    expect(removed.sessions).toBeGreaterThanOrEqual(2);
    const people = await db.rows<{ id: number }>(sql`select id from people where id in (${idle.personId}, ${taught.personId})`);
    expect(people.map((p) => Number(p.id))).toEqual([taught.personId]);
    expect(await countRows(db, 'web_sessions')).toBe(0);
  });
});

describe('the web session secret', () => {
  it('is generated once and kept in the state folder (mode 600), or derived from EARWORM_SECRET', async () => {
    const home = await mkdtemp(path.join(os.tmpdir(), 'earworm-web-secret-'));
    try {
      const first = webSessionSecret(home);
      expect(webSessionSecret(home).equals(first)).toBe(true);
      expect((await readFile(path.join(home, 'web-session.key'), 'utf8')).trim()).toBe(first.toString('hex'));
      expect((await stat(path.join(home, 'web-session.key'))).mode & 0o777).toBe(0o600);
      const configured = webSessionSecret(home, 'x'.repeat(40));
      expect(configured.equals(first)).toBe(false);
      expect(webSessionSecret(home, 'x'.repeat(40)).equals(configured)).toBe(true);
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });
});
