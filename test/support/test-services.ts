/**
 * The outside services a test run may have: CI (.ci/run) starts Redis and Postgres and names them in
 * EARWORM_TEST_REDIS_URL / EARWORM_TEST_DATABASE_URL; a fresh clone has neither, and the tests that need one are
 * registered as skipped with the reason (`skippedSuite`) instead of failing or connecting to a guessed address.
 * Tests that start their own `redis-server` (stop/start fault tests) need the binary on PATH (`HAS_REDIS_SERVER`).
 */
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'vitest';

/** The Redis of this run, if CI (or you) named one. */
export const TEST_REDIS_URL: string | undefined = process.env.EARWORM_TEST_REDIS_URL || undefined;

/** Why Redis tests are skipped in this run; undefined when a test Redis is set. */
export const NO_TEST_REDIS: string | undefined =
  TEST_REDIS_URL === undefined ? 'needs a Redis: set EARWORM_TEST_REDIS_URL=redis://127.0.0.1:<port> (.ci/run starts one)' : undefined;

/** Whether an executable is on PATH. */
function onPath(name: string): boolean {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir === '') continue;
    try {
      accessSync(path.join(dir, name), constants.X_OK);
      return true;
    } catch {
      // not in this folder
    }
  }
  return false;
}

/** Whether `redis-server` can be started by tests that stop and start their own Redis. */
export const HAS_REDIS_SERVER: boolean = onPath('redis-server');

/** Why tests that run their own redis-server are skipped in this run; undefined when it is installed. */
export const NO_REDIS_SERVER: string | undefined = HAS_REDIS_SERVER ? undefined : 'needs redis-server on PATH (apt-get install redis-server)';

/** Registers `name` as a skipped suite that says why, when `reason` is set: the run lists what it skipped. */
export function skippedSuite(name: string, reason: string | undefined): void {
  if (reason === undefined) return;
  describe.skip(`${name} [skipped: ${reason}]`, () => {
    it(`${name} [skipped: ${reason}]`, () => {});
  });
}
