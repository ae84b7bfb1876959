import { describe, expect, it } from 'vitest';
import { ArtistGraph, buildArtistGraph } from '../../src/recsys/artist/artist-graph.ts';
import type { ItemScorer } from '../../src/recsys/recommender.ts';
import { SupportShrunkScorer } from '../../src/recsys/ranking/support-guard.ts';

const keys = ['a', 'b', 'c', 'd', 'e', 'f'];

describe('buildArtistGraph', () => {
  it('shrinks a similarity that rests on few shared subjects', () => {
    // a and b share 10 listeners; a and c share one listener who plays nothing else.
    const subjects = [...Array.from({ length: 10 }, () => [0, 1]), [0, 2]];
    const g = buildArtistGraph(keys, [{ name: 'listeners', weight: 1, subjects }], [], { shrink: 5 });
    const nb = g.neighbours(0);
    expect(nb.map((x) => keys[x.node])).toEqual(['b', 'c']);
    // Unshrunk cosines: b 10/sqrt(11*10) ≈ 0.95, c 1/sqrt(11*1) ≈ 0.30; shrunk by 10/15 and 1/6.
    expect(nb[0]!.score).toBeCloseTo((10 / Math.sqrt(110)) * (10 / 15), 5);
    expect(nb[1]!.score).toBeCloseTo((1 / Math.sqrt(11)) * (1 / 6), 5);
  });

  it('links artists through shared tags and uses words only for artists nothing else links', () => {
    const tags = [
      { node: 0, tag: 1, count: 5 },
      { node: 3, tag: 1, count: 5 },
      { node: 3, tag: 2, count: 1 },
    ];
    const words = [
      { node: 4, tag: 7, count: 1 },
      { node: 1, tag: 7, count: 1 },
      { node: 0, tag: 8, count: 1 },
    ];
    const g = buildArtistGraph(keys, [{ name: 'playlists', weight: 1, subjects: [[0, 1], [1, 2]] }], tags, { fallbackTags: words });
    expect(g.neighbours(0).map((x) => keys[x.node])).toContain('d');
    // e has no evidence but a title word shared with b; a's own word is never used (it has evidence).
    expect(g.neighbours(4).map((x) => keys[x.node])).toEqual(['b']);
    expect(g.neighbours(0).map((x) => keys[x.node])).not.toContain('e');
    expect(g.neighbours(5)).toEqual([]);
  });

  it('links an artist whose words no one shares by their spelling, and marks every such link weak', () => {
    // f's only word ("maailman") is its own; its spelling shares "ailm" and "ilma" with c's word ("ilmaan").
    const words = [
      { node: 5, tag: 9, count: 1 },
      { node: 2, tag: 10, count: 1 },
      { node: 4, tag: 7, count: 1 },
      { node: 1, tag: 7, count: 1 },
    ];
    const gramIds = new Map<string, number>();
    const grams = (node: number, word: string) =>
      Array.from({ length: word.length - 1 }, (_, i) => `^${word}$`.slice(i, i + 4)).map((gram) => {
        if (!gramIds.has(gram)) gramIds.set(gram, 100 + gramIds.size);
        return { node, tag: gramIds.get(gram)!, count: 1 };
      });
    const spelling = [...grams(5, 'maailman'), ...grams(2, 'ilmaan')];
    const subjects = [[0, 1], [1, 2]];
    const g = buildArtistGraph(keys, [{ name: 'playlists', weight: 1, subjects }], [], { fallbackTags: words, spellingTags: spelling });
    expect(g.neighbours(5).map((x) => keys[x.node])).toEqual(['c']);
    // e is linked by a shared word, f by spelling: both weak; the artists with playlists are not.
    expect([...g.weak].sort()).toEqual([4, 5]);
    const back = ArtistGraph.fromJSON(JSON.parse(JSON.stringify(g.toJSON())));
    expect([...back.weak].sort()).toEqual([4, 5]);
    // Without the spelling evidence f has no neighbour.
    expect(buildArtistGraph(keys, [{ name: 'playlists', weight: 1, subjects }], [], { fallbackTags: words }).neighbours(5)).toEqual([]);
  });

  it('round-trips through its JSON form', () => {
    const g = buildArtistGraph(keys, [{ name: 'l', weight: 1, subjects: [[0, 1, 2], [1, 2]] }], []);
    const back = ArtistGraph.fromJSON(JSON.parse(JSON.stringify(g.toJSON())));
    expect(back.keys).toEqual(keys);
    expect(back.neighbours(1).map((x) => x.node)).toEqual(g.neighbours(1).map((x) => x.node));
    expect(() => ArtistGraph.fromJSON({ format: 'other' })).toThrow();
  });
});

describe('low-support guard', () => {
  /** A neighbour scorer where the item seen once scores highest (it shares its one playlist with the seed). */
  const raw: ItemScorer = {
    itemCount: 3,
    scoreUser: (_u, out) => out.set([14.9, 9, 0]),
    scoreSeeds: (_s, out) => out.set([14.9, 9, 0]),
  };
  const popularity = Float32Array.from([1, 60, 5]);

  it('lets an item seen in 60 playlists outrank one seen in a single playlist', () => {
    const out = new Float32Array(3);
    new SupportShrunkScorer(raw, popularity, 2).scoreSeeds([2], out);
    expect(out[1]!).toBeGreaterThan(out[0]!);
    expect(out[0]!).toBeCloseTo(14.9 / 3, 4);
  });

  it('changes nothing with no shrinkage', () => {
    const out = new Float32Array(3);
    new SupportShrunkScorer(raw, popularity, 0).scoreSeeds([2], out);
    expect(Array.from(out)).toEqual([Math.fround(14.9), 9, 0]);
  });
});
