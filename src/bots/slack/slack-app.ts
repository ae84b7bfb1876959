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
import { sql } from 'drizzle-orm';
import { EMPTY_STATE } from '../../agent/conversation-state.ts';
import { planTurn } from '../../agent/rule-planner.ts';
import type { Db } from '../../db/db.ts';
import { linkedUserId } from '../../db/linked-accounts.ts';
import type { Logger } from '../../logging/logger.ts';
import type { Route } from '../../server/http-server.ts';
import { SPOTIFY_PROVIDER } from '../../spotify/spotify-service.ts';
import type { ButtonAction } from '../common/button-actions.ts';
import { firstDelivery } from '../common/event-dedupe.ts';
import type { DeskOutcome, DeskReply, FrontDesk, Speaker } from '../common/front-desk.ts';
import {
  escapeMrkdwn,
  HELP_TEXT,
  homeView,
  replyBlocks,
  replyFallback,
  SLACK_ACTIONS,
  votedBlocks,
  type Block,
  type RecentVote,
  type SpotifyState,
  type TasteProfileView,
} from './blocks.ts';
import { chartUrl, slackChartRoute, type ChartPng } from './charts.ts';
import { slackRequestGate } from './slack-gate.ts';
import { openTastesModal, registerTastesView } from './slack-tastes.ts';

/** The slash command this app registers (see slack-manifest.yaml). */
export const SLASH_COMMAND = '/earworm';

/** Path of the events / commands / interactivity endpoint on Earworm's HTTP server. */
export const SLACK_EVENTS_PATH = '/slack/events';

/** Shown for unexpected failures (the details go to the log). */
const GENERIC_ERROR = 'Something went wrong on my side. Please try again in a moment.';

/** What the Slack front end needs. */
export interface SlackFrontEndOptions {
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
export const SLACK_WEB_API_DEFAULTS = { retryConfig: { retries: 2, factor: 2, minTimeout: 500, maxTimeout: 2000, randomize: false }, timeout: 10_000 } as const;

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
export function boltLogger(logger: Logger): BoltLogger {
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

/** The Slack error code of a Web API failure (`not_in_channel`, `invalid_blocks`, …), if it is one. */
export function slackErrorCode(err: unknown): string | undefined {
  const data = (err as { data?: { error?: unknown } } | undefined)?.data;
  return typeof data?.error === 'string' ? data.error : undefined;
}

/** Errors that mean "the bot cannot post in that conversation": answer through response_url instead. */
const CANNOT_POST = new Set(['not_in_channel', 'channel_not_found', 'is_archived', 'restricted_action', 'cant_update_message', 'message_not_found', 'ekm_access_denied']);

/** Whether the public URL is one Slack's image proxy can fetch (not loopback). */
function fetchableFromSlack(publicUrl: string): boolean {
  try {
    const host = new URL(publicUrl).hostname;
    return !(host === 'localhost' || host.startsWith('127.') || host === '[::1]' || host === '0.0.0.0');
  } catch {
    return false;
  }
}

type Respond = (message: Record<string, unknown>) => Promise<unknown>;
type Client = webApi.WebClient;

/** Parses `/earworm <text>` into what to do. */
export function parseCommand(text: string): { kind: 'help' } | { kind: 'compare' } | { kind: 'tastes' } | { kind: 'spotify'; which: 'connect' | 'disconnect' } | { kind: 'say'; text: string } {
  const t = text.trim();
  const lower = t.toLowerCase().replace(/\s+/g, ' ');
  if (lower === '' || lower === 'help' || lower === '?') return { kind: 'help' };
  if (lower === 'compare' || lower === 'vote' || lower === 'ab' || lower === 'a/b') return { kind: 'compare' };
  if (/^(?:(?:set|edit|change|update) (?:my )?tastes?|tastes|onboard(?:ing)?)$/.test(lower)) return { kind: 'tastes' };
  if (lower === 'spotify' || lower === 'spotify connect' || lower === 'connect spotify' || lower === 'connect') return { kind: 'spotify', which: 'connect' };
  if (lower === 'spotify disconnect' || lower === 'disconnect spotify' || lower === 'disconnect') return { kind: 'spotify', which: 'disconnect' };
  return { kind: 'say', text: t };
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
  let receiver: HTTPReceiver | undefined;
  let app: App;
  if (mode === 'socket') {
    app = new App({ token: slack.botToken, appToken: slack.appToken!, socketMode: true, logger: blog, clientOptions, deferInitialization: true });
  } else {
    receiver = new HTTPReceiver({ signingSecret: slack.signingSecret!, endpoints: [SLACK_EVENTS_PATH], logger: blog, processBeforeResponse: false });
    app = new App({ receiver, token: slack.botToken, logger: blog, clientOptions, deferInitialization: true });
  }
  const chartsOn = options.chartPng !== undefined && fetchableFromSlack(options.publicUrl);

  app.error(async (error) => {
    log.error({ err: error }, 'Slack listener failed');
  });

  // Retried or repeated event deliveries: the first delivery of an event_id wins.
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

  const speaker = (team: string | undefined, user: string, channelId: string): Speaker => ({ platform: 'slack', externalId: `${team ?? 'unknown'}:${user}`, channelId });

  /** Posts a reply into a conversation; falls back to response_url where the bot cannot post. */
  async function post(client: Client, target: { channel: string; threadTs?: string; respond?: Respond }, reply: DeskReply, lead?: string): Promise<void> {
    const blocks = replyBlocks(reply, lead);
    const text = replyFallback(reply);
    try {
      await client.chat.postMessage({ channel: target.channel, text, blocks, unfurl_links: false, unfurl_media: false, ...(target.threadTs === undefined ? {} : { thread_ts: target.threadTs }) });
    } catch (err) {
      if (target.respond === undefined || !CANNOT_POST.has(slackErrorCode(err) ?? '')) throw err;
      log.info({ channel: target.channel, code: slackErrorCode(err) }, 'cannot post in channel; answering through response_url');
      await target.respond({ response_type: 'in_channel', replace_original: false, text, blocks });
    }
  }

  /** A message for one person only. */
  async function whisper(client: Client, target: { channel?: string; user: string; threadTs?: string; respond?: Respond }, text: string): Promise<void> {
    if (target.channel !== undefined) {
      try {
        await client.chat.postEphemeral({ channel: target.channel, user: target.user, text, ...(target.threadTs === undefined ? {} : { thread_ts: target.threadTs }) });
        return;
      } catch (err) {
        if (target.respond === undefined) throw err;
        log.info({ code: slackErrorCode(err) }, 'chat.postEphemeral failed; answering through response_url');
      }
    }
    if (target.respond !== undefined) await target.respond({ response_type: 'ephemeral', replace_original: false, text });
  }

  /** Runs a listener body; an unexpected failure is logged and told to the person. */
  async function guarded(what: string, tell: (text: string) => Promise<void>, body: () => Promise<void>): Promise<void> {
    try {
      await body();
    } catch (err) {
      log.error({ err, what }, 'Slack handler failed');
      await tell(GENERIC_ERROR).catch((e: unknown) => log.warn({ err: e }, 'could not tell the person about a failure'));
    }
  }

  /** Connects or disconnects Spotify through the tools (answers "not set up" while those tools are missing). */
  async function spotify(who: Speaker, which: 'connect' | 'disconnect'): Promise<{ state: SpotifyState; message: string }> {
    const out = await desk.tool(who, which === 'connect' ? 'spotify_connect_link' : 'spotify_disconnect', {});
    if (!('outcome' in out)) return { state: { kind: 'unknown' }, message: noticeText(out) };
    const o = out.outcome;
    if (o.kind !== 'ok') {
      if (o.code === 'unknown_tool' || o.code === 'spotify_not_configured') return { state: { kind: 'unavailable' }, message: "Spotify isn't set up on this server." };
      return { state: { kind: 'unknown' }, message: o.message };
    }
    const v = o.value;
    if (which === 'connect') {
      if (v.already_connected === true) {
        const user = typeof v.spotify_user === 'string' ? v.spotify_user : 'your account';
        return { state: { kind: 'connected', user }, message: `Spotify is already connected (${user}).` };
      }
      if (typeof v.url === 'string') {
        const minutes = typeof v.expires_in_minutes === 'number' ? v.expires_in_minutes : 10;
        return { state: { kind: 'link', url: v.url, expiresInMinutes: minutes }, message: `<${v.url}|Connect your Spotify account> (the link works for ${minutes} minute${minutes === 1 ? '' : 's'}).` };
      }
      return { state: { kind: 'unknown' }, message: 'Spotify did not give me a link. Please try again.' };
    }
    if (v.disconnected === true) {
      const n = typeof v.removed_seeds === 'number' ? v.removed_seeds : 0;
      return { state: { kind: 'disconnected' }, message: `Disconnected from Spotify; removed ${n} seed track${n === 1 ? '' : 's'} from your profile.` };
    }
    return { state: { kind: 'disconnected' }, message: 'Spotify was not connected.' };
  }

  /** Publishes the App Home tab for a user. */
  async function publishHome(client: Client, team: string | undefined, user: string, extra: { notice?: string; spotify?: SpotifyState } = {}): Promise<void> {
    const who = speaker(team, user, user);
    const out = await desk.tool(who, 'get_taste_profile', {}, { limited: false });
    const personId = 'outcome' in out ? out.personId : await desk.person(who);
    const profile = 'outcome' in out && out.outcome.kind === 'ok' ? (out.outcome.value as unknown as TasteProfileView) : undefined;
    if ('outcome' in out && out.outcome.kind !== 'ok') log.warn({ code: out.outcome.code }, 'get_taste_profile failed for the Home tab');
    const recent = await recentVotes(db, personId);
    const hasData = profile !== undefined && profile.counts.votes + profile.counts.liked + profile.counts.disliked > 0;
    const chart = chartsOn && hasData ? await chartUrl(desk.buttons, personId, options.publicUrl) : undefined;
    // Without a fresher state from a Home button, show whether the person is linked now: connect, or disconnect.
    const linkedAs = extra.spotify === undefined ? await linkedUserId(db, personId, SPOTIFY_PROVIDER) : undefined;
    const spotify: SpotifyState = extra.spotify ?? (linkedAs === undefined ? { kind: 'disconnected' } : { kind: 'connected', user: linkedAs });
    const input = { profile, recentVotes: recent, spotify, ...(extra.notice === undefined ? {} : { notice: extra.notice }) };
    try {
      await client.views.publish({ user_id: user, view: homeView(chart === undefined ? input : { ...input, chartUrl: chart }) });
    } catch (err) {
      // Slack rejects a view whose image it cannot fetch: publish it without the chart rather than not at all.
      if (chart === undefined || slackErrorCode(err) !== 'invalid_blocks') throw err;
      log.warn({ err }, 'Home tab rejected with the chart image; publishing without it');
      await client.views.publish({ user_id: user, view: homeView(input) });
    }
  }

  // /earworm <request>
  app.command(SLASH_COMMAND, async ({ command, ack, respond, client }) => {
    const parsed = parseCommand(command.text);
    if (parsed.kind === 'help') {
      await ack({ response_type: 'ephemeral', text: HELP_TEXT });
      return;
    }
    // "People like me" (the rule planner's similar-listeners intent) is about the person: answered only to them.
    const personal = parsed.kind === 'say' && planTurn(parsed.text, EMPTY_STATE).intent === 'listeners';
    await ack(
      parsed.kind === 'say'
        ? { response_type: 'ephemeral', text: personal ? ':busts_in_silhouette: Looking for people with taste like yours…' : `:headphones: Looking for “${escapeMrkdwn(parsed.text.slice(0, 200))}”…` }
        : undefined,
    );
    const who = speaker(command.team_id, command.user_id, command.channel_id);
    const tell = (text: string) => respond({ response_type: 'ephemeral', replace_original: false, text }).then(() => undefined);
    await guarded('command', tell, async () => {
      if (parsed.kind === 'spotify') {
        await tell((await spotify(who, parsed.which)).message);
        return;
      }
      if (parsed.kind === 'tastes') {
        await openTastesModal(client, desk, who, command.trigger_id, { channel: command.channel_id });
        return;
      }
      const outcome = parsed.kind === 'compare' ? await desk.compare(who) : await desk.say(who, parsed.text);
      if (outcome.kind !== 'reply') return tell(noticeText(outcome));
      if (personal) {
        await respond({ response_type: 'ephemeral', replace_original: false, text: replyFallback(outcome.reply), blocks: replyBlocks(outcome.reply) });
        return;
      }
      const lead = parsed.kind === 'say' ? `<@${command.user_id}> asked: ${escapeMrkdwn(parsed.text)}` : `<@${command.user_id}> is comparing tracks`;
      await post(client, { channel: command.channel_id, respond }, outcome.reply, lead);
    });
  });

  // @Earworm … in a channel: answer in the thread.
  app.event('app_mention', async ({ event, body, client }) => {
    if (event.user === undefined || event.bot_id !== undefined) return;
    const user = event.user;
    const threadTs = event.thread_ts ?? event.ts;
    const text = event.text.replace(/<@[A-Z0-9]+(?:\|[^>]*)?>/g, ' ').trim();
    const who = speaker(event.user_team ?? event.team ?? body.team_id, user, event.channel);
    const tell = (t: string) => whisper(client, { channel: event.channel, user, threadTs }, t);
    await guarded('app_mention', tell, async () => {
      const outcome = await desk.say(who, text);
      if (outcome.kind !== 'reply') return tell(noticeText(outcome));
      await post(client, { channel: event.channel, threadTs }, outcome.reply);
    });
  });

  // Direct messages to the app.
  app.message(async ({ message, body, client }) => {
    if (message.channel_type !== 'im' || message.subtype !== undefined || message.bot_id !== undefined || message.user === undefined) return;
    const user = message.user;
    const who = speaker(message.team ?? (body as { team_id?: string }).team_id, user, message.channel);
    const tell = (t: string) => whisper(client, { channel: message.channel, user }, t);
    await guarded('message.im', tell, async () => {
      const outcome = await desk.say(who, message.text ?? '');
      if (outcome.kind !== 'reply') return tell(noticeText(outcome));
      await post(client, { channel: message.channel }, outcome.reply);
    });
  });

  // The App Home tab.
  app.event('app_home_opened', async ({ event, body, client }) => {
    if (event.tab !== 'home') return;
    await publishHome(client, body.team_id, event.user);
  });

  // Earworm's buttons: like / dislike / more on cards, A / B / skip on comparisons.
  app.action({ type: 'block_actions', action_id: /^ew:/ }, async ({ ack, body, action, client, respond }) => {
    await ack();
    const user = body.user.id;
    const team = body.user.team_id ?? body.team?.id;
    const channel = body.channel?.id ?? body.container?.channel_id;
    const message = body.message as { ts?: string; thread_ts?: string } | undefined;
    const who = speaker(team, user, channel ?? user);
    const tell = (t: string) => whisper(client, { ...(channel === undefined ? {} : { channel }), user, respond }, t);
    const actionId = (action as { action_id: string }).action_id;
    await guarded('button', tell, async () => {
      const outcome = await desk.press(who, actionId);
      if (outcome.kind === 'notice') return tell(outcome.message);
      if (outcome.kind !== 'pressed') {
        if (channel !== undefined) await post(client, { channel, respond }, outcome.reply);
        return;
      }
      const a = outcome.action;
      if (a.type === 'vote') {
        if (!outcome.recorded || channel === undefined || message?.ts === undefined) return tell(outcome.ack);
        const line = await choiceLine(db, a, outcome.ack);
        const blocks: Block[] = votedBlocks(line, outcome.reply);
        const text = outcome.reply === undefined ? line : `${line} Next: ${replyFallback(outcome.reply)}`;
        try {
          await client.chat.update({ channel, ts: message.ts, text, blocks });
        } catch (err) {
          if (!CANNOT_POST.has(slackErrorCode(err) ?? '')) throw err;
          await respond({ replace_original: true, text, blocks });
        }
        return;
      }
      if (a.type === 'rate') return tell(outcome.ack);
      if (outcome.reply !== undefined && channel !== undefined) {
        const threadTs = message?.thread_ts ?? message?.ts;
        await post(client, { channel, respond, ...(threadTs === undefined ? {} : { threadTs }) }, outcome.reply);
      } else if (outcome.ack !== '') {
        await tell(outcome.ack);
      }
    });
  });

  // App Home controls.
  app.action({ type: 'block_actions', action_id: /^slack:/ }, async ({ ack, body, action, client, respond }) => {
    await ack();
    const user = body.user.id;
    const team = body.user.team_id ?? body.team?.id;
    const id = (action as { action_id: string }).action_id;
    const inHome = body.view?.type === 'home';
    const channel = body.channel?.id;
    const tell = async (t: string) => {
      if (inHome) await publishHome(client, team, user, { notice: t });
      else await whisper(client, { ...(channel === undefined ? {} : { channel }), user, respond }, t);
    };
    await guarded('home action', tell, async () => {
      switch (id) {
        case SLACK_ACTIONS.refreshHome:
          await publishHome(client, team, user);
          return;
        case SLACK_ACTIONS.setTastes:
          await openTastesModal(client, desk, speaker(team, user, channel ?? user), body.trigger_id, { channel: channel ?? user });
          return;
        case SLACK_ACTIONS.compare: {
          // Posting to a user id lands in the app's DM with that person.
          const outcome = await desk.compare(speaker(team, user, channel ?? user));
          if (outcome.kind !== 'reply') return tell(noticeText(outcome));
          await post(client, { channel: channel ?? user }, outcome.reply);
          if (inHome) await publishHome(client, team, user, { notice: 'A pair to compare is waiting in your Messages tab.' });
          return;
        }
        case SLACK_ACTIONS.spotifyConnect:
        case SLACK_ACTIONS.spotifyDisconnect: {
          const r = await spotify(speaker(team, user, channel ?? user), id === SLACK_ACTIONS.spotifyConnect ? 'connect' : 'disconnect');
          if (inHome) await publishHome(client, team, user, { notice: r.message.replace(/<([^|>]+)\|([^>]+)>/g, '$2'), spotify: r.state });
          else await whisper(client, { ...(channel === undefined ? {} : { channel }), user, respond }, r.message);
          return;
        }
        default:
          return; // link buttons (spotify_open) only need the ack
      }
    });
  });

  // The "Set my tastes" modal's submissions.
  registerTastesView(app, { desk, log, speaker, publishHome });

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
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(startFailure('timeout', apiUrl, startTimeoutMs)), startTimeoutMs);
      timer.unref();
    });
    const work = (async () => {
      await app.init();
      if (mode === 'socket') await app.start();
    })();
    // The abandoned attempt may still fail later (its bounded retries): that is not an unhandled rejection.
    work.catch(() => undefined);
    try {
      await Promise.race([work.catch((err: unknown) => Promise.reject(err instanceof SlackStartError ? err : startFailure(err, apiUrl, startTimeoutMs))), deadline]);
      state = { kind: 'running' };
      log.info({ mode }, 'Slack front end ready');
    } catch (err) {
      state = { kind: 'failed', reason: err instanceof Error ? err.message : String(err) };
      throw err;
    } finally {
      clearTimeout(timer);
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

/** The person-facing text of a notice (or of an outcome that is not a reply). */
function noticeText(o: DeskOutcome): string {
  if (o.kind === 'notice') return o.message;
  if (o.kind === 'pressed') return o.ack;
  return o.reply.text;
}

/** "You chose A: *Title — Artist*." plus the desk's acknowledgement, from the stored comparison. */
async function choiceLine(db: Db, action: Extract<ButtonAction, { type: 'vote' }>, ack: string): Promise<string> {
  const rows = await db.rows<{ a: string; b: string }>(sql`
    select ta.title as a, tb.title as b from comparisons c
    join tracks ta on ta.id = c.track_a join tracks tb on tb.id = c.track_b
    where c.id = ${action.comparisonId}`);
  const row = rows[0];
  if (row === undefined) return ack;
  const first =
    action.choice === 'skip'
      ? `You skipped *${escapeMrkdwn(row.a)}* vs *${escapeMrkdwn(row.b)}*.`
      : action.choice === 'both'
        ? `You said both fit: *${escapeMrkdwn(row.a)}* and *${escapeMrkdwn(row.b)}*.`
        : action.choice === 'neither'
          ? `You said neither fits: *${escapeMrkdwn(row.a)}* nor *${escapeMrkdwn(row.b)}*.`
          : `You chose ${action.choice.toUpperCase()}: *${escapeMrkdwn(action.choice === 'a' ? row.a : row.b)}*.`;
  return `${first} ${escapeMrkdwn(ack)}`;
}

/** The person's last A/B votes, newest first. */
export async function recentVotes(db: Db, personId: number, limit = 5): Promise<RecentVote[]> {
  const rows = await db.rows<{ choice: string; a: string; b: string; at: Date | string }>(sql`
    select v.choice, ta.title as a, tb.title as b, v.created_at as at from votes v
    join comparisons c on c.id = v.comparison_id
    join tracks ta on ta.id = c.track_a join tracks tb on tb.id = c.track_b
    where v.person_id = ${personId}
    order by v.created_at desc, v.id desc limit ${limit}`);
  return rows.map((r) => ({ choice: r.choice as RecentVote['choice'], a: r.a, b: r.b, at: new Date(r.at) }));
}
