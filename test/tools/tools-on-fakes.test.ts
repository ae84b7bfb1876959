/**
 * Tool logic on the in-memory fakes (src/serving/fakes): the tools are called through the registry exactly as on
 * the database, over the contract catalogue (test/contracts), without a PGlite per file. The fakes pass the same
 * contract suites as the Postgres adapters (test/contracts/*.test.ts), so what these tests show holds on both.
 */
import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../src/recsys/rng.ts';
import { memoryToolServices } from '../../src/serving/fakes/memory-services.ts';
import { MemoryWorld, type MemoryWorldSpec } from '../../src/serving/fakes/memory-world.ts';
import { callTool } from '../../src/tools/registry.ts';
import { contextFor } from '../../src/tools/tool-context.ts';
import { preferenceSpace } from '../contracts/support/backends.ts';
import { CONTRACT_WORLD } from '../contracts/support/contract-fixture.ts';
import { valueOf } from './support/tool-harness.ts';

/** Fake services over a fresh world (the contract catalogue, or `spec`), and a caller that acts as a named person. */
function open(spec: MemoryWorldSpec = CONTRACT_WORLD) {
  const world = new MemoryWorld(spec);
  let seed = 1;
  const services = memoryToolServices(world, { space: preferenceSpace(world.tracks.map((t) => t.id)), random: () => new SeededRandom(seed++) });
  const people = new Map<string, number>();
  const call = (person: string, name: string, args: unknown) => {
    if (!people.has(person)) people.set(person, people.size + 1);
    return callTool(name, args, contextFor(services, people.get(person)!));
  };
  return { world, call };
}

describe('tools on the in-memory fakes', () => {
  it('record_preference counts "both" and "neither" as answers, a skip as none; tracks said not to fit are never recommended', async () => {
    const { call } = open();
    const decided = valueOf(await call('tier', 'next_comparison', {}));
    const first = valueOf(await call('tier', 'record_preference', { comparison_id: decided.comparison_id, choice: 'a' }));
    expect(first).toMatchObject({ recorded: true, choice: 'a', votes: 1 });
    const notFitting = new Set<number>();
    for (const [k, choice] of (['both', 'neither', 'skip'] as const).entries()) {
      const c = valueOf(await call('tier', 'next_comparison', {}));
      expect(c.how_to_answer as string).toMatch(/"both", "neither"/);
      const r = valueOf(await call('tier', 'record_preference', { comparison_id: c.comparison_id, choice }));
      const votes = choice === 'skip' ? 3 : k + 2;
      expect(r).toMatchObject({ recorded: true, choice, votes });
      if (choice === 'neither') for (const side of [c.a, c.b] as { id: number }[]) notFitting.add(side.id);
      // Idempotent like any other answer.
      expect(valueOf(await call('tier', 'record_preference', { comparison_id: c.comparison_id, choice: 'a' }))).toMatchObject({ recorded: false, choice, votes });
    }
    // The tracks answered "neither" are left out of "for me" answers.
    const shown = (valueOf(await call('tier', 'recommend', { count: 20 })).recommendations as { track: { id: number } }[]).map((r) => r.track.id);
    expect(shown.length).toBeGreaterThan(5);
    for (const id of notFitting) expect(shown).not.toContain(id);
    const bad = await call('tier', 'record_preference', { comparison_id: decided.comparison_id, choice: 'maybe' });
    expect(bad).toMatchObject({ kind: 'retry' });
    const someone = await call('other-person', 'record_preference', { comparison_id: decided.comparison_id, choice: 'a' });
    expect(someone).toMatchObject({ kind: 'retry', code: 'unknown_comparison' });
  });

  it('rate_track is idempotent per interaction id, and a later opposite rating wins in the taste profile', async () => {
    const { world, call } = open();
    const id = (title: string) => world.trackId(title);
    expect(valueOf(await call('rater', 'rate_track', { track: 'radiohead karma police', rating: 'like', interaction_id: 'click-1' }))).toMatchObject({ rating: 'like', recorded: true });
    expect(valueOf(await call('rater', 'rate_track', { track: 'radiohead karma police', rating: 'like', interaction_id: 'click-1' })).recorded).toBe(false);
    expect(valueOf(await call('rater', 'rate_track', { track: id('Creep'), rating: 'like' })).recorded).toBe(true);
    expect(valueOf(await call('rater', 'rate_track', { track: id('Creep'), rating: 'like' })).recorded).toBe(false);
    await call('rater', 'rate_track', { track: id('No Surprises'), rating: 'dislike' });
    const recs = valueOf(await call('rater', 'recommend', { count: 10 })).recommendations as { track: { id: number } }[];
    const got = recs.map((r) => r.track.id);
    for (const t of ['No Surprises', 'Creep', 'Karma Police']) expect(got).not.toContain(id(t));
    await call('rater', 'rate_track', { track: id('No Surprises'), rating: 'like' });
    const profile = valueOf(await call('rater', 'get_taste_profile', {}));
    expect(profile.counts).toMatchObject({ liked: 3, disliked: 0 });
    expect((profile.top_genres as { name: string }[])[0]!.name).toBe('rock');
  });

  it('recommend\'s exclude_genres takes a style ("no grunge"): its tracks are left out, the rest of its genre stays', async () => {
    const tagged = CONTRACT_WORLD.tracks.map((t) => (t.title === 'Smells Like Teen Spirit' ? { ...t, tags: ['grunge'] } : t));
    const { call } = open({ ...CONTRACT_WORLD, tracks: tagged });
    const r = valueOf(await call('fan', 'recommend', { constraints: { genres: ['rock'], exclude_genres: ['grunge'] }, count: 10, for: 'anyone' }));
    const titles = (r.recommendations as { track: { title: string } }[]).map((x) => x.track.title);
    expect(r.relaxed).toEqual([]);
    expect(titles).not.toContain('Smells Like Teen Spirit');
    expect(titles).toEqual(expect.arrayContaining(['Creep', 'Karma Police', 'No Surprises']));
  });

  it('recommend\'s genres take a style ("some grunge"): only its tracks, each card naming it, and it seeds nothing', async () => {
    const { call } = open({ ...CONTRACT_WORLD, tracks: CONTRACT_WORLD.tracks.map((t) => (t.title === 'Smells Like Teen Spirit' ? { ...t, tags: ['grunge'] } : t)) });
    type Answer = { recommendations: { track: { title: string; genre: string | null } }[]; seeds: unknown[]; notes: string[] };
    const grunge = valueOf(await call('fan', 'recommend', { seeds: { genres: ['grunge'] }, constraints: { genres: ['grunge'] }, count: 5, for: 'anyone' })) as unknown as Answer;
    expect(grunge.recommendations.map((r) => [r.track.title, r.track.genre])).toEqual([['Smells Like Teen Spirit', 'grunge']]);
    // Not rock's best tracks as seeds (for "funk" those were 2010s pop-r&b hits).
    expect(grunge.seeds).toEqual([]);
    expect(grunge.notes.join(' ')).not.toMatch(/style/);
    const seededOnly = valueOf(await call('fan', 'recommend', { seeds: { genres: ['funk'] }, count: 5, for: 'anyone' })) as unknown as Answer;
    expect(seededOnly.seeds).toEqual([]);
    expect(seededOnly.notes).toContain('"funk" is a style, not a starting point: constraints.genres ["funk"] keeps to it.');
  });

  it('recommend\'s free-text seeds read a style as the style, not its genre: "motown" keeps to motown, "grunge like Radiohead" seeds with Radiohead', async () => {
    const tagged: Record<string, string[]> = { 'Crazy in Love': ['motown'], 'Smells Like Teen Spirit': ['grunge'] };
    const { call } = open({ ...CONTRACT_WORLD, tracks: CONTRACT_WORLD.tracks.map((t) => (tagged[t.title] !== undefined ? { ...t, tags: tagged[t.title]! } : t)) });
    type Answer = { recommendations: { track: { title: string; genre: string | null } }[]; seeds: { title: string; artists: string[] }[]; notes: string[] };
    // A style word was read as its genre ("funk" as r&b: r&b's best tracks seeded the answer and nothing kept to funk).
    const motown = valueOf(await call('fan', 'recommend', { seeds: { text: 'motown' }, count: 5, for: 'anyone' })) as unknown as Answer;
    expect(motown.recommendations.map((r) => [r.track.title, r.track.genre])).toEqual([['Crazy in Love', 'motown']]);
    expect(motown.seeds).toEqual([]);
    expect(motown.notes).toContain('"motown" in seeds.text is a style, not its genre: constraints.genres ["motown"] keeps to it.');
    const funk = valueOf(await call('fan', 'recommend', { seeds: { text: 'some funk' }, count: 5, for: 'anyone' })) as unknown as Answer;
    expect(funk.seeds).toEqual([]);
    expect(funk.notes).toContain('"funk" in seeds.text is a style, not its genre: constraints.genres ["funk"] keeps to it.');
    // A style beside an artist: the artist seeds, the style constrains.
    const grunge = valueOf(await call('fan', 'recommend', { seeds: { text: 'grunge like Radiohead' }, count: 5, for: 'anyone' })) as unknown as Answer;
    expect(grunge.recommendations.map((r) => [r.track.title, r.track.genre])).toEqual([['Smells Like Teen Spirit', 'grunge']]);
    expect(grunge.seeds.map((t) => t.artists[0])).toEqual(['Radiohead', 'Radiohead', 'Radiohead']);
    // Left out, the style is not asked for.
    const out = valueOf(await call('fan', 'recommend', { seeds: { text: 'motown, Radiohead' }, constraints: { exclude_genres: ['motown'] }, count: 5, for: 'anyone' })) as unknown as Answer;
    expect(out.recommendations.map((r) => r.track.title)).not.toContain('Crazy in Love');
    expect(out.notes.join(' ')).not.toMatch(/style/);
  });
});
