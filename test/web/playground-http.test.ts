/** The playground over plain HTTP (a browser with JavaScript off, and the page's own fetch calls): sessions, bad input. */
import { createHmac, randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/logging/logger.ts';
import { createHttpServer, listen } from '../../src/http/http-server.ts';
import { webPlaygroundRoutes } from '../../src/web/playground.ts';
import { hashSessionCookie, SESSION_COOKIE } from '../../src/desk/web-sessions.ts';
import { DRIVERS, countRows } from '../support/db.ts';
import { buttonIds, hiddenValue, PageClient } from './support/http-client.ts';
import { openWeb, WEB_SECRET, type WebHarness } from './support/web-harness.ts';

describe.each(DRIVERS)('web playground over HTTP on %s', (driver) => {
  let w: WebHarness;
  beforeAll(async () => {
    w = await openWeb(driver);
  });
  afterAll(() => w.close());

  /** A new visitor with a cookie and the page's CSRF token; `personId()` once it has done something. */
  async function visitor(): Promise<{ c: PageClient; csrf: string; personId: () => Promise<number> }> {
    const c = new PageClient(w.server.url);
    const page = await c.get('/web');
    expect(page.status).toBe(200);
    const cookie = c.cookies.get(SESSION_COOKIE)!;
    const personId = async () => {
      const [row] = await w.h.db.rows<{ person_id: number }>(sql`select person_id from web_sessions where id_hash = ${hashSessionCookie(decodeURIComponent(cookie))}`);
      if (row === undefined) throw new Error('no session stored yet');
      return Number(row.person_id);
    };
    return { c, csrf: hiddenValue(page.text, 'csrf'), personId };
  }

  const votes = async (personId: number) => (await w.h.db.rows<{ n: number }>(sql`select count(*)::int as n from votes v join comparisons c on c.id = v.comparison_id where c.person_id = ${personId}`))[0]!.n;
  const opinions = (personId: number) => w.h.services.ratings.opinions(personId);

  it('starts a cookie session that stores only a hash, and only once it is used, with strict headers', async () => {
    const people = await countRows(w.h.db, 'people');
    const c = new PageClient(w.server.url);
    const page = await c.get('/web');
    expect(page.status).toBe(200);
    const set = page.res.headers.get('set-cookie')!;
    expect(set).toMatch(/^ew_session=[A-Za-z0-9_-]{43}\.[0-9a-z]+\.[A-Za-z0-9_-]{43}; Path=\/; Max-Age=2592000; HttpOnly; SameSite=Lax$/);
    const value = c.cookies.get(SESSION_COOKIE)!;
    // Looking creates nobody (crawlers, link previews); the first use does.
    expect(await countRows(w.h.db, 'people')).toBe(people);
    expect((await c.get('/web')).res.headers.get('set-cookie')).toBeNull();
    await c.post('/web/compare', { csrf: hiddenValue(page.text, 'csrf') });
    expect(await countRows(w.h.db, 'people')).toBe(people + 1);
    const stored = await w.h.db.rows<{ id_hash: string }>(sql`select id_hash from web_sessions`);
    expect(stored.map((r) => r.id_hash)).toContain(hashSessionCookie(value));
    expect(stored.map((r) => r.id_hash)).not.toContain(value);
    expect(page.res.headers.get('content-security-policy')).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+'/);
    expect(page.text).toContain('<main id="main"');
    expect(page.text).toContain('<label for="msg">');
    expect(page.text).toContain('aria-live="polite"');
    expect(page.text).toContain('role="img"');
    // The same cookie keeps the same session (no new cookie).
    const again = await c.get('/web');
    expect(again.res.headers.get('set-cookie')).toBeNull();
  });

  it('answers a message with cards whose buttons work as plain form posts', async () => {
    const { c, csrf, personId: person } = await visitor();
    const sent = await c.post('/web/say', { csrf, text: 'recommend something' });
    expect(sent.status).toBe(303);
    expect(sent.res.headers.get('location')).toMatch(/^\/web#entry-\d+$/);
    const page = await c.get('/web');
    const likes = buttonIds(page.text, 'like');
    expect(likes.length).toBeGreaterThan(0);
    expect(page.text).toContain('class="badge genre"');
    const liked = await c.post('/web/press', { csrf, button: likes[0]! });
    expect(liked.status).toBe(303);
    expect((await opinions(await person())).liked).toHaveLength(1);
    const after = await c.get('/web');
    expect(after.text).toMatch(/aria-pressed="true" aria-describedby="[^"]+" class="like">♥ Liked/);
  });

  it('votes through the JSON path once, and the chart follows', async () => {
    const { c, csrf, personId: person } = await visitor();
    const first = await c.post('/web/compare', { csrf }, { json: true });
    expect(first.status).toBe(200);
    const a = buttonIds(first.json!.transcript as string, 'vote-a')[0]!;
    const profile0 = first.json!.profile as string;
    const v1 = await c.post('/web/press', { csrf, button: a }, { json: true });
    const v2 = await c.post('/web/press', { csrf, button: a }, { json: true });
    expect(v1.status).toBe(200);
    expect(v1.json!.announce).toMatch(/Voted for A/);
    expect(v2.json!.announce).toMatch(/Already counted/);
    expect(await votes(await person())).toBe(1);
    expect(v1.json!.profile).not.toBe(profile0);
    expect(v1.json!.profile).toContain('1 vote,');
  });

  it('offers Both and Neither on a pair; each press counts once, shows on the page and teaches the taste model once', async () => {
    const { c, csrf, personId: person } = await visitor();
    let transcript = (await c.post('/web/compare', { csrf }, { json: true })).json!.transcript as string;
    for (const [cls, choice, announce] of [
      ['vote-both', 'both', /^Noted: both fit you\./],
      ['vote-neither', 'neither', /^Noted: neither fits you\./],
    ] as const) {
      const ids = buttonIds(transcript, cls);
      const button = ids.at(-1)!;
      const v1 = await c.post('/web/press', { csrf, button }, { json: true });
      const v2 = await c.post('/web/press', { csrf, button }, { json: true });
      expect(v1.status).toBe(200);
      expect(v1.json!.announce).toMatch(announce);
      expect(v2.json!.announce).toMatch(/Already counted/);
      const [last] = await w.h.db.rows<{ choice: string }>(sql`select v.choice from votes v where v.person_id = ${await person()} order by v.id desc limit 1`);
      expect(last!.choice).toBe(choice);
      transcript = v1.json!.transcript as string;
      expect(transcript).toContain(`data-voted="${choice}"`);
    }
    expect(await votes(await person())).toBe(2);
    const [model] = await w.h.db.rows<{ votes: number }>(sql`select votes from preference_models where person_id = ${await person()}`);
    expect(model?.votes ?? 0).toBe(2);
    // The page without JavaScript shows what was answered.
    const page = await c.get('/web');
    expect(page.text).toContain('Answered: both fit.');
    expect(page.text).toContain('Answered: neither fits.');
  });

  it('rejects an empty message and a 10,000-character one with a clear message, keeping the text', async () => {
    const { c, csrf } = await visitor();
    const before = await countRows(w.h.db, 'messages');
    const empty = await c.post('/web/say', { csrf, text: '   ' }, { json: true });
    expect(empty.status).toBe(422);
    expect(empty.json!.announce).toMatch(/Say what you would like to hear/);
    const long = 'la '.repeat(3334).slice(0, 10_000);
    const tooLong = await c.post('/web/say', { csrf, text: long }, { json: true });
    expect(tooLong.status).toBe(422);
    expect(tooLong.json!.announce).toBe('That message is 10,000 characters; please keep it under 2,000.');
    expect(tooLong.json!.draft).toBe(long);
    // Without JavaScript: the redirect shows the notice and the text is back in the box.
    const plain = await c.post('/web/say', { csrf, text: long });
    expect(plain.status).toBe(303);
    const page = await c.get('/web');
    expect(page.text).toContain('please keep it under 2,000');
    expect(page.text).toContain(`aria-describedby="msg-hint">${long}</textarea>`);
    expect(await countRows(w.h.db, 'messages')).toBe(before);
  });

  it('refuses a forged vote: a button of another session, an unknown id, a bad CSRF token', async () => {
    const alice = await visitor();
    const bob = await visitor();
    const cmp = await alice.c.post('/web/compare', { csrf: alice.csrf }, { json: true });
    const aliceVote = buttonIds(cmp.json!.transcript as string, 'vote-b')[0]!;
    const stolen = await bob.c.post('/web/press', { csrf: bob.csrf, button: aliceVote }, { json: true });
    expect(stolen.status).toBe(403);
    expect(stolen.json!.announce).toMatch(/not issued to this browser session/);
    const made = await bob.c.post('/web/press', { csrf: bob.csrf, button: 'ew:AAAAAAAAAAAA' });
    expect(made.status).toBe(403);
    expect(made.text).toMatch(/not issued to this browser session/);
    const badCsrf = await alice.c.post('/web/press', { csrf: bob.csrf, button: aliceVote }, { json: true });
    expect(badCsrf.status).toBe(403);
    expect(badCsrf.json!.announce).toMatch(/security token did not match/);
    const noCsrf = await alice.c.post('/web/say', { text: 'recommend something' });
    expect(noCsrf.status).toBe(403);
    expect(noCsrf.text).toContain('recommend something</textarea>');
    expect(await votes(await alice.personId())).toBe(0);
    expect(await votes(await bob.personId())).toBe(0);
    // A new visitor with another page's token gets no session and no profile.
    const people = await countRows(w.h.db, 'people');
    const fresh = new PageClient(w.server.url);
    await fresh.get('/web');
    const borrowed = await fresh.post('/web/say', { csrf: alice.csrf, text: 'hello' });
    expect(borrowed.status).toBe(403);
    expect(borrowed.text).toContain('hello</textarea>');
    expect(await countRows(w.h.db, 'people')).toBe(people);
    // The real vote still works afterwards: nothing was used up.
    const real = await alice.c.post('/web/press', { csrf: alice.csrf, button: aliceVote }, { json: true });
    expect(real.json!.announce).toMatch(/Voted for B/);
    expect(await votes(await alice.personId())).toBe(1);
  });

  it('answers an expired session with a new one, keeps the typed message and loses nothing stored', async () => {
    const { c, csrf, personId: person } = await visitor();
    const cmp = await c.post('/web/compare', { csrf }, { json: true });
    await c.post('/web/press', { csrf, button: buttonIds(cmp.json!.transcript as string, 'vote-a')[0]! });
    const oldCookie = c.cookies.get(SESSION_COOKIE)!;
    const sessionsBefore = await countRows(w.h.db, 'web_sessions');
    w.clock += 31 * 24 * 3600 * 1000;
    try {
      const r = await c.post('/web/say', { csrf, text: 'calm piano please' });
      expect(r.status).toBe(401);
      expect(c.cookies.get(SESSION_COOKIE)).not.toBe(oldCookie);
      expect(r.text).toContain('Your session expired, so that message was not sent');
      expect(r.text).toContain('calm piano please</textarea>');
      // The new session works at once with the token of the page it was given.
      const next = await c.post('/web/say', { csrf: hiddenValue(r.text, 'csrf'), text: 'calm piano please' }, { json: true });
      expect(next.status).toBe(200);
      // The page's script gets the same as JSON, with the new CSRF token.
      const stale2 = new PageClient(w.server.url);
      stale2.cookies.set(SESSION_COOKIE, oldCookie);
      const j = await stale2.post('/web/press', { csrf, button: 'ew:AAAAAAAAAAAA' }, { json: true });
      expect(j.status).toBe(401);
      expect(j.json!.announce).toMatch(/click was not recorded/);
      expect(j.json!.csrf).not.toBe(csrf);
      expect(await votes(await person())).toBe(1);
      expect(await countRows(w.h.db, 'web_sessions')).toBe(sessionsBefore + 1);
      // A page load with an expired cookie says so too.
      const stale = new PageClient(w.server.url);
      stale.cookies.set(SESSION_COOKIE, oldCookie);
      expect((await stale.get('/web')).text).toContain('Your previous session expired');
    } finally {
      w.clock -= 31 * 24 * 3600 * 1000;
    }
  });

  it('never adopts a cookie it did not issue: made-up and forged values get a fresh server-issued session, no person', async () => {
    const people = await countRows(w.h.db, 'people');
    const sessions = await countRows(w.h.db, 'web_sessions');
    for (let i = 0; i < 30; i++) {
      // The old offline recipe: any 43-character value, with its CSRF token computed the way main computed it.
      const made = randomBytes(32).toString('base64url');
      const forged = i % 2 === 0 ? made : `${made}.${Date.now().toString(36)}.${randomBytes(32).toString('base64url')}`;
      const c = new PageClient(w.server.url);
      c.cookies.set(SESSION_COOKIE, forged);
      const r = await c.post('/web/say', { csrf: createHmac('sha256', forged).update('earworm-web-csrf').digest('base64url'), text: 'recommend something' }, { json: true });
      expect(r.status).toBe(401);
      expect(r.json!.announce).toMatch(/no valid session cookie/);
      const issued = c.cookies.get(SESSION_COOKIE)!;
      expect(issued).not.toBe(forged);
      expect(issued).toMatch(/^[A-Za-z0-9_-]{43}\.[0-9a-z]+\.[A-Za-z0-9_-]{43}$/);
    }
    expect(await countRows(w.h.db, 'people')).toBe(people);
    expect(await countRows(w.h.db, 'web_sessions')).toBe(sessions);
  });

  it("keeps a visitor's conversation through 2,001 anonymous page views and a restart (it is stored with the session)", async () => {
    const { c, csrf } = await visitor();
    expect((await c.post('/web/say', { csrf, text: 'something like teardrop please' })).status).toBe(303);
    const sessionsBefore = await countRows(w.h.db, 'web_sessions');
    for (let i = 0; i < 2001; i += 50) {
      await Promise.all(Array.from({ length: Math.min(50, 2001 - i) }, async () => expect((await fetch(`${w.server.url}/web`)).status).toBe(200)));
    }
    expect(await countRows(w.h.db, 'web_sessions')).toBe(sessionsBefore);
    const page = await c.get('/web');
    expect(page.text).toContain('something like teardrop please');
    expect(buttonIds(page.text, 'like').length).toBeGreaterThan(0);
    // A restarted server (same database, same secret) shows the same conversation.
    const again = await listen(createHttpServer(webPlaygroundRoutes({ db: w.h.db, desk: w.desk, services: w.h.services, logger: silentLogger, now: () => w.clock, secret: WEB_SECRET }), silentLogger), 0, '127.0.0.1');
    try {
      const c2 = new PageClient(again.url);
      for (const [k, v] of c.cookies) c2.cookies.set(k, v);
      const restarted = await c2.get('/web');
      expect(restarted.text).toContain('something like teardrop please');
      expect(buttonIds(restarted.text, 'like')).toEqual(buttonIds(page.text, 'like'));
    } finally {
      await again.close();
    }
  });

  it('rate limits new sessions per client address (429 with Retry-After), keeping the typed message', async () => {
    let clock = w.clock;
    const limited = await listen(
      createHttpServer(webPlaygroundRoutes({ db: w.h.db, desk: w.desk, services: w.h.services, logger: silentLogger, now: () => clock, secret: WEB_SECRET, sessionLimits: { perAddressPerMinute: 2 } }), silentLogger),
      0,
      '127.0.0.1',
    );
    try {
      const people = await countRows(w.h.db, 'people');
      const start = async () => {
        const c = new PageClient(limited.url);
        const page = await c.get('/web');
        return c.post('/web/say', { csrf: hiddenValue(page.text, 'csrf'), text: 'calm piano' }, { json: true });
      };
      expect((await start()).status).toBe(200);
      expect((await start()).status).toBe(200);
      const third = await start();
      expect(third.status).toBe(429);
      expect(Number(third.res.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(third.json!.announce).toMatch(/Too many new playground sessions from your network/);
      expect(third.json!.draft).toBe('calm piano');
      expect(await countRows(w.h.db, 'people')).toBe(people + 2);
      clock += 61_000;
      expect((await start()).status).toBe(200);
    } finally {
      await limited.close();
    }
  });

  it('answers a message holding U+0000 (removed at the edge) instead of failing the turn', async () => {
    const { c, csrf } = await visitor();
    const r = await c.post('/web/say', { csrf, text: 'recommend\u0000 something\u0001 calm' }, { json: true });
    expect(r.status).toBe(200);
    expect(r.json!.transcript as string).toContain('recommend something calm');
  });

  it('answers a message of nothing but control characters (U+0000 among them) with a notice, not a 500', async () => {
    // Found by the hostile suite: the refused text went back into the stored draft, and Postgres refuses NUL.
    const { c, csrf } = await visitor();
    const r = await c.post('/web/say', { csrf, text: '\u0001\u000b\u0014\u0000\u0019\u0001' }, { json: true });
    expect(r.status).toBe(422);
    const after = await c.post('/web/say', { csrf, text: 'something calm' }, { json: true });
    expect(after.status).toBe(200);
  });

  it('says what to do for an unreadable body and an unknown page', async () => {
    const { c } = await visitor();
    const r = await fetch(`${w.server.url}/web/say`, { method: 'POST', body: '{"text":"x"}', headers: { 'content-type': 'application/json', cookie: `${SESSION_COOKIE}=${c.cookies.get(SESSION_COOKIE)!}` } });
    expect(r.status).toBe(415);
    expect(await r.text()).toContain('application/x-www-form-urlencoded');
    expect((await c.get('/web/nope')).status).toBe(404);
    const svg = await c.get('/web/chart.svg');
    expect(svg.status).toBe(200);
    expect(svg.res.headers.get('content-type')).toBe('image/svg+xml');
  });
});
