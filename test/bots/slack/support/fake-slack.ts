/**
 * A local fake of Slack's Web API (`/api/<method>`, form-encoded like @slack/web-api sends it) and of response_url
 * endpoints (`/response/<id>`, JSON), on 127.0.0.1. It records every call and answers in Slack's wire format.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One recorded Web API call. */
export interface ApiCall {
  readonly method: string;
  readonly args: Record<string, unknown>;
  readonly authorization: string | undefined;
  /** What the fake answered. */
  readonly response: Record<string, unknown>;
}

/** One recorded response_url post. */
export interface ResponsePost {
  readonly id: string;
  readonly body: Record<string, unknown>;
}

export interface FakeSlack {
  readonly url: string;
  /** For `clientOptions.slackApiUrl`. */
  readonly apiUrl: string;
  readonly calls: ApiCall[];
  readonly responses: ResponsePost[];
  /** Channels where chat.postMessage answers `not_in_channel`. */
  readonly notInChannel: Set<string>;
  /** Makes views.publish answer `invalid_blocks` when the view has an image block. */
  rejectImages: boolean;
  /** When set, auth.test answers `{ ok: false, error: authError }` (a revoked or mistyped token). */
  authError: string | undefined;
  /** The WebSocket URL apps.connections.open hands out (Socket Mode). */
  socketUrl: string;
  responseUrl(id: string): string;
  /** Calls of one method (optionally filtered). */
  callsOf(method: string, where?: (args: Record<string, unknown>) => boolean): ApiCall[];
  /** Waits until `count` calls match (polls every 10 ms, fails after `timeoutMs`). */
  waitFor(method: string, where?: (args: Record<string, unknown>) => boolean, count?: number, timeoutMs?: number): Promise<ApiCall[]>;
  waitForResponse(id: string, count?: number, timeoutMs?: number): Promise<ResponsePost[]>;
  close(): Promise<void>;
}

function parseForm(text: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(text)) {
    if (v.startsWith('[') || v.startsWith('{')) {
      try {
        out[k] = JSON.parse(v);
        continue;
      } catch {
        // plain text that happens to start with a bracket
      }
    }
    out[k] = v;
  }
  return out;
}

/** How long a wait for a platform call may take: just under the test timeout, so only the test's own limit bounds it. */
const WAIT_MS = 55_000;

async function until<T>(what: string, get: () => T[], count: number, timeoutMs: number): Promise<T[]> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const found = get();
    if (found.length >= count) return found;
    if (Date.now() > end) throw new Error(`timed out waiting for ${count} × ${what} (saw ${found.length})`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export async function startFakeSlack(): Promise<FakeSlack> {
  const calls: ApiCall[] = [];
  const responses: ResponsePost[] = [];
  const notInChannel = new Set<string>();
  let ts = 1_700_000_000;
  const state: { rejectImages: boolean; socketUrl: string; authError: string | undefined } = { rejectImages: false, socketUrl: 'ws://127.0.0.1:9/unset', authError: undefined };
  const answer = (method: string, args: Record<string, unknown>): Record<string, unknown> => {
    switch (method) {
      case 'auth.test':
        if (state.authError !== undefined) return { ok: false, error: state.authError };
        return { ok: true, url: 'https://earworm-test.slack.com/', team: 'Earworm Test', user: 'earworm', team_id: 'T1', user_id: 'UBOT', bot_id: 'BBOT' };
      case 'chat.postMessage': {
        const channel = String(args.channel);
        if (notInChannel.has(channel)) return { ok: false, error: 'not_in_channel' };
        ts += 1;
        return { ok: true, channel, ts: `${ts}.000100`, message: { type: 'message', text: args.text, bot_id: 'BBOT', ts: `${ts}.000100` } };
      }
      case 'apps.connections.open':
        return { ok: true, url: state.socketUrl };
      case 'chat.update':
        return { ok: true, channel: args.channel, ts: args.ts, text: args.text };
      case 'chat.postEphemeral':
        ts += 1;
        return { ok: true, message_ts: `${ts}.000200` };
      case 'views.publish': {
        const view = args.view as { blocks?: { type: string }[] } | undefined;
        if (state.rejectImages && view?.blocks?.some((b) => b.type === 'image')) return { ok: false, error: 'invalid_blocks', errors: ['downloading image failed [json-pointer:/view/blocks/5/image_url]'] };
        return { ok: true, view: { id: 'V1', type: 'home' } };
      }
      default:
        return { ok: true };
    }
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      const json = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (path.startsWith('/api/')) {
        const method = path.slice('/api/'.length);
        const args = (req.headers['content-type'] ?? '').includes('json') ? (JSON.parse(text || '{}') as Record<string, unknown>) : parseForm(text);
        const response = answer(method, args);
        calls.push({ method, args, authorization: req.headers.authorization, response });
        return json(200, response);
      }
      if (path.startsWith('/response/')) {
        responses.push({ id: path.slice('/response/'.length), body: JSON.parse(text || '{}') as Record<string, unknown> });
        return json(200, { ok: true });
      }
      json(404, { ok: false, error: 'unknown_method' });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const callsOf = (method: string, where?: (args: Record<string, unknown>) => boolean) => calls.filter((c) => c.method === method && (where === undefined || where(c.args)));
  return {
    url,
    apiUrl: `${url}/api/`,
    calls,
    responses,
    notInChannel,
    get rejectImages() {
      return state.rejectImages;
    },
    set rejectImages(v: boolean) {
      state.rejectImages = v;
    },
    get authError() {
      return state.authError;
    },
    set authError(v: string | undefined) {
      state.authError = v;
    },
    get socketUrl() {
      return state.socketUrl;
    },
    set socketUrl(v: string) {
      state.socketUrl = v;
    },
    responseUrl: (id) => `${url}/response/${id}`,
    callsOf,
    waitFor: (method, where, count = 1, timeoutMs = WAIT_MS) => until(method, () => callsOf(method, where), count, timeoutMs),
    waitForResponse: (id, count = 1, timeoutMs = WAIT_MS) => until(`response ${id}`, () => responses.filter((r) => r.id === id), count, timeoutMs),
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}
