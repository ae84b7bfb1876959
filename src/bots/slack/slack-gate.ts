/**
 * The gate in front of Bolt's HTTP receiver on `POST /slack/events`. Bolt parses and dispatches in a promise nothing
 * awaits, so a body it cannot handle (JSON `null`, `payload=null`, a `block_actions` without `user`) throws where no
 * one catches it. Every request therefore passes here first, and only one Bolt can handle reaches Bolt:
 *
 * - the signature (`v0` HMAC of the raw body) must match and its timestamp be within five minutes of now, in either
 *   direction (Bolt only refuses old ones) — else 401;
 * - the body must parse the way Bolt parses it (JSON, a form, or a form's `payload` JSON) into an object of a shape
 *   Earworm's listeners read (a slash command's fields; an interaction's `type`, `user.id`, `actions` or `view`; an
 *   event callback's `event`) — else 400 saying what is missing;
 * - a slash command or interaction is run once: a replayed request (same signature) gets 409. The replay keys are kept
 *   in the delivery store that also deduplicates Slack event ids (processed_events, pruned hourly), so the store is
 *   bounded by what Slack signed within the window and expires with it.
 *
 * `ssl_check` requests (unsigned by design) pass straight to Bolt, which answers them without reading anything else.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import type { Db } from '../../db/db.ts';
import type { Logger } from '../../logging/logger.ts';
import { firstDelivery } from '../../desk/event-dedupe.ts';
import { BodyError, readRawBody } from '../../http/request-body.ts';
import { sendJson, type RouteHandler } from '../../http/http-server.ts';

/** Source name of replay keys in the delivery store. */
const SLACK_REQUEST_SOURCE = 'slack-request';

/** Options of the gate; defaults in brackets. */
interface SlackGateOptions {
  readonly signingSecret: string;
  readonly db: Db;
  readonly logger: Logger;
  /** Clock in ms [Date.now]. */
  readonly now?: () => number;
  /** Largest accepted distance between the signed timestamp and now, in seconds, either way [300]. */
  readonly maxSkewSeconds?: number;
  /** Largest accepted body [1 MB]. */
  readonly maxBodyBytes?: number;
}

/** Bolt's request listener (HTTPReceiver.requestListener); it reads a pre-read body from `req.rawBody`. */
type BoltListener = (req: IncomingMessage, res: ServerResponse) => void;

type Fields = Record<string, unknown>;

function isObject(v: unknown): v is Fields {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** The parsed body, as Bolt would parse it, or why it cannot be. */
type Parsed = { readonly kind: 'command' | 'interaction' | 'json'; readonly body: unknown } | { readonly problem: string };

function parseBody(raw: string, contentType: string | undefined): Parsed {
  // Bolt's rule: exactly this content type is a form; anything else is JSON.
  if (contentType === 'application/x-www-form-urlencoded') {
    const form = parseQuery(raw);
    if (form.payload === undefined) return { kind: 'command', body: form };
    if (typeof form.payload !== 'string') return { problem: 'the form has more than one "payload" field' };
    try {
      return { kind: 'interaction', body: JSON.parse(form.payload) as unknown };
    } catch {
      return { problem: 'the form field "payload" is not valid JSON' };
    }
  }
  try {
    return { kind: 'json', body: JSON.parse(raw) as unknown };
  } catch {
    return { problem: 'the request body is not valid JSON (or a form sent as application/x-www-form-urlencoded)' };
  }
}

/** Why Earworm's listeners cannot handle this body, or undefined when they can. */
function slackBodyProblem(kind: 'command' | 'interaction' | 'json', body: unknown): string | undefined {
  if (!isObject(body)) return `the ${kind === 'interaction' ? '"payload" field' : 'request body'} must be a JSON object (a Slack event, command or interaction), not ${describe(body)}`;
  if (kind === 'command') {
    for (const field of ['command', 'user_id', 'channel_id', 'text']) {
      if (typeof body[field] !== 'string') return `the slash command has no "${field}" field (or has it more than once)`;
    }
    for (const field of ['team_id', 'response_url', 'trigger_id']) {
      if (body[field] !== undefined && typeof body[field] !== 'string') return `the slash command has "${field}" more than once`;
    }
    return undefined;
  }
  if (typeof body.type !== 'string') return 'the body has no "type"';
  if (kind === 'interaction') {
    const user = body.user;
    if (!isObject(user) || typeof user.id !== 'string' || user.id === '') return `the ${body.type} interaction names no "user" with an "id"`;
    if (body.team !== undefined && body.team !== null && !isObject(body.team)) return '"team" must be an object';
    if (body.channel !== undefined && body.channel !== null && !isObject(body.channel)) return '"channel" must be an object';
    if (body.container !== undefined && body.container !== null && !isObject(body.container)) return '"container" must be an object';
    if (body.message !== undefined && body.message !== null && !isObject(body.message)) return '"message" must be an object';
    if (body.type === 'block_actions' || body.type === 'block_suggestion') {
      if (body.type === 'block_actions' && !(Array.isArray(body.actions) && (body.actions as unknown[]).every((a) => isObject(a) && typeof a.action_id === 'string'))) {
        return 'a block_actions interaction must carry "actions", a list of objects with an "action_id"';
      }
      if (body.view !== undefined && body.view !== null && !isObject(body.view)) return '"view" must be an object';
    }
    if (body.type === 'view_submission' || body.type === 'view_closed') {
      const view = body.view;
      if (!isObject(view) || typeof view.id !== 'string' || typeof view.callback_id !== 'string') return `a ${body.type} interaction must carry the "view" (with "id" and "callback_id")`;
      if (body.type === 'view_submission' && !(isObject(view.state) && isObject(view.state.values))) return 'a view_submission must carry "view.state.values"';
    }
    return undefined;
  }
  if (body.type === 'url_verification') return typeof body.challenge === 'string' ? undefined : 'url_verification has no "challenge"';
  if (body.type === 'event_callback') {
    const event = body.event;
    if (!isObject(event) || typeof event.type !== 'string') return 'an event_callback must carry an "event" object with a "type"';
    if (typeof body.event_id !== 'string') return 'an event_callback must carry an "event_id"';
    if (HANDLED_EVENTS.has(event.type)) {
      // Slack sends these fields as strings; our listeners read them as such (a number or an object would throw there).
      for (const field of ['user', 'channel', 'text', 'ts', 'thread_ts', 'channel_type', 'bot_id', 'subtype', 'tab']) {
        if (field in event && typeof event[field] !== 'string') return `the ${event.type} event's "${field}" must be a string, not ${describe(event[field])}`;
      }
    }
  }
  return undefined;
}

/** The event types Earworm's listeners handle, whose fields the gate checks before Bolt. */
const HANDLED_EVENTS: ReadonlySet<string> = new Set(['message', 'app_mention', 'app_home_opened']);

/** Whether the `v0=` signature matches the body and timestamp. */
function signatureMatches(secret: string, timestamp: string, raw: Buffer, signature: string): boolean {
  if (!signature.startsWith('v0=')) return false;
  const expected = createHmac('sha256', secret).update(`v0:${timestamp}:`).update(raw).digest();
  const given = Buffer.from(signature.slice(3), 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The `/slack/events` handler: the checks above, then Bolt; `unavailable` names why Bolt cannot take requests now (503). */
export function slackRequestGate(options: SlackGateOptions, listener: BoltListener, unavailable: () => string | undefined = () => undefined): RouteHandler {
  const now = options.now ?? Date.now;
  const maxSkew = options.maxSkewSeconds ?? 300;
  const log = options.logger;
  const refuse = (res: ServerResponse, status: number, error: string) => sendJson(res, status, { error });
  return async (req, res) => {
    // Bolt before its start (auth.test) would acknowledge and drop requests: Slack retries a 503.
    const down = unavailable();
    if (down !== undefined) return sendJson(res, 503, { error: down }, { 'retry-after': '30' });
    let raw: Buffer;
    try {
      raw = await readRawBody(req, options.maxBodyBytes ?? 1_000_000);
    } catch (err) {
      if (err instanceof BodyError) return refuse(res, err.status, err.message);
      throw err;
    }
    const contentType = header(req, 'content-type');
    const text = raw.toString('utf8');
    const pass = () => {
      (req as IncomingMessage & { rawBody?: Buffer }).rawBody = raw;
      listener(req, res);
    };
    // Slack's SSL check is unsigned by design; Bolt answers it (and drops anything else in the form).
    if (contentType === 'application/x-www-form-urlencoded' && parseQuery(text).ssl_check === '1') return pass();

    const signature = header(req, 'x-slack-signature');
    const timestamp = header(req, 'x-slack-request-timestamp');
    if (signature === undefined || timestamp === undefined) return refuse(res, 401, 'missing X-Slack-Signature or X-Slack-Request-Timestamp');
    if (!signatureMatches(options.signingSecret, timestamp, raw, signature)) return refuse(res, 401, 'invalid request signature');
    const seconds = Number(timestamp);
    if (!/^\d+$/.test(timestamp) || Math.abs(now() / 1000 - seconds) > maxSkew) {
      log.warn({ timestamp, skewSeconds: Math.round(seconds - now() / 1000) }, 'Slack request refused: signed timestamp outside the window');
      return refuse(res, 401, `X-Slack-Request-Timestamp is more than ${maxSkew} seconds away from now (a replayed or delayed request, or a clock that is off)`);
    }

    const parsed = parseBody(text, contentType);
    if ('problem' in parsed) return refuse(res, 400, `${parsed.problem}; nothing was done`);
    const problem = slackBodyProblem(parsed.kind, parsed.body);
    if (problem !== undefined) {
      log.info({ problem }, 'signed Slack request refused: malformed body');
      return refuse(res, 400, `${problem}; nothing was done`);
    }

    // Events no listener of Earworm's handles are acknowledged here: Bolt would only read their fields to find none.
    if (parsed.kind === 'json' && isObject(parsed.body) && parsed.body.type === 'event_callback' && isObject(parsed.body.event) && !HANDLED_EVENTS.has(String(parsed.body.event.type))) {
      res.writeHead(200).end();
      return;
    }
    // Commands and interactions carry no delivery id: the signature (unique per timestamp and body) is the replay key.
    if (parsed.kind !== 'json' && !(await firstDelivery(options.db, SLACK_REQUEST_SOURCE, signature))) {
      log.warn({ kind: parsed.kind }, 'replayed Slack request refused');
      return refuse(res, 409, 'this request was already handled (a replay); nothing was done');
    }
    pass();
  };
}
