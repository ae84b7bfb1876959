/**
 * The artist model as serving sees it: the active artist-graph version, every catalogue track linked to its artist
 * nodes, and name lookup that forgives case, accents, a leading "the", possessives and plurals ("radioheads") and one
 * or two typos. Absent (undefined) when no version is active or its file cannot be read: artist seeds then use the
 * seed artists' own tracks only.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { artistKey, artistLinkKeys, loadArtistKeyEvidence, mainCreditKey, type ArtistKeyEvidence } from '../../catalog/artist-keys.ts';
import type { Db } from '../../db/db.ts';
import { activeModelVersion, ARTIST_MODEL_KIND, modelFilePath } from '../../db/model-versions.ts';
import { ArtistGraph } from '../../recsys/artist/artist-graph.ts';
import { ARTIST_SERVING_DEFAULTS, artistServingParamsOf, type ArtistServingParams } from '../../recsys/ranking/ranking-params.ts';

/** An artist name resolved to a node of the graph. */
interface ResolvedArtist {
  readonly node: number;
  /** The catalogue's spelling of the artist (or the graph key when the catalogue has no row). */
  readonly name: string;
  /** How the name matched: exactly (after folding), or as a near miss. */
  readonly match: 'exact' | 'near';
}

/** The loaded artist graph with the catalogue's tracks and names on its nodes. */
export class ArtistModel {
  readonly #tracksOfNode = new Map<number, number[]>();
  readonly #nodesOfTrack = new Map<number, number[]>();
  readonly #nameOfNode = new Map<number, string>();
  /** Nodes by key length, for near-miss lookup. */
  readonly #byLength = new Map<number, number[]>();

  constructor(
    readonly graph: ArtistGraph,
    readonly version: string,
    /** Catalogue tracks in credit order: track id and its artists' names. */
    credits: readonly { readonly trackId: number; readonly artist: string }[],
    /** Catalogue artist names (rows without tracks too: Last.fm artists). */
    names: readonly string[],
    /** How well the catalogue knows each artist key: decides which list-like credits link to several artists. */
    keyEvidence: ArtistKeyEvidence,
    /** How artist-seeded answers are served: the settings saved with the version at training time. */
    readonly servingParams: ArtistServingParams = ARTIST_SERVING_DEFAULTS,
  ) {
    // A node's display name: a catalogue name that is exactly that artist ("Big Moe", not "Big Moe featuring ...").
    for (const exactOnly of [true, false]) {
      for (const name of names) {
        const main = mainCreditKey(name);
        const node = main === undefined ? undefined : graph.nodeOf(main);
        if (node === undefined || this.#nameOfNode.has(node)) continue;
        if (!exactOnly || artistKey(name) === main) this.#nameOfNode.set(node, name);
      }
    }
    for (const c of credits) {
      for (const key of artistLinkKeys(c.artist, keyEvidence)) {
        const node = graph.nodeOf(key);
        if (node === undefined) continue;
        const nodes = this.#nodesOfTrack.get(c.trackId) ?? [];
        if (!nodes.includes(node)) {
          nodes.push(node);
          this.#nodesOfTrack.set(c.trackId, nodes);
          const tracks = this.#tracksOfNode.get(node) ?? [];
          tracks.push(c.trackId);
          this.#tracksOfNode.set(node, tracks);
        }
      }
    }
    graph.keys.forEach((k, node) => {
      const list = this.#byLength.get(k.length) ?? [];
      list.push(node);
      this.#byLength.set(k.length, list);
    });
  }

  /** The catalogue tracks credited to a node (main artist or guest). */
  tracksOf(node: number): readonly number[] {
    return this.#tracksOfNode.get(node) ?? [];
  }

  /** The artist nodes a catalogue track is credited to, main artist first. */
  nodesOf(trackId: number): readonly number[] {
    return this.#nodesOfTrack.get(trackId) ?? [];
  }

  /** The display name of a node. */
  nameOf(node: number): string {
    return this.#nameOfNode.get(node) ?? this.graph.keys[node] ?? '';
  }

  /** How much evidence a node has (tracks in the catalogue, subjects in the graph): ranks near-miss candidates. */
  private weight(node: number): number {
    return this.graph.support[node]! + this.tracksOf(node).length + (this.graph.offsets[node + 1]! > this.graph.offsets[node]! ? 1 : 0);
  }

  /** Resolves a name as a person typed it, or undefined when nothing is close. */
  resolve(name: string): ResolvedArtist | undefined {
    const key = mainCreditKey(name) ?? '';
    if (key === '') return undefined;
    const usable = (node: number | undefined): node is number => node !== undefined && this.weight(node) > 0;
    const exact = this.graph.nodeOf(key);
    if (usable(exact)) return { node: exact, name: this.nameOf(exact), match: 'exact' };
    // Possessives and plurals: "radiohead's", "radioheads"; and the spacing of run-together names.
    const variants = [key.replace(/\s+s$/, ''), key.replace(/s$/, ''), key.replace(/es$/, ''), `the ${key}`.replace(/^the the /, 'the ')].filter((v) => v !== key && v !== '');
    for (const v of variants) {
      const node = this.graph.nodeOf(v);
      if (usable(node)) return { node, name: this.nameOf(node), match: 'near' };
    }
    // Typos: edit distance 1 (names of 4+ letters) or 2 (8+), the best-supported artist among the closest.
    if (key.length < 4) return undefined;
    const budget = key.length >= 8 ? 2 : 1;
    let best: { node: number; d: number; w: number } | undefined;
    for (let len = key.length - budget; len <= key.length + budget; len++) {
      for (const node of this.#byLength.get(len) ?? []) {
        const d = boundedEditDistance(key, this.graph.keys[node]!, budget);
        if (d > budget) continue;
        const w = this.weight(node);
        if (w === 0) continue;
        if (best === undefined || d < best.d || (d === best.d && (w > best.w || (w === best.w && node < best.node)))) best = { node, d, w };
      }
    }
    return best === undefined ? undefined : { node: best.node, name: this.nameOf(best.node), match: 'near' };
  }
}

/** Levenshtein distance of a and b, or budget + 1 as soon as it must exceed the budget. */
function boundedEditDistance(a: string, b: string, budget: number): number {
  if (Math.abs(a.length - b.length) > budget) return budget + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      cur.push(v);
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > budget) return budget + 1;
    prev = cur;
  }
  return prev[b.length]!;
}

/** Builds the serving view of a graph from the catalogue's artists and credits. */
export async function artistModelFor(db: Db, graph: ArtistGraph, version: string, servingParams: ArtistServingParams = ARTIST_SERVING_DEFAULTS): Promise<ArtistModel> {
  const credits = await db.rows<{ track_id: number; name: string }>(sql`
    select ta.track_id, a.name from track_artists ta join artists a on a.id = ta.artist_id order by ta.track_id, ta.position`);
  const names = await db.rows<{ name: string }>(sql`select name from artists order by id`);
  return new ArtistModel(
    graph,
    version,
    credits.map((r) => ({ trackId: Number(r.track_id), artist: r.name })),
    names.map((r) => r.name),
    await loadArtistKeyEvidence(db),
    servingParams,
  );
}

/**
 * Loads the active artist model, or undefined (with the reason) when none is active or its file cannot be read; its
 * file is found under the state folder `home` (paths are stored relative to it).
 */
export async function loadArtistModel(db: Db, home: string | undefined): Promise<{ model: ArtistModel | undefined; problem?: string }> {
  const row = await activeModelVersion(db, ARTIST_MODEL_KIND);
  if (row === undefined) return { model: undefined, problem: 'no artist model is trained (run `earworm train`)' };
  let graph: ArtistGraph;
  try {
    graph = ArtistGraph.fromJSON(JSON.parse(await readFile(home === undefined ? path.resolve(row.path) : modelFilePath(home, row), 'utf8')));
  } catch (err) {
    return { model: undefined, problem: `the artist model file ${row.path} cannot be read: ${err instanceof Error ? err.name : 'error'}` };
  }
  return { model: await artistModelFor(db, graph, row.version, artistServingParamsOf(row.params).params) };
}
