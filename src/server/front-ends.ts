/**
 * The front ends and background parts `earworm start` runs beside MCP and the terminal chat: Discord, Slack, the web
 * playground and dashboard, Spotify linking, and jobs. Each is on when its variables are set; each plugs in as a
 * `FrontEnd` (routes for the HTTP server and/or a start/stop handle). Each slot below builds one front end; the factory
 * is called; a part that is off reports what would turn it on.
 */
import { pruneDeliveries } from '../desk/event-dedupe.ts';
import { chartPngForPerson } from '../bots/common/taste-chart.ts';
import { DiscordBot } from '../bots/discord/discord-bot.ts';
import { startDiscordGateway, type DiscordGateway } from '../bots/discord/discord-gateway.ts';
import { discordInteractionsRoute } from '../bots/discord/discord-interactions.ts';
import { createSlackFrontEnd } from '../bots/slack/slack-app.ts';
import type { Background } from '../jobs/background.ts';
import { spotifyCallbackRoute } from '../spotify/callback-route.ts';
import { dashboardRoutes } from '../web/dashboard.ts';
import { webPlaygroundRoutes } from '../web/playground.ts';
import { pruneWebSessions, webSessionSecret } from '../desk/web-sessions.ts';
import { Gauge } from 'prom-client';
import { latestDrift } from '../pipeline/drift-check.ts';
import type { Route, RunningServer } from '../http/http-server.ts';
import { startJobs } from './composition.ts';
import type { ShutdownPhase } from './lifecycle.ts';
import { DbRequestLog } from '../serving/postgres/db-request-log.ts';
import { latencyFigures } from './metrics.ts';
import type { ReadinessCheck } from './readiness.ts';
import type { Runtime } from './runtime.ts';
import type { webApi } from '@slack/bolt';

/** What a front end adds to the running service. */
interface FrontEnd {
  /** Routes served by Earworm's HTTP server (Slack events, Discord interactions, /web/*, /spotify/callback). */
  readonly routes?: readonly Route[];
  /** Starts background parts after the HTTP server listens (a gateway connection, a queue worker). */
  start?(): Promise<void>;
  /** Stops them at shutdown, in `stopPhase` (default `intake`: stop taking new work first). */
  stop?(): Promise<void>;
  readonly stopPhase?: ShutdownPhase;
  /** How to reach it, for the start banner ("Slack events at https://…/slack/events"). */
  readonly summary: string;
}

/** One line of the start banner: a part that is on (with its front end) or off (with what turns it on). */
export type FrontEndSlot =
  | { readonly name: string; readonly on: true; readonly frontEnd: FrontEnd }
  | { readonly name: string; readonly on: false; readonly why: string };

/** Where the front ends reach their platforms (local fakes in tests); the platforms' own hosts by default. */
interface PlatformEndpoints {
  /** Slack Web API client options (`slackApiUrl`, retries). */
  readonly slack?: webApi.WebClientOptions;
  /** Discord REST base URL of the interactions endpoint's follow-ups (`https://discord.com/api` by default). */
  readonly discordApi?: string;
}

/** The configured front ends, in banner order. */
export async function configuredFrontEnds(rt: Runtime, endpoints: PlatformEndpoints = {}): Promise<FrontEndSlot[]> {
  const { config } = rt;
  const slots: FrontEndSlot[] = [];

  // Jobs: the queue (BullMQ with REDIS_URL, in-process otherwise) and scheduled retraining (EARWORM_RETRAIN_CRON); the
  // model watcher that hot-swaps new versions into the running services is the composition root's (composition.ts).
  // The latest drift check per feature (population stability index), read from drift_reports at scrape time.
  const db = rt.db;
  new Gauge({
    name: 'earworm_drift_psi',
    help: 'Population stability index of each monitored feature against the training snapshot (latest drift check)',
    labelNames: ['feature'],
    registers: [rt.metrics.registry],
    async collect() {
      this.reset();
      for (const d of await latestDrift(db).catch(() => [])) this.set({ feature: d.feature }, d.value);
    },
  });
  let background: Background | undefined;
  slots.push({
    name: 'jobs',
    on: true,
    frontEnd: {
      start: async () => {
        background = await startJobs(rt, rt);
      },
      stop: async () => {
        await background?.close();
      },
      stopPhase: 'work',
      summary:
        config.redisUrl === undefined
          ? `in-process${config.retrainCron !== undefined ? `, retraining at "${config.retrainCron}" (UTC)` : ''} (set REDIS_URL and run \`earworm worker\` to move jobs out)`
          : `BullMQ on REDIS_URL${config.retrainCron !== undefined ? `, retraining at "${config.retrainCron}" (UTC)` : ''}; run \`earworm worker\` beside this process`,
    },
  });

  // Housekeeping, hourly: expired buttons, old delivery ids (Slack/Discord retries), expired web sessions and recommend
  // requests past their retention.
  let sweeper: NodeJS.Timeout | undefined;
  const sweep = async () => {
    try {
      const removed = { buttons: await rt.desk.buttons.prune(), deliveries: await pruneDeliveries(rt.db), webSessions: await pruneWebSessions(rt.db), requests: await new DbRequestLog(rt.db, rt.logger).prune() };
      rt.logger.debug(removed, 'housekeeping');
    } catch (err) {
      rt.logger.warn({ err }, 'housekeeping failed; it runs again in an hour');
    }
  };
  slots.push({
    name: 'housekeeping',
    on: true,
    frontEnd: {
      start: async () => {
        sweeper = setInterval(() => void sweep(), 3_600_000);
        sweeper.unref();
        await sweep();
      },
      stop: async () => {
        clearInterval(sweeper);
      },
      stopPhase: 'work',
      summary: 'hourly: expired buttons, old delivery ids, expired web sessions and recommend requests older than 30 days are removed',
    },
  });

  // The taste chart image shared by Discord (/profile) and Slack (App Home).
  const chartPng = (personId: number) => chartPngForPerson(rt.services, personId);

  // Discord: the gateway with DISCORD_TOKEN, the HTTP interactions endpoint with DISCORD_PUBLIC_KEY.
  if (config.discord.token !== undefined || config.discord.publicKey !== undefined) {
    const log = rt.logger.child({ component: 'discord' });
    const bot = new DiscordBot({ desk: rt.desk, db: rt.db, logger: log, chartPng });
    const token = config.discord.token;
    const publicKey = config.discord.publicKey;
    let gateway: DiscordGateway | undefined;
    slots.push({
      name: 'discord',
      on: true,
      frontEnd: {
        routes: publicKey !== undefined ? [discordInteractionsRoute({ publicKey, bot, logger: log, ...(endpoints.discordApi !== undefined ? { rest: { api: endpoints.discordApi } } : {}) })] : [],
        ...(token !== undefined
          ? {
              start: async () => {
                gateway = await startDiscordGateway({ token, bot, logger: log });
              },
              stop: async () => {
                await gateway?.stop();
              },
            }
          : {}),
        summary: [
          token !== undefined ? 'gateway connected with DISCORD_TOKEN' : undefined,
          publicKey !== undefined ? `interactions endpoint ${config.publicUrl}/discord/interactions` : undefined,
        ]
          .filter((x) => x !== undefined)
          .join('; ') + ' (register commands once: `earworm discord:register`)',
      },
    });
  } else {
    slots.push(off('discord', 'set DISCORD_TOKEN and DISCORD_APPLICATION_ID (gateway) or DISCORD_PUBLIC_KEY (HTTP interactions)'));
  }

  // Slack: HTTP events at /slack/events with SLACK_SIGNING_SECRET, or Socket Mode with SLACK_APP_TOKEN.
  if (config.slack.botToken !== undefined) {
    const slackClient = endpoints.slack ?? (config.slack.apiUrl !== undefined ? { slackApiUrl: config.slack.apiUrl } : undefined);
    const slack = createSlackFrontEnd({
      desk: rt.desk,
      db: rt.db,
      logger: rt.logger.child({ component: 'slack' }),
      slack: config.slack,
      publicUrl: config.publicUrl,
      chartPng,
      ...(slackClient !== undefined ? { clientOptions: slackClient } : {}),
    });
    slots.push({
      name: 'slack',
      on: true,
      frontEnd: {
        routes: slack.routes,
        start: () => slack.start(),
        stop: () => slack.stop(),
        summary: slack.mode === 'socket' ? 'Socket Mode (SLACK_APP_TOKEN)' : `events, commands and buttons at ${config.publicUrl}/slack/events`,
      },
    });
  } else {
    slots.push(off('slack', 'set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN for Socket Mode)'));
  }

  // The web playground (always) and the operator dashboard (with DASHBOARD_TOKEN).
  const secureCookies = config.publicUrl.startsWith('https:');
  const nav = '<nav aria-label="Sections"><a href="/web">Playground</a> <a href="/dashboard">Dashboard</a></nav>';
  slots.push({
    name: 'web',
    on: true,
    frontEnd: {
      routes: [
        ...webPlaygroundRoutes({ db: rt.db, desk: rt.desk, services: rt.services, logger: rt.logger.child({ component: 'web' }), secureCookies, nav, secret: webSessionSecret(config.home, config.secret) }),
        ...dashboardRoutes({
          db: rt.db,
          services: rt.services,
          logger: rt.logger.child({ component: 'dashboard' }),
          token: config.dashboardToken,
          latency: () => latencyFigures(rt.metrics),
          onActivate: async () => {
            await rt.services.models?.reload();
          },
          secureCookies,
          nav,
        }),
      ],
      summary: `playground ${config.publicUrl}/web; ${config.dashboardToken !== undefined ? `dashboard ${config.publicUrl}/dashboard (DASHBOARD_TOKEN)` : 'dashboard off (set DASHBOARD_TOKEN)'}`,
    },
  });

  // Spotify: /spotify/callback and the account-linking tools.
  if (rt.services.spotify !== undefined) {
    slots.push({
      name: 'spotify',
      on: true,
      frontEnd: {
        routes: [spotifyCallbackRoute(rt.services.spotify, rt.logger.child({ component: 'spotify' }))],
        summary: `account linking; OAuth callback ${config.spotify?.redirectUri ?? ''}`,
      },
    });
  } else {
    slots.push(off('spotify', 'set SPOTIFY_CLIENT_ID, SPOTIFY_CLIENT_SECRET and EARWORM_SECRET'));
  }

  return slots;
}

/** The served front ends: the running server, and the front ends that failed to start with why. */
export interface ServedFrontEnds extends RunningServer {
  /** Front end name → the reason it failed to start (it reports not ready; the others serve). */
  readonly failed: ReadonlyMap<string, string>;
}

/** Where a front end with a start step stands. */
type StartState = { readonly kind: 'starting' } | { readonly kind: 'running' } | { readonly kind: 'failed'; readonly reason: string };

/** A readiness check per front end that has a start step: ok once started, failing with the reason otherwise. */
function frontEndCheck(name: string, state: () => StartState): ReadinessCheck {
  return {
    name,
    required: true,
    run: () => {
      const s = state();
      if (s.kind === 'running') return Promise.resolve({ status: 'ok' as const });
      return Promise.resolve({ status: 'fail' as const, detail: s.kind === 'starting' ? 'starting' : `failed to start: ${s.reason}` });
    },
  };
}

/**
 * Serves the runtime's routes plus those of the front ends that are on, registers each one's stop for shutdown (in
 * its phase) and starts them, in slot order: what `earworm start` runs. A listen error (EADDRINUSE) passes through.
 * A front end whose start fails is logged and reported on /readyz (not ready, with its reason) while the others keep
 * serving; once shutdown has begun, the remaining ones are not started.
 */
export async function serveFrontEnds(rt: Runtime, slots: readonly FrontEndSlot[], where?: { readonly port?: number; readonly host?: string }): Promise<ServedFrontEnds> {
  const frontEnds = slots.flatMap((s) => (s.on ? [{ name: s.name, frontEnd: s.frontEnd }] : []));
  const states = new Map<string, StartState>();
  for (const { name, frontEnd } of frontEnds) {
    if (frontEnd.start === undefined) continue;
    states.set(name, { kind: 'starting' });
    rt.readiness.push(frontEndCheck(name, () => states.get(name) ?? { kind: 'starting' }));
  }
  const running = await rt.serve(frontEnds.flatMap(({ frontEnd }) => frontEnd.routes ?? []), where);
  const failed = new Map<string, string>();
  for (const { name, frontEnd } of frontEnds) {
    if (rt.lifecycle.stopping) break;
    if (frontEnd.stop !== undefined) rt.lifecycle.onShutdown(name, () => frontEnd.stop?.(), frontEnd.stopPhase ?? 'intake');
    if (frontEnd.start === undefined) continue;
    try {
      await frontEnd.start();
      states.set(name, { kind: 'running' });
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      states.set(name, { kind: 'failed', reason });
      failed.set(name, reason);
      rt.logger.error({ err, frontEnd: name }, `the ${name} front end failed to start; the others keep serving and /readyz reports it`);
    }
  }
  return { ...running, failed };
}

function off(name: string, why: string): FrontEndSlot {
  return { name, on: false, why };
}
