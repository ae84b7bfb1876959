/**
 * A local Discord on 127.0.0.1 speaking the real wire formats: the gateway WebSocket (HELLO, IDENTIFY, READY,
 * heartbeats, dispatches such as INTERACTION_CREATE and MESSAGE_CREATE) and the REST API under `/api/v10` (gateway
 * info, interaction callbacks, modals among them, the interaction webhook's edit / follow-up / delete, channel
 * messages, command registration). It records every REST call and keeps the messages it stored, so tests can press
 * buttons on the message as Discord would send it back.
 */
import { once } from 'node:events';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/** One REST request the fake received. */
export interface RecordedCall {
  readonly method: string;
  /** Path under /api/v10, e.g. `/interactions/123/tok/callback`. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly authorization: string | undefined;
  readonly contentType: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly body: any;
  readonly files: readonly { readonly field: string; readonly name: string; readonly type: string; readonly bytes: Buffer }[];
  /** The message this call created or edited, as the fake stored it. */
  result?: StoredMessage;
  /** The HTTP status the fake answered with. */
  status?: number;
}

/** A stored message as Discord returns it. */
export type StoredMessage = Record<string, unknown> & { id: string; channel_id: string; embeds: unknown[]; components: unknown[]; flags: number; content: string };

/** A user as Discord sends it. */
export interface FakeUser {
  readonly id: string;
  readonly username: string;
  readonly global_name: string | null;
  readonly discriminator: string;
  readonly avatar: null;
  readonly bot?: boolean;
}

let counter = 0n;
/** A fresh snowflake-shaped id. */
export function snowflake(): string {
  counter += 1n;
  return ((BigInt(Date.now() - 1420070400000) << 22n) + counter).toString();
}

/** A person in the fake. */
export function fakeUser(name: string): FakeUser {
  return { id: snowflake(), username: name, global_name: name[0]!.toUpperCase() + name.slice(1), discriminator: '0', avatar: null };
}

interface Pending {
  channelId: string;
  originalId?: string;
}

/** The local Discord. */
export class FakeDiscord {
  readonly calls: RecordedCall[] = [];
  readonly messages = new Map<string, StoredMessage>();
  readonly applicationId = snowflake();
  readonly guildId = snowflake();
  readonly channelId = snowflake();
  readonly bot: FakeUser = { id: this.applicationId, username: 'Earworm', global_name: null, discriminator: '0', avatar: null, bot: true };
  /** IDENTIFY payloads received on the gateway. */
  readonly identifies: Record<string, unknown>[] = [];
  private readonly sockets = new Set<WebSocket>();
  private readonly pending = new Map<string, Pending>();
  private readonly waiters = new Set<() => void>();
  private seq = 0;
  private server!: http.Server;
  private wss!: WebSocketServer;
  private port = 0;

  /** Base URL for discord.js / @discordjs/rest: `rest: { api }`. */
  get api(): string {
    return `http://127.0.0.1:${this.port}/api`;
  }

  get gatewayUrl(): string {
    return `ws://127.0.0.1:${this.port}/gateway`;
  }

  /** Starts the fake on a free port. */
  static async start(): Promise<FakeDiscord> {
    const f = new FakeDiscord();
    f.server = http.createServer((req, res) => void f.rest(req, res));
    f.wss = new WebSocketServer({ server: f.server, path: '/gateway' });
    f.wss.on('connection', (socket) => f.onSocket(socket));
    f.server.listen(0, '127.0.0.1');
    await once(f.server, 'listening');
    f.port = (f.server.address() as AddressInfo).port;
    return f;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ---- gateway ----

  private onSocket(socket: WebSocket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.send(JSON.stringify({ op: 10, d: { heartbeat_interval: 45_000 }, s: null, t: null }));
    socket.on('message', (raw) => {
      const p = JSON.parse(String(raw)) as { op: number; d: Record<string, unknown> };
      if (p.op === 1) socket.send(JSON.stringify({ op: 11 }));
      if (p.op === 2) {
        this.identifies.push(p.d);
        this.seq += 1;
        socket.send(
          JSON.stringify({
            op: 0,
            t: 'READY',
            s: this.seq,
            d: { v: 10, user: this.bot, guilds: [{ id: this.guildId, unavailable: true }], session_id: 'fake-session', resume_gateway_url: this.gatewayUrl, shard: [0, 1], application: { id: this.applicationId, flags: 0 } },
          }),
        );
        // As Discord does, the guilds listed as unavailable in READY follow as GUILD_CREATE.
        this.seq += 1;
        socket.send(JSON.stringify({ op: 0, t: 'GUILD_CREATE', s: this.seq, d: this.guild() }));
        this.notify();
      }
    });
  }

  /** The test server as GUILD_CREATE carries it: one text channel, the bot as its only known member. */
  private guild() {
    return {
      id: this.guildId,
      name: 'Earworm test server',
      icon: null,
      splash: null,
      discovery_splash: null,
      owner_id: snowflake(),
      afk_channel_id: null,
      afk_timeout: 300,
      verification_level: 0,
      default_message_notifications: 0,
      explicit_content_filter: 0,
      roles: [{ id: this.guildId, name: '@everyone', color: 0, hoist: false, position: 0, permissions: '1024', managed: false, mentionable: false, flags: 0 }],
      emojis: [],
      stickers: [],
      features: [],
      mfa_level: 0,
      system_channel_id: null,
      system_channel_flags: 0,
      rules_channel_id: null,
      vanity_url_code: null,
      description: null,
      banner: null,
      premium_tier: 0,
      preferred_locale: 'en-GB',
      public_updates_channel_id: null,
      nsfw_level: 0,
      premium_progress_bar_enabled: false,
      joined_at: '2024-01-01T00:00:00.000Z',
      large: false,
      unavailable: false,
      member_count: 1,
      voice_states: [],
      members: [{ user: this.bot, roles: [], joined_at: '2024-01-01T00:00:00.000Z', deaf: false, mute: false, flags: 0 }],
      channels: [{ id: this.channelId, type: 0, name: 'music', guild_id: this.guildId, position: 0, permission_overwrites: [], nsfw: false, parent_id: null, topic: null, last_message_id: null, rate_limit_per_user: 0 }],
      threads: [],
      presences: [],
      stage_instances: [],
      guild_scheduled_events: [],
      soundboard_sounds: [],
    };
  }

  /** Sends a dispatch event to every connected client. */
  dispatch(t: string, d: unknown): void {
    this.seq += 1;
    const frame = JSON.stringify({ op: 0, t, s: this.seq, d });
    for (const s of this.sockets) s.send(frame);
  }

  // ---- interactions ----

  private base(type: number, user: FakeUser, dm = false) {
    const id = snowflake();
    const token = `tok-${id}`;
    this.pending.set(token, { channelId: dm ? `dm-${user.id}` : this.channelId });
    const common = {
      id,
      application_id: this.applicationId,
      type,
      token,
      version: 1,
      locale: 'en-GB',
      app_permissions: '0',
      entitlements: [],
      authorizing_integration_owners: { '0': this.guildId },
      attachment_size_limit: 10_485_760,
    };
    if (dm) {
      const channelId = `dm-${user.id}`;
      return { ...common, user, channel_id: channelId, channel: { id: channelId, type: 1, recipients: [user] }, context: 1 };
    }
    return {
      ...common,
      guild_id: this.guildId,
      guild_locale: 'en-GB',
      channel_id: this.channelId,
      channel: { id: this.channelId, type: 0, name: 'music', guild_id: this.guildId, permissions: '0' },
      member: { user, roles: [], joined_at: '2024-01-01T00:00:00.000Z', permissions: '2147483647', deaf: false, mute: false, flags: 0 },
      context: 0,
    };
  }

  /** A slash command interaction body. */
  command(user: FakeUser, name: string, options: Record<string, string | number> = {}, dm = false) {
    return {
      ...this.base(2, user, dm),
      data: { id: snowflake(), name, type: 1, options: Object.entries(options).map(([n, value]) => ({ name: n, type: typeof value === 'number' ? 4 : 3, value })) },
    };
  }

  /** An autocomplete interaction body (the option being typed is focused). */
  autocomplete(user: FakeUser, name: string, focused: string, value: string) {
    return { ...this.base(4, user), data: { id: snowflake(), name, type: 1, options: [{ name: focused, type: 3, value, focused: true }] } };
  }

  /** A button press on a stored message. */
  button(user: FakeUser, customId: string, messageId: string) {
    const message = this.messages.get(messageId);
    if (message === undefined) throw new Error(`no stored message ${messageId}`);
    const b = this.base(3, user);
    this.pending.get(b.token)!.originalId = messageId;
    return { ...b, message, data: { custom_id: customId, component_type: 2 } };
  }

  /**
   * A modal submission as Discord sends it: each field in a label (type 18), a text input (type 4) with its `value` for
   * a string, a string select (type 3) with its `values` for a list.
   */
  modalSubmit(user: FakeUser, customId: string, fields: Record<string, string | readonly string[]>, dm = false) {
    let n = 0;
    const components = Object.entries(fields).map(([id, v]) => ({
      type: 18,
      id: ++n,
      component: typeof v === 'string' ? { type: 4, id: ++n, custom_id: id, value: v } : { type: 3, id: ++n, custom_id: id, values: [...v] },
    }));
    return { ...this.base(5, user, dm), data: { custom_id: customId, components } };
  }

  /** Records an interaction response that an HTTP interactions endpoint returned (what Discord does with it). */
  acknowledge(interaction: { token: string }, response: { type?: unknown; data?: unknown }): void {
    const p = this.pending.get(interaction.token);
    if (p === undefined) return;
    const data = (response.data ?? {}) as Record<string, unknown>;
    if (response.type === 5 || response.type === 4) p.originalId = this.store(p.channelId, response.type === 4 ? data : { content: '', flags: data.flags }).id;
    this.notify();
  }

  /** Dispatches an interaction over the gateway; returns it. */
  deliver<T>(interaction: T): T {
    this.dispatch('INTERACTION_CREATE', interaction);
    return interaction;
  }

  // ---- waiting ----

  private notify(): void {
    for (const w of [...this.waiters]) w();
  }

  /** Resolves once `check` returns a value (checked on every REST call), or fails after `timeoutMs`. */
  async until<T>(check: () => T | undefined | false, timeoutMs = 55_000, what = 'the expected Discord call'): Promise<T> {
    const first = check();
    if (first !== undefined && first !== false) return first;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`timed out waiting for ${what}; calls so far:\n${this.calls.map((c) => `${c.method} ${c.path} → ${String(c.status)}`).join('\n')}`));
      }, timeoutMs);
      const waiter = () => {
        const v = check();
        if (v === undefined || v === false) return;
        clearTimeout(timer);
        this.waiters.delete(waiter);
        resolve(v);
      };
      this.waiters.add(waiter);
    });
  }

  /** REST calls about one interaction (its callback and its webhook), in order. */
  callsFor(interaction: { id: string; token: string }): RecordedCall[] {
    return this.calls.filter((c) => c.path.startsWith(`/interactions/${interaction.id}/`) || c.path.includes(`/${interaction.token}`));
  }

  /** Waits for the n-th (1-based) successful call matching `match`. */
  waitCall(match: (c: RecordedCall) => boolean, n = 1, timeoutMs = 55_000): Promise<RecordedCall> {
    return this.until(() => this.calls.filter((c) => c.status !== undefined && c.status < 300 && match(c))[n - 1], timeoutMs, 'a matching REST call');
  }

  // ---- REST ----

  private async rest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    const contentType = String(req.headers['content-type'] ?? '');
    let body: unknown = undefined;
    const files: { field: string; name: string; type: string; bytes: Buffer }[] = [];
    if (contentType.startsWith('multipart/form-data')) {
      const form = await new Response(raw, { headers: { 'content-type': contentType } }).formData();
      for (const [field, value] of form.entries()) {
        if (typeof value === 'string') {
          if (field === 'payload_json') body = JSON.parse(value);
        } else {
          files.push({ field, name: value.name, type: value.type, bytes: Buffer.from(await value.arrayBuffer()) });
        }
      }
    } else if (raw.length > 0) {
      body = JSON.parse(raw.toString('utf8'));
    }
    const path = decodeURIComponent(url.pathname).replace(/^\/api\/v10/, '');
    const call: RecordedCall = { method: req.method ?? 'GET', path, query: url.searchParams, authorization: req.headers.authorization, contentType, body, files };
    this.calls.push(call);
    const send = (status: number, payload?: unknown) => {
      call.status = status;
      if (payload === undefined) {
        res.writeHead(status);
        res.end();
      } else {
        const text = JSON.stringify(payload);
        res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
        res.end(text);
      }
      this.notify();
    };
    const b = (body ?? {}) as Record<string, unknown>;
    let m: RegExpMatchArray | null;
    if (call.method === 'GET' && path === '/gateway/bot') {
      return send(200, { url: this.gatewayUrl, shards: 1, session_start_limit: { total: 1000, remaining: 999, reset_after: 0, max_concurrency: 1 } });
    }
    if (call.method === 'POST' && (m = path.match(/^\/interactions\/(\d+)\/([^/]+)\/callback$/))) {
      const p = this.pending.get(m[2]!);
      if (p === undefined) return send(404, { message: 'Unknown interaction', code: 10062 });
      const type = b.type as number;
      const data = (b.data ?? {}) as Record<string, unknown>;
      if (type === 5 || type === 4) p.originalId = this.store(p.channelId, type === 4 ? data : { content: '', flags: data.flags }).id;
      if (type === 7 && p.originalId !== undefined) this.update(p.originalId, data);
      return send(204);
    }
    if ((m = path.match(/^\/webhooks\/(\d+)\/([^/]+)(\/messages\/(@original|\d+))?$/))) {
      const p = this.pending.get(m[2]!);
      if (p === undefined) return send(404, { message: 'Unknown Webhook', code: 10015 });
      if (call.method === 'POST' && m[3] === undefined) return send(200, (call.result = this.store(p.channelId, b, files)));
      // Over HTTP interactions Discord learns of the deferral from the endpoint's response, reported by `acknowledge`;
      // like Discord, an edit that races ahead of it is applied once the acknowledgement is in.
      if (m[4] === '@original' && p.originalId === undefined) await this.until(() => p.originalId, 2000, 'the acknowledgement').catch(() => undefined);
      const target = m[4] === '@original' ? p.originalId : m[4];
      if (target === undefined || !this.messages.has(target)) return send(404, { message: 'Unknown Message', code: 10008 });
      if (call.method === 'PATCH') return send(200, (call.result = this.update(target, b, files)));
      if (call.method === 'DELETE') {
        this.messages.delete(target);
        return send(204);
      }
    }
    if (call.method === 'POST' && (m = path.match(/^\/channels\/([^/]+)\/typing$/))) return send(204);
    if (call.method === 'POST' && (m = path.match(/^\/channels\/([^/]+)\/messages$/))) return send(200, (call.result = this.store(m[1]!, b, files)));
    if (call.method === 'PUT' && (m = path.match(/^\/applications\/(\d+)(\/guilds\/(\d+))?\/commands$/))) {
      const list = (body as Record<string, unknown>[]) ?? [];
      return send(200, list.map((c) => ({ ...c, id: snowflake(), application_id: m![1], version: snowflake(), ...(m![3] !== undefined ? { guild_id: m![3] } : {}) })));
    }
    return send(404, { message: `404: Not Found (${call.method} ${path})`, code: 0 });
  }

  private store(channelId: string, body: Record<string, unknown>, files: RecordedCall['files'] = []): StoredMessage {
    const msg: StoredMessage = {
      id: snowflake(),
      type: 0,
      channel_id: channelId,
      author: this.bot,
      content: typeof body.content === 'string' ? body.content : '',
      embeds: (body.embeds as unknown[]) ?? [],
      components: (body.components as unknown[]) ?? [],
      attachments: files.map((f) => ({ id: snowflake(), filename: f.name, size: f.bytes.length, url: `https://cdn.example/${f.name}`, proxy_url: `https://cdn.example/${f.name}` })),
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      pinned: false,
      flags: typeof body.flags === 'number' ? body.flags : 0,
      application_id: this.applicationId,
      webhook_id: this.applicationId,
    };
    this.messages.set(msg.id, msg);
    return msg;
  }

  private update(id: string, body: Record<string, unknown>, files: RecordedCall['files'] = []): StoredMessage {
    const old = this.messages.get(id)!;
    const next: StoredMessage = {
      ...old,
      ...(body.content !== undefined ? { content: body.content as string } : {}),
      ...(body.embeds !== undefined ? { embeds: body.embeds as unknown[] } : {}),
      ...(body.components !== undefined ? { components: body.components as unknown[] } : {}),
      ...(files.length > 0 ? { attachments: files.map((f) => ({ id: snowflake(), filename: f.name, size: f.bytes.length, url: `https://cdn.example/${f.name}`, proxy_url: `https://cdn.example/${f.name}` })) } : {}),
      edited_timestamp: new Date().toISOString(),
    };
    this.messages.set(id, next);
    return next;
  }
}
