/**
 * `earworm jobs:enqueue <import|train|index|drift-check|spotify-sync> [options]`: queues a job. With REDIS_URL it goes to the
 * workers and this command returns (--wait follows it to the end); without Redis it runs here, in-process.
 */
import { parseArgs } from 'node:util';
import type { Config } from '../../config/config.ts';
import { openConfiguredDb } from '../../db/db.ts';
import { createJobQueue } from '../../jobs/create-job-queue.ts';
import { JobEvents } from '../../jobs/job-events.ts';
import { InProcessJobQueue } from '../../jobs/in-process-job-queue.ts';
import { createJobProcessors } from '../../jobs/job-processors.ts';
import { findJobRun } from '../../jobs/job-runs.ts';
import { JOB_DATA, TRAIN_TARGETS, type JobRequest } from '../../jobs/job-types.ts';
import { createLogger } from '../../logging/logger.ts';
import { UsageError } from '../usage-error.ts';

const USAGE =
  `Usage: earworm jobs:enqueue <${Object.keys(JOB_DATA).join('|')}> [--key <key>] [--wait]\n` +
  `  import: --source <name|all>;  train: [--targets ${TRAIN_TARGETS.join(',')}] [--seed <n>] [--epochs <n>];  spotify-sync: --person <id>`;

/** Queues one job and reports what happened. */
export async function run(args: string[], config: Config): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: {
        key: { type: 'string' },
        wait: { type: 'boolean' },
        source: { type: 'string' },
        targets: { type: 'string' },
        seed: { type: 'string' },
        epochs: { type: 'string' },
        person: { type: 'string' },
      },
      allowPositionals: true,
    });
  } catch (err) {
    throw new UsageError(`${err instanceof Error ? err.message : String(err)}.\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  const [name, ...extra] = positionals;
  if (name === undefined || extra.length > 0) throw new UsageError(`name one job.\n${USAGE}`);
  const int = (v: string | undefined, flag: string) => {
    if (v === undefined) return undefined;
    const x = Number(v);
    if (!Number.isInteger(x) || x < 0) throw new UsageError(`--${flag} must be a whole number.\n${USAGE}`);
    return x;
  };
  const data: Record<string, unknown> = {};
  if (values.source !== undefined) data.source = values.source;
  if (values.targets !== undefined) data.targets = values.targets.split(',').map((t) => t.trim());
  if (values.seed !== undefined) data.seed = int(values.seed, 'seed');
  if (values.epochs !== undefined) data.epochs = int(values.epochs, 'epochs');
  if (values.person !== undefined) data.personId = int(values.person, 'person');

  const logger = createLogger({ logLevel: config.logLevel, name: 'jobs' });
  const db = await openConfiguredDb(config);
  const events = new JobEvents();
  events.on('failed', (e) => console.error(`attempt ${e.attempt} failed: ${e.error.message}${e.willRetry ? ' (retrying)' : ''}`));
  try {
    const queue = await createJobQueue(config, { db, processors: createJobProcessors({ db, config, logger, driftThreshold: config.driftThreshold }), logger, events, schedule: false });
    try {
      const request = { name, data, ...(values.key !== undefined ? { key: values.key } : {}) } as JobRequest;
      let job;
      try {
        job = await queue.enqueue(request);
      } catch (err) {
        if (err instanceof Error && 'code' in err && err.code === 'INVALID_JOB') throw new UsageError(`${err.message}\n${USAGE}`);
        throw err;
      }
      console.log(
        job.enqueued
          ? `queued ${job.queue}/${job.name} key ${job.key} (run ${job.runId}) on ${queue.backend === 'redis' ? 'Redis' : 'this process'}`
          : `not queued: ${job.queue}/${job.name} key ${job.key} is already ${job.status} (run ${job.runId})`,
      );
      if (queue instanceof InProcessJobQueue) await queue.idle();
      else if (values.wait === true) {
        for (;;) {
          const row = await findJobRun(db, job.queue, job.key);
          if (row === undefined || row.status === 'completed' || row.status === 'failed') break;
          await new Promise((r) => setTimeout(r, 1000));
        }
      } else return 0;
      const row = await findJobRun(db, job.queue, job.key);
      if (row?.status === 'completed') {
        console.log(`completed: ${JSON.stringify(row.result)}`);
        return 0;
      }
      console.error(`${row?.status ?? 'missing'}: ${row?.error ?? ''}`);
      return 1;
    } finally {
      await queue.close();
    }
  } finally {
    await db.close();
  }
}
