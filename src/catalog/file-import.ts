/**
 * The loop every importer runs per file: stream records, write them in batches (one transaction per batch, which
 * also advances the file's checkpoint), skip what a previous run already committed, and skip a file that was
 * imported completely and has not changed since. A parse error first commits the good records before it.
 */
import { stat } from 'node:fs/promises';
import { sql } from 'drizzle-orm';
import type { Db } from '../db/db.ts';
import type { Logger } from '../logging/logger.ts';
import { ImportError } from './import-error.ts';
import type { ProgressReporter } from './progress.ts';
import { inTransaction, type SqlExec } from './sql-exec.ts';

/** What every importer is given. */
export interface ImportContext {
  readonly db: Db;
  readonly progress: ProgressReporter;
  readonly logger: Logger;
  /** Records per transaction. */
  readonly batchSize: number;
}

/** How one file went: records read from it in total, and whether this run wrote, resumed or skipped it. */
export interface FileResult {
  readonly file: string;
  readonly records: number;
  readonly status: 'imported' | 'resumed' | 'unchanged';
}

/** One file to import: where it is, how to read its records, how to write a batch of them. */
interface FileImport<T> {
  readonly source: string;
  /** Path of the file to read. */
  readonly path: string;
  /** Stable name for the checkpoint (dataset folder/file). */
  readonly label: string;
  /** Records per transaction for this file, when a record is large (an MPD playlist holds ~66 tracks). */
  readonly batchSize?: number;
  read(onBytes: (n: number) => void): AsyncIterable<T>;
  /** The line a record starts on, for error messages. */
  lineOf(record: T): number;
  write(ex: SqlExec, batch: T[]): Promise<void>;
}

/** The fingerprint of a file: size and modification time. A changed file starts over (writes are idempotent). */
async function fileFingerprint(file: string): Promise<{ fingerprint: string; size: number }> {
  const s = await stat(file);
  return { fingerprint: `${s.size}:${Math.trunc(s.mtimeMs)}`, size: s.size };
}

async function saveCheckpoint(ex: SqlExec, source: string, file: string, fingerprint: string, done: number, complete: boolean) {
  await ex.rows(sql`
    insert into import_checkpoints (source, file, fingerprint, records_done, complete, updated_at)
    values (${source}, ${file}, ${fingerprint}, ${done}, ${complete}, now())
    on conflict (source, file) do update set fingerprint = excluded.fingerprint, records_done = excluded.records_done,
      complete = excluded.complete, updated_at = excluded.updated_at`);
}

/** The message of the innermost cause (the database's own words, not drizzle's "Failed query" with every parameter). */
function rootMessage(err: unknown): string {
  let e = err;
  while (e instanceof Error && e.cause instanceof Error) e = e.cause;
  const text = e instanceof Error ? e.message : String(e);
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

/** Imports one file in batches, resuming from its checkpoint; returns how many records it holds. */
export async function importFile<T>(ctx: ImportContext, spec: FileImport<T>): Promise<FileResult> {
  const { fingerprint, size } = await fileFingerprint(spec.path);
  const [checkpoint] = await ctx.db.rows<{ fingerprint: string; records_done: number; complete: boolean }>(sql`
    select fingerprint, records_done::int as records_done, complete from import_checkpoints
    where source = ${spec.source} and file = ${spec.label}`);
  const same = checkpoint !== undefined && checkpoint.fingerprint === fingerprint;
  if (same && checkpoint.complete) {
    ctx.logger.debug({ source: spec.source, file: spec.label }, 'unchanged since the last import; skipped');
    return { file: spec.label, records: checkpoint.records_done, status: 'unchanged' };
  }
  const skip = same ? checkpoint.records_done : 0;
  if (skip > 0) ctx.logger.info({ source: spec.source, file: spec.label, recordsDone: skip }, 'resuming');
  const progress = ctx.progress.file(spec.source, spec.label, size);

  const batchSize = Math.max(1, spec.batchSize ?? ctx.batchSize);
  let seen = 0;
  let committed = skip;
  let batch: T[] = [];
  const flush = async (complete: boolean) => {
    const rows = batch;
    batch = [];
    const done = committed + rows.length;
    try {
      await inTransaction(ctx.db, async (ex) => {
        if (rows.length > 0) await spec.write(ex, rows);
        await saveCheckpoint(ex, spec.source, spec.label, fingerprint, done, complete);
      });
    } catch (cause) {
      if (cause instanceof ImportError) throw cause;
      const first = rows[0] === undefined ? undefined : spec.lineOf(rows[0]);
      throw new ImportError(
        `could not write the batch starting here: ${rootMessage(cause)}. Earlier batches are kept; fix the cause and run the import again to resume.`,
        first === undefined ? { code: 'WRITE_FAILED', file: spec.path, cause } : { code: 'WRITE_FAILED', file: spec.path, line: first, cause },
      );
    }
    committed = done;
    progress.records(committed);
  };

  try {
    for await (const record of spec.read((n) => progress.bytes(n))) {
      seen++;
      if (seen <= skip) continue;
      batch.push(record);
      if (batch.length >= batchSize) await flush(false);
    }
  } catch (err) {
    // Keep the good records read before the damage, so a re-run of the same file resumes right at it.
    if (batch.length > 0) await flush(false);
    throw err;
  }
  await flush(true);
  progress.done(committed);
  return { file: spec.label, records: committed, status: skip > 0 ? 'resumed' : 'imported' };
}
