/** Structured logging (pino): JSON lines to stderr, so stdout stays for a command's own output. */
import { pino, type Logger } from 'pino';

export type { Logger };

/** A logger at the configured level writing JSON lines to stderr. */
export function createLogger(options: { readonly logLevel: string; readonly name?: string }): Logger {
  return pino({ level: options.logLevel, name: options.name ?? 'earworm', base: null }, pino.destination(2));
}

/** A logger that discards everything, for tests and library callers that pass none. */
export const silentLogger: Logger = pino({ level: 'silent' });

/** A child logger whose every line names the job it runs for (id, queue, name, attempt), for job processors. */
export function jobLogger(logger: Logger, job: { readonly id: string | number; readonly queue: string; readonly name: string; readonly attempt?: number }): Logger {
  return logger.child({ job: String(job.id), queue: job.queue, jobName: job.name, ...(job.attempt !== undefined ? { attempt: job.attempt } : {}) });
}
