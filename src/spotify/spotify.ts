/**
 * The `Spotify` role: the accounts service (authorisation URL, code grant, refresh) and the parts of the Web API
 * Earworm calls, in the 2026 shapes (playlist entries under `items[].item`, search `limit` ≤ 10, `POST /me/playlists`).
 * The real implementation is `WebApiSpotify` (spotify-web-api-node plus its request machinery for renamed endpoints).
 */

/** Tokens from the accounts service; `refreshToken` is absent when a refresh response carries none. */
export interface SpotifyTokens {
  readonly accessToken: string;
  readonly refreshToken: string | undefined;
  /** Seconds the access token lives. */
  readonly expiresIn: number;
  readonly scope: string | undefined;
}

/** The signed-in Spotify user. */
export interface SpotifyUser {
  readonly id: string;
  readonly displayName: string | undefined;
}

/** A track as Earworm reads it (fields removed in 2026, such as `popularity`, are not read). */
export interface SpotifyTrack {
  readonly id: string;
  readonly uri: string;
  readonly name: string;
  readonly artists: readonly string[];
  readonly album: string | undefined;
}

/** A playlist of the user's library. */
export interface SpotifyPlaylistRef {
  readonly id: string;
  readonly name: string;
  readonly ownerId: string | undefined;
  readonly collaborative: boolean;
  readonly description: string | undefined;
}

/** One page of a paged list; `next` is false on the last page. */
export interface SpotifyPage<T> {
  readonly items: readonly T[];
  readonly total: number;
  readonly next: boolean;
}

/** Paging of list endpoints. */
export interface PageRequest {
  readonly limit: number;
  readonly offset: number;
}

/** Top-items time ranges. */
export type TimeRange = 'short_term' | 'medium_term' | 'long_term';

/** The most results search may ask for since February 2026. */
export const SEARCH_LIMIT_MAX = 10;

/** The most items one add-to-playlist request may carry. */
export const PLAYLIST_ADD_MAX = 100;

/** The accounts service and the Web API, as Earworm uses them; every failure is a `SpotifyError` subclass. */
export interface Spotify {
  /** The URL that asks the person to authorise Earworm (authorization code flow with PKCE, S256). */
  authorizeUrl(p: { readonly state: string; readonly codeChallenge: string; readonly scopes: readonly string[] }): string;
  /** Exchanges an authorisation code, proving possession of the PKCE verifier. */
  exchangeCode(p: { readonly code: string; readonly codeVerifier: string }): Promise<SpotifyTokens>;
  /** A new access token from a refresh token (`refreshToken` in the answer only when Spotify rotated it). */
  refresh(refreshToken: string): Promise<SpotifyTokens>;
  me(accessToken: string): Promise<SpotifyUser>;
  topTracks(accessToken: string, range: TimeRange, page: PageRequest): Promise<SpotifyPage<SpotifyTrack>>;
  savedTracks(accessToken: string, page: PageRequest): Promise<SpotifyPage<SpotifyTrack>>;
  myPlaylists(accessToken: string, page: PageRequest): Promise<SpotifyPage<SpotifyPlaylistRef>>;
  /** `GET /playlists/{id}/items` (entries under `items[].item`; episodes and local files are left out). */
  playlistItems(accessToken: string, playlistId: string, page: PageRequest): Promise<SpotifyPage<SpotifyTrack>>;
  /** Track search; `limit` must be 1..10. */
  searchTracks(accessToken: string, query: string, limit: number): Promise<readonly SpotifyTrack[]>;
  /** `POST /me/playlists`. */
  createPlaylist(accessToken: string, p: { readonly name: string; readonly description: string; readonly public: boolean }): Promise<{ readonly id: string; readonly url: string }>;
  /** `POST /playlists/{id}/items` with at most 100 URIs. */
  addItems(accessToken: string, playlistId: string, uris: readonly string[]): Promise<void>;
}
