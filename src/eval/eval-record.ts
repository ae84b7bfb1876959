/**
 * Stores each evaluation result as an `eval_runs` row, so the operator dashboard can chart metrics over time:
 * dataset, task, model, seed, evaluated users, the metrics as JSON (the same keys as the printed JSON line) and the
 * chosen parameters.
 */
import { and, desc, eq } from 'drizzle-orm';
import type { Db } from '../db/db.ts';
import { evalRuns } from '../db/schema.ts';
import type { EvalResult } from './eval-runner.ts';

/** The metrics stored for one result (keys as in `npm run eval`'s JSON lines). */
function resultMetrics(r: EvalResult): Record<string, number | boolean> {
  return {
    'recall@20': r.recall,
    'ndcg@20': r.ndcg,
    'hr@10': r.hr10,
    'coverage@20': r.coverage,
    validation_ndcg20: r.validationNdcg,
    seconds: Number(r.seconds.toFixed(3)),
    tuned_from_cache: r.tunedFromCache,
  };
}

/** Inserts one row for a result; returns its id. */
export async function recordEvalResult(db: Db, r: EvalResult): Promise<number> {
  const rows = await db.orm
    .insert(evalRuns)
    .values({ dataset: r.dataset, task: r.task, model: r.model, seed: r.seed, users: r.users, metrics: resultMetrics(r), params: { ...r.params } })
    .returning({ id: evalRuns.id });
  return rows[0]!.id;
}

/** One stored evaluation row. */
interface StoredEvalRun {
  readonly id: number;
  readonly dataset: string;
  readonly task: string;
  readonly model: string;
  readonly seed: number;
  readonly users: number;
  readonly metrics: Record<string, unknown>;
  readonly params: Record<string, unknown>;
  readonly createdAt: Date;
}

/** Stored runs, newest first, optionally for one dataset / task / model (for charts of a metric over time). */
export async function listEvalRuns(db: Db, filter: { dataset?: string; task?: string; model?: string; limit?: number } = {}): Promise<StoredEvalRun[]> {
  const where = [
    filter.dataset === undefined ? undefined : eq(evalRuns.dataset, filter.dataset),
    filter.task === undefined ? undefined : eq(evalRuns.task, filter.task),
    filter.model === undefined ? undefined : eq(evalRuns.model, filter.model),
  ].filter((c) => c !== undefined);
  const rows = await db.orm
    .select()
    .from(evalRuns)
    .where(where.length > 0 ? and(...where) : undefined)
    .orderBy(desc(evalRuns.createdAt), desc(evalRuns.id))
    .limit(filter.limit ?? 1000);
  return rows.map((r) => ({
    id: r.id,
    dataset: r.dataset,
    task: r.task,
    model: r.model,
    seed: r.seed,
    users: r.users,
    metrics: r.metrics as Record<string, unknown>,
    params: r.params as Record<string, unknown>,
    createdAt: r.createdAt,
  }));
}
