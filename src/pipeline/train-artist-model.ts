/**
 * Trains the artist model (src/recsys/artist/artist-graph.ts) from every source in the database: Last.fm listener
 * plays, artist co-occurrence in the Yes.com, TidyTuesday and MPD playlists, Last.fm artist tags and the songs' tags
 * and playlist genres. Every artist row is linked to its keys (src/catalog/artist-keys.ts), so the same artist from
 * several sources, and the guests of a "feat." credit, are one node. Saved as a model version and activated.
 */
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import { artistLinkKeys, loadArtistKeyEvidence } from '../catalog/artist-keys.ts';
import { searchTerms } from '../tools/search-terms.ts';
import type { Db } from '../db/db.ts';
import { ARTIST_GRAPH_FILE, ARTIST_MODEL_KIND, publishModelVersion } from '../db/model-versions.ts';
import { ARTIST_SERVING_DEFAULTS } from '../recsys/ranking/ranking-params.ts';
import { buildArtistGraph, type ArtistGraph, type ArtistGraphOptions, type CooccurrenceSource, type TagEvidence } from '../recsys/artist/artist-graph.ts';
import { writeFileAtomic } from '../recsys/atomic-file.ts';

/** Weights of the co-occurrence sources in the blend (and of tags, in ArtistGraphOptions). */
const ARTIST_SOURCE_WEIGHTS = { lastfm: 1, playlists: 1 } as const;

/** Length of the character n-grams of the spelling evidence. */
const SPELLING_GRAM = 4;

/** The evidence the graph is built from, with each catalogue artist's nodes. */
interface ArtistEvidence {
  readonly keys: string[];
  /** Catalogue artist id -> its nodes (main credit first). */
  readonly nodesOfArtist: Map<number, number[]>;
  readonly sources: CooccurrenceSource[];
  readonly tags: TagEvidence[];
  /** Words of each artist's name and track titles (the graph's last-resort evidence). */
  readonly words: TagEvidence[];
  /** The spelling of those words: their character 4-grams (evidence after the last resort). */
  readonly spelling: TagEvidence[];
}

/** Which evidence to leave out (the served benchmark holds Last.fm listeners out). */
interface ArtistEvidenceOptions {
  /** Last.fm listeners (person ids) whose plays are left out. */
  readonly excludeListeners?: ReadonlySet<number>;
}

/** Reads the artists, their keys and all the evidence from the database. */
async function loadArtistEvidence(db: Db, options: ArtistEvidenceOptions = {}): Promise<ArtistEvidence> {
  const keys: string[] = [];
  const nodeOfKey = new Map<string, number>();
  const nodesOfArtist = new Map<number, number[]>();
  // Which list-like credits name several artists is decided on the catalogue's evidence (src/catalog/artist-keys.ts).
  const keyEvidence = await loadArtistKeyEvidence(db);
  for (const r of await db.rows<{ id: number; name: string }>(sql`select id, name from artists order by id`)) {
    const nodes = artistLinkKeys(r.name, keyEvidence).map((k) => {
      let node = nodeOfKey.get(k);
      if (node === undefined) {
        node = keys.length;
        keys.push(k);
        nodeOfKey.set(k, node);
      }
      return node;
    });
    if (nodes.length > 0) nodesOfArtist.set(Number(r.id), nodes);
  }
  const nodesOfTrack = new Map<number, number[]>();
  for (const r of await db.rows<{ track_id: number; artist_id: number }>(sql`select track_id, artist_id from track_artists order by track_id, position`)) {
    const t = Number(r.track_id);
    const nodes = nodesOfArtist.get(Number(r.artist_id)) ?? [];
    const list = nodesOfTrack.get(t);
    if (list === undefined) nodesOfTrack.set(t, [...nodes]);
    else for (const x of nodes) if (!list.includes(x)) list.push(x);
  }

  const group = (rows: { s: number; nodes: readonly number[] }[]): number[][] => {
    const by = new Map<number, Set<number>>();
    for (const r of rows) {
      let set = by.get(r.s);
      if (set === undefined) by.set(r.s, (set = new Set()));
      for (const x of r.nodes) set.add(x);
    }
    return [...by.values()].map((s) => [...s]);
  };
  const excluded = options.excludeListeners ?? new Set<number>();
  const plays = await db.rows<{ person_id: number; artist_id: number }>(
    sql`select person_id, artist_id from interactions where source = 'lastfm' and artist_id is not null and person_id is not null`,
  );
  const listeners = group(plays.filter((r) => !excluded.has(Number(r.person_id))).map((r) => ({ s: Number(r.person_id), nodes: nodesOfArtist.get(Number(r.artist_id)) ?? [] })));
  const members = await db.rows<{ playlist_id: number; track_id: number }>(sql`select playlist_id, track_id from interactions where playlist_id is not null and track_id is not null`);
  const playlists = group(members.map((r) => ({ s: Number(r.playlist_id), nodes: nodesOfTrack.get(Number(r.track_id)) ?? [] })));

  const tags: TagEvidence[] = [];
  const artistTags = await db.rows<{ artist_id: number; tag_id: number; n: number }>(
    sql`select artist_id, tag_id, count(*)::int as n from tag_assignments group by artist_id, tag_id`,
  );
  for (const r of artistTags) for (const node of (nodesOfArtist.get(Number(r.artist_id)) ?? []).slice(0, 1)) tags.push({ node, tag: Number(r.tag_id), count: Number(r.n) });
  const songTags = await db.rows<{ artist_id: number; tag_id: number; n: number }>(sql`
    select ta.artist_id, tt.tag_id, count(*)::int as n from track_tags tt join track_artists ta on ta.track_id = tt.track_id and ta.position = 0
    group by ta.artist_id, tt.tag_id`);
  for (const r of songTags) for (const node of (nodesOfArtist.get(Number(r.artist_id)) ?? []).slice(0, 1)) tags.push({ node, tag: Number(r.tag_id), count: Number(r.n) });

  // Last resort for artists nothing else links (songs known only by title): the words of their names and titles.
  const words: TagEvidence[] = [];
  const wordId = new Map<string, number>();
  const addWords = (node: number, text: string): void => {
    for (const w of searchTerms(text)) {
      if (w.length < 2 || /^\d+$/.test(w)) continue;
      let id = wordId.get(w);
      if (id === undefined) wordId.set(w, (id = wordId.size));
      words.push({ node, tag: id, count: 1 });
    }
  };
  keys.forEach((k, node) => addWords(node, k));
  for (const r of await db.rows<{ track_id: number; title: string }>(sql`select id as track_id, title from tracks`)) {
    const [main] = nodesOfTrack.get(Number(r.track_id)) ?? [];
    if (main !== undefined) addWords(main, r.title);
  }

  // The spelling of the words, for artists whose words no one else uses ("Taman Maailman Prinssi").
  const wordOf: string[] = [];
  for (const [w, id] of wordId) wordOf[id] = w;
  const gramId = new Map<string, number>();
  const grams: TagEvidence[] = [];
  const nodesOfGram: Set<number>[] = [];
  for (const e of words) {
    const w = `^${wordOf[e.tag]!}$`;
    for (let i = 0; i + SPELLING_GRAM <= w.length; i++) {
      const g = w.slice(i, i + SPELLING_GRAM);
      let id = gramId.get(g);
      if (id === undefined) gramId.set(g, (id = gramId.size));
      (nodesOfGram[id] ??= new Set()).add(e.node);
      grams.push({ node: e.node, tag: id, count: 1 });
    }
  }
  // A spelling no other artist shares links nothing, and would crowd out the shared ones of the artist's top grams.
  const spelling = grams.filter((e) => nodesOfGram[e.tag]!.size > 1);

  return {
    keys,
    nodesOfArtist,
    words,
    spelling,
    sources: [
      { name: 'lastfm', weight: ARTIST_SOURCE_WEIGHTS.lastfm, subjects: listeners },
      { name: 'playlists', weight: ARTIST_SOURCE_WEIGHTS.playlists, subjects: playlists },
    ],
    tags,
  };
}

/** Builds the graph from the database's evidence. */
export async function buildArtistModel(db: Db, options: ArtistEvidenceOptions & ArtistGraphOptions = {}): Promise<ArtistGraph> {
  const e = await loadArtistEvidence(db, options);
  return buildArtistGraph(e.keys, e.sources, e.tags, { fallbackTags: e.words, spellingTags: e.spelling, ...options });
}

/** What an artist-model training run did. */
export interface ArtistTrainSummary {
  readonly version: string;
  readonly path: string;
  readonly artists: number;
  readonly withNeighbours: number;
  readonly listeners: number;
  readonly playlists: number;
  readonly tagEvidence: number;
  readonly seconds: number;
}

/** Trains, saves, records and activates a new version of the artist model. */
export async function trainArtistModel(db: Db, home: string, log: Logger, options: { version?: string } = {}): Promise<ArtistTrainSummary> {
  const started = performance.now();
  const e = await loadArtistEvidence(db);
  log.info({ artists: e.keys.length, listeners: e.sources[0]!.subjects.length, playlists: e.sources[1]!.subjects.length }, 'training the artist model');
  const graph = buildArtistGraph(e.keys, e.sources, e.tags, { fallbackTags: e.words, spellingTags: e.spelling });
  const version = options.version ?? newVersion();
  const dir = path.join(home, 'models', ARTIST_MODEL_KIND, version);
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, ARTIST_GRAPH_FILE);
  await writeFileAtomic(file, JSON.stringify(graph.toJSON()));
  let withNeighbours = 0;
  for (let a = 0; a < graph.size; a++) if (graph.offsets[a + 1]! > graph.offsets[a]!) withNeighbours++;
  const summary = {
    version,
    path: file,
    artists: graph.size,
    withNeighbours,
    listeners: e.sources[0]!.subjects.length,
    playlists: e.sources[1]!.subjects.length,
    tagEvidence: e.tags.length,
  };
  await publishModelVersion(db, home, {
    kind: ARTIST_MODEL_KIND,
    version,
    path: file,
    // Serving reads these back with the version (src/serving/artist-model.ts), so what serves is what was saved.
    params: { ...graph.params, sources: ARTIST_SOURCE_WEIGHTS, artistServing: { ...ARTIST_SERVING_DEFAULTS } },
    metrics: { artists: graph.size, withNeighbours },
    dataSnapshot: { listeners: summary.listeners, playlists: summary.playlists, tagEvidence: summary.tagEvidence },
  });
  return { ...summary, seconds: (performance.now() - started) / 1000 };
}

function newVersion(): string {
  return `${new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${randomBytes(2).toString('hex')}`;
}
