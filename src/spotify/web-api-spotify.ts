/**
 * `Spotify` over spotify-web-api-node: its own methods where the endpoints still hold in 2026 (authorisation URL,
 * refresh, `/me`, top tracks, saved tracks, `/me/playlists`, search, `POST /me/playlists`), its request builders
 * for the PKCE code grant (the library's grant sends no `code_verifier`) and for the renamed playlist `/items`
 * endpoints. Every call runs against the configured hosts with a timeout, is retried by `withRetry`, and fails with
 * a typed SpotifyError.
 */
import { DEFAULT_ACCOUNTS_URL, DEFAULT_API_URL, loadLibrary, onHosts, rewriteOrigin, type Library, type LibraryHosts } from './library-hosts.ts';
import { withRetry, type RetryPolicy } from './retry.ts';
import {
  PLAYLIST_ADD_MAX,
  SEARCH_LIMIT_MAX,
  type PageRequest,
  type Spotify,
  type SpotifyPage,
  type SpotifyPlaylistRef,
  type SpotifyTokens,
  type SpotifyTrack,
  type SpotifyUser,
  type TimeRange,
} from './spotify.ts';
import { SpotifyError } from './spotify-errors.ts';

/** The app's credentials and where to reach Spotify; all but the credentials have defaults. */
interface WebApiSpotifyOptions {
  readonly clientId: string;
  readonly clientSecret: string;
  /** Must be registered in the Spotify developer dashboard exactly as written. */
  readonly redirectUri: string;
  /** Default https://accounts.spotify.com. */
  readonly accountsUrl?: string;
  /** Default https://api.spotify.com. */
  readonly apiUrl?: string;
  /** Per-request time to first byte (default 10,000 ms). */
  readonly timeoutMs?: number;
  readonly retry?: RetryPolicy;
}

type Json = Record<string, unknown>;

/** The real Spotify. */
export class WebApiSpotify implements Spotify {
  readonly #lib: Library;
  readonly #hosts: LibraryHosts;
  readonly #options: WebApiSpotifyOptions;

  constructor(options: WebApiSpotifyOptions) {
    this.#options = options;
    this.#lib = loadLibrary();
    this.#hosts = { accountsUrl: options.accountsUrl ?? DEFAULT_ACCOUNTS_URL, apiUrl: options.apiUrl ?? DEFAULT_API_URL, timeoutMs: options.timeoutMs ?? 10_000 };
  }

  authorizeUrl(p: { state: string; codeChallenge: string; scopes: readonly string[] }): string {
    const built = rewriteOrigin(this.#client().createAuthorizeURL([...p.scopes], p.state), this.#hosts);
    // The library does not encode query values; re-encode them all and add the PKCE challenge.
    const url = new URL(built);
    const params = new URLSearchParams(url.search);
    params.set('code_challenge_method', 'S256');
    params.set('code_challenge', p.codeChallenge);
    url.search = params.toString().replace(/\+/g, '%20');
    return url.toString();
  }

  async exchangeCode(p: { code: string; codeVerifier: string }): Promise<SpotifyTokens> {
    const body = await this.#send(() =>
      this.#lib
        .accounts()
        .withPath('/api/token')
        .withBodyParameters({ grant_type: 'authorization_code', code: p.code, redirect_uri: this.#options.redirectUri, code_verifier: p.codeVerifier })
        .withHeaders({ Authorization: this.#basicAuth(), 'Content-Type': 'application/x-www-form-urlencoded' })
        .build()
        .execute(this.#lib.http.post),
    );
    return tokensFrom(body);
  }

  async refresh(refreshToken: string): Promise<SpotifyTokens> {
    return tokensFrom(await this.#send(() => this.#client(undefined, refreshToken).refreshAccessToken()));
  }

  async me(accessToken: string): Promise<SpotifyUser> {
    const b = await this.#send(() => this.#client(accessToken).getMe());
    const id = b.id;
    if (typeof id !== 'string' || id === '') throw malformed('/me has no id');
    return { id, displayName: typeof b.display_name === 'string' && b.display_name !== '' ? b.display_name : undefined };
  }

  async topTracks(accessToken: string, range: TimeRange, page: PageRequest): Promise<SpotifyPage<SpotifyTrack>> {
    const b = await this.#send(() => this.#client(accessToken).getMyTopTracks({ time_range: range, limit: page.limit, offset: page.offset }));
    return pageOf(b, (x) => trackFrom(x));
  }

  async savedTracks(accessToken: string, page: PageRequest): Promise<SpotifyPage<SpotifyTrack>> {
    const b = await this.#send(() => this.#client(accessToken).getMySavedTracks({ limit: page.limit, offset: page.offset }));
    return pageOf(b, (x) => trackFrom((x as Json | null)?.track));
  }

  async myPlaylists(accessToken: string, page: PageRequest): Promise<SpotifyPage<SpotifyPlaylistRef>> {
    const b = await this.#send(() => this.#client(accessToken).getUserPlaylists({ limit: page.limit, offset: page.offset }));
    return pageOf(b, (x) => {
      const p = x as Json | null;
      if (p === null || typeof p.id !== 'string') return undefined;
      const owner = p.owner as Json | null | undefined;
      return { id: p.id, name: typeof p.name === 'string' ? p.name : '', ownerId: typeof owner?.id === 'string' ? owner.id : undefined, collaborative: p.collaborative === true, description: typeof p.description === 'string' ? p.description : undefined };
    });
  }

  async playlistItems(accessToken: string, playlistId: string, page: PageRequest): Promise<SpotifyPage<SpotifyTrack>> {
    const b = await this.#send(() =>
      this.#lib
        .webApi(accessToken)
        .withPath(`/v1/playlists/${encodeURIComponent(playlistId)}/items`)
        .withQueryParameters({ limit: page.limit, offset: page.offset, additional_types: 'track' })
        .build()
        .execute(this.#lib.http.get),
    );
    // 2026: each entry carries the track as `item` (`track` is deprecated and may be absent).
    return pageOf(b, (x) => {
      const e = x as Json | null;
      return trackFrom(e?.item ?? e?.track);
    });
  }

  async searchTracks(accessToken: string, query: string, limit: number): Promise<readonly SpotifyTrack[]> {
    if (!Number.isInteger(limit) || limit < 1 || limit > SEARCH_LIMIT_MAX) throw new RangeError(`search limit must be 1..${SEARCH_LIMIT_MAX}, got ${limit}`);
    const b = await this.#send(() => this.#client(accessToken).searchTracks(query, { limit }));
    const tracks = b.tracks as Json | undefined;
    return pageOf(tracks ?? {}, (x) => trackFrom(x)).items;
  }

  async createPlaylist(accessToken: string, p: { name: string; description: string; public: boolean }): Promise<{ id: string; url: string }> {
    const b = await this.#send(() => this.#client(accessToken).createPlaylist(p.name, { description: p.description, public: p.public }));
    const urls = b.external_urls as Json | undefined;
    if (typeof b.id !== 'string') throw malformed('the created playlist has no id');
    return { id: b.id, url: typeof urls?.spotify === 'string' ? urls.spotify : `https://open.spotify.com/playlist/${b.id}` };
  }

  async addItems(accessToken: string, playlistId: string, uris: readonly string[]): Promise<void> {
    if (uris.length === 0) return;
    if (uris.length > PLAYLIST_ADD_MAX) throw new RangeError(`at most ${PLAYLIST_ADD_MAX} items per request, got ${uris.length}`);
    await this.#send(() =>
      this.#lib
        .webApi(accessToken)
        .withPath(`/v1/playlists/${encodeURIComponent(playlistId)}/items`)
        .withHeaders({ 'Content-Type': 'application/json' })
        .withBodyParameters({ uris: [...uris] })
        .build()
        .execute(this.#lib.http.post),
    );
  }

  #client(accessToken?: string, refreshToken?: string) {
    const o = this.#options;
    return new this.#lib.SpotifyWebApi({
      clientId: o.clientId,
      clientSecret: o.clientSecret,
      redirectUri: o.redirectUri,
      ...(accessToken !== undefined ? { accessToken } : {}),
      ...(refreshToken !== undefined ? { refreshToken } : {}),
    });
  }

  #basicAuth(): string {
    return `Basic ${Buffer.from(`${this.#options.clientId}:${this.#options.clientSecret}`).toString('base64')}`;
  }

  /** One call: on the configured hosts, retried, failures typed; resolves with the JSON body. */
  async #send(call: () => Promise<{ body: unknown }>): Promise<Json> {
    const res = await withRetry(() => onHosts(this.#hosts, call), this.#options.retry);
    const body = res.body;
    if (body === undefined || body === null || body === '') return {};
    if (typeof body !== 'object') throw malformed('the answer is not JSON');
    return body as Json;
  }
}

function malformed(what: string): SpotifyError {
  return new SpotifyError('SPOTIFY_BAD_REQUEST', `Unexpected answer from Spotify: ${what}`, undefined);
}

function tokensFrom(b: Json): SpotifyTokens {
  if (typeof b.access_token !== 'string' || b.access_token === '') throw malformed('the token answer has no access_token');
  const expiresIn = typeof b.expires_in === 'number' && b.expires_in > 0 ? b.expires_in : 3600;
  return {
    accessToken: b.access_token,
    refreshToken: typeof b.refresh_token === 'string' && b.refresh_token !== '' ? b.refresh_token : undefined,
    expiresIn,
    scope: typeof b.scope === 'string' ? b.scope : undefined,
  };
}

/** A track object, or undefined for episodes, local files and removed tracks. */
function trackFrom(x: unknown): SpotifyTrack | undefined {
  const t = x as Json | null | undefined;
  if (t === null || t === undefined || typeof t.id !== 'string' || typeof t.name !== 'string') return undefined;
  if (t.type !== undefined && t.type !== 'track') return undefined;
  if (t.is_local === true) return undefined;
  const artists = Array.isArray(t.artists) ? t.artists.flatMap((a) => (typeof (a as Json | null)?.name === 'string' ? [(a as Json).name as string] : [])) : [];
  const album = t.album as Json | null | undefined;
  return { id: t.id, uri: typeof t.uri === 'string' ? t.uri : `spotify:track:${t.id}`, name: t.name, artists, album: typeof album?.name === 'string' ? album.name : undefined };
}

function pageOf<T>(b: Json, item: (x: unknown) => T | undefined): SpotifyPage<T> {
  const raw = Array.isArray(b.items) ? (b.items as unknown[]) : [];
  const items = raw.flatMap((x) => {
    const v = item(x);
    return v === undefined ? [] : [v];
  });
  return { items, total: typeof b.total === 'number' ? b.total : raw.length, next: typeof b.next === 'string' && b.next !== '' };
}
