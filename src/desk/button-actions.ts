/**
 * Button state kept server-side. A platform button carries only a short random key (Discord `custom_id`, Slack
 * `action_id`/`value`); the key maps to a typed action, the person it was made for and an expiry. One-shot actions
 * (votes) are marked used atomically, so a second press or a repeated delivery is answered, never applied twice.
 */
import { randomBytes } from 'node:crypto';
import { and, eq, isNull, lt } from 'drizzle-orm';
import type { Db } from '../db/db.ts';
import { buttonActions } from '../db/schema.ts';

/** An answer to an A/B pair: one side, "both" fit, "neither" fits, or no answer ("skip"). */
export type VoteChoice = 'a' | 'b' | 'both' | 'neither' | 'skip';

/** What a button does. */
export type ButtonAction =
  | { readonly type: 'vote'; readonly comparisonId: number; readonly choice: VoteChoice }
  | { readonly type: 'rate'; readonly trackId: number; readonly rating: 'like' | 'dislike' | 'skip' }
  | { readonly type: 'more'; readonly trackId: number }
  | { readonly type: 'compare' }
  | { readonly type: 'custom'; readonly name: string; readonly data?: Record<string, unknown> };

/** A stored button as `resolve` finds it. */
type ResolvedButton =
  | { readonly status: 'ok'; readonly key: string; readonly personId: number; readonly platform: string; readonly action: ButtonAction; readonly used: boolean }
  | { readonly status: 'expired'; readonly key: string; readonly personId: number; readonly action: ButtonAction }
  | { readonly status: 'unknown'; readonly key: string };

/** Prefix of every Earworm button id, so a front end can tell its buttons from others. */
export const BUTTON_PREFIX = 'ew:';

/** Keys are 12 base64url characters (72 random bits). */
const KEY_PATTERN = /^[A-Za-z0-9_-]{12}$/;

/** Default lifetime of a button: a week (Discord and Slack messages stay around long after they were sent). */
const DEFAULT_BUTTON_TTL_MS = 7 * 24 * 3600 * 1000;

/** The button-state table. */
export class ButtonActions {
  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {}

  /** Stores one action and returns the id to put on the button (`ew:` + key). */
  async create(personId: number, platform: string, action: ButtonAction, ttlMs = DEFAULT_BUTTON_TTL_MS): Promise<string> {
    const [id] = await this.createMany(personId, platform, [action], ttlMs);
    return id!;
  }

  /** Stores several actions in one statement; ids in the same order. */
  async createMany(personId: number, platform: string, actions: readonly ButtonAction[], ttlMs = DEFAULT_BUTTON_TTL_MS): Promise<string[]> {
    if (actions.length === 0) return [];
    const expiresAt = new Date(this.now() + ttlMs);
    const keys = actions.map(() => randomBytes(9).toString('base64url'));
    await this.db.orm.insert(buttonActions).values(actions.map((action, i) => ({ key: keys[i]!, personId, platform, action, expiresAt })));
    return keys.map((k) => BUTTON_PREFIX + k);
  }

  /** Looks up a button id (with or without the `ew:` prefix). */
  async resolve(id: string): Promise<ResolvedButton> {
    const key = id.startsWith(BUTTON_PREFIX) ? id.slice(BUTTON_PREFIX.length) : id;
    if (!KEY_PATTERN.test(key)) return { status: 'unknown', key };
    const [row] = await this.db.orm.select().from(buttonActions).where(eq(buttonActions.key, key));
    if (row === undefined) return { status: 'unknown', key };
    const action = row.action as ButtonAction;
    if (row.expiresAt.getTime() <= this.now()) return { status: 'expired', key, personId: row.personId, action };
    return { status: 'ok', key, personId: row.personId, platform: row.platform, action, used: row.usedAt !== null };
  }

  /** Marks a one-shot button used; true only for the first caller (atomic). */
  async markUsed(key: string): Promise<boolean> {
    const rows = await this.db.orm
      .update(buttonActions)
      .set({ usedAt: new Date(this.now()) })
      .where(and(eq(buttonActions.key, key), isNull(buttonActions.usedAt)))
      .returning({ key: buttonActions.key });
    return rows.length > 0;
  }

  /** Deletes buttons that expired more than a day ago. */
  async prune(): Promise<number> {
    const rows = await this.db.orm
      .delete(buttonActions)
      .where(lt(buttonActions.expiresAt, new Date(this.now() - 86_400_000)))
      .returning({ key: buttonActions.key });
    return rows.length;
  }
}
