/**
 * A/B comparisons and votes. A vote is keyed by its person's interaction id, so a repeated delivery is a no-op;
 * interaction ids are scoped to their person, so nobody can take or read another person's vote through one.
 */
import { and, desc, eq, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Db } from './db.ts';
import { comparisons, tracks, votes } from './schema.ts';

/** The choice in a vote: track A, track B, skip the pair, or a tie (both fit, neither fits). */
export type VoteChoice = 'a' | 'b' | 'skip' | 'both' | 'neither';

/** The pair was already shown to this person (in either order); pairs are never repeated. */
export class DuplicatePairError extends Error {
  readonly code = 'DUPLICATE_PAIR';
  constructor(readonly personId: number, readonly trackA: number, readonly trackB: number) {
    super(`Person ${personId} has already compared tracks ${trackA} and ${trackB}; choose another pair.`);
    this.name = 'DuplicatePairError';
  }
}

/** The comparison voted on does not exist or belongs to someone else. */
export class UnknownComparisonError extends Error {
  readonly code = 'UNKNOWN_COMPARISON';
  constructor(readonly comparisonId: number) {
    super(`Comparison ${comparisonId} does not exist for this person; ask for a new comparison.`);
    this.name = 'UnknownComparisonError';
  }
}

/** Stores a new comparison for a person and returns its id; throws DuplicatePairError for a pair seen before. */
export async function createComparison(
  db: Db,
  c: { personId: number; trackA: number; trackB: number; strategy: 'informative' | 'random' },
): Promise<number> {
  const rows = await db.orm
    .insert(comparisons)
    .values(c)
    .onConflictDoNothing()
    .returning({ id: comparisons.id });
  if (rows[0] === undefined) throw new DuplicatePairError(c.personId, c.trackA, c.trackB);
  return rows[0].id;
}

/** What happened to a vote: recorded now, or already there (same interaction, or the comparison was answered). */
export interface VoteOutcome {
  readonly recorded: boolean;
  readonly choice: VoteChoice;
}

/**
 * Records a vote once. The same interaction of the same person delivered again, or a second click on an answered
 * comparison, returns that person's vote already stored with `recorded: false`; never another person's row.
 */
export async function recordVote(
  db: Db,
  v: { interactionId: string; comparisonId: number; personId: number; choice: VoteChoice },
): Promise<VoteOutcome> {
  const [owned] = await db.orm
    .select({ id: comparisons.id })
    .from(comparisons)
    .where(and(eq(comparisons.id, v.comparisonId), eq(comparisons.personId, v.personId)));
  if (owned === undefined) throw new UnknownComparisonError(v.comparisonId);
  const inserted = await db.orm.insert(votes).values(v).onConflictDoNothing().returning({ choice: votes.choice });
  if (inserted[0] !== undefined) return { recorded: true, choice: v.choice };
  const [stored] = await db.orm
    .select({ choice: votes.choice })
    .from(votes)
    .where(and(eq(votes.personId, v.personId), sql`(${votes.interactionId} = ${v.interactionId} or ${votes.comparisonId} = ${v.comparisonId})`))
    .limit(1);
  return { recorded: false, choice: (stored?.choice ?? v.choice) as VoteChoice };
}

/** The titles of a comparison's two tracks, as a vote's acknowledgement names them; undefined for an unknown id. */
export async function comparisonTitles(db: Db, comparisonId: number): Promise<{ a: string; b: string } | undefined> {
  const ta = alias(tracks, 'ta');
  const tb = alias(tracks, 'tb');
  const [row] = await db.orm
    .select({ a: ta.title, b: tb.title })
    .from(comparisons)
    .innerJoin(ta, eq(ta.id, comparisons.trackA))
    .innerJoin(tb, eq(tb.id, comparisons.trackB))
    .where(eq(comparisons.id, comparisonId));
  return row;
}

/** One stored vote with its pair's titles. */
export interface RecentVote {
  readonly choice: VoteChoice;
  readonly a: string;
  readonly b: string;
  readonly at: Date;
}

/** The person's last votes with their pairs' titles, newest first. */
export async function recentVotes(db: Db, personId: number, limit = 5): Promise<RecentVote[]> {
  const ta = alias(tracks, 'ta');
  const tb = alias(tracks, 'tb');
  const rows = await db.orm
    .select({ choice: votes.choice, a: ta.title, b: tb.title, at: votes.createdAt })
    .from(votes)
    .innerJoin(comparisons, eq(comparisons.id, votes.comparisonId))
    .innerJoin(ta, eq(ta.id, comparisons.trackA))
    .innerJoin(tb, eq(tb.id, comparisons.trackB))
    .where(eq(votes.personId, personId))
    .orderBy(desc(votes.createdAt), desc(votes.id))
    .limit(limit);
  return rows.map((r) => ({ choice: r.choice as VoteChoice, a: r.a, b: r.b, at: new Date(r.at) }));
}
