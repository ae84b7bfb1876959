/**
 * The process-level safety net of a serving process: an `unhandledRejection` or `uncaughtException` (a promise a
 * library left unawaited, a throw in a timer) is logged as an UnhandledError with its cause and counted in
 * `earworm_unhandled_errors_total`, and the process keeps serving its other requests and front ends. Before the
 * process is serving (`serving()` not called yet) such an error is a start-up failure: logged as fatal and the process
 * exits with status 1, as Node would, so a broken start is never swallowed.
 */
import type { Logger } from '../logging/logger.ts';

/** Where the error came from (the process event). */
type UnhandledOrigin = 'unhandledRejection' | 'uncaughtException';

/** An error nothing handled, caught by the safety net; `cause` is what was thrown or rejected. */
class UnhandledError extends Error {
  readonly code = 'UNHANDLED';
  constructor(
    readonly origin: UnhandledOrigin,
    cause: unknown,
  ) {
    super(`${origin === 'unhandledRejection' ? 'a promise rejected with nothing to handle it' : 'an exception was thrown with nothing to catch it'}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'UnhandledError';
  }
}

/** The process events the net listens to (`process` in production). */
export interface ProcessEvents {
  on(event: UnhandledOrigin, listener: (error: unknown) => void): unknown;
  off(event: UnhandledOrigin, listener: (error: unknown) => void): unknown;
}

/** Options of the net; defaults in brackets. */
interface SafetyNetOptions {
  readonly logger: Logger;
  /** Counts each caught error by origin (Metrics.unhandledError). */
  readonly count: (origin: UnhandledOrigin) => void;
  /** [process] */
  readonly source?: ProcessEvents;
  /** How a start-up failure ends the process [process.exit]. */
  readonly exit?: (code: number) => void;
}

/** An installed net. */
interface SafetyNet {
  /** From now on an unhandled error is logged and counted, and the process keeps serving. */
  serving(): void;
  /** Removes the listeners. */
  remove(): void;
}

/** Installs the net on the process (or `source`). */
export function installSafetyNet(options: SafetyNetOptions): SafetyNet {
  const source = options.source ?? process;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let serving = false;
  const handler = (origin: UnhandledOrigin) => (error: unknown) => {
    const err = new UnhandledError(origin, error);
    options.count(origin);
    if (!serving) {
      options.logger.fatal({ err, origin }, 'unhandled error during start-up; exiting');
      exit(1);
      return;
    }
    options.logger.error({ err, origin }, 'unhandled error caught by the safety net; still serving');
  };
  const onRejection = handler('unhandledRejection');
  const onException = handler('uncaughtException');
  source.on('unhandledRejection', onRejection);
  source.on('uncaughtException', onException);
  return {
    serving: () => {
      serving = true;
    },
    remove: () => {
      source.off('unhandledRejection', onRejection);
      source.off('uncaughtException', onException);
    },
  };
}
