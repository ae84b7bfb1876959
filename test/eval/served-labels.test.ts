import { describe, expect, it } from 'vitest';
import { brokenConstraints } from '../../src/eval/served/compliance.ts';
import { loadPanel, type PanelRequest } from '../../src/eval/served/panel.ts';
import { GENRES, MOODS } from '../../src/recsys/labels/vocabulary.ts';

const facts = (genre: [string, number][], mood: [string, number][] = [], extra: Partial<{ year: number | null; energy: number | null; instrumentalness: number | null; artists: string[] }> = {}) => ({
  year: extra.year ?? null,
  audio: { energy: extra.energy ?? null, instrumentalness: extra.instrumentalness ?? null },
  artists: extra.artists ?? [],
  genre: genre.map(([label, probability]) => ({ label, probability, sources: {} })),
  mood: mood.map(([label, probability]) => ({ label, probability, sources: {} })),
});

const request = (constraints: PanelRequest['constraints']): PanelRequest => ({ id: 'x', category: 'test', text: 'x', constraints });

describe('the served request panel', () => {
  it('holds at least 150 requests over every category, in the one vocabulary', async () => {
    const panel = await loadPanel();
    expect(panel.length).toBeGreaterThanOrEqual(150);
    expect(new Set(panel.map((r) => r.category))).toEqual(new Set(['genre', 'mood', 'exclusion', 'years', 'activity', 'instrumental', 'artist_seed', 'track_seed', 'route', 'everyday']));
    expect(new Set(panel.map((r) => r.id)).size).toBe(panel.length);
    // Every request says which tool the chat should call (issue 19).
    expect(panel.filter((r) => (r as { expect?: { tool?: string } }).expect?.tool === undefined).map((r) => r.id)).toEqual([]);
    for (const r of panel) {
      for (const g of [...(r.constraints.genres ?? []), ...(r.constraints.exclude_genres ?? [])]) expect(GENRES as readonly string[], r.id).toContain(g);
      for (const m of [...(r.constraints.moods ?? []), ...(r.constraints.exclude_moods ?? [])]) expect(MOODS as readonly string[], r.id).toContain(m);
    }
  });
});

describe('judging a shown track against the stated constraints', () => {
  it('fails an excluded genre only with evidence for it', () => {
    const noRap = request({ exclude_genres: ['hip hop'] });
    expect(brokenConstraints(noRap, facts([['hip hop', 0.8], ['pop', 0.2]]))).toEqual(['no hip hop']);
    expect(brokenConstraints(noRap, facts([['pop', 0.9], ['hip hop', 0.1]]))).toEqual([]);
    expect(brokenConstraints(noRap, facts([]))).toEqual([]);
  });

  it('passes a wanted genre or mood only with evidence, and a range only with a known value inside it', () => {
    expect(brokenConstraints(request({ genres: ['jazz'] }), facts([]))).toEqual(['genre jazz']);
    expect(brokenConstraints(request({ moods: ['calm'] }), facts([], [['sad', 0.6], ['calm', 0.4]]))).toEqual([]);
    expect(brokenConstraints(request({ year: { min: 1990, max: 1999 } }), facts([], [], { year: null }))).toEqual(['year 1990–1999']);
    expect(brokenConstraints(request({ instrumental: true, energy: { max: 0.5 } }), facts([], [], { instrumentalness: 0.9, energy: 0.3 }))).toEqual([]);
    expect(brokenConstraints(request({ exclude_artists: ['Foo Fighters'] }), facts([], [], { artists: ['The Foo Fighters'] }))).toEqual(['not by Foo Fighters']);
    expect(brokenConstraints(request({}), undefined)).toEqual(['unknown track']);
  });
});
