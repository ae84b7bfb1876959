import { describe, expect, it } from 'vitest';
import { namedArtists, withNamedArtists } from '../../src/agent/artist-mentions.ts';
import { planTurn } from '../../src/agent/rule-planner.ts';
import { artistKey } from '../../src/catalog/artist-keys.ts';
import type { ResolvedArtistName } from '../../src/serving/ports/track-recommender.ts';

/** A lookup over a few catalogue names, exact after folding (as the artist model resolves). */
const KNOWN = ['Bruno Mars', 'Justin Timberlake', 'Marshmello', 'Ciara', 'Daft Punk', 'LMFAO', 'Love', 'Hello'];
const resolve = (name: string): ResolvedArtistName | undefined => {
  const hit = KNOWN.find((k) => artistKey(k) === artistKey(name));
  return hit === undefined ? undefined : { name: hit, match: 'exact' };
};
const empty = { lastRecommendations: [], constraints: {} };

describe('namedArtists', () => {
  it('finds artists listed or named in passing, in order', () => {
    expect(namedArtists('Bruno Mars, Justin Timberlake,, Marshmello', resolve)).toEqual(['Bruno Mars', 'Justin Timberlake', 'Marshmello']);
    expect(namedArtists("Great choices. Let's add more Ciara.", resolve)).toEqual(['Ciara']);
    expect(namedArtists('more that are like LMFAO and daft punk', resolve)).toEqual(['LMFAO', 'Daft Punk']);
  });

  it('does not take common words for artists of that name', () => {
    expect(namedArtists('Hello there! I love this, thanks', resolve)).toEqual([]);
  });
});

describe('withNamedArtists', () => {
  it('turns an unclear turn that names artists into a recommend call seeded by them', () => {
    const text = 'Thanks, can you put Bruno Mars, Justin Timberlake and Marshmello in there as well';
    expect(planTurn(text, empty).intent).toBe('unclear');
    const plan = withNamedArtists(planTurn(text, empty), text, resolve);
    expect(plan.intent).toBe('recommend');
    expect(plan.calls[0]).toMatchObject({ name: 'recommend', args: { seeds: { artists: ['Bruno Mars', 'Justin Timberlake', 'Marshmello'] } } });
  });

  it('leaves a plan with its own seed alone', () => {
    const text = 'something like Daft Punk';
    const before = planTurn(text, empty);
    expect(withNamedArtists(before, text, resolve)).toBe(before);
  });
});
