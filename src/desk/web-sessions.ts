/**
 * Browser sessions of the web playground, with no passwords. Only the server issues session cookies: a cookie value
 * is 32 random bytes, the time it was issued and an HMAC of both under the server's secret (`webSessionSecret`), so
 * a value made up offline is never taken. A page view hands out such a value and stores nothing; the first real
 * action (with the page's CSRF token) stores the session for a new person, rate limited per client address and in
 * all, and capped in number. Only the SHA-256 of a cookie value is stored, so a database leak yields no usable
 * cookie. The CSRF token is an HMAC of the cookie value under the server secret. Sessions slide: each use pushes the
 * expiry forward. Housekeeping (`pruneWebSessions`) deletes expired sessions and the web people they leave behind
 * that taught Earworm nothing.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { and, count, eq, gt, lt, sql } from 'drizzle-orm';
import { RateLimiter } from '../desk/rate-limiter.ts';
import type { Db } from '../db/db.ts';
import { resolvePerson } from '../serving/state/people.ts';
import { identities, webSessions } from '../db/schema.ts';

/** Name of the session cookie. */
export const SESSION_COOKIE = 'ew_session';

/** Default lifetime of an idle session: 30 days. */
const DEFAULT_SESSION_TTL_MS = 30 * 24 * 3600 * 1000;

/** A handed-out cookie value must be used within this long to become a session [1 day]. */
const ISSUED_VALID_MS = 24 * 3600 * 1000;

/** Server-issued values: random.issued-at(base 36).signature. */
const ISSUED_PATTERN = /^([A-Za-z0-9_-]{43})\.([0-9a-z]{1,11})\.([A-Za-z0-9_-]{43})$/;
/** Values of sessions stored before values were signed (accepted only while their row exists). */
const LEGACY_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** A live session. */
export interface WebSession {
  readonly cookie: string;
  readonly personId: number;
  /** The `web` identity's external id (the FrontDesk speaker). */
  readonly externalId: string;
  readonly expiresAt: Date;
}

/**
 * What a cookie value turned out to be: a live session, an expired one, a value this server issued with a page and
 * nothing stored yet (`unused`), or no usable cookie at all (`missing`: none, made up, forged, or handed out too
 * long ago).
 */
type SessionLookup =
  | { readonly status: 'ok'; readonly session: WebSession }
  | { readonly status: 'expired'; readonly personId: number }
  | { readonly status: 'unused'; readonly cookie: string }
  | { readonly status: 'missing' };

/** Why a session was not created: too many from this address, too many in all, or the session cap. */
interface SessionRefusal {
  readonly status: 429 | 503;
  readonly code: 'session_rate_limited' | 'sessions_full';
  readonly message: string;
  readonly retryAfterS: number;
}

/** Limits on creating sessions. */
export interface WebSessionLimits {
  /** New sessions per client address per minute (default 10). */
  readonly perAddressPerMinute?: number;
  /** New sessions per minute, all addresses together (default 120). */
  readonly perMinute?: number;
  /** Stored sessions at most; past it, expired ones are pruned and then new ones refused (default 100,000). */
  readonly maxSessions?: number;
}

/** SHA-256 of a cookie value, hex (what the table stores). */
export function hashSessionCookie(cookie: string): string {
  return createHash('sha256').update(cookie).digest('hex');
}

/**
 * The key that signs session cookies and CSRF tokens: derived from EARWORM_SECRET when it is set, else 32 random
 * bytes generated once and kept in `<home>/web-session.key` (mode 600), so sessions survive restarts.
 */
export function webSessionSecret(home: string, configured?: string): Buffer {
  if (configured !== undefined && configured !== '') return createHmac('sha256', configured).update('earworm-web-sessions').digest();
  const file = path.join(home, 'web-session.key');
  try {
    const hex = readFileSync(file, 'utf8').trim();
    if (/^[0-9a-f]{64}$/.test(hex)) return Buffer.from(hex, 'hex');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const key = randomBytes(32);
  mkdirSync(home, { recursive: true });
  writeFileSync(file, `${key.toString('hex')}\n`, { mode: 0o600 });
  return key;
}

/** The session store over `web_sessions`. */
export class WebSessions {
  private readonly perAddress: RateLimiter;
  private readonly overall: RateLimiter;
  private readonly maxSessions: number;

  constructor(
    private readonly db: Db,
    private readonly secret: Buffer,
    private readonly now: () => number = Date.now,
    readonly ttlMs = DEFAULT_SESSION_TTL_MS,
    limits: WebSessionLimits = {},
  ) {
    if (secret.length < 16) throw new RangeError('the web session secret must be at least 16 bytes');
    this.perAddress = new RateLimiter(limits.perAddressPerMinute ?? 10, 60_000, now);
    this.overall = new RateLimiter(limits.perMinute ?? 120, 60_000, now);
    this.maxSessions = limits.maxSessions ?? 100_000;
  }

  private sign(what: string): string {
    return createHmac('sha256', this.secret).update(what).digest('base64url');
  }

  /** A new server-issued cookie value. Nothing is stored until the visitor does something (`create`). */
  newCookie(): string {
    const body = `${randomBytes(32).toString('base64url')}.${this.now().toString(36)}`;
    return `${body}.${this.sign(`web-session:${body}`)}`;
  }

  /** Whether this server issued `cookie` (signature) recently enough to start a session with it. */
  private issuedHere(cookie: string): boolean {
    const m = ISSUED_PATTERN.exec(cookie);
    if (m === null) return false;
    const issued = parseInt(m[2]!, 36);
    const age = this.now() - issued;
    if (!(age >= -60_000 && age <= ISSUED_VALID_MS)) return false;
    return safeEqual(m[3]!, this.sign(`web-session:${m[1]}.${m[2]}`));
  }

  /**
   * Stores the session of a server-issued cookie value for a new person (idempotent for the same value), or says why
   * not: past the per-address or overall rate, or at the cap once expired sessions are pruned.
   */
  async create(cookie: string, address: string): Promise<{ session: WebSession } | { refused: SessionRefusal }> {
    if (!this.issuedHere(cookie)) throw new Error('not a cookie value this server issued');
    const existing = await this.lookup(cookie);
    if (existing.status === 'ok') return { session: existing.session };
    const limited = this.perAddress.check(address);
    if (!limited.allowed) return { refused: rateRefusal(limited.retryAfterMs, 'from your network') };
    const all = this.overall.check('all');
    if (!all.allowed) return { refused: rateRefusal(all.retryAfterMs, 'right now') };
    if ((await this.stored()) >= this.maxSessions) {
      await pruneWebSessions(this.db, this.now);
      if ((await this.stored()) >= this.maxSessions) {
        return { refused: { status: 503, code: 'sessions_full', retryAfterS: 600, message: 'The playground has as many visitors as it can keep right now, so a session could not be started. Please try again in a few minutes.' } };
      }
    }
    this.perAddress.take(address);
    this.overall.take('all');
    const externalId = `web-${hashSessionCookie(`person:${cookie}`).slice(0, 24)}`;
    const personId = await resolvePerson(this.db, 'web', externalId);
    const expiresAt = new Date(this.now() + this.ttlMs);
    await this.db.orm.insert(webSessions).values({ idHash: hashSessionCookie(cookie), personId, expiresAt, lastSeenAt: new Date(this.now()) }).onConflictDoNothing();
    const found = await this.lookup(cookie);
    if (found.status !== 'ok') throw new Error(`session could not be stored (${found.status})`);
    return { session: found.session };
  }

  private async stored(): Promise<number> {
    const [row] = await this.db.orm.select({ n: count() }).from(webSessions).where(gt(webSessions.expiresAt, new Date(this.now())));
    return Number(row?.n ?? 0);
  }

  /** Looks a cookie value up; a live session's expiry slides forward (at most once a minute). */
  async lookup(cookie: string | undefined): Promise<SessionLookup> {
    if (cookie === undefined || !(ISSUED_PATTERN.test(cookie) || LEGACY_PATTERN.test(cookie))) return { status: 'missing' };
    const idHash = hashSessionCookie(cookie);
    const [row] = await this.db.orm
      .select({ personId: webSessions.personId, expiresAt: webSessions.expiresAt, lastSeenAt: webSessions.lastSeenAt, externalId: identities.externalId })
      .from(webSessions)
      .leftJoin(identities, and(eq(identities.personId, webSessions.personId), eq(identities.provider, 'web')))
      .where(eq(webSessions.idHash, idHash))
      .limit(1);
    // No stored session: only a value this server issued (recently) may become one; anything else is never adopted.
    if (row === undefined) return this.issuedHere(cookie) ? { status: 'unused', cookie } : { status: 'missing' };
    const now = this.now();
    if (row.expiresAt.getTime() <= now || row.externalId === null) return { status: 'expired', personId: row.personId };
    let expiresAt = row.expiresAt;
    if (now - row.lastSeenAt.getTime() > 60_000) {
      expiresAt = new Date(now + this.ttlMs);
      await this.db.orm.update(webSessions).set({ lastSeenAt: new Date(now), expiresAt }).where(eq(webSessions.idHash, idHash));
    }
    return { status: 'ok', session: { cookie, personId: row.personId, externalId: row.externalId, expiresAt } };
  }

  /** Ends a session (the person and what they taught Earworm stay). */
  async end(cookie: string): Promise<void> {
    await this.db.orm.delete(webSessions).where(eq(webSessions.idHash, hashSessionCookie(cookie)));
  }

  /** The session's CSRF token (put in every form; checked on every POST), keyed by the server secret. */
  csrfToken(cookie: string): string {
    return this.sign(`csrf:${cookie}`);
  }

  /** Whether `token` is this session's CSRF token (constant time). */
  validCsrf(cookie: string, token: string | undefined): boolean {
    return token !== undefined && safeEqual(token, this.csrfToken(cookie));
  }
}

/**
 * Housekeeping: deletes sessions that expired more than a day ago (their page entries go with them), then the web
 * people left with no session, no other identity and nothing taught (no ratings, no votes). Returns both counts.
 */
export async function pruneWebSessions(db: Db, now: () => number = Date.now): Promise<{ sessions: number; people: number }> {
  const sessions = await db.orm
    .delete(webSessions)
    .where(lt(webSessions.expiresAt, new Date(now() - 86_400_000)))
    .returning({ idHash: webSessions.idHash });
  const people = await db.rows<{ id: number }>(sql`
    delete from people p
    where exists (select 1 from identities i where i.person_id = p.id and i.provider = 'web')
      and not exists (select 1 from identities i where i.person_id = p.id and i.provider <> 'web')
      and not exists (select 1 from web_sessions s where s.person_id = p.id)
      and not exists (select 1 from interactions x where x.person_id = p.id)
      and not exists (select 1 from votes v where v.person_id = p.id)
    returning p.id`);
  return { sessions: sessions.length, people: people.length };
}

function rateRefusal(retryAfterMs: number, where: string): SessionRefusal {
  const s = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return {
    status: 429,
    code: 'session_rate_limited',
    retryAfterS: s,
    message: `Too many new playground sessions ${where}, so this one was not started and nothing was sent. Try again in ${s} second${s === 1 ? '' : 's'}; your message is still in the box.`,
  };
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
