/**
 * Listeners in memory, by DbListeners' rules without a collaborative model: a listener is a person with likes or a
 * Bradley–Terry model; similarity is the cosine of the liked-track sets, averaged with the cosine of the BT weights
 * when both voted in the same feature space; only aggregates (k-anonymous) and the shown names of people who opted
 * in leave it. Profiles are always current (there is nothing to cache in memory).
 */
import type { Catalog } from '../ports/catalog.ts';
import { MIN_GROUP, MIN_SHARED, type Listeners, type SimilarListenersSummary } from '../ports/listeners.ts';
import type { MemoryWorld } from './memory-world.ts';

interface Profile {
  readonly personId: number;
  readonly tracks: Set<number>;
  readonly rated: Set<number>;
  readonly bt?: { readonly version: string; readonly w: number[] };
}

const unit = (v: readonly number[]): number[] | undefined => {
  const n = Math.hypot(...v);
  return n > 1e-12 ? v.map((x) => x / n) : undefined;
};

/** Options; defaults in brackets. */
interface MemoryListenersOptions {
  /** Fewest similarity for a neighbour [0.3]. */
  readonly minSimilarity?: number;
  /** Neighbours considered for candidates [20]. */
  readonly neighbours?: number;
}

/** Listeners over a MemoryWorld's ratings, preference models and consents. */
export class MemoryListeners implements Listeners {
  private readonly minSimilarity: number;
  private readonly neighbours: number;

  constructor(
    private readonly world: MemoryWorld,
    private readonly catalog: Catalog,
    options: MemoryListenersOptions = {},
  ) {
    this.minSimilarity = options.minSimilarity ?? 0.3;
    this.neighbours = options.neighbours ?? 20;
  }

  async similar(personId: number, count: number): Promise<SimilarListenersSummary> {
    const { me, near } = this.nearest(personId, count);
    const shown = near.flatMap((n) => (this.world.consents.has(n.profile.personId) ? [this.world.consents.get(n.profile.personId)!] : [])).sort();
    if (me === undefined || near.length < MIN_GROUP) return { count: near.length, enough: false, topGenres: [], topMoods: [], tracks: [], shown };
    const tally = this.tally(me, near);
    const cards = await this.catalog.describe([...new Set(near.flatMap((n) => [...n.profile.tracks]))]);
    const labels = (key: 'genre' | 'mood') => {
      const per = new Map<string, number>();
      for (const n of near) {
        const mine = new Set<string>();
        for (const t of n.profile.tracks) {
          const l = cards.get(t)?.[key];
          if (l !== null && l !== undefined) mine.add(l);
        }
        for (const l of mine) per.set(l, (per.get(l) ?? 0) + 1);
      }
      return [...per]
        .filter(([, c]) => c >= MIN_SHARED)
        .map(([name, listeners]) => ({ name, listeners }))
        .sort((a, b) => b.listeners - a.listeners || a.name.localeCompare(b.name))
        .slice(0, 5);
    };
    return {
      count: near.length,
      enough: true,
      topGenres: labels('genre'),
      topMoods: labels('mood'),
      tracks: [...tally]
        .sort((a, b) => b[1].listeners - a[1].listeners || b[1].score - a[1].score || a[0] - b[0])
        .slice(0, 10)
        .map(([trackId, t]) => ({ trackId, listeners: t.listeners })),
      shown,
    };
  }

  async candidates(personId: number): Promise<Map<number, number>> {
    const { me, near } = this.nearest(personId, this.neighbours);
    if (me === undefined || near.length < MIN_GROUP) return new Map();
    return new Map([...this.tally(me, near)].map(([t, v]) => [t, v.score]));
  }

  async consent(personId: number, shownName: string | null): Promise<{ changed: boolean }> {
    if (shownName === null) return { changed: this.world.consents.delete(personId) };
    const before = this.world.consents.get(personId);
    this.world.consents.set(personId, shownName);
    return { changed: before !== shownName };
  }

  async shownName(personId: number): Promise<string | undefined> {
    return this.world.consents.get(personId);
  }

  private tally(me: Profile, near: readonly { profile: Profile; similarity: number }[]): Map<number, { listeners: number; score: number }> {
    const per = new Map<number, { listeners: number; score: number }>();
    for (const n of near) {
      for (const t of n.profile.tracks) {
        if (me.rated.has(t) || me.tracks.has(t)) continue;
        const e = per.get(t) ?? { listeners: 0, score: 0 };
        e.listeners++;
        e.score += n.similarity;
        per.set(t, e);
      }
    }
    return new Map([...per].filter(([, v]) => v.listeners >= MIN_SHARED));
  }

  private nearest(personId: number, count: number): { me: Profile | undefined; near: { profile: Profile; similarity: number }[] } {
    const all = this.profiles();
    const me = all.get(personId);
    if (me === undefined) return { me, near: [] };
    const near: { profile: Profile; similarity: number }[] = [];
    for (const p of all.values()) {
      if (p.personId === personId) continue;
      const s = this.similarity(me, p);
      if (s !== undefined && s >= this.minSimilarity) near.push({ profile: p, similarity: s });
    }
    near.sort((a, b) => b.similarity - a.similarity || a.profile.personId - b.profile.personId);
    return { me, near: near.slice(0, Math.max(0, count)) };
  }

  private similarity(a: Profile, b: Profile): number | undefined {
    const parts: number[] = [];
    if (a.tracks.size > 0 && b.tracks.size > 0) {
      let shared = 0;
      for (const t of a.tracks) if (b.tracks.has(t)) shared++;
      parts.push(shared / Math.sqrt(a.tracks.size * b.tracks.size));
    }
    if (a.bt !== undefined && b.bt !== undefined && a.bt.version === b.bt.version && a.bt.w.length === b.bt.w.length) {
      parts.push(a.bt.w.reduce((s, x, i) => s + x * b.bt!.w[i]!, 0));
    }
    return parts.length === 0 ? undefined : parts.reduce((x, y) => x + y, 0) / parts.length;
  }

  private profiles(): Map<number, Profile> {
    const latest = this.world.latestRatings();
    const out = new Map<number, Profile>();
    const people = new Set([...[...latest].filter(([, m]) => [...m.values()].includes('like')).map(([p]) => p), ...[...this.world.preferenceModels].filter(([, m]) => m.votes > 0).map(([p]) => p)]);
    for (const personId of people) {
      const mine = latest.get(personId) ?? new Map();
      const model = this.world.preferenceModels.get(personId);
      const w = model !== undefined && model.votes > 0 ? unit(model.weights) : undefined;
      out.set(personId, {
        personId,
        tracks: new Set([...mine].filter(([, k]) => k === 'like').map(([t]) => t)),
        rated: new Set(mine.keys()),
        ...(model !== undefined && w !== undefined ? { bt: { version: model.featureVersion.split('|stated:')[0]!, w } } : {}),
      });
    }
    return out;
  }
}
