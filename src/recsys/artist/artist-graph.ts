/**
 * The artist graph: artist-to-artist similarity from every source. Nodes are artist keys (src/catalog/artist-keys.ts);
 * each co-occurrence source (Last.fm listeners, playlists) gives a cosine between two artists' subject sets, shrunk
 * towards 0 when they share few subjects (c / (c + shrink)), and tags give a tf-idf cosine shrunk by how much tagging
 * evidence the artists have. The blend of these is kept as each artist's top neighbours.
 */
import { InvalidParamsError } from '../errors.ts';

/** Subjects (listeners, playlists) that each hold a set of artist nodes. */
export interface CooccurrenceSource {
  readonly name: string;
  /** Weight of this source's similarity in the blend. */
  readonly weight: number;
  /** Each subject's distinct artist nodes. */
  readonly subjects: readonly (readonly number[])[];
}

/** Tag evidence: how often `tag` was applied to `node`. */
export interface TagEvidence {
  readonly node: number;
  readonly tag: number;
  readonly count: number;
}

/** Build settings; defaults in brackets. */
export interface ArtistGraphOptions {
  /** Neighbours kept per artist [50]. */
  readonly neighbours?: number;
  /** Co-occurrence shrinkage: a similarity is multiplied by c / (c + shrink), c the shared subjects [5]. */
  readonly shrink?: number;
  /** Weight of the tag similarity in the blend [0.3]. */
  readonly tagWeight?: number;
  /** Tags kept per artist [10]. */
  readonly tagsPerArtist?: number;
  /** Artists kept per tag when finding tag neighbours (the most tagged ones) [300]. */
  readonly artistsPerTag?: number;
  /** Subjects holding more artists than this are skipped (they say little about any pair) [500]. */
  readonly maxSubjectSize?: number;
  /**
   * Last-resort evidence (words of an artist's name and titles) for artists that nothing else links: their
   * neighbours are the artists with other evidence whose words are most alike (tf-idf cosine) [none].
   */
  readonly fallbackTags?: readonly TagEvidence[];
  /** Weight of the last-resort similarity [0.1]. */
  readonly fallbackWeight?: number;
  /**
   * The very last resort, for artists whose words no artist with evidence shares (a title in a language few titles
   * use): the spelling of those words (character n-grams), compared the same way at the same weight [none].
   */
  readonly spellingTags?: readonly TagEvidence[];
}

/** One neighbour of an artist. */
interface ArtistNeighbour {
  readonly node: number;
  readonly score: number;
}

/** The JSON form of a graph (a model version's file). */
interface ArtistGraphJson {
  readonly format: 'earworm-artist-graph';
  readonly version: 1;
  readonly keys: readonly string[];
  readonly offsets: readonly number[];
  readonly neighbours: readonly number[];
  readonly scores: readonly number[];
  /** Subjects (listeners + playlists) each artist occurs in. */
  readonly support: readonly number[];
  readonly params: Record<string, number>;
  /** Nodes whose neighbours rest only on the words or spelling of names and titles (absent: none). */
  readonly weak?: readonly number[];
}

/** Artist nodes and their top neighbours. */
export class ArtistGraph {
  readonly #nodeOf: Map<string, number>;

  constructor(
    readonly keys: readonly string[],
    readonly offsets: Int32Array,
    readonly neighbourNodes: Int32Array,
    readonly scores: Float32Array,
    readonly support: Float32Array,
    readonly params: Readonly<Record<string, number>> = {},
    /** Nodes whose neighbours rest only on the words or spelling of names and titles: a guess, which answers say. */
    readonly weak: ReadonlySet<number> = new Set(),
  ) {
    if (offsets.length !== keys.length + 1 || support.length !== keys.length) throw new InvalidParamsError('artist graph arrays do not match its keys');
    if (neighbourNodes.length !== scores.length || offsets[keys.length] !== scores.length) throw new InvalidParamsError('artist graph neighbour arrays do not match');
    this.#nodeOf = new Map(keys.map((k, i) => [k, i]));
  }

  /** Number of artist nodes. */
  get size(): number {
    return this.keys.length;
  }

  /** The node of an artist key, if the graph has it. */
  nodeOf(key: string): number | undefined {
    return this.#nodeOf.get(key);
  }

  /** An artist's neighbours, best first. */
  neighbours(node: number): ArtistNeighbour[] {
    const out: ArtistNeighbour[] = [];
    for (let j = this.offsets[node]!; j < this.offsets[node + 1]!; j++) out.push({ node: this.neighbourNodes[j]!, score: this.scores[j]! });
    return out;
  }

  /** The JSON form (see ArtistGraphJson). */
  toJSON(): ArtistGraphJson {
    return {
      format: 'earworm-artist-graph',
      version: 1,
      keys: this.keys,
      offsets: Array.from(this.offsets),
      neighbours: Array.from(this.neighbourNodes),
      scores: Array.from(this.scores, (s) => Math.round(s * 1e5) / 1e5),
      support: Array.from(this.support),
      params: { ...this.params },
      weak: [...this.weak].sort((x, y) => x - y),
    };
  }

  /** Reads the JSON form; throws InvalidParamsError when it is not one. */
  static fromJSON(json: unknown): ArtistGraph {
    const j = json as Partial<ArtistGraphJson> | null;
    if (j === null || typeof j !== 'object' || j.format !== 'earworm-artist-graph' || !Array.isArray(j.keys) || !Array.isArray(j.offsets) || !Array.isArray(j.neighbours) || !Array.isArray(j.scores) || !Array.isArray(j.support)) {
      throw new InvalidParamsError('not an artist graph file');
    }
    return new ArtistGraph(j.keys.map(String), Int32Array.from(j.offsets), Int32Array.from(j.neighbours), Float32Array.from(j.scores), Float32Array.from(j.support), j.params ?? {}, new Set(Array.isArray(j.weak) ? j.weak.map(Number) : []));
  }
}

/** Builds the graph over `keys` from co-occurrence sources and tags. */
export function buildArtistGraph(keys: readonly string[], sources: readonly CooccurrenceSource[], tags: readonly TagEvidence[], options: ArtistGraphOptions = {}): ArtistGraph {
  const n = keys.length;
  const keep = options.neighbours ?? 50;
  const shrink = options.shrink ?? 5;
  const tagWeight = options.tagWeight ?? 0.3;
  const maxSubject = options.maxSubjectSize ?? 500;
  const support = new Float32Array(n);

  // Per source: the subjects of each node (inverted index) and each node's subject count.
  const inverted = sources.map((s) => {
    const subjects = s.subjects.filter((nodes) => nodes.length >= 1 && nodes.length <= maxSubject);
    const counts = new Int32Array(n);
    for (const nodes of subjects) for (const a of nodes) counts[a]!++;
    const offsets = new Int32Array(n + 1);
    for (let a = 0; a < n; a++) offsets[a + 1] = offsets[a]! + counts[a]!;
    const fill = offsets.slice(0, n);
    const of = new Int32Array(offsets[n]!);
    subjects.forEach((nodes, s) => {
      for (const a of nodes) of[fill[a]!++] = s;
    });
    for (let a = 0; a < n; a++) support[a]! += counts[a]!;
    return { weight: s.weight, subjects, counts, offsets, of };
  });

  const tagIndex = tagVectors(n, tags, options.tagsPerArtist ?? 10, options.artistsPerTag ?? 300);
  const evidenced = (b: number): boolean => support[b]! > 0 || tagIndex.vectors[b]!.length > 0;
  const fallback = options.fallbackTags !== undefined && options.fallbackTags.length > 0 ? tagVectors(n, options.fallbackTags, options.tagsPerArtist ?? 10, options.artistsPerTag ?? 300, evidenced) : undefined;
  const spelling = options.spellingTags !== undefined && options.spellingTags.length > 0 ? tagVectors(n, options.spellingTags, options.tagsPerArtist ?? 10, options.artistsPerTag ?? 300, evidenced) : undefined;
  const fallbackWeight = options.fallbackWeight ?? 0.1;
  const weak = new Set<number>();

  const acc = sources.map(() => new Float64Array(n));
  const tagAcc = new Float64Array(n);
  const seen = new Uint8Array(n);
  const touched: number[] = [];
  const offsets = new Int32Array(n + 1);
  const outNodes: number[] = [];
  const outScores: number[] = [];
  for (let a = 0; a < n; a++) {
    touched.length = 0;
    const touch = (b: number): void => {
      if (seen[b] === 0) {
        seen[b] = 1;
        touched.push(b);
      }
    };
    inverted.forEach((src, k) => {
      const into = acc[k]!;
      for (let j = src.offsets[a]!; j < src.offsets[a + 1]!; j++) {
        for (const b of src.subjects[src.of[j]!]!) {
          if (b === a) continue;
          into[b]! += 1;
          touch(b);
        }
      }
    });
    const ta = tagIndex.vectors[a]!;
    for (const [tag, wa] of ta) {
      for (const [b, wb] of tagIndex.postings.get(tag) ?? []) {
        if (b === a) continue;
        tagAcc[b]! += wa * wb;
        touch(b);
      }
    }
    const scored: ArtistNeighbour[] = [];
    for (const b of touched) {
      let s = 0;
      inverted.forEach((src, k) => {
        const c = acc[k]![b]!;
        if (c > 0) s += src.weight * (c / Math.sqrt(src.counts[a]! * src.counts[b]!)) * (c / (c + shrink));
        acc[k]![b] = 0;
      });
      const t = tagAcc[b]!;
      if (t > 0) s += tagWeight * t * tagIndex.confidence[a]! * tagIndex.confidence[b]!;
      tagAcc[b] = 0;
      seen[b] = 0;
      if (s > 0) scored.push({ node: b, score: s });
    }
    // Nothing links the artist: its words, then their spelling, find artists with evidence (a weak link, kept as such).
    for (const tier of [fallback, spelling]) {
      if (scored.length > 0 || tier === undefined) continue;
      for (const [tag, wa] of tier.vectors[a]!) {
        for (const [b, wb] of tier.postings.get(tag) ?? []) {
          if (b === a) continue;
          tagAcc[b]! += wa * wb;
          touch(b);
        }
      }
      for (const b of touched) {
        const t = tagAcc[b]!;
        if (t > 0) scored.push({ node: b, score: fallbackWeight * t });
        tagAcc[b] = 0;
        seen[b] = 0;
      }
      touched.length = 0;
      if (scored.length > 0) weak.add(a);
    }
    scored.sort((x, y) => y.score - x.score || x.node - y.node);
    for (const r of scored.slice(0, keep)) {
      outNodes.push(r.node);
      outScores.push(r.score);
    }
    offsets[a + 1] = outNodes.length;
  }
  return new ArtistGraph(keys, offsets, Int32Array.from(outNodes), Float32Array.from(outScores), support, { neighbours: keep, shrink, tagWeight, fallbackWeight }, weak);
}

/** L2-normalised tf-idf tag vectors (top tags per artist), postings per tag, and a confidence per artist in 0..1. */
function tagVectors(
  n: number,
  evidence: readonly TagEvidence[],
  perArtist: number,
  perTag: number,
  /** Artists that may be found through the postings (default all). */
  findable: (node: number) => boolean = () => true,
): { vectors: [number, number][][]; postings: Map<number, [number, number][]>; confidence: Float64Array } {
  const byNode: Map<number, number>[] = Array.from({ length: n }, () => new Map());
  for (const e of evidence) {
    if (!(e.count > 0) || e.node < 0 || e.node >= n) continue;
    const m = byNode[e.node]!;
    m.set(e.tag, (m.get(e.tag) ?? 0) + e.count);
  }
  const df = new Map<number, number>();
  let tagged = 0;
  for (const m of byNode) {
    if (m.size > 0) tagged++;
    for (const t of m.keys()) df.set(t, (df.get(t) ?? 0) + 1);
  }
  const confidence = new Float64Array(n);
  const vectors = byNode.map((m, a) => {
    let total = 0;
    const v: [number, number][] = [];
    for (const [t, c] of m) {
      total += c;
      v.push([t, Math.log1p(c) * Math.log(1 + tagged / df.get(t)!)]);
    }
    v.sort((x, y) => y[1] - x[1] || x[0] - y[0]);
    const top = v.slice(0, perArtist);
    const norm = Math.sqrt(top.reduce((s, [, w]) => s + w * w, 0));
    // Little tagging evidence (one person, one tag) makes a weak claim.
    confidence[a] = total / (total + 2);
    return norm > 0 ? top.map(([t, w]): [number, number] => [t, w / norm]) : [];
  });
  const postings = new Map<number, [number, number][]>();
  vectors.forEach((v, a) => {
    if (!findable(a)) return;
    for (const [t, w] of v) {
      let p = postings.get(t);
      if (p === undefined) postings.set(t, (p = []));
      p.push([a, w]);
    }
  });
  for (const [t, p] of postings) if (p.length > perTag) postings.set(t, p.sort((x, y) => y[1] - x[1] || x[0] - y[0]).slice(0, perTag));
  return { vectors, postings, confidence };
}
