/** `earworm jobs [--limit <n>] [--status queued|running|completed|failed] [--queue <q>]`: recent job runs, newest first. */
import { parseArgs } from 'node:util';
import type { Config } from '../../config/config.ts';
import { openConfiguredDb } from '../../db/db.ts';
import { recentJobRuns, type JobRunRow, type JobStatus } from '../../jobs/job-runs.ts';
import { UsageError } from '../usage-error.ts';

const USAGE = 'Usage: earworm jobs [--limit <n>] [--status queued|running|completed|failed] [--queue <queue>]';
const STATUSES: readonly JobStatus[] = ['queued', 'running', 'completed', 'failed'];

/** Renders job runs as a table. */
export function formatJobRuns(rows: readonly JobRunRow[]): string {
  if (rows.length === 0) return 'No jobs have run yet. Queue one with `earworm jobs:enqueue train`.';
  const lines = rows.map((r) => {
    const took = r.startedAt !== null && r.finishedAt !== null ? `${((r.finishedAt.getTime() - r.startedAt.getTime()) / 1000).toFixed(1)} s` : '';
    return [
      String(r.id),
      r.createdAt.toISOString().slice(0, 19).replace('T', ' '),
      `${r.queue}/${r.name}`,
      r.jobKey,
      r.status,
      `${Math.round(r.progress * 100)}%`,
      String(r.attempts),
      took,
      r.error ?? '',
    ];
  });
  const header = ['id', 'created (UTC)', 'job', 'key', 'status', 'progress', 'attempts', 'took', 'error'];
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => Math.min(48, l[i]!.length))));
  const fmt = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.slice(0, 48).padEnd(widths[i]!))).join('  ').trimEnd();
  return [fmt(header), ...lines.map(fmt)].join('\n');
}

/** Prints recent job runs. */
export async function run(args: string[], config: Config): Promise<number> {
  let values: { limit?: string | undefined; status?: string | undefined; queue?: string | undefined };
  try {
    ({ values } = parseArgs({ args, options: { limit: { type: 'string' }, status: { type: 'string' }, queue: { type: 'string' } }, allowPositionals: false }));
  } catch (err) {
    throw new UsageError(`${err instanceof Error ? err.message : String(err)}. ${USAGE}`);
  }
  const limit = values.limit === undefined ? 20 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--limit must be a positive integer. ${USAGE}`);
  if (values.status !== undefined && !(STATUSES as readonly string[]).includes(values.status)) throw new UsageError(`unknown status "${values.status}". ${USAGE}`);
  const db = await openConfiguredDb(config);
  try {
    const rows = await recentJobRuns(db, {
      limit,
      ...(values.status !== undefined ? { statuses: [values.status as JobStatus] } : {}),
      ...(values.queue !== undefined ? { queue: values.queue } : {}),
    });
    console.log(formatJobRuns(rows));
    return 0;
  } finally {
    await db.close();
  }
}
