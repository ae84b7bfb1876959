/**
 * Listeners over the database and the serving model. A listener is a person with likes (rating interactions); tracks
 * imported from a linked Spotify account are never used here, because what similar listeners see is
 * built from other people's data and Spotify's terms keep a person's Spotify data to that person. Their taste vector is the iALS fold-in of those tracks (the same fold-in that
 * serves them), and people who voted also have Bradley–Terry weights. Similarity is the cosine of the fold-in
 * vectors, averaged with the cosine of the BT weights when both people voted in the same feature space. Without an
 * iALS model, the fold-in is replaced by the cosine of the liked-track sets. Profiles are rebuilt only when a
 * cheap fingerprint of ratings and taste models changes, so a recommend call does not refold everyone.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../../db/db.ts';
import { listenerConsents } from '../../db/schema.ts';
import { HybridRecommender } from '../../recsys/hybrid.ts';
import { IalsRecommender } from '../../recsys/ials.ts';
import type { TrackModel } from '../models/track-model.ts';
import type { Catalog } from '../ports/catalog.ts';
import { MIN_GROUP, MIN_SHARED, type Listeners, type SimilarListenersSummary } from '../ports/listeners.ts';
import { RATING_SOURCE } from './db-rating-store.ts';

/** Options; defaults in brackets. */
interface DbListenersOptions {
  /** Fewest similarity for a neighbour [0.3]. */
  readonly minSimilarity?: number;
  /** Neighbours considered for candidates [20]. */
  readonly neighbours?: number;
  /** Everyone else's profiles are rebuilt at most this often, ms, even when ratings changed [30000]; the asking person's is always fresh. */
  readonly minRebuildMs?: number;
  readonly now?: () => number;
}

interface Profile {
  readonly personId: number;
  /** Liked and seeded tracks. */
  readonly tracks: Set<number>;
  /** Every rated track (liked, skipped, disliked). */
  readonly rated: Set<number>;
  /** Unit fold-in vector, or undefined without a usable one. */
  readonly vector?: Float64Array;
  /** Unit BT weights and their feature version, when the person voted. */
  readonly bt?: { readonly version: string; readonly w: Float64Array };
}

const unit = (v: ArrayLike<number>): Float64Array | undefined => {
  const out = Float64Array.from(v);
  const n = Math.hypot(...out);
  if (!(n > 1e-12)) return undefined;
  for (let i = 0; i < out.length; i++) out[i]! /= n;
  return out;
};

const dot = (a: Float64Array, b: Float64Array) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};

/** Listeners in Postgres/PGlite. */
export class DbListeners implements Listeners {
  private profiles: { fingerprint: string; at: number; byPerson: Map<number, Profile> } | undefined;
  private readonly minRebuildMs: number;
  private readonly now: () => number;
  private readonly ials: IalsRecommender | undefined;
  private readonly indexOf: Map<number, number>;
  private readonly minSimilarity: number;
  private readonly neighbours: number;

  constructor(
    private readonly db: Db,
    model: TrackModel,
    private readonly catalog: Catalog,
    options: DbListenersOptions = {},
  ) {
    const rec = model.recommender;
    const ials = rec instanceof IalsRecommender ? rec : rec instanceof HybridRecommender ? rec.components.find((c) => c.model instanceof IalsRecommender)?.model : undefined;
    this.ials = model.source === 'model' && ials instanceof IalsRecommender ? ials : undefined;
    this.indexOf = new Map(Array.from(model.trackIds, (t, i) => [t, i]));
    this.minSimilarity = options.minSimilarity ?? 0.3;
    this.neighbours = options.neighbours ?? 20;
    this.minRebuildMs = options.minRebuildMs ?? 30_000;
    this.now = options.now ?? Date.now;
  }

  async similar(personId: number, count: number): Promise<SimilarListenersSummary> {
    const { me, near } = await this.nearest(personId, count);
    const shown = await this.shownNames(near.map((n) => n.profile.personId));
    const empty = { count: near.length, enough: false, topGenres: [], topMoods: [], tracks: [], shown };
    if (me === undefined || near.length < MIN_GROUP) return empty;
    const tally = this.tally(me, near);
    const cards = await this.catalog.describe([...new Set(near.flatMap((n) => [...n.profile.tracks]))]);
    // A label counts once per listener who likes at least one track with it.
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
      tracks: [...tally].map(([trackId, t]) => ({ trackId, listeners: t.listeners, score: t.score })).sort((a, b) => b.listeners - a.listeners || b.score - a.score || a.trackId - b.trackId).slice(0, 10).map(({ trackId, listeners }) => ({ trackId, listeners })),
      shown,
    };
  }

  async candidates(personId: number): Promise<Map<number, number>> {
    const { me, near } = await this.nearest(personId, this.neighbours);
    if (me === undefined || near.length < MIN_GROUP) return new Map();
    return new Map([...this.tally(me, near)].map(([t, v]) => [t, v.score]));
  }

  async consent(personId: number, shownName: string | null): Promise<{ changed: boolean }> {
    if (shownName === null) {
      const gone = await this.db.orm.delete(listenerConsents).where(sql`${listenerConsents.personId} = ${personId}`).returning({ personId: listenerConsents.personId });
      return { changed: gone.length > 0 };
    }
    const before = await this.shownName(personId);
    await this.db.orm
      .insert(listenerConsents)
      .values({ personId, shownName })
      .onConflictDoUpdate({ target: listenerConsents.personId, set: { shownName } });
    return { changed: before !== shownName };
  }

  async shownName(personId: number): Promise<string | undefined> {
    const [row] = await this.db.rows<{ shown_name: string }>(sql`select shown_name from listener_consents where person_id = ${personId}`);
    return row?.shown_name;
  }

  /** Tracks liked by ≥ MIN_SHARED neighbours and not rated (nor liked/seeded) by the person. */
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

  /** The person's profile and their nearest listeners (similarity ≥ minSimilarity), best first. */
  private async nearest(personId: number, count: number): Promise<{ me: Profile | undefined; near: { profile: Profile; similarity: number }[] }> {
    const all = await this.load();
    // The asking person's own profile is always current (they may have just liked something).
    const me = (await this.build(personId)).get(personId);
    if (me === undefined) return { me, near: [] };
    const near: { profile: Profile; similarity: number }[] = [];
    for (const p of all.values()) {
      if (p.personId === personId) continue;
      const s = this.similarity(me, p);
      if (s !== undefined && s >= this.minSimilarity) near.push({ profile: p, similarity: s });
    }
    near.sort((a, b) => b.similarity - a.similarity || a.profile.personId - b.profile.personId);
    return { me, near: near.slice(0, count) };
  }

  private similarity(a: Profile, b: Profile): number | undefined {
    const parts: number[] = [];
    if (a.vector !== undefined && b.vector !== undefined) parts.push(dot(a.vector, b.vector));
    else if (this.ials === undefined && a.tracks.size > 0 && b.tracks.size > 0) {
      let shared = 0;
      for (const t of a.tracks) if (b.tracks.has(t)) shared++;
      parts.push(shared / Math.sqrt(a.tracks.size * b.tracks.size));
    }
    if (a.bt !== undefined && b.bt !== undefined && a.bt.version === b.bt.version && a.bt.w.length === b.bt.w.length) parts.push(dot(a.bt.w, b.bt.w));
    return parts.length === 0 ? undefined : parts.reduce((x, y) => x + y, 0) / parts.length;
  }

  /** Everyone's profiles, rebuilt when the fingerprint changed and the last build is older than minRebuildMs. */
  private async load(): Promise<Map<number, Profile>> {
    if (this.profiles !== undefined && this.now() - this.profiles.at < this.minRebuildMs) return this.profiles.byPerson;
    const [f] = await this.db.rows<Record<string, unknown>>(sql`
      select (select count(*) from interactions where source = ${RATING_SOURCE})::text || ':' || coalesce((select max(id) from interactions where source = ${RATING_SOURCE}), 0)::text
        || ':' || coalesce((select max(updated_at) from preference_models)::text, '') as fingerprint`);
    const fingerprint = String(f?.fingerprint ?? '');
    if (this.profiles !== undefined && this.profiles.fingerprint === fingerprint) {
      this.profiles = { ...this.profiles, at: this.now() };
      return this.profiles.byPerson;
    }
    const byPerson = await this.build();
    this.profiles = { fingerprint, at: this.now(), byPerson };
    return byPerson;
  }

  /** Profiles of everyone, or of one person. */
  private async build(only?: number): Promise<Map<number, Profile>> {
    const who = only === undefined ? sql`person_id is not null` : sql`person_id = ${only}`;
    const liked = new Map<number, Set<number>>();
    const rated = new Map<number, Set<number>>();
    const add = (m: Map<number, Set<number>>, p: number, t: number) => {
      let s = m.get(p);
      if (s === undefined) m.set(p, (s = new Set()));
      s.add(t);
    };
    const ratings = await this.db.rows<{ person_id: number; track_id: number; kind: string }>(sql`
      select distinct on (person_id, track_id) person_id, track_id, kind from interactions
      where source = ${RATING_SOURCE} and ${who} and track_id is not null
      order by person_id, track_id, created_at desc, id desc`);
    for (const r of ratings) {
      add(rated, Number(r.person_id), Number(r.track_id));
      if (r.kind === 'like') add(liked, Number(r.person_id), Number(r.track_id));
    }
    const bts = await this.db.rows<{ person_id: number; feature_version: string; weights: number[]; votes: number }>(
      sql`select person_id, feature_version, weights, votes from preference_models where votes > 0 and ${who}`,
    );
    const btOf = new Map(bts.map((r) => [Number(r.person_id), r]));
    const byPerson = new Map<number, Profile>();
    const x = this.ials === undefined ? undefined : new Float64Array(this.ials.params.factors);
    for (const personId of new Set([...liked.keys(), ...btOf.keys()])) {
      const tracks = liked.get(personId) ?? new Set<number>();
      let vector: Float64Array | undefined;
      if (this.ials !== undefined && x !== undefined) {
        const items = [...tracks].map((t) => this.indexOf.get(t)).filter((i): i is number => i !== undefined);
        if (items.length > 0) {
          this.ials.foldIn(items, x);
          vector = unit(x);
        }
      }
      const row = btOf.get(personId);
      // The BT space is compared on its base feature version (a stated-tastes tag does not change the columns).
      const bt = row === undefined ? undefined : unit(row.weights.map(Number));
      byPerson.set(personId, {
        personId,
        tracks,
        rated: rated.get(personId) ?? new Set(),
        ...(vector !== undefined ? { vector } : {}),
        ...(row !== undefined && bt !== undefined ? { bt: { version: row.feature_version.split('|stated:')[0]!, w: bt } } : {}),
      });
    }
    return byPerson;
  }

  /** Shown names of the given people who opted in (never anyone else's name). */
  private async shownNames(ids: readonly number[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const rows = await this.db.rows<{ shown_name: string }>(sql`select shown_name from listener_consents where person_id in (${sql.join(
      ids.map((id) => sql`${id}`),
      sql`, `,
    )}) order by shown_name`);
    return rows.map((r) => r.shown_name);
  }
}
