/**
 * spotify-web-api-node hard-codes https://api.spotify.com and https://accounts.spotify.com and sets no timeout.
 * `onHosts` runs a library call against other base URLs (a local fake in tests, a proxy in production) and with a
 * timeout: a wrapper of the library's HttpManager, installed once on first use, rewrites those two origins for calls
 * made inside `onHosts` (AsyncLocalStorage), and leaves every other call of the process untouched.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { createRequire } from 'node:module';
import type SpotifyWebApiType from 'spotify-web-api-node';

/** Where library calls go, and how long they may take. */
export interface LibraryHosts {
  /** Accounts service base URL (default https://accounts.spotify.com). */
  readonly accountsUrl: string;
  /** Web API base URL (default https://api.spotify.com); paths keep their `/v1`. */
  readonly apiUrl: string;
  /** Time to the first response byte, in ms; the whole request may take three times as long. */
  readonly timeoutMs: number;
}

/** The origins the library builds its URLs from. */
export const DEFAULT_ACCOUNTS_URL = 'https://accounts.spotify.com';
export const DEFAULT_API_URL = 'https://api.spotify.com';

type Callback = (err: unknown, result?: LibraryResponse) => void;
type SuperagentMethod = (this: unknown, uri: string) => { timeout(t: { response: number; deadline: number }): unknown };
type MakeRequest = (method: SuperagentMethod, options: unknown, uri: string, callback: Callback) => void;

/** What the library resolves with. */
interface LibraryResponse {
  readonly body: unknown;
  readonly headers: Record<string, string | undefined>;
  readonly statusCode: number;
}

/** A request of the library's own machinery (built with its builders), ready to execute. */
interface LibraryRequest {
  execute(method: unknown): Promise<LibraryResponse>;
}

interface Builder {
  withPath(path: string): Builder;
  withQueryParameters(q: Record<string, unknown>): Builder;
  withBodyParameters(b: Record<string, unknown>): Builder;
  withHeaders(h: Record<string, string>): Builder;
  build(): LibraryRequest;
}

/** The parts of spotify-web-api-node Earworm uses, loaded through one `require` so they share one module instance. */
export interface Library {
  readonly SpotifyWebApi: typeof SpotifyWebApiType;
  /** Builder of Web API requests (bearer token set). */
  readonly webApi: (accessToken: string) => Builder;
  /** Builder of accounts-service requests. */
  readonly accounts: () => Builder;
  readonly http: { readonly get: unknown; readonly post: unknown };
}

const current = new AsyncLocalStorage<LibraryHosts>();
let library: Library | undefined;

/** Loads the library and installs the host wrapper (once). */
export function loadLibrary(): Library {
  if (library !== undefined) return library;
  const require = createRequire(import.meta.url);
  const manager = require('spotify-web-api-node/src/http-manager.js') as { _makeRequest: MakeRequest; get: unknown; post: unknown };
  const original = manager._makeRequest;
  manager._makeRequest = function (this: unknown, method, options, uri, callback) {
    const hosts = current.getStore();
    if (hosts === undefined) return original.call(this, method, options, uri, callback);
    const timed: SuperagentMethod = function (this: unknown, u: string) {
      const req = method.call(this, u);
      req.timeout({ response: hosts.timeoutMs, deadline: hosts.timeoutMs * 3 });
      return req;
    };
    return original.call(this, timed, options, rewriteOrigin(uri, hosts), callback);
  };
  library = {
    SpotifyWebApi: require('spotify-web-api-node') as typeof SpotifyWebApiType,
    webApi: (require('spotify-web-api-node/src/webapi-request.js') as { builder: (t: string) => Builder }).builder,
    accounts: (require('spotify-web-api-node/src/authentication-request.js') as { builder: () => Builder }).builder,
    http: { get: manager.get, post: manager.post },
  };
  return library;
}

/** Runs `call` (which starts a library request synchronously) against `hosts`. */
export function onHosts<T>(hosts: LibraryHosts, call: () => Promise<T>): Promise<T> {
  return current.run(hosts, call);
}

/** Replaces the library's default origin in `uri` with the configured base URL. */
export function rewriteOrigin(uri: string, hosts: Pick<LibraryHosts, 'accountsUrl' | 'apiUrl'>): string {
  for (const [from, to] of [
    [DEFAULT_API_URL, hosts.apiUrl],
    [DEFAULT_ACCOUNTS_URL, hosts.accountsUrl],
  ] as const) {
    if (uri === from || uri.startsWith(`${from}/`) || uri.startsWith(`${from}?`)) return `${to.replace(/\/+$/, '')}${uri.slice(from.length)}`;
  }
  return uri;
}
