/**
 * Browser sessions of the web playground, with no passwords: a session is a random cookie value bound to a person
 * (a `web` identity made for it). Only the SHA-256 of the cookie value is stored, so a database leak yields no
 * usable cookie. Each session's CSRF token is an HMAC of the cookie value, so it needs no storage and a page from
 * another session (or another site) cannot produce it. Sessions slide: each use pushes the expiry forward.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { and, eq, lt } from 'drizzle-orm';
import type { Db } from '../db/db.ts';
import { resolvePerson } from '../db/people.ts';
import { identities, webSessions } from '../db/schema.ts';

/** Name of the session cookie. */
export const SESSION_COOKIE = 'ew_session';

/** Default lifetime of an idle session: 30 days. */
export const DEFAULT_SESSION_TTL_MS = 30 * 24 * 3600 * 1000;

/** Cookie values are 32 random bytes in base64url (43 characters). */
const COOKIE_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** A live session. */
export interface WebSession {
  readonly cookie: string;
  readonly personId: number;
  /** The `web` identity's external id (the FrontDesk speaker). */
  readonly externalId: string;
  readonly expiresAt: Date;
}

/**
 * What a cookie value turned out to be: a live session, an expired one, a well-formed value with no session yet
 * (`unused`: handed out by a page, nothing done with it so far), or no usable cookie at all (`missing`).
 */
export type SessionLookup =
  | { readonly status: 'ok'; readonly session: WebSession }
  | { readonly status: 'expired'; readonly personId: number }
  | { readonly status: 'unused'; readonly cookie: string }
  | { readonly status: 'missing' };

/** SHA-256 of a cookie value, hex (what the table stores). */
export function hashSessionCookie(cookie: string): string {
  return createHash('sha256').update(cookie).digest('hex');
}

/** The session store over `web_sessions`. */
export class WebSessions {
  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
    readonly ttlMs = DEFAULT_SESSION_TTL_MS,
  ) {}

  /**
   * A new cookie value. Nothing is stored until the visitor does something (`adopt`), so pages fetched by crawlers
   * or link previews create no people.
   */
  newCookie(): string {
    return randomBytes(32).toString('base64url');
  }

  /** Stores the session of an unused cookie value, for a new person (idempotent for the same value). */
  async adopt(cookie: string): Promise<WebSession> {
    if (!COOKIE_PATTERN.test(cookie)) throw new Error('not a session cookie value');
    const externalId = `web-${hashSessionCookie(`person:${cookie}`).slice(0, 24)}`;
    const personId = await resolvePerson(this.db, 'web', externalId);
    const expiresAt = new Date(this.now() + this.ttlMs);
    await this.db.orm.insert(webSessions).values({ idHash: hashSessionCookie(cookie), personId, expiresAt, lastSeenAt: new Date(this.now()) }).onConflictDoNothing();
    const found = await this.lookup(cookie);
    if (found.status !== 'ok') throw new Error(`session could not be stored (${found.status})`);
    return found.session;
  }

  /** Starts and stores a session for a new person at once. */
  async create(): Promise<WebSession> {
    return this.adopt(this.newCookie());
  }

  /** Looks a cookie value up; a live session's expiry slides forward (at most once a minute). */
  async lookup(cookie: string | undefined): Promise<SessionLookup> {
    if (cookie === undefined || !COOKIE_PATTERN.test(cookie)) return { status: 'missing' };
    const idHash = hashSessionCookie(cookie);
    const [row] = await this.db.orm
      .select({ personId: webSessions.personId, expiresAt: webSessions.expiresAt, lastSeenAt: webSessions.lastSeenAt, externalId: identities.externalId })
      .from(webSessions)
      .leftJoin(identities, and(eq(identities.personId, webSessions.personId), eq(identities.provider, 'web')))
      .where(eq(webSessions.idHash, idHash))
      .limit(1);
    if (row === undefined) return { status: 'unused', cookie };
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

  /** Deletes sessions that expired more than a day ago. */
  async prune(): Promise<number> {
    const rows = await this.db.orm
      .delete(webSessions)
      .where(lt(webSessions.expiresAt, new Date(this.now() - 86_400_000)))
      .returning({ idHash: webSessions.idHash });
    return rows.length;
  }
}

/** The session's CSRF token (put in every form; checked on every POST). */
export function csrfToken(cookie: string): string {
  return createHmac('sha256', cookie).update('earworm-web-csrf').digest('base64url');
}

/** Whether `token` is this session's CSRF token (constant time). */
export function validCsrf(cookie: string, token: string | undefined): boolean {
  if (token === undefined) return false;
  const a = Buffer.from(csrfToken(cookie));
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}
