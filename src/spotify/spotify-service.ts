/**
 * A person's Spotify link, as the tools and the OAuth callback use it: the connect link (PKCE + a state bound to the
 * person), completing the connection, tokens encrypted at rest and refreshed before expiry, importing the library as
 * that person's seeds, exporting a playlist, and disconnecting (which deletes the tokens and every imported seed).
 */
import { sql } from 'drizzle-orm';
import type { Config } from '../config/config.ts';
import type { Db } from '../db/db.ts';
import { deleteLinkedAccount, getLinkedAccount, saveLinkedAccount, type LinkedAccount } from '../serving/state/linked-accounts.ts';
import { TokenCipher, TokenDecryptError } from '../db/token-cipher.ts';
import type { Logger } from '../logging/logger.ts';
import { consumeState, startAuthorisation, type StateRejection } from './oauth-states.ts';
import { deleteSpotifySeeds, replaceSpotifySeeds, spotifySeedTracks, type SpotifySeedSource } from './person-seeds.ts';
import { codeChallenge } from './pkce.ts';
import type { RetryPolicy } from './retry.ts';
import { PLAYLIST_ADD_MAX, SEARCH_LIMIT_MAX, type Spotify, type SpotifyTrack, type TimeRange } from './spotify.ts';
import { SpotifyAuthRevokedError, SpotifyError, SpotifyNotConnectedError } from './spotify-errors.ts';
import { exportTracks, matchSpotifyTracks, spotifyTrackKey } from './track-matcher.ts';
import { WebApiSpotify } from './web-api-spotify.ts';

/** The provider name in linked_accounts and oauth_states. */
export const SPOTIFY_PROVIDER = 'spotify';

/** What Earworm asks the person to allow: read top and saved tracks and playlists, create private playlists. */
export const SPOTIFY_SCOPES = ['user-top-read', 'user-library-read', 'playlist-read-private', 'playlist-read-collaborative', 'playlist-modify-private'] as const;

/** How much of a library one import reads (bounded, so an import takes seconds, not minutes). */
export interface ImportLimits {
  /** Top tracks per time range (one page; default 50). */
  readonly topPerRange: number;
  /** Saved tracks (default 500). */
  readonly saved: number;
  /** Playlists of the person's own (or collaborative) read (default 50). */
  readonly playlists: number;
  /** Entries read per playlist (default 200). */
  readonly perPlaylist: number;
  /** Page size of paged lists (default 50). */
  readonly pageSize: number;
}

/** Description of the playlists Earworm creates; import skips them, so recommendations do not come back as seeds. */
export const EARWORM_PLAYLIST_DESCRIPTION = 'Recommended by Earworm';

const DEFAULT_LIMITS: ImportLimits = { topPerRange: 50, saved: 500, playlists: 50, perPlaylist: 200, pageSize: 50 };

/** Dependencies of the service; `now`, `stateTtlMs` and `limits` have defaults. */
export interface SpotifyServiceDeps {
  readonly db: Db;
  readonly spotify: Spotify;
  /** EARWORM_SECRET: encrypts tokens and PKCE verifiers. */
  readonly secret: string;
  /** The registered redirect URI; its path is where the callback route listens. */
  readonly redirectUri: string;
  readonly logger: Logger;
  /** Clock (default: the system clock). */
  readonly now?: () => Date;
  /** How long a connect link stays valid (default 10 minutes). */
  readonly stateTtlMs?: number;
  readonly limits?: Partial<ImportLimits>;
}

/** Result of asking for a connect link. */
export type ConnectLink = { readonly kind: 'link'; readonly url: string; readonly expiresInMinutes: number } | { readonly kind: 'connected'; readonly spotifyUser: string };

/** Result of the OAuth callback. */
export type ConnectionResult =
  | { readonly ok: true; readonly personId: number; readonly spotifyUser: string }
  | { readonly ok: false; readonly reason: StateRejection | 'denied' | 'failed' };

/** Tracks read per source in one import. */
export interface ImportCounts {
  readonly top_short: number;
  readonly top_medium: number;
  readonly top_long: number;
  readonly saved: number;
  readonly playlists: number;
}

/** What an import did. */
export interface ImportReport {
  readonly counts: ImportCounts;
  /** Distinct Spotify tracks read. */
  readonly total: number;
  /** Distinct Spotify tracks that resolved to a catalogue track. */
  readonly matched: number;
  /** Distinct catalogue tracks now seeding the person's recommendations. */
  readonly seedTracks: number;
  readonly playlistsRead: number;
  /** Playlists Spotify would not list the entries of (others' playlists answer 403 since 2026). */
  readonly playlistsSkipped: number;
}

/** What an export did; `kind: 'empty'` when no track could be found on Spotify (no playlist is created then). */
export type ExportReport =
  | { readonly kind: 'created'; readonly playlistId: string; readonly url: string; readonly name: string; readonly added: number; readonly skipped: number; readonly searched: number }
  | { readonly kind: 'empty'; readonly skipped: number };

const RANGES: readonly [TimeRange, keyof ImportCounts, SpotifySeedSource][] = [
  ['short_term', 'top_short', 'spotify:top_short'],
  ['medium_term', 'top_medium', 'spotify:top_medium'],
  ['long_term', 'top_long', 'spotify:top_long'],
];

/** Refresh this long before the access token expires. */
const REFRESH_MARGIN_MS = 60_000;

/** The Spotify link of people. */
export class SpotifyService {
  readonly #db: Db;
  readonly #spotify: Spotify;
  readonly #cipher: TokenCipher;
  readonly #logger: Logger;
  readonly #now: () => Date;
  readonly #ttlMs: number;
  readonly #limits: ImportLimits;
  readonly #refreshing = new Map<number, Promise<string>>();
  /** Path of the OAuth callback (the redirect URI's path). */
  readonly callbackPath: string;

  constructor(deps: SpotifyServiceDeps) {
    this.#db = deps.db;
    this.#spotify = deps.spotify;
    this.#cipher = new TokenCipher(deps.secret);
    this.#logger = deps.logger;
    this.#now = deps.now ?? (() => new Date());
    this.#ttlMs = deps.stateTtlMs ?? 10 * 60_000;
    this.#limits = { ...DEFAULT_LIMITS, ...deps.limits };
    this.callbackPath = new URL(deps.redirectUri).pathname;
  }

  /** A link that connects the person's Spotify account, or who is connected already. */
  async connectLink(personId: number): Promise<ConnectLink> {
    const linked = await this.#account(personId).catch((err: unknown) => {
      if (err instanceof SpotifyNotConnectedError) return undefined;
      throw err;
    });
    if (linked !== undefined) return { kind: 'connected', spotifyUser: linked.externalUserId };
    const started = await startAuthorisation(this.#db, this.#cipher, { personId, provider: SPOTIFY_PROVIDER, ttlMs: this.#ttlMs, now: this.#now() });
    const url = this.#spotify.authorizeUrl({ state: started.state, codeChallenge: codeChallenge(started.codeVerifier), scopes: SPOTIFY_SCOPES });
    return { kind: 'link', url, expiresInMinutes: Math.round(this.#ttlMs / 60_000) };
  }

  /** Completes a connection from the callback's query: checks the state, exchanges the code, stores the tokens. */
  async completeConnection(q: { state: string | undefined; code: string | undefined; error: string | undefined }): Promise<ConnectionResult> {
    const consumed = await consumeState(this.#db, this.#cipher, { state: q.state ?? '', provider: SPOTIFY_PROVIDER, now: this.#now() });
    if (!consumed.ok) return consumed;
    if (q.error !== undefined) return { ok: false, reason: 'denied' };
    if (q.code === undefined || q.code === '') return { ok: false, reason: 'failed' };
    try {
      const tokens = await this.#spotify.exchangeCode({ code: q.code, codeVerifier: consumed.codeVerifier });
      const user = await this.#spotify.me(tokens.accessToken);
      await saveLinkedAccount(this.#db, this.#cipher, {
        personId: consumed.personId,
        provider: SPOTIFY_PROVIDER,
        externalUserId: user.id,
        accessToken: tokens.accessToken,
        ...(tokens.refreshToken !== undefined ? { refreshToken: tokens.refreshToken } : {}),
        expiresAt: new Date(this.#now().getTime() + tokens.expiresIn * 1000),
        ...(tokens.scope !== undefined ? { scopes: tokens.scope } : {}),
      });
      return { ok: true, personId: consumed.personId, spotifyUser: user.displayName ?? user.id };
    } catch (err) {
      this.#logger.warn({ err, personId: consumed.personId }, 'Spotify connection failed');
      return { ok: false, reason: 'failed' };
    }
  }

  /** Imports top, saved and playlist tracks as the person's seeds, replacing earlier Spotify seeds. */
  async importLibrary(personId: number): Promise<ImportReport> {
    const session = await this.#session(personId);
    const L = this.#limits;
    const read = new Map<string, SpotifyTrack>();
    const entries: { spotifyId: string; source: SpotifySeedSource }[] = [];
    const counts = { top_short: 0, top_medium: 0, top_long: 0, saved: 0, playlists: 0 };
    const take = (list: readonly SpotifyTrack[], source: SpotifySeedSource, key: keyof ImportCounts) => {
      for (const t of list) {
        read.set(t.id, t);
        entries.push({ spotifyId: t.id, source });
      }
      counts[key] += list.length;
    };
    for (const [range, key, source] of RANGES) {
      const page = await session.call((token) => this.#spotify.topTracks(token, range, { limit: Math.min(50, L.topPerRange), offset: 0 }));
      take(page.items, source, key);
    }
    for (let offset = 0; offset < L.saved; offset += L.pageSize) {
      const page = await session.call((token) => this.#spotify.savedTracks(token, { limit: Math.min(L.pageSize, L.saved - offset), offset }));
      take(page.items, 'spotify:saved', 'saved');
      if (!page.next) break;
    }
    let playlistsRead = 0;
    let playlistsSkipped = 0;
    for (let offset = 0; offset < L.playlists; offset += L.pageSize) {
      const page = await session.call((token) => this.#spotify.myPlaylists(token, { limit: Math.min(L.pageSize, L.playlists - offset), offset }));
      for (const p of page.items) {
        if ((p.ownerId !== session.userId && !p.collaborative) || p.description === EARWORM_PLAYLIST_DESCRIPTION) continue;
        try {
          for (let at = 0; at < L.perPlaylist; at += L.pageSize) {
            const items = await session.call((token) => this.#spotify.playlistItems(token, p.id, { limit: Math.min(L.pageSize, L.perPlaylist - at), offset: at }));
            take(items.items, 'spotify:playlist', 'playlists');
            if (!items.next) break;
          }
          playlistsRead++;
        } catch (err) {
          if (!(err instanceof SpotifyError) || (err.code !== 'SPOTIFY_FORBIDDEN' && err.code !== 'SPOTIFY_NOT_FOUND')) throw err;
          playlistsSkipped++;
        }
      }
      if (!page.next) break;
    }
    const matches = await matchSpotifyTracks(this.#db, [...read.values()]);
    const seeds = entries.flatMap((e) => {
      const trackId = matches.get(e.spotifyId);
      return trackId === undefined ? [] : [{ trackId, source: e.source }];
    });
    await replaceSpotifySeeds(this.#db, personId, seeds);
    return { counts, total: read.size, matched: matches.size, seedTracks: new Set(seeds.map((s) => s.trackId)).size, playlistsRead, playlistsSkipped };
  }

  /** Creates a private playlist of these catalogue tracks (in order), adding at most 100 per request. */
  async exportPlaylist(personId: number, p: { name: string; trackIds: readonly number[] }): Promise<ExportReport> {
    const session = await this.#session(personId);
    const wanted = [...new Set(p.trackIds)];
    const known = await exportTracks(this.#db, wanted);
    let skipped = wanted.length - known.length;
    let searched = 0;
    const uris: string[] = [];
    for (const t of known) {
      if (t.spotifyId !== undefined) {
        uris.push(`spotify:track:${t.spotifyId}`);
        continue;
      }
      if (t.artist === undefined) {
        skipped++;
        continue;
      }
      searched++;
      const query = `track:${t.title.replace(/"/g, '')} artist:${t.artist.replace(/"/g, '')}`;
      const hits = await session.call((token) => this.#spotify.searchTracks(token, query, Math.min(5, SEARCH_LIMIT_MAX)));
      const hit = hits.find((h) => spotifyTrackKey(h) === t.normKey);
      if (hit === undefined) skipped++;
      else uris.push(hit.uri);
    }
    const unique = [...new Set(uris)];
    if (unique.length === 0) return { kind: 'empty', skipped };
    const created = await session.call((token) => this.#spotify.createPlaylist(token, { name: p.name, description: EARWORM_PLAYLIST_DESCRIPTION, public: false }));
    for (let i = 0; i < unique.length; i += PLAYLIST_ADD_MAX) {
      const batch = unique.slice(i, i + PLAYLIST_ADD_MAX);
      await session.call((token) => this.#spotify.addItems(token, created.id, batch));
    }
    return { kind: 'created', playlistId: created.id, url: created.url, name: p.name, added: unique.length, skipped, searched };
  }

  /** Deletes the person's tokens, authorisations in flight and every seed imported from Spotify. */
  async disconnect(personId: number): Promise<{ disconnected: boolean; removedSeeds: number }> {
    const disconnected = await deleteLinkedAccount(this.#db, personId, SPOTIFY_PROVIDER);
    const removedSeeds = await deleteSpotifySeeds(this.#db, personId);
    await this.#db.rows(sql`delete from oauth_states where person_id = ${personId} and provider = ${SPOTIFY_PROVIDER} returning 1 as x`);
    return { disconnected, removedSeeds };
  }

  /** The person's imported seed tracks, strongest first. */
  async seedTracks(personId: number, limit = 50): Promise<number[]> {
    return spotifySeedTracks(this.#db, personId, limit);
  }

  /** The linked account; a token that no longer decrypts (EARWORM_SECRET changed) counts as revoked. */
  async #account(personId: number): Promise<LinkedAccount> {
    let account: LinkedAccount | undefined;
    try {
      account = await getLinkedAccount(this.#db, this.#cipher, personId, SPOTIFY_PROVIDER);
    } catch (err) {
      if (!(err instanceof TokenDecryptError)) throw err;
      this.#logger.warn({ err, personId }, 'stored Spotify tokens do not decrypt; dropping the link');
      await deleteLinkedAccount(this.#db, personId, SPOTIFY_PROVIDER);
      throw new SpotifyNotConnectedError('revoked');
    }
    if (account === undefined) throw new SpotifyNotConnectedError('never');
    return account;
  }

  /** Calls made for one person: a valid access token, refreshed before expiry and once more after a 401. */
  async #session(personId: number): Promise<{ userId: string; call<T>(fn: (token: string) => Promise<T>): Promise<T> }> {
    const account = await this.#account(personId);
    let token = await this.#fresh(account);
    return {
      userId: account.externalUserId,
      call: async <T>(fn: (token: string) => Promise<T>): Promise<T> => {
        try {
          return await fn(token);
        } catch (err) {
          if (!(err instanceof SpotifyError) || err.code !== 'SPOTIFY_UNAUTHORIZED') throw err;
          token = await this.#refresh(await this.#account(personId));
          return fn(token);
        }
      },
    };
  }

  /** The access token, refreshed first when it expires within a minute. */
  async #fresh(account: LinkedAccount): Promise<string> {
    const expires = account.expiresAt?.getTime();
    if (expires !== undefined && expires - this.#now().getTime() > REFRESH_MARGIN_MS) return account.accessToken;
    return this.#refresh(account);
  }

  /** Refreshes once per person at a time; keeps the old refresh token when none comes back; drops the link on invalid_grant. */
  #refresh(account: LinkedAccount): Promise<string> {
    const running = this.#refreshing.get(account.personId);
    if (running !== undefined) return running;
    const job = (async () => {
      if (account.refreshToken === undefined) {
        await deleteLinkedAccount(this.#db, account.personId, SPOTIFY_PROVIDER);
        throw new SpotifyNotConnectedError('revoked');
      }
      let tokens;
      try {
        tokens = await this.#spotify.refresh(account.refreshToken);
      } catch (err) {
        if (!(err instanceof SpotifyAuthRevokedError)) throw err;
        this.#logger.info({ personId: account.personId }, 'Spotify refused the refresh token (invalid_grant); dropping the link');
        await deleteLinkedAccount(this.#db, account.personId, SPOTIFY_PROVIDER);
        throw new SpotifyNotConnectedError('revoked');
      }
      await saveLinkedAccount(this.#db, this.#cipher, {
        personId: account.personId,
        provider: SPOTIFY_PROVIDER,
        externalUserId: account.externalUserId,
        accessToken: tokens.accessToken,
        // Absent: saveLinkedAccount keeps the stored refresh token.
        ...(tokens.refreshToken !== undefined ? { refreshToken: tokens.refreshToken } : {}),
        expiresAt: new Date(this.#now().getTime() + tokens.expiresIn * 1000),
        ...(tokens.scope !== undefined ? { scopes: tokens.scope } : {}),
      });
      return tokens.accessToken;
    })();
    this.#refreshing.set(account.personId, job);
    return job.finally(() => this.#refreshing.delete(account.personId));
  }
}

/** Options of `createSpotifyService` beyond the config: test hosts, retry policy, clock. */
export interface SpotifyServiceOverrides {
  readonly accountsUrl?: string;
  readonly apiUrl?: string;
  readonly retry?: RetryPolicy;
  readonly timeoutMs?: number;
  readonly now?: () => Date;
  readonly stateTtlMs?: number;
  readonly limits?: Partial<ImportLimits>;
}

/** What the service needs from the configuration. */
export interface SpotifySettings {
  readonly app: NonNullable<Config['spotify']>;
  /** EARWORM_SECRET. */
  readonly secret: string;
}

/** The Spotify settings of a Config, or undefined when Spotify is not configured (no client id or no secret). */
export function spotifySettings(config: Pick<Config, 'spotify' | 'secret'>): SpotifySettings | undefined {
  return config.spotify === undefined || config.secret === undefined ? undefined : { app: config.spotify, secret: config.secret };
}

/** `{ spotify }` for createToolServices when Spotify is configured, else `{}`: spread it into the deps. */
export function spotifyDeps(config: Pick<Config, 'spotify' | 'secret'>): { spotify?: SpotifySettings } {
  const settings = spotifySettings(config);
  return settings === undefined ? {} : { spotify: settings };
}

/** Builds the real service: WebApiSpotify (spotify-web-api-node) over the configured app. */
export function createSpotifyService(deps: { db: Db; logger: Logger; settings: SpotifySettings } & SpotifyServiceOverrides): SpotifyService {
  const { app, secret } = deps.settings;
  const spotify = new WebApiSpotify({
    clientId: app.clientId,
    clientSecret: app.clientSecret,
    redirectUri: app.redirectUri,
    ...(deps.accountsUrl !== undefined ? { accountsUrl: deps.accountsUrl } : {}),
    ...(deps.apiUrl !== undefined ? { apiUrl: deps.apiUrl } : {}),
    ...(deps.timeoutMs !== undefined ? { timeoutMs: deps.timeoutMs } : {}),
    ...(deps.retry !== undefined ? { retry: deps.retry } : {}),
  });
  return new SpotifyService({
    db: deps.db,
    spotify,
    secret,
    redirectUri: app.redirectUri,
    logger: deps.logger,
    ...(deps.now !== undefined ? { now: deps.now } : {}),
    ...(deps.stateTtlMs !== undefined ? { stateTtlMs: deps.stateTtlMs } : {}),
    ...(deps.limits !== undefined ? { limits: deps.limits } : {}),
  });
}
