/** Typed errors of the job system; callers branch on `code`. */

/** Redis could not be reached: the message names the URL and what to do. */
export class RedisUnavailableError extends Error {
  readonly code = 'REDIS_UNAVAILABLE';
  constructor(readonly url: string, options: { cause: unknown }) {
    super(
      `Redis at ${redactUrl(url)} is unreachable (${describe(options.cause)}). Start Redis (docker compose up -d redis), ` +
        'fix REDIS_URL, or unset REDIS_URL to run jobs in-process.',
      options,
    );
    this.name = 'RedisUnavailableError';
  }
}

/** A job request that cannot run: unknown name, bad data or bad key. */
export class InvalidJobError extends Error {
  readonly code = 'INVALID_JOB';
  constructor(message: string) {
    super(message);
    this.name = 'InvalidJobError';
  }
}

/** A cron pattern that cannot be parsed (EARWORM_RETRAIN_CRON). */
export class InvalidCronError extends Error {
  readonly code = 'INVALID_CRON';
  constructor(readonly pattern: string, reason: string) {
    super(`EARWORM_RETRAIN_CRON "${pattern}" is not a cron pattern (${reason}); use five fields such as "0 4 * * *", or "off".`);
    this.name = 'InvalidCronError';
  }
}

/** A job failure that retrying cannot fix (no processor for the job, invalid data): the job fails at once. */
export class PermanentJobError extends Error {
  readonly code = 'JOB_PERMANENT_FAILURE';
  constructor(message: string, options?: { cause: unknown }) {
    super(message, options);
    this.name = 'PermanentJobError';
  }
}

/** A URL with its password replaced by ***. */
function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== '') u.password = '***';
    return u.toString().replace(/\/$/, '');
  } catch {
    return '(unparseable URL)';
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
