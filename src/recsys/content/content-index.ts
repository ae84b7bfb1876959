/**
 * The content ANN index: hnswlib-node (HNSW, cosine) over content vectors, with per-item attributes for filters
 * (genre, mood, numeric ranges, excluded ids). Labels inside hnswlib are dense positions; `ids` maps them to track ids.
 * A filter that leaves few items is answered exactly by a scan of the matching items instead of by HNSW, because a
 * graph search with a very selective filter can return fewer than k results.
 */
import { mkdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import hnswlib from 'hnswlib-node';
import { replaceFileAtomic, writeFileAtomic } from '../atomic-file.ts';
import { InvalidParamsError, ModelFileCorruptError, ModelFileMissingError } from '../errors.ts';

/** Numeric attributes a query can restrict to a range. */
const RANGE_ATTRIBUTES = ['tempo', 'energy', 'valence', 'danceability', 'acousticness', 'instrumentalness', 'year'] as const;

/** One range-filterable attribute. */
export type RangeAttribute = (typeof RANGE_ATTRIBUTES)[number];

/** Per-item attributes, aligned with the index positions. NaN marks an unknown value, -1 an unknown genre or mood. */
export interface ContentAttributes {
  readonly genres: readonly string[];
  readonly moods: readonly string[];
  /** Index into `genres` per item, or -1. */
  readonly genre: Int16Array;
  /** Index into `moods` per item, or -1. */
  readonly mood: Int16Array;
  readonly ranges: { readonly [A in RangeAttribute]?: Float32Array };
}

/** A query's restrictions; all given ones must hold. An item with an unknown value fails a filter on that value. */
interface ContentFilter {
  readonly excludeIds?: readonly number[];
  readonly genres?: readonly string[];
  readonly moods?: readonly string[];
  readonly ranges?: { readonly [A in RangeAttribute]?: { readonly min?: number; readonly max?: number } };
}

/** One neighbour: a track id and its cosine similarity to the query. */
interface ContentNeighbour {
  readonly id: number;
  readonly similarity: number;
}

/** A filter named a genre, mood or attribute that the index does not know; `known` lists the valid values. */
export class UnknownFilterValueError extends Error {
  readonly code = 'UNKNOWN_FILTER_VALUE';
  constructor(readonly field: 'genre' | 'mood' | 'range', readonly value: string, readonly known: readonly string[]) {
    super(`unknown ${field} "${value}"; known: ${known.join(', ')}`);
    this.name = 'UnknownFilterValueError';
  }
}

/** HNSW parameters; defaults in brackets. */
interface ContentIndexOptions {
  readonly m?: number; // [16]
  readonly efConstruction?: number; // [200]
  /** Search breadth; raised to k when smaller [80]. */
  readonly ef?: number;
  readonly seed?: number; // [100]
  /** Filters matching fewer items than this are answered by an exact scan [2000]. */
  readonly exactBelow?: number;
}

const INDEX_FILE = 'content.hnsw';
const META_FILE = 'content-index.json';
const VECTORS_FILE = 'content-vectors.f32';

/**
 * Reads an index folder's description and vectors (not the HNSW graph), checking that they agree; `extra` holds the
 * description's other fields, unchecked. Missing files throw ModelFileMissingError, inconsistent ones ModelFileCorruptError.
 */
async function readStoredVectors(dir: string): Promise<{ readonly ids: Int32Array; readonly dim: number; readonly vectors: Float32Array; readonly extra: Record<string, unknown>; readonly metaPath: string }> {
  const metaPath = path.join(dir, META_FILE);
  let metaText: string;
  let vecBytes: Buffer;
  try {
    metaText = await readFile(metaPath, 'utf8');
    vecBytes = await readFile(path.join(dir, VECTORS_FILE));
  } catch (cause) {
    throw new ModelFileMissingError(dir, { cause });
  }
  let meta: { format?: string; dim?: number; ids?: number[] } & Record<string, unknown>;
  try {
    meta = JSON.parse(metaText) as typeof meta;
  } catch (cause) {
    throw new ModelFileCorruptError(metaPath, 'not JSON', { cause });
  }
  const n = meta.ids?.length ?? -1;
  const dim = meta.dim ?? 0;
  if (meta.format !== 'earworm-content-index' || !(dim > 0) || n < 0) throw new ModelFileCorruptError(metaPath, 'not a content index description');
  if (vecBytes.byteLength !== n * dim * 4) throw new ModelFileCorruptError(path.join(dir, VECTORS_FILE), 'size does not match the index');
  const vectors = new Float32Array(n * dim);
  new Uint8Array(vectors.buffer).set(vecBytes);
  return { ids: Int32Array.from(meta.ids!), dim, vectors, extra: meta, metaPath };
}

/** Reads only the stored content vectors of an index folder (no HNSW graph): track ids, dimension and row-major vectors. */
export async function readContentVectors(dir: string): Promise<{ readonly ids: Int32Array; readonly dim: number; readonly vectors: Float32Array }> {
  const { ids, dim, vectors } = await readStoredVectors(dir);
  return { ids, dim, vectors };
}

/** The built index: HNSW graph, vectors (kept for exact scans and query-by-id), ids and attributes. */
export class ContentIndex {
  private readonly position: Map<number, number>;
  private constructor(
    private readonly hnsw: hnswlib.HierarchicalNSW,
    readonly dim: number,
    readonly ids: Int32Array,
    readonly vectors: Float32Array,
    readonly attributes: ContentAttributes,
    readonly options: Required<ContentIndexOptions>,
  ) {
    this.position = new Map();
    ids.forEach((id, i) => this.position.set(id, i));
    hnsw.setEf(options.ef);
  }

  /** Number of items indexed. */
  get size(): number {
    return this.ids.length;
  }

  /** Builds an index over row-major unit-length vectors; `ids` are the track ids of the rows. */
  static build(ids: Int32Array, vectors: Float32Array, dim: number, attributes: ContentAttributes, options: ContentIndexOptions = {}): ContentIndex {
    const n = ids.length;
    if (vectors.length !== n * dim) throw new InvalidParamsError(`vectors hold ${vectors.length} values, expected ${n} x ${dim}`);
    if (attributes.genre.length !== n || attributes.mood.length !== n) throw new InvalidParamsError('attributes must have one entry per item');
    if (new Set(ids).size !== n) throw new InvalidParamsError('ids must be distinct');
    const opts = withDefaults(options);
    const hnsw = new hnswlib.HierarchicalNSW('cosine', dim);
    hnsw.initIndex({ maxElements: Math.max(n, 1), m: opts.m, efConstruction: opts.efConstruction, randomSeed: opts.seed });
    const point = new Array<number>(dim);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < dim; j++) point[j] = vectors[i * dim + j]!;
      hnsw.addPoint(point, i);
    }
    return new ContentIndex(hnsw, dim, ids, vectors, attributes, opts);
  }

  /** Writes the graph, vectors and attributes into `dir` (each file written whole, then renamed into place). */
  async save(dir: string): Promise<void> {
    await mkdir(dir, { recursive: true });
    await replaceFileAtomic(path.join(dir, INDEX_FILE), async (tmp) => void (await this.hnsw.writeIndex(tmp)));
    await writeFileAtomic(path.join(dir, VECTORS_FILE), new Uint8Array(this.vectors.buffer, this.vectors.byteOffset, this.vectors.byteLength));
    const ranges: Record<string, number[]> = {};
    for (const a of RANGE_ATTRIBUTES) {
      const arr = this.attributes.ranges[a];
      if (arr !== undefined) ranges[a] = Array.from(arr, (v) => (Number.isNaN(v) ? -1e30 : v));
    }
    const meta = {
      format: 'earworm-content-index',
      dim: this.dim,
      ids: Array.from(this.ids),
      genres: this.attributes.genres,
      moods: this.attributes.moods,
      genre: Array.from(this.attributes.genre),
      mood: Array.from(this.attributes.mood),
      ranges,
      options: this.options,
    };
    await writeFileAtomic(path.join(dir, META_FILE), new TextEncoder().encode(JSON.stringify(meta)));
  }

  /** Loads an index saved by `save`; missing files throw ModelFileMissingError, inconsistent ones ModelFileCorruptError. */
  static async load(dir: string, options: Pick<ContentIndexOptions, 'ef' | 'exactBelow'> = {}): Promise<ContentIndex> {
    const stored = await readStoredVectors(dir);
    const { ids, dim, vectors, metaPath } = stored;
    const n = ids.length;
    const meta = stored.extra as {
      genres: string[];
      moods: string[];
      genre: number[];
      mood: number[];
      ranges: Record<string, number[]>;
      options: Required<ContentIndexOptions>;
    };
    if (meta.genre?.length !== n || meta.mood?.length !== n) throw new ModelFileCorruptError(metaPath, 'not a content index description');
    const indexPath = path.join(dir, INDEX_FILE);
    const hnsw = new hnswlib.HierarchicalNSW('cosine', dim);
    try {
      await stat(indexPath);
    } catch (cause) {
      throw new ModelFileMissingError(indexPath, { cause });
    }
    try {
      await hnsw.readIndex(indexPath);
    } catch (cause) {
      throw new ModelFileCorruptError(indexPath, 'hnswlib could not read it', { cause });
    }
    if (hnsw.getCurrentCount() !== n) throw new ModelFileCorruptError(indexPath, `holds ${hnsw.getCurrentCount()} items, expected ${n}`);
    const ranges: { [A in RangeAttribute]?: Float32Array } = {};
    for (const a of RANGE_ATTRIBUTES) {
      const arr = meta.ranges[a];
      if (arr !== undefined) ranges[a] = Float32Array.from(arr, (v) => (v <= -1e29 ? Number.NaN : v));
    }
    const attributes: ContentAttributes = {
      genres: meta.genres,
      moods: meta.moods,
      genre: Int16Array.from(meta.genre),
      mood: Int16Array.from(meta.mood),
      ranges,
    };
    return new ContentIndex(hnsw, dim, ids, vectors, attributes, withDefaults({ ...meta.options, ...options }));
  }

  /** Whether a track id is in the index. */
  has(id: number): boolean {
    return this.position.has(id);
  }

  /** The stored vector of a track, or undefined. */
  vectorOf(id: number): Float32Array | undefined {
    const p = this.position.get(id);
    return p === undefined ? undefined : this.vectors.subarray(p * this.dim, (p + 1) * this.dim);
  }

  /** The k nearest tracks to a query vector that pass the filter, most similar first. */
  query(vector: ArrayLike<number>, k: number, filter: ContentFilter = {}): ContentNeighbour[] {
    if (vector.length !== this.dim) throw new InvalidParamsError(`query vector has ${vector.length} values, the index ${this.dim}`);
    for (let j = 0; j < vector.length; j++) if (!Number.isFinite(vector[j]!)) throw new InvalidParamsError('query vector holds a non-finite value');
    if (!(Number.isInteger(k) && k >= 1) || this.size === 0) return [];
    const allowed = this.compileFilter(filter);
    if (allowed === undefined) return this.annQuery(vector, k, undefined);
    if (allowed.count < this.options.exactBelow) return this.exactQuery(vector, k, allowed.mask);
    const mask = allowed.mask;
    const results = this.annQuery(vector, k, (label) => mask[label] === 1);
    // A filtered graph search may still come back short; the exact scan then answers.
    return results.length < Math.min(k, allowed.count) ? this.exactQuery(vector, k, mask) : results;
  }

  /** The k tracks most similar to a track in the index, never the track itself; unknown ids return []. */
  similarTo(id: number, k: number, filter: ContentFilter = {}): ContentNeighbour[] {
    const v = this.vectorOf(id);
    if (v === undefined) return [];
    return this.query(v, k, { ...filter, excludeIds: [...(filter.excludeIds ?? []), id] });
  }

  /** Exact k nearest neighbours by a full scan (the reference for recall), optionally restricted by a filter. */
  exact(vector: ArrayLike<number>, k: number, filter: ContentFilter = {}): ContentNeighbour[] {
    const allowed = this.compileFilter(filter);
    return this.exactQuery(vector, k, allowed?.mask);
  }

  private annQuery(vector: ArrayLike<number>, k: number, accept: ((label: number) => boolean) | undefined): ContentNeighbour[] {
    const kk = Math.min(k, this.size);
    if (this.hnsw.getEf() < kk) this.hnsw.setEf(kk);
    const r = this.hnsw.searchKnn(Array.from(vector), kk, accept);
    const out: ContentNeighbour[] = [];
    for (let i = 0; i < r.neighbors.length; i++) out.push({ id: this.ids[r.neighbors[i]!]!, similarity: 1 - r.distances[i]! });
    return out;
  }

  private exactQuery(vector: ArrayLike<number>, k: number, mask: Uint8Array | undefined): ContentNeighbour[] {
    const dim = this.dim;
    let qn = 0;
    for (let j = 0; j < dim; j++) qn += vector[j]! * vector[j]!;
    qn = Math.sqrt(qn) || 1;
    const best: { p: number; s: number }[] = [];
    for (let p = 0; p < this.size; p++) {
      if (mask !== undefined && mask[p] !== 1) continue;
      let dot = 0;
      let nn = 0;
      for (let j = 0; j < dim; j++) {
        const x = this.vectors[p * dim + j]!;
        dot += x * vector[j]!;
        nn += x * x;
      }
      const s = nn > 0 ? dot / (qn * Math.sqrt(nn)) : 0;
      if (best.length === k && s <= best[k - 1]!.s) continue;
      let at = best.length < k ? best.length : k - 1;
      if (best.length < k) best.push({ p, s });
      while (at > 0 && best[at - 1]!.s < s) {
        best[at] = best[at - 1]!;
        at--;
      }
      best[at] = { p, s };
    }
    return best.map((b) => ({ id: this.ids[b.p]!, similarity: b.s }));
  }

  /** The filter as a mask over positions and its count; undefined when nothing is filtered. */
  private compileFilter(filter: ContentFilter): { mask: Uint8Array; count: number } | undefined {
    const genres = filter.genres?.map((g) => lookup('genre', g, this.attributes.genres));
    const moods = filter.moods?.map((m) => lookup('mood', m, this.attributes.moods));
    const ranges = Object.entries(filter.ranges ?? {}).map(([name, r]) => {
      if (!(RANGE_ATTRIBUTES as readonly string[]).includes(name)) throw new UnknownFilterValueError('range', name, RANGE_ATTRIBUTES);
      const values = this.attributes.ranges[name as RangeAttribute];
      if (values === undefined) throw new UnknownFilterValueError('range', name, RANGE_ATTRIBUTES.filter((a) => this.attributes.ranges[a] !== undefined));
      const min = r?.min ?? -Infinity;
      const max = r?.max ?? Infinity;
      if (Number.isNaN(min) || Number.isNaN(max)) throw new InvalidParamsError(`range ${name} has a NaN bound`);
      return { values, min, max };
    });
    const exclude = filter.excludeIds ?? [];
    if (genres === undefined && moods === undefined && ranges.length === 0 && exclude.length === 0) return undefined;
    const n = this.size;
    const mask = new Uint8Array(n).fill(1);
    if (genres !== undefined) {
      const set = new Set(genres);
      for (let p = 0; p < n; p++) if (!set.has(this.attributes.genre[p]!)) mask[p] = 0;
    }
    if (moods !== undefined) {
      const set = new Set(moods);
      for (let p = 0; p < n; p++) if (!set.has(this.attributes.mood[p]!)) mask[p] = 0;
    }
    for (const { values, min, max } of ranges) {
      for (let p = 0; p < n; p++) {
        const v = values[p]!;
        if (!(v >= min && v <= max)) mask[p] = 0; // NaN (unknown) fails
      }
    }
    for (const id of exclude) {
      const p = this.position.get(id);
      if (p !== undefined) mask[p] = 0;
    }
    let count = 0;
    for (let p = 0; p < n; p++) count += mask[p]!;
    return { mask, count };
  }
}

function lookup(field: 'genre' | 'mood', value: string, known: readonly string[]): number {
  const i = known.indexOf(value.trim().toLowerCase());
  if (i < 0) throw new UnknownFilterValueError(field, value, known);
  return i;
}

function withDefaults(o: ContentIndexOptions): Required<ContentIndexOptions> {
  return { m: o.m ?? 16, efConstruction: o.efConstruction ?? 200, ef: o.ef ?? 80, seed: o.seed ?? 100, exactBelow: o.exactBelow ?? 2000 };
}
