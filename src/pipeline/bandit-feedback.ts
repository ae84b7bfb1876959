/**
 * DB glue of the strategy bandit: like/skip feedback is stored once per interaction id, and only a newly stored
 * feedback row moves its arm's counts, so a retried delivery never counts twice.
 */
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/db.ts';
import { banditArms, feedback } from '../db/schema.ts';
import { ThompsonBandit } from '../recsys/experiments/thompson-bandit.ts';

/** Records like/skip feedback; returns whether it was new (and so counted). */
export async function recordFeedback(
  db: Db,
  f: { interactionId: string; personId: number; trackId: number | null; scope: string; arm: string; liked: boolean },
): Promise<{ recorded: boolean }> {
  return db.orm.transaction(async (tx) => {
    const inserted = await tx.insert(feedback).values(f).onConflictDoNothing().returning({ id: feedback.id });
    if (inserted.length === 0) return { recorded: false };
    await tx
      .insert(banditArms)
      .values({ scope: f.scope, arm: f.arm, successes: f.liked ? 1 : 0, failures: f.liked ? 0 : 1 })
      .onConflictDoUpdate({
        target: [banditArms.scope, banditArms.arm],
        set: f.liked
          ? { successes: sql`${banditArms.successes} + 1`, updatedAt: new Date() }
          : { failures: sql`${banditArms.failures} + 1`, updatedAt: new Date() },
      });
    return { recorded: true };
  });
}

/** The bandit of a scope over the given arms (arms with no feedback yet start at zero). */
export async function loadBandit(db: Db, scope: string, arms: readonly string[]): Promise<ThompsonBandit> {
  const rows = await db.orm.select().from(banditArms).where(eq(banditArms.scope, scope));
  const byArm = new Map(rows.map((r) => [r.arm, r]));
  return new ThompsonBandit(arms.map((arm) => ({ arm, successes: byArm.get(arm)?.successes ?? 0, failures: byArm.get(arm)?.failures ?? 0 })));
}

/** Like and skip counts of one arm. */
export async function armCounts(db: Db, scope: string, arm: string): Promise<{ successes: number; failures: number }> {
  const [row] = await db.orm.select().from(banditArms).where(and(eq(banditArms.scope, scope), eq(banditArms.arm, arm)));
  return { successes: row?.successes ?? 0, failures: row?.failures ?? 0 };
}
