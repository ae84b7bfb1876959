/**
 * TrackRecommender in memory: a small item-to-item co-occurrence recommender over the world's playlists. A track's
 * score for a request is its cosine co-occurrence with the seed tracks (the popularity floor when no seed is known),
 * plus the person's preference utility and any extra signals; the hard constraints are the recsys constraint mask
 * (the same validation, label and range semantics as the ranked recommender), and seeds, disliked and known tracks
 * are never returned. Each result says which signal placed it there.
 */
import { normalizeArtistName } from '../../catalog/normalize.ts';
import { InvalidParamsError } from '../../recsys/errors.ts';
import type { Strategy } from '../../recsys/experiments/thompson-bandit.ts';
import { splitStyles, STYLES, styleOf, type Style } from '../../recsys/constraints/constraint-vocabulary.ts';
import { canonicalLabel } from '../../recsys/labels/vocabulary.ts';
import { applyConstraints, RANGE_DOMAINS, type ConstraintCatalog, type RangeField, type RankingConstraints } from '../../recsys/ranking/constraints.ts';
import type {
  ExplainOutcome,
  RecommendConstraints,
  Recommendation,
  RecommendationList,
  RecommendationRequest,
  ResolvedArtistName,
  SignalShare,
  TrackRecommender,
} from '../ports/track-recommender.ts';
import type { MemoryWorld } from './memory-world.ts';
import { explainByRanking } from '../ports/track-recommender.ts';

/** Levenshtein distance of two short strings. */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}

/** Co-occurrence recommendations over a MemoryWorld's playlists. */
export class MemoryTrackRecommender implements TrackRecommender {
  readonly description = 'co-occurrence (in memory)';
  readonly strategies: readonly Strategy[] = ['hybrid'];
  /** Track ids of the items (tracks someone played), in id order. */
  private readonly items: readonly number[];
  private readonly indexOf: Map<number, number>;
  /** Plays per item. */
  private readonly popularity: Float64Array;
  /** Co-occurrence counts: item → item → playlists holding both. */
  private readonly together: Map<number, Map<number, number>>;
  private readonly catalog: ConstraintCatalog;

  constructor(private readonly world: MemoryWorld) {
    this.items = [...new Set(world.playlists.flat())].sort((a, b) => a - b);
    this.indexOf = new Map(this.items.map((t, i) => [t, i]));
    this.popularity = new Float64Array(this.items.length);
    this.together = new Map();
    for (const list of world.playlists) {
      const items = [...new Set(list.map((t) => this.indexOf.get(t)!))];
      for (const t of list) this.popularity[this.indexOf.get(t)!]! += 1;
      for (const a of items) {
        let row = this.together.get(a);
        if (row === undefined) this.together.set(a, (row = new Map()));
        for (const b of items) if (a !== b) row.set(b, (row.get(b) ?? 0) + 1);
      }
    }
    this.catalog = this.constraintCatalog();
  }

  knows(trackId: number): boolean {
    return this.indexOf.has(trackId);
  }

  resolveArtist(name: string): ResolvedArtistName | undefined {
    const norm = normalizeArtistName(name);
    if (norm === '') return undefined;
    const exact = this.world.artists.find((a) => a.normName === norm);
    if (exact !== undefined) return { name: exact.name, match: 'exact' };
    const stripped = norm.replace(/(?:'s|s)$/, '');
    const near = this.world.artists.find((a) => a.normName === stripped || (norm.length >= 5 && distance(a.normName, norm) <= 2));
    return near === undefined ? undefined : { name: near.name, match: 'near' };
  }

  async recommend(request: RecommendationRequest): Promise<RecommendationList> {
    if (request.strategy !== undefined && !this.strategies.includes(request.strategy)) {
      throw new InvalidParamsError(`strategy ${request.strategy} is not available (available: ${this.strategies.join(', ')})`);
    }
    const seeds = request.seeds.flatMap((t) => (this.indexOf.has(t) ? [this.indexOf.get(t)!] : []));
    const notes: string[] = [];
    const unknown = request.seeds.length - seeds.length;
    if (unknown > 0) notes.push(`${unknown} seed track(s) are unknown to the recommender (no one has played them) and were ignored`);
    if (request.seeds.length > 0 && seeds.length === 0) notes.push('no seed was usable, so these are popular tracks that fit the request');
    const ranking = this.toRanking(request.constraints);
    const mask = applyConstraints(this.catalog, ranking);
    if (this.items.length === 0) return { items: [], emptyReason: 'no one has played any track yet, so there is nothing to recommend from', notes };
    const banned = new Set([...seeds, ...[...(request.disliked ?? []), ...(request.known ?? [])].flatMap((t) => (this.indexOf.has(t) ? [this.indexOf.get(t)!] : []))]);
    const maxPop = Math.max(1, ...this.popularity);
    const extras = (request.extraSignals ?? []).map((e) => ({ ...e, max: Math.max(0, ...e.scores.values()) }));
    const scored: { item: number; score: number; signals: SignalShare[]; why: string }[] = [];
    for (let i = 0; i < this.items.length; i++) {
      if (mask.allowed[i] !== 1 || banned.has(i)) continue;
      const signals: SignalShare[] = [];
      let why = '';
      if (seeds.length > 0) {
        let best = { seed: -1, n: 0 };
        let co = 0;
        for (const s of seeds) {
          const n = this.together.get(s)?.get(i) ?? 0;
          co += n / Math.sqrt(this.popularity[i]! * this.popularity[s]!);
          if (n > best.n) best = { seed: s, n };
        }
        if (co > 0) {
          signals.push({ signal: 'co-occurrence', contribution: co / seeds.length });
          why = `played alongside ${this.world.track(this.items[best.seed]!)?.title ?? 'a seed'} in ${best.n} playlist${best.n === 1 ? '' : 's'}`;
        }
      }
      // Popularity: the whole score of the floor, a tie-break under seeds.
      signals.push({ signal: 'popularity', contribution: (seeds.length > 0 ? 0.01 : 1) * (this.popularity[i]! / maxPop) });
      if (why === '') why = `one of the most played tracks that fit (${this.popularity[i]} plays)`;
      const utility = request.preference?.utility(this.items[i]!);
      if (request.preference !== undefined && utility !== undefined && Number.isFinite(utility)) {
        signals.push({ signal: 'preference', contribution: 0.5 * request.preference.confidence * Math.tanh(utility) });
      }
      for (const e of extras) {
        const v = e.scores.get(this.items[i]!) ?? 0;
        if (v > 0 && e.max > 0) signals.push({ signal: e.name, contribution: (e.weight * v) / e.max });
      }
      scored.push({ item: i, score: signals.reduce((a, s) => a + s.contribution, 0), signals, why });
    }
    scored.sort((a, b) => b.score - a.score || this.popularity[b.item]! - this.popularity[a.item]! || a.item - b.item);
    // A track of a style asked for names it (its card shows the style).
    const askedStyle = (i: number) => ranking.styles?.find((x) => this.catalog.styles?.[x]?.[i] === 1);
    const items: Recommendation[] = scored.slice(0, Math.max(0, request.k)).map((r) => {
      const style = askedStyle(r.item);
      return {
        trackId: this.items[r.item]!,
        score: r.score,
        sentence: r.why,
        signals: r.signals.filter((s) => s.contribution !== 0).sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution)),
        ...(style !== undefined ? { style } : {}),
      };
    });
    const base: RecommendationList = seeds.length > 0 ? { items, notes, strategy: 'hybrid' } : { items, notes };
    if (items.length > 0) return base;
    return { ...base, emptyReason: mask.emptyReason ?? 'every track that fits was ruled out (seeds, dislikes and tracks you know)' };
  }

  async similar(trackId: number, k: number, constraints?: RecommendConstraints): Promise<RecommendationList> {
    return this.recommend({ seeds: [trackId], k, ...(constraints !== undefined ? { constraints } : {}) });
  }

  explain(request: RecommendationRequest, trackId: number): Promise<ExplainOutcome> {
    return explainByRanking(this, request, trackId, this.indexOf.has(trackId));
  }


  /** The request's constraints in ranking terms: vocabulary words named as the labels, artist names as artist ids. */
  private toRanking(c: RecommendConstraints | undefined): RankingConstraints {
    if (c === undefined) return {};
    const out: { -readonly [K in keyof RankingConstraints]: RankingConstraints[K] } = {};
    const known = { genre: this.catalog.genres, mood: this.catalog.moods };
    const names = (kind: 'genre' | 'mood', xs: readonly string[]) => [
      ...new Set(
        xs.map((x) => {
          const canon = canonicalLabel(kind, x);
          return canon !== undefined && known[kind].includes(canon) ? canon : x.trim().toLowerCase();
        }),
      ),
    ];
    // A style ("some grunge", "no grunge") asks for or leaves out its own tracks, not its whole genre (rock).
    const { genres, styles } = splitStyles(c.genres);
    if (genres.length > 0) out.genres = names('genre', genres);
    if (styles.length > 0) out.styles = styles;
    if (c.moods !== undefined && c.moods.length > 0) out.moods = names('mood', c.moods);
    const left = splitStyles(c.excludeGenres);
    if (left.genres.length > 0) out.excludeGenres = names('genre', left.genres);
    if (left.styles.length > 0) out.excludeStyles = left.styles;
    if (c.excludeMoods !== undefined && c.excludeMoods.length > 0) out.excludeMoods = names('mood', c.excludeMoods);
    if (c.ranges !== undefined) out.ranges = c.ranges;
    if (c.explicit !== undefined) out.explicit = c.explicit;
    if (c.excludeArtists !== undefined && c.excludeArtists.length > 0) {
      const wanted = new Set(c.excludeArtists.map(normalizeArtistName));
      out.excludeArtists = this.world.artists.filter((a) => wanted.has(a.normName)).map((a) => a.id);
    }
    return out;
  }

  /** Constraint attributes of the items: predicted genre and mood, audio ranges, year, explicit, styles (by tags), artists. */
  private constraintCatalog(): ConstraintCatalog {
    const n = this.items.length;
    const tracks = this.items.map((t) => this.world.track(t)!);
    const label = (task: 'genre' | 'mood') => {
      const names = [...(this.world.classifiers[task]?.classes ?? [])];
      const top = Int16Array.from(tracks, (t) => (t[task] === undefined ? -1 : names.indexOf(t[task].label)));
      return { names, top };
    };
    const genre = label('genre');
    const mood = label('mood');
    const ranges: Partial<Record<RangeField, Float32Array>> = {};
    for (const f of Object.keys(RANGE_DOMAINS) as RangeField[]) {
      ranges[f] = Float32Array.from(tracks, (t) => {
        const v = f === 'year' ? t.year : t.audio?.[f];
        return v === undefined || v === null ? Number.NaN : v;
      });
    }
    const artistOffsets = new Int32Array(n + 1);
    tracks.forEach((t, i) => (artistOffsets[i + 1] = artistOffsets[i]! + t.artistIds.length));
    return {
      itemCount: n,
      genres: genre.names,
      genre: genre.top,
      moods: mood.names,
      mood: mood.top,
      ranges,
      explicit: Uint8Array.from(tracks, (t) => (t.explicit === true ? 1 : 0)),
      // A style by the track's own tags (the fixture's tags are its evidence).
      styles: Object.fromEntries(STYLES.map((x) => [x, Uint8Array.from(tracks, (t) => ((t.tags ?? []).some((g) => styleOf(g) === x) ? 1 : 0))])) as Record<Style, Uint8Array>,
      artistOffsets,
      artistIds: Int32Array.from(tracks.flatMap((t) => t.artistIds)),
    };
  }
}
