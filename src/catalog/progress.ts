/**
 * Import progress: a redrawn bar on an interactive terminal, structured pino lines otherwise (CI logs, jobs), and a
 * silent one for tests. Importers report bytes consumed and records written; the reporter decides how to show it.
 */
import type { Logger } from '../logging/logger.ts';

/** Progress of one file being imported. */
interface FileProgress {
  /** Bytes of the file consumed so far (added to the running total). */
  bytes(n: number): void;
  /** Records committed so far in this file (the running total). */
  records(total: number): void;
  /** The file is finished; `records` is its final count. */
  done(records: number): void;
}

/** Creates a `FileProgress` for each file an import reads. */
export interface ProgressReporter {
  file(source: string, file: string, totalBytes: number): FileProgress;
}

/** A reporter that shows nothing. */
export const silentProgress: ProgressReporter = {
  file: () => ({ bytes: () => {}, records: () => {}, done: () => {} }),
};

/** A bar on a terminal stream (stderr), redrawn at most ten times a second. */
export function terminalProgress(stream: NodeJS.WriteStream, now: () => number = Date.now): ProgressReporter {
  return {
    file(source, file, totalBytes) {
      const started = now();
      let read = 0;
      let recs = 0;
      let drawn = 0;
      const name = `${source} ${file}`;
      const draw = (final: boolean) => {
        const t = now();
        if (!final && t - drawn < 100) return;
        drawn = t;
        const frac = totalBytes > 0 ? Math.min(1, read / totalBytes) : 1;
        const width = 24;
        const full = Math.round(frac * width);
        const rate = recs / Math.max(0.001, (t - started) / 1000);
        const bar = `${'█'.repeat(full)}${'░'.repeat(width - full)}`;
        stream.write(
          `\r\x1b[2K${name.slice(-40).padEnd(40)} ${bar} ${(frac * 100).toFixed(0).padStart(3)}% ${recs.toLocaleString('en-US')} records ${Math.round(rate).toLocaleString('en-US')}/s${final ? '\n' : ''}`,
        );
      };
      return {
        bytes(n) {
          read += n;
          draw(false);
        },
        records(total) {
          recs = total;
          draw(false);
        },
        done(total) {
          recs = total;
          read = totalBytes;
          draw(true);
        },
      };
    },
  };
}

/** Structured progress lines through the logger, at most one per `everyMs` per file plus one when a file is done. */
export function logProgress(logger: Logger, everyMs = 2000, now: () => number = Date.now): ProgressReporter {
  return {
    file(source, file, totalBytes) {
      const started = now();
      let read = 0;
      let recs = 0;
      let logged = started;
      const fields = () => ({
        source,
        file,
        bytesRead: Math.min(read, totalBytes),
        totalBytes,
        percent: totalBytes > 0 ? Math.round((Math.min(read, totalBytes) / totalBytes) * 1000) / 10 : 100,
        records: recs,
        elapsedMs: now() - started,
      });
      const maybeLog = () => {
        if (now() - logged < everyMs) return;
        logged = now();
        logger.info({ progress: fields() }, 'import progress');
      };
      return {
        bytes(n) {
          read += n;
          maybeLog();
        },
        records(total) {
          recs = total;
          maybeLog();
        },
        done(total) {
          recs = total;
          read = totalBytes;
          logger.info({ progress: fields() }, 'import file done');
        },
      };
    },
  };
}
