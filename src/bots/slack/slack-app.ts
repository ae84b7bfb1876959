/**
 * The Slack front end: a Bolt app whose listeners translate Slack payloads into FrontDesk calls and render the answers
 * as Block Kit. Production uses Bolt's HTTPReceiver mounted on Earworm's own HTTP server (`POST /slack/events` for
 * events, slash commands and interactivity); development uses Socket Mode when an app-level token is configured.
 *
 * Every listener acknowledges first (Slack drops what is not acknowledged within 3 s) and then posts its answer with
 * the Web API (chat.postMessage / chat.update / views.publish / views.open) or the command's response_url; the one
 * exception is the taste form's submission, stored before its ack so field errors can show (slack-tastes.ts).
 * Retried event deliveries are dropped on `event_id`; things meant for one person (rate limits, expired buttons,
 * errors, "people like me") go out ephemeral.
 */
import { App, HTTPReceiver, LogLevel, type Logger as BoltLogger, type webApi } from '@slack/bolt';
import type { Db } from '../../db/db.ts';
import type { Logger } from '../../logging/logger.ts';
import type { Route } from '../../http/http-server.ts';
import { firstDelivery } from '../../desk/event-dedupe.ts';
import type { FrontDesk, Speaker } from '../../desk/front-desk.ts';
import { slackChartRoute, type ChartPng } from './charts.ts';
import { slackHome } from './slack-home.ts';
import { registerButtonListeners, registerTextListeners } from './slack-listeners.ts';
import { slackErrorCode, slackMessenger } from './slack-messages.ts';
import { slackRequestGate } from './slack-gate.ts';
import { registerTastesView } from './slack-tastes.ts';

/** Path of the events / commands / interactivity endpoint on Earworm's HTTP server. */
export const SLACK_EVENTS_PATH = '/slack/events';

/** What the Slack front end needs. */
interface SlackFrontEndOptions {
  readonly desk: FrontDesk;
  readonly db: Db;
  /** `config.slack`: botToken required; signingSecret for HTTP; appToken switches to Socket Mode. */
  readonly slack: { readonly botToken: string | undefined; readonly signingSecret: string | undefined; readonly appToken: string | undefined };
  /** `config.publicUrl`: chart image URLs start with it. */
  readonly publicUrl: string;
  readonly logger: Logger;
  /** Taste chart renderer (src/bots/common/taste-chart.ts); without it the Home tab shows no chart. */
  readonly chartPng?: ChartPng;
  /** Web API client options, e.g. `slackApiUrl` of a local fake in tests (defaults: SLACK_WEB_API_DEFAULTS). */
  readonly clientOptions?: webApi.WebClientOptions;
  /** Longest `start()` may take (auth.test, and Socket Mode's connection) before the front end fails [20,000 ms]. */
  readonly startTimeoutMs?: number;
}

/** Web API calls are bounded: a few quick retries and a per-request timeout, never Slack's default half hour of retries. */
const SLACK_WEB_API_DEFAULTS = { retryConfig: { retries: 2, factor: 2, minTimeout: 500, maxTimeout: 2000, randomize: false }, timeout: 10_000 } as const;

/** Where the Web API is unless `slackApiUrl` says otherwise. */
const SLACK_API_DEFAULT = 'https://slack.com/api/';

/** A running Slack front end. */
export interface SlackFrontEnd {
  /** `http`: mount `routes` on Earworm's server; `socket`: `start()` opens the Socket Mode connection. */
  readonly mode: 'http' | 'socket';
  readonly app: App;
  /** `POST /slack/events` (HTTP mode) and `GET /slack/charts/*` (when `chartPng` is given). */
  readonly routes: readonly Route[];
  /**
   * Verifies the bot token (auth.test); in Socket Mode also connects. Bounded by `startTimeoutMs`; rejects with a
   * SlackStartError that says what to check. Until it succeeds `/slack/events` answers 503.
   */
  start(): Promise<void>;
  /** Why the front end is not serving now (starting, failed with its reason, stopped); undefined while it runs. */
  readonly problem: string | undefined;
  /** Closes the Socket Mode connection (HTTP mode: nothing to close; the HTTP server owns the sockets). */
  stop(): Promise<void>;
}

/** The Slack front end could not start (Slack's Web API unreachable, too slow, or refusing the token); the message says what to check. */
export class SlackStartError extends Error {
  readonly code = 'SLACK_START';
  constructor(message: string, options?: { cause: unknown }) {
    super(message, options);
    this.name = 'SlackStartError';
  }
}

/** Explains a failed start for the operator: which variable or host to check. */
function startFailure(err: unknown, apiUrl: string, timeoutMs: number): SlackStartError {
  const where = apiUrl === SLACK_API_DEFAULT ? `Slack's Web API (${apiUrl})` : `the Slack Web API at ${apiUrl} (SLACK_API_URL)`;
  const host = apiUrl === SLACK_API_DEFAULT ? 'that this host can reach slack.com over HTTPS (network, proxy, firewall)' : 'SLACK_API_URL and that it answers';
  if (err === 'timeout') return new SlackStartError(`${where} did not answer auth.test within ${Math.round(timeoutMs / 1000)} s: check ${host}.`);
  const code = slackErrorCode(err);
  if (code === 'invalid_auth' || code === 'not_authed' || code === 'account_inactive' || code === 'token_revoked' || code === 'token_expired') {
    return new SlackStartError(`Slack refused SLACK_BOT_TOKEN (${code}): copy the "Bot User OAuth Token" (xoxb-…) again from your Slack app's OAuth & Permissions page.`, { cause: err });
  }
  if (code !== undefined) return new SlackStartError(`${where} answered auth.test with "${code}": check SLACK_BOT_TOKEN and the app's settings.`, { cause: err });
  // The socket's own error ("connect ECONNREFUSED …") is the deepest cause, under the Web API's and fetch's wrappers.
  let deepest: unknown = (err as { original?: unknown } | undefined)?.original ?? err;
  while (deepest instanceof Error && deepest.cause instanceof Error) deepest = deepest.cause;
  const why = deepest instanceof Error ? deepest.message : String(deepest);
  return new SlackStartError(`${where} is unreachable (${why}): check ${host}.`, { cause: err });
}

/** The Slack settings cannot work as given. */
export class SlackConfigError extends Error {
  readonly code = 'SLACK_CONFIG';
  constructor(message: string) {
    super(message);
    this.name = 'SlackConfigError';
  }
}

/** Bolt's logger interface over pino. */
function boltLogger(logger: Logger): BoltLogger {
  const log = logger.child({ component: 'slack' });
  const text = (msg: unknown[]) => msg.map((m) => (m instanceof Error ? m.message : typeof m === 'string' ? m : JSON.stringify(m))).join(' ');
  const errOf = (msg: unknown[]) => msg.find((m): m is Error => m instanceof Error);
  let level: LogLevel = LogLevel.INFO;
  return {
    debug: (...msg: unknown[]) => log.debug(text(msg)),
    info: (...msg: unknown[]) => log.info(text(msg)),
    warn: (...msg: unknown[]) => log.warn({ err: errOf(msg) }, text(msg)),
    error: (...msg: unknown[]) => log.error({ err: errOf(msg) }, text(msg)),
    setLevel: (l: LogLevel) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => {},
  };
}

/** Whether the public URL is one Slack's image proxy can fetch (not loopback). */
function fetchableFromSlack(publicUrl: string): boolean {
  try {
    const host = new URL(publicUrl).hostname;
    return !(host === 'localhost' || host.startsWith('127.') || host === '[::1]' || host === '0.0.0.0');
  } catch {
    return false;
  }
}

/** The Bolt app: Socket Mode with an app-level token, else HTTP through a receiver that Earworm's server mounts. */
function boltApp(slack: { botToken: string; appToken: string | undefined; signingSecret: string | undefined }, logger: BoltLogger, clientOptions: webApi.WebClientOptions): { app: App; receiver?: HTTPReceiver } {
  if (slack.appToken !== undefined) {
    return { app: new App({ token: slack.botToken, appToken: slack.appToken, socketMode: true, logger, clientOptions, deferInitialization: true }) };
  }
  const receiver = new HTTPReceiver({ signingSecret: slack.signingSecret!, endpoints: [SLACK_EVENTS_PATH], logger, processBeforeResponse: false });
  return { app: new App({ receiver, token: slack.botToken, logger, clientOptions, deferInitialization: true }), receiver };
}

/** Retried or repeated event deliveries: the first delivery of an event_id wins. */
function dropRepeatedEvents(app: App, db: Db, log: Logger): void {
  app.use(async ({ body, context, next }) => {
    const b = body as { type?: unknown; event_id?: unknown };
    if (b.type === 'event_callback' && typeof b.event_id === 'string') {
      if (!(await firstDelivery(db, 'slack', b.event_id))) {
        log.info({ eventId: b.event_id, retryNum: context.retryNum, retryReason: context.retryReason }, 'repeated Slack event delivery ignored');
        return;
      }
      if (context.retryNum !== undefined) log.info({ eventId: b.event_id, retryNum: context.retryNum, retryReason: context.retryReason }, 'Slack retry of an event not seen before: handling it');
    }
    await next();
  });
}

/** Verifies the token (auth.test) and, in Socket Mode, connects, within `timeoutMs`; rejects with a SlackStartError. */
async function initWithin(app: App, mode: 'http' | 'socket', apiUrl: string, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(startFailure('timeout', apiUrl, timeoutMs)), timeoutMs);
    timer.unref();
  });
  const work = (async () => {
    await app.init();
    if (mode === 'socket') await app.start();
  })();
  // The abandoned attempt may still fail later (its bounded retries): that is not an unhandled rejection.
  work.catch(() => undefined);
  try {
    await Promise.race([work.catch((err: unknown) => Promise.reject(err instanceof SlackStartError ? err : startFailure(err, apiUrl, timeoutMs))), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Builds the Slack front end from the configuration pieces it needs. */
export function createSlackFrontEnd(options: SlackFrontEndOptions): SlackFrontEnd {
  const { desk, db, logger, slack } = options;
  if (slack.botToken === undefined) throw new SlackConfigError('SLACK_BOT_TOKEN is not set: copy the "Bot User OAuth Token" (xoxb-…) from your Slack app\'s OAuth & Permissions page.');
  const mode: 'http' | 'socket' = slack.appToken !== undefined ? 'socket' : 'http';
  if (mode === 'http' && slack.signingSecret === undefined) {
    throw new SlackConfigError('SLACK_SIGNING_SECRET is not set: copy the "Signing Secret" from your Slack app\'s Basic Information page (or set SLACK_APP_TOKEN to use Socket Mode).');
  }
  const blog = boltLogger(logger);
  const log = logger.child({ component: 'slack' });
  const clientOptions: webApi.WebClientOptions = { ...SLACK_WEB_API_DEFAULTS, ...options.clientOptions };
  const apiUrl = clientOptions.slackApiUrl ?? SLACK_API_DEFAULT;
  const startTimeoutMs = options.startTimeoutMs ?? 20_000;
  // Until start() has verified the token, Bolt would take requests and drop them: /slack/events answers 503 instead.
  let state: { readonly kind: 'starting' } | { readonly kind: 'running' } | { readonly kind: 'failed'; readonly reason: string } | { readonly kind: 'stopped' } = { kind: 'starting' };
  const problem = (): string | undefined =>
    state.kind === 'running' ? undefined : state.kind === 'failed' ? state.reason : state.kind === 'starting' ? 'still starting (verifying SLACK_BOT_TOKEN with auth.test)' : 'stopped';
  const { app, receiver } = boltApp({ botToken: slack.botToken, appToken: slack.appToken, signingSecret: slack.signingSecret }, blog, clientOptions);
  const chartsOn = options.chartPng !== undefined && fetchableFromSlack(options.publicUrl);
  app.error(async (error) => {
    log.error({ err: error }, 'Slack listener failed');
  });
  dropRepeatedEvents(app, db, log);

  const speaker = (team: string | undefined, user: string, channelId: string): Speaker => ({ platform: 'slack', externalId: `${team ?? 'unknown'}:${user}`, channelId });
  const home = slackHome({ desk, log, speaker, chartsOn, publicUrl: options.publicUrl });
  const listeners = { desk, messenger: slackMessenger(log), home, speaker };
  registerTextListeners(app, listeners);
  registerButtonListeners(app, listeners);

  // The "Set my tastes" modal's submissions.
  registerTastesView(app, { desk, log, speaker, publishHome: home.publishHome });

  const routes: Route[] = [];
  if (receiver !== undefined) {
    // Bolt's listener only behind the gate: signature and timestamp window, a body its listeners can read, no replays.
    routes.push({
      path: SLACK_EVENTS_PATH,
      methods: ['POST'],
      handler: slackRequestGate({ signingSecret: slack.signingSecret!, db, logger: log }, receiver.requestListener, () => {
        const why = problem();
        return why === undefined ? undefined : state.kind === 'failed' ? `the Slack front end failed to start: ${why}` : `the Slack front end is ${why}`;
      }),
    });
  }
  if (options.chartPng !== undefined) routes.push(slackChartRoute(desk.buttons, options.chartPng));

  let starting: Promise<void> | undefined;
  const begin = async () => {
    try {
      await initWithin(app, mode, apiUrl, startTimeoutMs);
      state = { kind: 'running' };
      log.info({ mode }, 'Slack front end ready');
    } catch (err) {
      state = { kind: 'failed', reason: err instanceof Error ? err.message : String(err) };
      throw err;
    }
  };
  return {
    mode,
    app,
    routes,
    get problem() {
      return problem();
    },
    start() {
      starting ??= begin();
      return starting;
    },
    async stop() {
      const was = state.kind;
      state = { kind: 'stopped' };
      if (was === 'running' && mode === 'socket') await app.stop();
    },
  };
}
