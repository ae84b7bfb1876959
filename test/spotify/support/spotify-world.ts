/**
 * The Spotify test world: the fixture catalogue (some tracks carrying Spotify ids), a fake Spotify with users whose
 * libraries overlap the catalogue, Earworm's HTTP server serving the OAuth callback, and real tool services whose
 * Spotify adapter talks to the fake. The clock and the retry sleeps are the test's.
 */
import { sql } from 'drizzle-orm';
import { resolvePerson } from '../../../src/serving/state/people.ts';
import { trackExternalIds } from '../../../src/db/schema.ts';
import { silentLogger } from '../../../src/logging/logger.ts';
import { SeededRandom } from '../../../src/recsys/rng.ts';
import { createHttpServer, listen, type Route, type RunningServer } from '../../../src/http/http-server.ts';
import { spotifyCallbackRoute } from '../../../src/spotify/callback-route.ts';
import { callTool, type ToolCallOutcome } from '../../../src/tools/registry.ts';
import { contextFor, createToolServices, type ToolServices } from '../../../src/tools/tool-context.ts';
import type { Driver } from '../../support/db.ts';
import { openHarness, type Harness } from '../../tools/support/tool-harness.ts';
import { FakeSpotify } from './fake-spotify.ts';

/** EARWORM_SECRET of the tests. */
export const SECRET = 'test-secret-test-secret-test-secret-0123';

/** A Spotify-style id (22 characters). */
export const sid = (name: string) => `sp${name.replace(/[^A-Za-z0-9]/g, '')}`.padEnd(22, '0').slice(0, 22);

/** Everything a Spotify test needs. */
export interface SpotifyWorld {
  readonly h: Harness;
  readonly fake: FakeSpotify;
  readonly services: ToolServices;
  readonly server: RunningServer;
  readonly redirectUri: string;
  /** Milliseconds the adapter asked to sleep (429 Retry-After, 5xx backoff). */
  readonly sleeps: number[];
  /** The services' clock, in ms; tests move it. */
  clock: number;
  person(name: string): Promise<number>;
  call(person: string, tool: string, args: unknown): Promise<ToolCallOutcome>;
  /** Connects `person` to the fake's `spotifyUser`: asks for the link, follows it (authorize → callback). */
  connect(person: string, spotifyUser: string): Promise<Response>;
  close(): Promise<void>;
}

/** Rock tracks of the fixture that carry a Spotify id in the catalogue. */
const WITH_IDS = ['Creep', 'Karma Police', 'No Surprises', 'Everlong', 'Enter Sandman', 'One More Time'];

/** The one fixture track the fake Spotify does not have. */
export const NOT_ON_SPOTIFY = 'Avril 14th';

/** Builds the world on one driver. */
export async function openSpotifyWorld(driver: Driver): Promise<SpotifyWorld> {
  const h = await openHarness(driver);
  const id = (title: string) => h.fixture.byTitle.get(title)!;
  await h.db.orm.insert(trackExternalIds).values(WITH_IDS.map((t) => ({ namespace: 'spotify', externalId: sid(t), trackId: id(t) })));

  const fake = new FakeSpotify();
  await fake.start();
  const add = (name: string, artist: string) => fake.addTrack({ id: sid(name), name, artist }).id;
  // Catalogue tracks by Spotify id, by title + artist (Spotify's own spelling), and tracks Earworm does not have.
  const creep = add('Creep', 'Radiohead');
  const karma = add('Karma Police', 'Radiohead');
  const noSurprises = add('No Surprises', 'Radiohead');
  const everlong = add('Everlong', 'Foo Fighters');
  const sandman = add('Enter Sandman', 'Metallica');
  const teen = fake.addTrack({ id: sid('teenspirit'), name: 'Smells Like Teen Spirit - Remastered 2021', artist: 'Nirvana' }).id;
  const black = fake.addTrack({ id: sid('blackpj'), name: 'Black', artist: 'Pearl Jam' }).id;
  const one = fake.addTrack({ id: sid('onemetallica'), name: 'One (Remastered)', artist: 'Metallica' }).id;
  const unknown1 = add('Obscure Demo', 'Nobody Knows');
  const unknown2 = add('Garage Tape', 'The Unsigned');
  // The rest of the catalogue is on Spotify too (found by search), except one track.
  const rows = await h.db.rows<{ title: string; artist: string }>(sql`
    select t.title, a.name as artist from tracks t join track_artists ta on ta.track_id = t.id and ta.position = 0 join artists a on a.id = ta.artist_id`);
  for (const r of rows) if (r.title !== NOT_ON_SPOTIFY && !fake.tracks.has(sid(r.title))) add(r.title, r.artist);
  fake.users.set('ana.spotify', {
    id: 'ana.spotify',
    displayName: 'Ana',
    top: { short_term: [creep, karma, noSurprises], medium_term: [teen, creep], long_term: [unknown1] },
    saved: [everlong, black, unknown2],
  });
  fake.users.set('ben.spotify', { id: 'ben.spotify', displayName: 'Ben', top: { short_term: [everlong], medium_term: [], long_term: [] }, saved: [] });
  fake.playlists.set('anamix', { id: 'anamix', name: 'Ana mix', ownerId: 'ana.spotify', items: [`spotify:track:${sandman}`, `spotify:track:${one}`, `spotify:track:${creep}`] });
  fake.playlists.set('othercollab', { id: 'othercollab', name: 'Shared', ownerId: 'someone.else', collaborative: true, items: [`spotify:track:${black}`] });
  fake.playlists.set('othersfollowed', { id: 'othersfollowed', name: 'Top hits', ownerId: 'spotify', items: [`spotify:track:${teen}`] });

  const callback: { route?: Route } = {};
  const server = await listen(createHttpServer([{ path: '/spotify/callback', methods: ['GET'], handler: (req, res) => callback.route!.handler(req, res) }], silentLogger), 0);
  const redirectUri = `${server.url}/spotify/callback`;
  fake.redirectUris.add(redirectUri);

  const sleeps: number[] = [];
  let seed = 1;
  const world: SpotifyWorld = {
    h,
    fake,
    server,
    redirectUri,
    sleeps,
    clock: Date.parse('2026-11-22T10:00:00Z'),
    services: undefined as unknown as ToolServices,
    person: (name) => resolvePerson(h.db, 'test', name),
    async call(person, tool, args) {
      return callTool(tool, args, contextFor(world.services, await world.person(person)));
    },
    async connect(person, spotifyUser) {
      fake.loggedIn = spotifyUser;
      const link = await world.call(person, 'spotify_connect_link', {});
      if (link.kind !== 'ok' || link.tool !== 'spotify_connect_link' || link.value.url === undefined) throw new Error(`no connect link: ${JSON.stringify(link)}`);
      return fetch(link.value.url);
    },
    async close() {
      await server.close();
      await fake.stop();
      await h.close();
    },
  };
  (world as { services: ToolServices }).services = await createToolServices({
    db: h.db,
    home: h.home,
    logger: silentLogger,
    random: () => new SeededRandom(seed++),
    spotify: {
      app: { clientId: fake.clientId, clientSecret: fake.clientSecret, redirectUri },
      secret: SECRET,
      accountsUrl: fake.accountsUrl,
      apiUrl: fake.apiUrl,
      timeoutMs: 2000,
      retry: { sleep: async (ms) => void sleeps.push(ms) },
      now: () => new Date(world.clock),
    },
  });
  callback.route = spotifyCallbackRoute(world.services.spotify!, silentLogger);
  return world;
}

/** Rows of a table for one person. */
export async function countFor(world: SpotifyWorld, table: 'person_seeds' | 'linked_accounts' | 'oauth_states', personId: number): Promise<number> {
  const [r] = await world.h.db.rows<{ n: number }>(sql`select count(*)::int as n from ${sql.raw(table)} where person_id = ${personId}`);
  return r?.n ?? 0;
}
