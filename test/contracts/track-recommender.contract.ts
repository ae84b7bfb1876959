/**
 * The TrackRecommender contract: k distinct tracks (fewer only when fewer fit), never a seed, a disliked or a known
 * track; every hard constraint holds; a constraint impossible on its own throws InvalidConstraintError and an
 * impossible combination answers empty with the reason; unknown seeds are noted; every result says why; explain
 * agrees with recommend.
 */
import { expect, it } from 'vitest';
import { InvalidParamsError } from '../../src/recsys/errors.ts';
import { STRATEGIES } from '../../src/recsys/experiments/thompson-bandit.ts';
import { InvalidConstraintError } from '../../src/recsys/ranking/constraints.ts';
import type { Catalog, TrackCard } from '../../src/serving/ports/catalog.ts';
import type { RecommendationList, TrackRecommender } from '../../src/serving/ports/track-recommender.ts';
import { ROCK_POP } from './support/contract-fixture.ts';
import { suiteBackend, type BackendFactory } from './support/backends.ts';

/** Registers the TrackRecommender contract for one implementation. */
export function trackRecommenderContract(open: BackendFactory): void {
  const backend = suiteBackend(open);
  let built: Promise<{ rec: TrackRecommender; catalog: Catalog }> | undefined;
  const subject = () => (built ??= (async () => ({ rec: await backend().recommender(), catalog: await backend().catalog() }))());
  const id = (title: string) => backend().track(title);
  const cards = async (list: RecommendationList): Promise<TrackCard[]> => {
    const { catalog } = await subject();
    const m = await catalog.describe(list.items.map((r) => r.trackId));
    return list.items.map((r) => m.get(r.trackId)!);
  };

  it('says which model answers and serves `hybrid`; knows played tracks only', async () => {
    const { rec } = await subject();
    expect(rec.description.length).toBeGreaterThan(0);
    expect(rec.strategies).toContain('hybrid');
    expect(rec.knows(id('Creep'))).toBe(true);
    expect(rec.knows(id('Quiet Field Recording'))).toBe(false);
    expect(rec.knows(987_654)).toBe(false);
  });

  it('answers k distinct tracks other than the seeds, each with a reason, from the seeds’ cluster first', async () => {
    const { rec } = await subject();
    const seeds = [id('Creep'), id('Karma Police')];
    const list = await rec.recommend({ seeds, k: 5 });
    expect(list.items).toHaveLength(5);
    expect(list.strategy).toBe('hybrid');
    expect(list.emptyReason).toBeUndefined();
    const ids = list.items.map((r) => r.trackId);
    expect(new Set(ids).size).toBe(5);
    for (const s of seeds) expect(ids).not.toContain(s);
    for (const r of list.items) {
      expect(r.sentence.length).toBeGreaterThan(0);
      expect(r.signals.length).toBeGreaterThan(0);
      expect(r.signals.every((s) => s.signal.length > 0 && Number.isFinite(s.contribution))).toBe(true);
      expect(Number.isFinite(r.score)).toBe(true);
    }
    const rockPop = new Set(ROCK_POP.map(id));
    expect(ids.slice(0, 3).every((t) => rockPop.has(t))).toBe(true);
  });

  it('never returns disliked or known tracks', async () => {
    const { rec } = await subject();
    const disliked = [id('Karma Police'), id('Halo')];
    const known = [id('No Surprises'), id('Let It Be')];
    const list = await rec.recommend({ seeds: [id('Creep')], k: 10, disliked, known });
    expect(list.items.length).toBeGreaterThan(0);
    for (const t of [...disliked, ...known, id('Creep')]) expect(list.items.map((r) => r.trackId)).not.toContain(t);
  });

  /**
   * A constraint holds on every shown track, unless the list states it relaxed it (too few tracks met everything):
   * then the tracks that met everything come first (`metAll` of them) and the relaxation names the field.
   */
  const obeys = async (list: RecommendationList, field: string, holds: (c: TrackCard) => boolean): Promise<void> => {
    const shown = await cards(list);
    expect(shown.length).toBeGreaterThan(0);
    const relaxation = (list.relaxed ?? []).find((r) => r.constraint === field);
    if (relaxation === undefined) {
      expect(shown.every(holds)).toBe(true);
      return;
    }
    expect(relaxation.reason.length).toBeGreaterThan(0);
    const first = (list.relaxed ?? [])[0]!.metAll;
    expect(shown.slice(0, first).every(holds)).toBe(true);
  };

  it('keeps every hard constraint (genre, mood, excluded genre and artist, explicit, year range), or states what it relaxed', async () => {
    const { rec } = await subject();
    const seeds = [id('One More Time')];
    await obeys(await rec.recommend({ seeds, k: 5, constraints: { genres: ['Rock'] } }), 'genres', (c) => c.genre === 'rock');
    await obeys(await rec.recommend({ seeds, k: 5, constraints: { moods: ['calm'] } }), 'moods', (c) => c.mood === 'calm');
    // Exclusions are never relaxed.
    const noEdm = await cards(await rec.recommend({ seeds, k: 8, constraints: { excludeGenres: ['edm'] } }));
    expect(noEdm.length).toBeGreaterThan(0);
    expect(noEdm.some((c) => c.genre === 'edm')).toBe(false);
    const noDaft = await cards(await rec.recommend({ seeds, k: 8, constraints: { excludeArtists: ['daft punk'] } }));
    expect(noDaft.length).toBeGreaterThan(0);
    expect(noDaft.some((c) => c.artists.includes('Daft Punk'))).toBe(false);
    const clean = await rec.recommend({ seeds, k: 20, constraints: { explicit: false } });
    if ((clean.relaxed ?? []).every((r) => r.constraint !== 'explicit')) expect(clean.items.map((r) => r.trackId)).not.toContain(id('Genesis'));
    await obeys(await rec.recommend({ seeds, k: 20, constraints: { ranges: { year: { min: 2000 } } } }), 'year', (c) => c.year !== null && c.year >= 2000);
  });

  it('throws InvalidConstraintError for a constraint impossible on its own', async () => {
    const { rec } = await subject();
    await expect(rec.recommend({ seeds: [id('Creep')], k: 5, constraints: { ranges: { energy: { min: 0.9, max: 0.1 } } } })).rejects.toBeInstanceOf(InvalidConstraintError);
    await expect(rec.recommend({ seeds: [id('Creep')], k: 5, constraints: { ranges: { tempo: { min: 400 } } } })).rejects.toBeInstanceOf(InvalidConstraintError);
    await expect(rec.recommend({ seeds: [id('Creep')], k: 5, constraints: { genres: ['polka'] } })).rejects.toBeInstanceOf(InvalidConstraintError);
  });

  it('answers empty with the reason, or states its relaxation, when no track meets the constraints together', async () => {
    const { rec } = await subject();
    // No rock track in the catalogue is happy.
    const list = await rec.recommend({ seeds: [id('Creep')], k: 5, constraints: { genres: ['rock'], moods: ['happy'] } });
    // Either nothing, with the reason, or tracks after a stated relaxation (never a silent drop).
    if (list.items.length === 0) expect(list.emptyReason?.length).toBeGreaterThan(0);
    else {
      expect(list.relaxed?.length).toBeGreaterThan(0);
      expect(list.relaxed![0]!.metAll).toBe(0);
    }
  });

  it('notes seeds it does not know and answers from popularity; without seeds too', async () => {
    const { rec } = await subject();
    const unknown = await rec.recommend({ seeds: [id('Quiet Field Recording')], k: 4 });
    expect(unknown.notes.length).toBeGreaterThan(0);
    expect(unknown.items).toHaveLength(4);
    expect(unknown.strategy).toBeUndefined();
    const none = await rec.recommend({ seeds: [], k: 4 });
    expect(none.items).toHaveLength(4);
    expect(new Set(none.items.map((r) => r.trackId)).size).toBe(4);
  });

  it('serves each listed strategy and refuses one it does not list', async () => {
    const { rec } = await subject();
    for (const strategy of rec.strategies) expect((await rec.recommend({ seeds: [id('Creep')], k: 3, strategy })).strategy).toBe(strategy);
    const missing = STRATEGIES.find((s) => !rec.strategies.includes(s));
    if (missing !== undefined) await expect(rec.recommend({ seeds: [id('Creep')], k: 3, strategy: missing })).rejects.toBeInstanceOf(InvalidParamsError);
  });

  it('lets a strong extra signal bring its track in, and names it', async () => {
    const { rec } = await subject();
    const target = id('Halo');
    const list = await rec.recommend({ seeds: [id('One More Time')], k: 5, extraSignals: [{ name: 'similar_listeners', weight: 10, scores: new Map([[target, 1]]) }] });
    const hit = list.items.find((r) => r.trackId === target);
    expect(hit).toBeDefined();
    expect(hit!.signals.map((s) => s.signal)).toContain('similar_listeners');
  });

  it('finds tracks similar to one track, never the track itself, within the constraints', async () => {
    const { rec } = await subject();
    const list = await rec.similar(id('Digital Love'), 4);
    expect(list.items).toHaveLength(4);
    expect(list.items.map((r) => r.trackId)).not.toContain(id('Digital Love'));
    const calm = await cards(await rec.similar(id('Digital Love'), 4, { moods: ['calm'] }));
    expect(calm.length).toBeGreaterThan(0);
    expect(calm.every((c) => c.mood === 'calm')).toBe(true);
  });

  it('explains a recommended track by its rank, and why others are not recommended', async () => {
    const { rec } = await subject();
    const request = { seeds: [id('Creep')], k: 5, disliked: [id('Halo')] };
    const [top] = (await rec.recommend(request)).items;
    const found = await rec.explain(request, top!.trackId);
    expect(found).toMatchObject({ found: true, rank: 1, recommendation: { trackId: top!.trackId } });
    for (const t of [id('Halo'), id('Creep'), id('Quiet Field Recording')]) {
      const out = await rec.explain(request, t);
      expect(out.found).toBe(false);
      if (!out.found) expect(out.reason.length).toBeGreaterThan(0);
    }
    // Exclusions are never relaxed: a track of an excluded artist is not recommended.
    const constrained = await rec.explain({ ...request, constraints: { excludeArtists: ['justice'] } }, id('Genesis'));
    expect(constrained).toMatchObject({ found: false });
  });
}
