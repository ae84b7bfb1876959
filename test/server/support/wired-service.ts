/**
 * Earworm wired as `earworm start` wires it — createRuntime, configuredFrontEnds, serveFrontEnds — over the fixture
 * catalogue and model, on 127.0.0.1 at a free port. `env` is the environment the configuration is read from.
 */
import { loadConfig } from '../../../src/config/config.ts';
import { silentLogger } from '../../../src/logging/logger.ts';
import { SeededRandom } from '../../../src/recsys/rng.ts';
import { configuredFrontEnds, serveFrontEnds, type FrontEndSlot } from '../../../src/server/front-ends.ts';
import type { RunningServer } from '../../../src/http/http-server.ts';
import type { ShutdownReport } from '../../../src/server/lifecycle.ts';
import { createRuntime, type Runtime } from '../../../src/server/runtime.ts';
import type { Driver } from '../../support/db.ts';
import { openHarness, type Harness } from '../../tools/support/tool-harness.ts';

/** The running service. */
export interface WiredService {
  readonly h: Harness;
  readonly rt: Runtime;
  readonly slots: readonly FrontEndSlot[];
  readonly server: RunningServer;
  /** Shuts the service down (the report of the first shutdown) and removes the state folder. */
  close(): Promise<ShutdownReport>;
}

/** Starts the service on one driver. */
export async function openService(driver: Driver, env: Record<string, string> = {}): Promise<WiredService> {
  const h = await openHarness(driver);
  try {
    const config = loadConfig({ EARWORM_HOME: h.home, LOG_LEVEL: 'silent', ...env });
    let seed = 1;
    const rt = await createRuntime({ config, db: h.db, logger: silentLogger, random: () => new SeededRandom(seed++), drainMs: 1000 });
    const slots = await configuredFrontEnds(rt);
    let server: RunningServer;
    try {
      server = await serveFrontEnds(rt, slots, { port: 0, host: '127.0.0.1' });
    } catch (err) {
      await rt.shutdown('start failed');
      throw err;
    }
    return {
      h,
      rt,
      slots,
      server,
      async close() {
        const report = await rt.shutdown('test end');
        await h.close();
        return report;
      },
    };
  } catch (err) {
    await h.close();
    throw err;
  }
}
