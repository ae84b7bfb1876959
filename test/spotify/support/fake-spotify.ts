/**
 * A local Spotify on 127.0.0.1 speaking the 2026 wire format: the accounts service (`/authorize`, `/api/token` with
 * PKCE S256 checked against the challenge, refresh, `invalid_grant`) and the Web API (`/v1/me`, top and saved tracks,
 * `/v1/me/playlists`, playlist `/items` with entries under `items[].item`, search with `limit` ≤ 10,
 * `POST /v1/me/playlists`, `POST /v1/playlists/{id}/items` with ≤ 100 URIs). Removed endpoints answer as Spotify
 * does. Faults (429 with Retry-After, 5xx) can be queued per path.
 */
import { createHash, randomBytes } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A track in the fake's world. */
export interface FakeTrack {
  readonly id: string;
  readonly name: string;
  readonly artist: string;
  readonly album?: string;
}

/** A playlist in the fake's world. */
export interface FakePlaylist {
  readonly id: string;
  readonly name: string;
  readonly ownerId: string;
  readonly collaborative?: boolean;
  readonly public?: boolean;
  readonly description?: string;
  readonly items: string[];
}

/** A Spotify user's library. */
export interface FakeUser {
  readonly id: string;
  readonly displayName: string;
  readonly top: { readonly short_term: string[]; readonly medium_term: string[]; readonly long_term: string[] };
  readonly saved: string[];
}

/** A request the fake received. */
export interface SeenRequest {
  readonly host: 'accounts' | 'api';
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly body: unknown;
  readonly headers: http.IncomingHttpHeaders;
}

interface Fault {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly retryAfter?: number;
  times: number;
}

interface Grant {
  readonly userId: string;
  readonly challenge: string;
  readonly redirectUri: string;
  readonly scope: string;
  used: boolean;
}

/** The fake Spotify. */
export class FakeSpotify {
  readonly clientId = 'fake-client-id';
  readonly clientSecret = 'fake-client-secret';
  readonly tracks = new Map<string, FakeTrack>();
  readonly users = new Map<string, FakeUser>();
  readonly playlists = new Map<string, FakePlaylist>();
  readonly requests: SeenRequest[] = [];
  /** Sizes of every add-items request. */
  readonly addBatches: number[] = [];
  /** Verifiers presented at /api/token. */
  readonly verifiers: string[] = [];
  /** Redirect URIs registered in the "dashboard". */
  readonly redirectUris = new Set<string>();
  /** Who is logged in to the fake's authorisation page (and consents). */
  loggedIn: string | undefined;
  /** Whether the person declines on the consent page. */
  decline = false;
  /** Whether a refresh answer carries a new refresh token (Spotify usually sends none). */
  rotateRefreshTokens = false;
  /** Lifetime of issued access tokens, seconds. */
  accessTokenSeconds = 3600;
  readonly accessTokens = new Map<string, string>();
  readonly refreshTokens = new Map<string, string>();
  readonly #grants = new Map<string, Grant>();
  readonly #faults: Fault[] = [];
  #accounts: http.Server | undefined;
  #api: http.Server | undefined;
  accountsUrl = '';
  apiUrl = '';

  /** Starts both services on free ports. */
  async start(): Promise<void> {
    this.#accounts = http.createServer((req, res) => void this.#serve('accounts', req, res));
    this.#api = http.createServer((req, res) => void this.#serve('api', req, res));
    this.accountsUrl = await listen(this.#accounts);
    this.apiUrl = await listen(this.#api);
  }

  async stop(): Promise<void> {
    for (const s of [this.#accounts, this.#api]) {
      if (s === undefined) continue;
      await new Promise<void>((r) => {
        s.close(() => r());
        s.closeAllConnections();
      });
    }
  }

  addTrack(t: FakeTrack): FakeTrack {
    this.tracks.set(t.id, t);
    return t;
  }

  /** Queues a fault: the next `times` requests to `method path` get `status` (with Retry-After for 429). */
  fail(method: string, path: string, status: number, times = 1, retryAfter?: number): void {
    this.#faults.push({ method, path, status, times, ...(retryAfter !== undefined ? { retryAfter } : {}) });
  }

  /** Drops the queued faults. */
  clearFaults(): void {
    this.#faults.length = 0;
  }

  /** Revokes every refresh token (as Spotify does six months after the first authorisation). */
  revokeRefreshTokens(): void {
    this.refreshTokens.clear();
  }

  /** Expires every access token now. */
  expireAccessTokens(): void {
    this.accessTokens.clear();
  }

  /** Requests to a path (any host). */
  seen(method: string, path: string): SeenRequest[] {
    return this.requests.filter((r) => r.method === method && r.path === path);
  }

  async #serve(host: 'accounts' | 'api', req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    // Spotify answers `/v1/search/` (the library's spelling) like `/v1/search`.
    if (url.pathname.length > 1) url.pathname = url.pathname.replace(/\/+$/, '');
    const raw = await readBody(req);
    const type = req.headers['content-type'] ?? '';
    let body: unknown = raw;
    if (type.startsWith('application/json') && raw !== '') body = JSON.parse(raw);
    else if (type.startsWith('application/x-www-form-urlencoded')) body = Object.fromEntries(new URLSearchParams(raw));
    const method = req.method ?? 'GET';
    this.requests.push({ host, method, path: url.pathname, query: url.searchParams, body, headers: req.headers });
    const fault = this.#faults.find((f) => f.method === method && f.path === url.pathname && f.times > 0);
    if (fault !== undefined) {
      fault.times--;
      const headers: Record<string, string> = fault.retryAfter !== undefined ? { 'retry-after': String(fault.retryAfter) } : {};
      return json(res, fault.status, { error: { status: fault.status, message: fault.status === 429 ? 'API rate limit exceeded' : 'Service unavailable' } }, headers);
    }
    if (host === 'accounts') return this.#accountsService(url, method, body as Record<string, string>, req, res);
    return this.#webApi(url, method, body, req, res);
  }

  #accountsService(url: URL, method: string, form: Record<string, string>, req: IncomingMessage, res: ServerResponse): void {
    if (method === 'GET' && url.pathname === '/authorize') {
      const q = url.searchParams;
      const redirect = q.get('redirect_uri') ?? '';
      if (q.get('client_id') !== this.clientId) return text(res, 400, 'INVALID_CLIENT: Invalid client');
      if (!this.redirectUris.has(redirect)) return text(res, 400, 'INVALID_CLIENT: Invalid redirect URI');
      if (q.get('response_type') !== 'code') return text(res, 400, 'unsupported_response_type');
      if (q.get('code_challenge_method') !== 'S256' || !/^[A-Za-z0-9_-]{43}$/.test(q.get('code_challenge') ?? '')) return text(res, 400, 'invalid_request: code_challenge');
      const back = new URL(redirect);
      const state = q.get('state');
      if (state !== null) back.searchParams.set('state', state);
      if (this.decline || this.loggedIn === undefined) {
        back.searchParams.set('error', 'access_denied');
      } else {
        const code = randomBytes(24).toString('base64url');
        this.#grants.set(code, { userId: this.loggedIn, challenge: q.get('code_challenge')!, redirectUri: redirect, scope: q.get('scope') ?? '', used: false });
        back.searchParams.set('code', code);
      }
      res.writeHead(303, { location: back.toString() });
      return void res.end();
    }
    if (method === 'POST' && url.pathname === '/api/token') {
      const auth = req.headers.authorization ?? '';
      const basic = `Basic ${Buffer.from(`${this.clientId}:${this.clientSecret}`).toString('base64')}`;
      if (auth !== basic) return json(res, 400, { error: 'invalid_client', error_description: 'Invalid client secret' });
      if (form.grant_type === 'authorization_code') {
        const g = this.#grants.get(form.code ?? '');
        if (g === undefined || g.used) return json(res, 400, { error: 'invalid_grant', error_description: 'Invalid authorization code' });
        if (form.redirect_uri !== g.redirectUri) return json(res, 400, { error: 'invalid_grant', error_description: 'Invalid redirect URI' });
        this.verifiers.push(form.code_verifier ?? '');
        const challenge = createHash('sha256').update(form.code_verifier ?? '').digest('base64url');
        if (challenge !== g.challenge) return json(res, 400, { error: 'invalid_grant', error_description: 'code_verifier was incorrect' });
        g.used = true;
        const refresh = randomBytes(24).toString('base64url');
        this.refreshTokens.set(refresh, g.userId);
        return json(res, 200, { access_token: this.#issue(g.userId), token_type: 'Bearer', scope: g.scope, expires_in: this.accessTokenSeconds, refresh_token: refresh });
      }
      if (form.grant_type === 'refresh_token') {
        const user = this.refreshTokens.get(form.refresh_token ?? '');
        if (user === undefined) return json(res, 400, { error: 'invalid_grant', error_description: 'Refresh token revoked' });
        const out: Record<string, unknown> = { access_token: this.#issue(user), token_type: 'Bearer', scope: 'user-top-read', expires_in: this.accessTokenSeconds };
        if (this.rotateRefreshTokens) {
          this.refreshTokens.delete(form.refresh_token!);
          const next = randomBytes(24).toString('base64url');
          this.refreshTokens.set(next, user);
          out.refresh_token = next;
        }
        return json(res, 200, out);
      }
      return json(res, 400, { error: 'unsupported_grant_type', error_description: `grant_type must be authorization_code or refresh_token` });
    }
    return json(res, 404, { error: 'not_found' });
  }

  #issue(userId: string): string {
    const token = randomBytes(24).toString('base64url');
    this.accessTokens.set(token, userId);
    return token;
  }

  #webApi(url: URL, method: string, body: unknown, req: IncomingMessage, res: ServerResponse): void {
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const userId = bearer === undefined ? undefined : this.accessTokens.get(bearer);
    if (userId === undefined) return apiError(res, 401, bearer === undefined ? 'No token provided' : 'The access token expired');
    const user = this.users.get(userId)!;
    const q = url.searchParams;
    const p = url.pathname;
    const paging = (max: number) => {
      const limit = Number(q.get('limit') ?? 20);
      const offset = Number(q.get('offset') ?? 0);
      if (!Number.isInteger(limit) || limit < 1 || limit > max) return undefined;
      return { limit, offset };
    };
    const pageOf = (all: unknown[], pg: { limit: number; offset: number }) => ({
      href: `${this.apiUrl}${p}`,
      items: all.slice(pg.offset, pg.offset + pg.limit),
      limit: pg.limit,
      offset: pg.offset,
      total: all.length,
      next: pg.offset + pg.limit < all.length ? `${this.apiUrl}${p}?offset=${pg.offset + pg.limit}&limit=${pg.limit}` : null,
      previous: null,
    });
    if (method === 'GET' && p === '/v1/me') return json(res, 200, { id: user.id, display_name: user.displayName, type: 'user', uri: `spotify:user:${user.id}` });
    if (method === 'GET' && p === '/v1/me/top/tracks') {
      const range = q.get('time_range') ?? 'medium_term';
      if (range !== 'short_term' && range !== 'medium_term' && range !== 'long_term') return apiError(res, 400, 'Invalid time range');
      const pg = paging(50);
      if (pg === undefined) return apiError(res, 400, 'Invalid limit');
      return json(res, 200, pageOf(user.top[range].map((id) => this.#track(id)), pg));
    }
    if (method === 'GET' && p === '/v1/me/tracks') {
      const pg = paging(50);
      if (pg === undefined) return apiError(res, 400, 'Invalid limit');
      return json(res, 200, pageOf(user.saved.map((id) => ({ added_at: '2026-01-01T00:00:00Z', track: this.#track(id) })), pg));
    }
    if (method === 'GET' && p === '/v1/me/playlists') {
      const pg = paging(50);
      if (pg === undefined) return apiError(res, 400, 'Invalid limit');
      const mine = [...this.playlists.values()].filter((pl) => pl.ownerId === user.id || pl.public !== false);
      return json(res, 200, pageOf(mine.map((pl) => this.#playlistObject(pl)), pg));
    }
    const items = /^\/v1\/playlists\/([^/]+)\/(items|tracks)$/.exec(p);
    if (items !== null) {
      const pl = this.playlists.get(decodeURIComponent(items[1]!));
      if (items[2] === 'tracks') return apiError(res, 403, 'Forbidden');
      if (pl === undefined) return apiError(res, 404, 'Resource not found');
      // Since 2026, only the owner (or a collaborator) reads a playlist's entries.
      if (pl.ownerId !== user.id) return apiError(res, 403, 'Forbidden');
      if (method === 'GET') {
        const pg = paging(50);
        if (pg === undefined) return apiError(res, 400, 'Invalid limit');
        return json(res, 200, pageOf(pl.items.map((uri) => ({ added_at: '2026-01-01T00:00:00Z', is_local: false, item: this.#track(uri.replace('spotify:track:', '')) })), pg));
      }
      if (method === 'POST') {
        const uris = (body as { uris?: unknown } | undefined)?.uris;
        if (!Array.isArray(uris) || uris.length === 0) return apiError(res, 400, 'No uris provided');
        if (uris.length > 100) return apiError(res, 400, 'Too many ids requested');
        for (const u of uris) if (typeof u !== 'string' || !this.tracks.has(u.replace(/^spotify:track:/, '')) || !u.startsWith('spotify:track:')) return apiError(res, 400, `Invalid base62 id ${String(u)}`);
        this.addBatches.push(uris.length);
        pl.items.push(...(uris as string[]));
        return json(res, 201, { snapshot_id: randomBytes(8).toString('hex') });
      }
    }
    if (method === 'POST' && p === '/v1/me/playlists') {
      const b = body as { name?: unknown; public?: unknown; description?: unknown } | undefined;
      if (typeof b?.name !== 'string' || b.name === '') return apiError(res, 400, 'Missing required field: name');
      const id = `pl${randomBytes(10).toString('hex')}`;
      const pl: FakePlaylist = { id, name: b.name, ownerId: user.id, public: b.public === true, ...(typeof b.description === 'string' ? { description: b.description } : {}), items: [] };
      this.playlists.set(id, pl);
      return json(res, 201, this.#playlistObject(pl));
    }
    if (method === 'POST' && /^\/v1\/users\/[^/]+\/playlists$/.test(p)) return apiError(res, 404, 'Not found.');
    if (method === 'GET' && p === '/v1/search') {
      const limit = Number(q.get('limit') ?? 10);
      if (!Number.isInteger(limit) || limit < 1 || limit > 10) return apiError(res, 400, 'Invalid limit');
      if (q.get('type') !== 'track') return apiError(res, 400, 'Unsupported type');
      const query = (q.get('q') ?? '').toLowerCase();
      const title = /track:(.+?)(?=\s+artist:|$)/.exec(query)?.[1]?.trim();
      const artist = /artist:(.+)$/.exec(query)?.[1]?.trim();
      const found = [...this.tracks.values()].filter((t) => (title === undefined || t.name.toLowerCase().includes(title)) && (artist === undefined || t.artist.toLowerCase() === artist));
      return json(res, 200, { tracks: pageOf(found.map((t) => this.#track(t.id)), { limit, offset: 0 }) });
    }
    return apiError(res, 404, 'Service not found');
  }

  #playlistObject(pl: FakePlaylist) {
    return {
      id: pl.id,
      name: pl.name,
      type: 'playlist',
      uri: `spotify:playlist:${pl.id}`,
      collaborative: pl.collaborative === true,
      description: pl.description ?? '',
      public: pl.public !== false,
      owner: { id: pl.ownerId, type: 'user' },
      external_urls: { spotify: `https://open.spotify.com/playlist/${pl.id}` },
      items: { href: `${this.apiUrl}/v1/playlists/${pl.id}/items`, total: pl.items.length },
    };
  }

  /** A track object in the 2026 shape (no popularity, no artist genres). */
  #track(id: string) {
    const t = this.tracks.get(id);
    if (t === undefined) throw new Error(`fake has no track ${id}`);
    return {
      id: t.id,
      name: t.name,
      type: 'track',
      uri: `spotify:track:${t.id}`,
      is_local: false,
      duration_ms: 200_000,
      explicit: false,
      artists: [{ id: `ar${t.artist.length}`, name: t.artist, type: 'artist' }],
      album: { id: 'al1', name: t.album ?? t.name, type: 'album' },
      external_urls: { spotify: `https://open.spotify.com/track/${t.id}` },
    };
  }
}

async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const t = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(t), ...headers });
  res.end(t);
}

function text(res: ServerResponse, status: number, t: string): void {
  res.writeHead(status, { 'content-type': 'text/plain' });
  res.end(t);
}

function apiError(res: ServerResponse, status: number, message: string): void {
  json(res, status, { error: { status, message } });
}
