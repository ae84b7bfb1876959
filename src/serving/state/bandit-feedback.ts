/**
 * DB glue of the strategy bandit: like/skip feedback is stored once per interaction id, and only a newly stored
 * feedback row moves its arm's counts, so a retried delivery never counts twice.
 */
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Db } from '../../db/db.ts';
import { banditArms, feedback, servedRecommendations } from '../../db/schema.ts';
import { scopeLevels } from '../../recsys/experiments/contextual-bandit.ts';
import { ThompsonBandit } from '../../recsys/experiments/thompson-bandit.ts';

/**
 * Records like/skip feedback; returns whether it was new (and so counted). A contextual scope
 * (`recommend@a=…|t=…`) moves the counts of every level of its hierarchy (global, activity, full context).
 */
export async function recordFeedback(
  db: Db,
  f: { interactionId: string; personId: number; trackId: number | null; scope: string; arm: string; liked: boolean },
): Promise<{ recorded: boolean }> {
  return db.orm.transaction(async (tx) => {
    const inserted = await tx.insert(feedback).values(f).onConflictDoNothing().returning({ id: feedback.id });
    if (inserted.length === 0) return { recorded: false };
    for (const scope of scopeLevels(f.scope)) {
      await tx
        .insert(banditArms)
        .values({ scope, arm: f.arm, successes: f.liked ? 1 : 0, failures: f.liked ? 0 : 1 })
        .onConflictDoUpdate({
          target: [banditArms.scope, banditArms.arm],
          set: f.liked
            ? { successes: sql`${banditArms.successes} + 1`, updatedAt: new Date() }
            : { failures: sql`${banditArms.failures} + 1`, updatedAt: new Date() },
        });
    }
    return { recorded: true };
  });
}

/** The bandit of a scope over the given arms (arms with no feedback yet start at zero). */
export async function loadBandit(db: Db, scope: string, arms: readonly string[]): Promise<ThompsonBandit> {
  const rows = await db.orm.select().from(banditArms).where(eq(banditArms.scope, scope));
  const byArm = new Map(rows.map((r) => [r.arm, r]));
  return new ThompsonBandit(arms.map((arm) => ({ arm, successes: byArm.get(arm)?.successes ?? 0, failures: byArm.get(arm)?.failures ?? 0 })));
}

/** Every arm of each of these scopes (scopes with no rows are absent from the map). */
export async function armsOfScopes(db: Db, scopes: readonly string[]): Promise<Map<string, { arm: string; successes: number; failures: number }[]>> {
  const out = new Map<string, { arm: string; successes: number; failures: number }[]>();
  if (scopes.length === 0) return out;
  const rows = await db.orm.select().from(banditArms).where(inArray(banditArms.scope, [...scopes]));
  for (const r of rows) {
    const list = out.get(r.scope) ?? [];
    list.push({ arm: r.arm, successes: r.successes, failures: r.failures });
    out.set(r.scope, list);
  }
  return out;
}

/** Every arm of every scope that starts with `prefix`, by scope. */
export async function armsByScopePrefix(db: Db, prefix: string): Promise<Map<string, { arm: string; successes: number; failures: number }[]>> {
  const rows = await db.orm
    .select()
    .from(banditArms)
    .where(sql`starts_with(${banditArms.scope}, ${prefix})`);
  const out = new Map<string, { arm: string; successes: number; failures: number }[]>();
  for (const r of rows) {
    const list = out.get(r.scope) ?? [];
    list.push({ arm: r.arm, successes: r.successes, failures: r.failures });
    out.set(r.scope, list);
  }
  return out;
}

/** Like and skip counts of one arm. */
export async function armCounts(db: Db, scope: string, arm: string): Promise<{ successes: number; failures: number }> {
  const [row] = await db.orm.select().from(banditArms).where(and(eq(banditArms.scope, scope), eq(banditArms.arm, arm)));
  return { successes: row?.successes ?? 0, failures: row?.failures ?? 0 };
}

/** Every stored arm of a scope with its counts. */
export async function scopeArms(db: Db, scope: string): Promise<{ arm: string; successes: number; failures: number }[]> {
  const rows = await db.orm.select().from(banditArms).where(eq(banditArms.scope, scope));
  return rows.map((r) => ({ arm: r.arm, successes: r.successes, failures: r.failures }));
}

/** Remembers which strategy (in which scope) served these tracks to a person; re-serving a track replaces its row. */
export async function recordServed(db: Db, s: { personId: number; scope: string; strategy: string; trackIds: readonly number[] }): Promise<void> {
  if (s.trackIds.length === 0) return;
  const now = new Date();
  await db.orm
    .insert(servedRecommendations)
    .values([...new Set(s.trackIds)].map((trackId) => ({ personId: s.personId, trackId, scope: s.scope, strategy: s.strategy, servedAt: now })))
    .onConflictDoUpdate({
      target: [servedRecommendations.personId, servedRecommendations.trackId],
      set: { scope: s.scope, strategy: s.strategy, servedAt: now, rewardedAt: null },
    });
}

/**
 * Rewards the strategy that served `trackId` to the person: once per interaction id (a repeated delivery is a
 * no-op) and once per serving (a second reaction to the same serving is ignored; without an interaction id the
 * serving itself is the key). Tracks recommend never served to
 * the person, or already rewarded, leave the bandit alone; the result says which strategy was credited, if any.
 */
export async function rewardServed(
  db: Db,
  r: { interactionId?: string; personId: number; trackId: number; liked: boolean },
): Promise<{ recorded: boolean; scope?: string; arm?: string }> {
  const [served] = await db.orm
    .select()
    .from(servedRecommendations)
    .where(and(eq(servedRecommendations.personId, r.personId), eq(servedRecommendations.trackId, r.trackId), isNull(servedRecommendations.rewardedAt)));
  if (served === undefined) return { recorded: false };
  const { recorded } = await recordFeedback(db, {
    interactionId: r.interactionId ?? `served:${served.id}:${served.servedAt.getTime()}`,
    personId: r.personId,
    trackId: r.trackId,
    scope: served.scope,
    arm: served.strategy,
    liked: r.liked,
  });
  if (recorded) await db.orm.update(servedRecommendations).set({ rewardedAt: new Date() }).where(eq(servedRecommendations.id, served.id));
  return recorded ? { recorded, scope: served.scope, arm: served.strategy } : { recorded };
}
