/** Earworm's HTTP server with the web playground and the dashboard over the fixture catalogue, on 127.0.0.1:0. */
import { randomBytes } from 'node:crypto';
import { Agent } from '../../../src/agent/agent.ts';
import { PgConversationStore } from '../../../src/desk/pg-conversation-store.ts';
import { FrontDesk } from '../../../src/desk/front-desk.ts';
import { silentLogger } from '../../../src/logging/logger.ts';
import { createHttpServer, listen, type RunningServer } from '../../../src/http/http-server.ts';
import { dashboardRoutes, type DashboardOptions } from '../../../src/web/dashboard.ts';
import { webPlaygroundRoutes } from '../../../src/web/playground.ts';
import type { Driver } from '../../support/db.ts';
import { openHarness, type Harness } from '../../tools/support/tool-harness.ts';

/** The running server and what it serves. */
export interface WebHarness {
  readonly h: Harness;
  readonly desk: FrontDesk;
  readonly server: RunningServer;
  /** The sessions' clock: move it forward to expire sessions. */
  clock: number;
  close(): Promise<void>;
}

/** The key that signs the test server's session cookies. */
export const WEB_SECRET = randomBytes(32);

/** Dashboard token of the test server. */
export const DASHBOARD_TOKEN = 'test-dashboard-token-0123456789';

/** Starts the server on one driver. */
export async function openWeb(driver: Driver, dashboard: Partial<Omit<DashboardOptions, 'db' | 'services'>> = {}): Promise<WebHarness> {
  const h = await openHarness(driver);
  const store = new PgConversationStore(h.db);
  const desk = new FrontDesk({ db: h.db, agent: new Agent({ services: h.services }), services: h.services, store, logger: silentLogger, ratePerMinute: 1000 });
  const web: { clock: number } = { clock: Date.now() };
  const routes = [
    ...webPlaygroundRoutes({ db: h.db, desk, services: h.services, logger: silentLogger, now: () => web.clock, secret: WEB_SECRET, sessionLimits: { perAddressPerMinute: 1000, perMinute: 1000 }, nav: '<nav aria-label="Sections"><a href="/web">Playground</a><a href="/dashboard">Dashboard</a></nav>' }),
    ...dashboardRoutes({ db: h.db, services: h.services, logger: silentLogger, token: DASHBOARD_TOKEN, ...dashboard }),
  ];
  const server = await listen(createHttpServer(routes, silentLogger), 0, '127.0.0.1');
  return Object.assign(web, {
    h,
    desk,
    server,
    async close() {
      await server.close();
      await h.close();
    },
  });
}
