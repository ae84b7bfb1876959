import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOOL_MAP, TOOLS } from '../../src/tools/registry.ts';
import { resolveTrack } from '../../src/tools/resolve-track.ts';
import { DRIVERS } from '../support/db.ts';
import { openHarness, valueOf, type Harness } from './support/tool-harness.ts';

type Card = { id: number; title: string; artists: string[]; genre: string | null; mood: string | null };
type Rec = { track: Card; score: number; why: { sentence: string; signals: { signal: string }[] } };

describe('the tool registry', () => {
  it('has the eighteen tools, each with a description, object schemas and distinct names', () => {
    expect(TOOLS.map((t) => t.name).sort()).toEqual(
      ['classify_track', 'explain_recommendation', 'get_experiment_stats', 'get_taste_profile', 'list_genres_and_moods', 'next_comparison', 'rate_track', 'recommend', 'record_preference', 'search_catalog', 'similar_tracks', 'set_tastes', 'similar_listeners', 'share_my_listening', 'spotify_connect_link', 'spotify_disconnect', 'spotify_export_playlist', 'spotify_import'].sort(),
    );
    for (const t of TOOLS) {
      expect(t.description.length).toBeGreaterThan(40);
      expect(t.output.def.type).toBe('object');
    }
  });

  it('keys every tool by its own name, so a call typed by name gets that tool\'s output', () => {
    for (const [name, tool] of Object.entries(TOOL_MAP)) expect(tool.name).toBe(name);
  });
});

describe.each(DRIVERS)('tools on %s', (driver) => {
  let h: Harness;
  beforeAll(async () => {
    h = await openHarness(driver);
  });
  afterAll(async () => {
    await h?.close();
  });
  const id = (title: string) => h.fixture.byTitle.get(title)!;

  it('resolves what people type to catalogue tracks, with candidates when ambiguous', async () => {
    const c = h.services.catalog;
    const exact = await resolveTrack(c, 'daft punk one more time');
    expect(exact.kind === 'found' && exact.track.id).toBe(id('One More Time'));
    const creep = await resolveTrack(c, 'Radiohead - Creep');
    expect(creep.kind === 'found' && creep.track.id).toBe(id('Creep'));
    const typo = await resolveTrack(c, 'daft punk one more tiem');
    expect(typo.kind === 'found' && typo.track.id).toBe(id('One More Time'));
    const vague = await resolveTrack(c, 'that Radiohead song');
    expect(vague.kind).toBe('ambiguous');
    if (vague.kind === 'ambiguous') expect(vague.candidates.every((t) => t.artists[0] === 'Radiohead')).toBe(true);
    expect((await resolveTrack(c, id('Karma Police'))).kind).toBe('found');
    expect((await resolveTrack(c, `track:${id('Karma Police')}`)).kind).toBe('found');
    expect((await resolveTrack(c, 999999)).kind).toBe('none');
    expect((await resolveTrack(c, 'zzzz qqqq')).kind).toBe('none');
  });

  it('search_catalog finds by title, artist and tag, and filters by genre, mood and year', async () => {
    const byTag = valueOf(await h.call('s', 'search_catalog', { query: 'french house' })).tracks as Card[];
    expect(byTag.map((t) => t.artists[0])).toEqual(['Daft Punk', 'Daft Punk', 'Daft Punk', 'Daft Punk']);
    const calm = valueOf(await h.call('s', 'search_catalog', { query: 'radiohead', mood: 'calm' })).tracks as Card[];
    expect(calm.map((t) => t.title)).toEqual(['No Surprises']);
    const old = valueOf(await h.call('s', 'search_catalog', { query: 'nirvana', year_max: 1991, limit: 1 })).tracks as Card[];
    expect(old).toHaveLength(1);
    const none = valueOf(await h.call('s', 'search_catalog', { query: 'no such words here' }));
    expect(none.tracks).toEqual([]);
    expect(none.hint).toMatch(/fewer or different words/);
  });

  it('recommend from an artist stays in the taste cluster, with a reason on every result', async () => {
    const v = valueOf(await h.call('r1', 'recommend', { seeds: { artists: ['Daft Punk'] }, count: 5, for: 'anyone' }));
    const recs = v.recommendations as Rec[];
    expect(recs).toHaveLength(5);
    // MMR may diversify the tail; the head and the majority stay in the cluster.
    expect(recs.slice(0, 3).every((r) => h.fixture.electronic.includes(r.track.id))).toBe(true);
    expect(recs.filter((r) => h.fixture.electronic.includes(r.track.id)).length).toBeGreaterThanOrEqual(4);
    expect(recs.every((r) => r.why.sentence.length > 0 && r.why.signals.length > 0)).toBe(true);
    expect((v.seeds as Card[]).every((s) => s.artists[0] === 'Daft Punk')).toBe(true);
    expect(v.model).toBe('hybrid v1');
  });

  it('recommend applies constraints and free-text seeds', async () => {
    const calm = valueOf(await h.call('r2', 'recommend', { seeds: { text: 'something like radiohead' }, constraints: { moods: ['calm'] }, count: 5 }));
    const recs = calm.recommendations as Rec[];
    expect(recs.length).toBeGreaterThan(0);
    expect(recs.every((r) => r.track.mood === 'calm')).toBe(true);
    const fast = valueOf(await h.call('r2', 'recommend', { seeds: { genres: ['rock'] }, constraints: { tempo: { min: 110 }, exclude_artists: ['Nirvana'] }, count: 10 }));
    for (const r of fast.recommendations as Rec[]) expect(r.track.artists).not.toContain('Nirvana');
    const clean = valueOf(await h.call('r2', 'recommend', { seeds: { artists: ['Justice'] }, constraints: { explicit: false }, count: 20 }));
    expect((clean.recommendations as Rec[]).map((r) => r.track.id)).not.toContain(id('Genesis'));
    const impossible = valueOf(await h.call('r2', 'recommend', { constraints: { genres: ['pop'], moods: ['sad'] }, count: 3 }));
    // No track is both: the recommender relaxes, in the stated order, and says so instead of answering nothing.
    expect((impossible.recommendations as Rec[]).length).toBeGreaterThan(0);
    expect((impossible.relaxed as { constraint: string; reason: string }[]).map((r) => r.constraint)).toEqual(['moods']);
    expect((impossible.relaxed as { reason: string }[])[0]!.reason).toMatch(/no track met every constraint together/);
  });

  it('recommend returns a retry result for mistakes the caller can fix', async () => {
    const genre = await h.call('r3', 'recommend', { constraints: { genres: ['polka'] } });
    expect(genre).toMatchObject({ kind: 'retry', code: 'unknown_genre' });
    expect(genre.kind === 'retry' && genre.message).toMatch(/known: edm, rock, pop/);
    const range = await h.call('r3', 'recommend', { constraints: { energy: { min: 0.9, max: 0.2 } } });
    expect(range).toMatchObject({ kind: 'retry', code: 'invalid_constraint' });
    const ambiguous = await h.call('r3', 'recommend', { seeds: { tracks: ['that Radiohead song'] } });
    expect(ambiguous).toMatchObject({ kind: 'retry', code: 'ambiguous_track' });
    expect(ambiguous.kind === 'retry' && ambiguous.candidates!.length).toBeGreaterThan(1);
    const artist = await h.call('r3', 'recommend', { seeds: { artists: ['Nobody Known'] } });
    expect(artist).toMatchObject({ kind: 'retry', code: 'unknown_artist' });
    const bad = await h.call('r3', 'recommend', { count: 500, colour: 'red' });
    expect(bad).toMatchObject({ kind: 'retry', code: 'invalid_arguments' });
    expect(bad.kind === 'retry' && bad.message).toMatch(/count: .*50/);
    expect(bad.kind === 'retry' && bad.message).toMatch(/colour/);
    expect(await h.call('r3', 'no_such_tool', {})).toMatchObject({ kind: 'retry', code: 'unknown_tool' });
  });

  it('rate_track is idempotent, and likes and dislikes shape later recommendations', async () => {
    const like = valueOf(await h.call('rater', 'rate_track', { track: 'radiohead karma police', rating: 'like', interaction_id: 'click-1' }));
    expect(like).toMatchObject({ rating: 'like', recorded: true });
    expect(valueOf(await h.call('rater', 'rate_track', { track: 'radiohead karma police', rating: 'like', interaction_id: 'click-1' })).recorded).toBe(false);
    expect(valueOf(await h.call('rater', 'rate_track', { track: id('Creep'), rating: 'like' })).recorded).toBe(true);
    expect(valueOf(await h.call('rater', 'rate_track', { track: id('Creep'), rating: 'like' })).recorded).toBe(false);
    await h.call('rater', 'rate_track', { track: id('No Surprises'), rating: 'dislike' });
    const recs = valueOf(await h.call('rater', 'recommend', { count: 10 })).recommendations as Rec[];
    const got = recs.map((r) => r.track.id);
    expect(got).not.toContain(id('No Surprises'));
    expect(got).not.toContain(id('Creep'));
    expect(got).not.toContain(id('Karma Police'));
    expect(recs.filter((r) => h.fixture.rock.includes(r.track.id)).length).toBeGreaterThan(recs.length / 2);
    // A later opposite rating wins.
    await h.call('rater', 'rate_track', { track: id('No Surprises'), rating: 'like' });
    const profile = valueOf(await h.call('rater', 'get_taste_profile', {}));
    expect(profile.counts).toMatchObject({ liked: 3, disliked: 0 });
    expect((profile.top_genres as { name: string }[])[0]!.name).toBe('rock');
  });

  it('names the tool in a successful outcome, so callers narrow the value by it', async () => {
    expect(await h.call('namer', 'list_genres_and_moods', {})).toMatchObject({ kind: 'ok', tool: 'list_genres_and_moods' });
    expect(await h.call('namer', 'no_such_tool', {})).toMatchObject({ kind: 'retry', code: 'unknown_tool' });
  });

  it('next_comparison and record_preference: votes are stored once and move the taste model', async () => {
    const first = valueOf(await h.call('voter', 'next_comparison', {}));
    expect(first.a).toBeDefined();
    expect((first.a as Card).id).not.toBe((first.b as Card).id);
    const vote = valueOf(await h.call('voter', 'record_preference', { comparison_id: first.comparison_id, choice: 'a', interaction_id: 'btn-1' }));
    expect(vote).toMatchObject({ recorded: true, choice: 'a', votes: 1 });
    const again = valueOf(await h.call('voter', 'record_preference', { comparison_id: first.comparison_id, choice: 'b', interaction_id: 'btn-1' }));
    expect(again).toMatchObject({ recorded: false, choice: 'a', votes: 1 });
    const pairs = new Set([`${(first.a as Card).id}:${(first.b as Card).id}`]);
    for (let i = 0; i < 4; i++) {
      const c = valueOf(await h.call('voter', 'next_comparison', {}));
      const key = [(c.a as Card).id, (c.b as Card).id].sort((x, y) => x - y).join(':');
      expect(pairs.has(key)).toBe(false);
      pairs.add(key);
      await h.call('voter', 'record_preference', { comparison_id: c.comparison_id, choice: 'b' });
    }
    const profile = valueOf(await h.call('voter', 'get_taste_profile', {}));
    expect((profile.counts as { votes: number }).votes).toBe(5);
    expect(profile.confidence as number).toBeGreaterThan(0);
    expect((profile.leanings as unknown[]).length).toBeGreaterThan(0);
    const someone = await h.call('other-person', 'record_preference', { comparison_id: first.comparison_id, choice: 'a' });
    expect(someone).toMatchObject({ kind: 'retry', code: 'unknown_comparison' });
    const recs = valueOf(await h.call('voter', 'recommend', { seeds: { artists: ['Metallica'] }, count: 3 })).recommendations as Rec[];
    expect(recs.some((r) => r.why.signals.some((s) => s.signal === 'preference'))).toBe(true);
  });

  it('interaction ids are scoped to their person: nobody can read or pre-empt another person\'s vote or rating', async () => {
    // Mallory learns Victim's first vote by replaying its predictable id on her own comparison: she gets her own row.
    const v1 = valueOf(await h.call('victim', 'next_comparison', {}));
    const victimId = (await h.db.rows<{ id: number }>(sql`select person_id as id from comparisons where id = ${v1.comparison_id as number}`))[0]!.id;
    expect(valueOf(await h.call('victim', 'record_preference', { comparison_id: v1.comparison_id, choice: 'b' }))).toMatchObject({ recorded: true, choice: 'b' });
    const m1 = valueOf(await h.call('mallory', 'next_comparison', {}));
    const probe = valueOf(await h.call('mallory', 'record_preference', { comparison_id: m1.comparison_id, choice: 'a', interaction_id: `comparison:${victimId}:${v1.comparison_id as number}` }));
    expect(probe).toMatchObject({ recorded: true, choice: 'a' });
    // She pre-stores the id of Victim's next vote; Victim's press still counts.
    const m2 = valueOf(await h.call('mallory', 'next_comparison', {}));
    valueOf(await h.call('mallory', 'record_preference', { comparison_id: m2.comparison_id, choice: 'skip', interaction_id: 'shared-click-7' }));
    const v2 = valueOf(await h.call('victim', 'next_comparison', {}));
    expect(valueOf(await h.call('victim', 'record_preference', { comparison_id: v2.comparison_id, choice: 'a', interaction_id: 'shared-click-7' }))).toMatchObject({ recorded: true, choice: 'a', votes: 2 });
    // The same for ratings: an interaction id taken by someone else does not swallow this person's like.
    const track = h.fixture.byTitle.get('Teardrop')!;
    expect(valueOf(await h.call('mallory', 'rate_track', { track, rating: 'dislike', interaction_id: 'like-click-1' }))).toMatchObject({ recorded: true });
    expect(valueOf(await h.call('victim', 'rate_track', { track, rating: 'like', interaction_id: 'like-click-1' }))).toMatchObject({ recorded: true });
    expect(valueOf(await h.call('victim', 'rate_track', { track, rating: 'like', interaction_id: 'like-click-1' }))).toMatchObject({ recorded: false });
    const victim = valueOf(await h.call('victim', 'get_taste_profile', {}));
    expect((victim.counts as { liked: number; votes: number })).toMatchObject({ liked: 1, votes: 2 });
  });

  it('classify_track, similar_tracks, explain_recommendation and list_genres_and_moods', async () => {
    const cls = valueOf(await h.call('c', 'classify_track', { track: 'teardrop massive attack' }));
    expect(cls.genre).toMatchObject({ label: 'edm', model_version: 'fixture' });
    expect(cls.mood).toMatchObject({ label: 'calm' });
    expect(cls.subgenre).toBeNull();
    const sim = valueOf(await h.call('c', 'similar_tracks', { track: 'enter sandman', count: 5 }));
    expect((sim.similar as Rec[]).every((r) => h.fixture.rock.includes(r.track.id))).toBe(true);
    const recs = valueOf(await h.call('c', 'recommend', { seeds: { tracks: [id('Windowlicker')] }, count: 3, for: 'anyone' })).recommendations as Rec[];
    const why = valueOf(await h.call('c', 'explain_recommendation', { track: recs[0]!.track.id, seeds: [id('Windowlicker')] }));
    expect(why).toMatchObject({ recommended: true, rank: 1 });
    expect((why.why as { signals: unknown[] }).signals.length).toBeGreaterThan(0);
    const not = valueOf(await h.call('c', 'explain_recommendation', { track: id('Windowlicker'), seeds: [id('Windowlicker')] }));
    expect(not).toMatchObject({ recommended: false });
    const vocab = valueOf(await h.call('c', 'list_genres_and_moods', {}));
    expect((vocab.genres as { name: string }[]).map((g) => g.name)).toEqual(['edm', 'rock', 'pop']);
    expect((vocab.moods as { name: string; tracks: number }[]).find((m) => m.name === 'calm')!.tracks).toBeGreaterThan(0);
    expect((vocab.ranges as { field: string }[]).map((r) => r.field)).toContain('tempo');
  });
});
