import { describe, expect, it } from 'vitest';
import { fnv1a32 } from '../../src/recsys/fnv1a.ts';
import type { InteractionPairs } from '../../src/recsys/interaction-pairs.ts';
import { RankingMetrics } from '../../src/recsys/metrics.ts';
import { splitCold, splitWarm } from '../../src/recsys/split.ts';

describe('fnv1a32', () => {
  it('matches the published FNV-1a test vectors', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
  });

  it('hashes UTF-8 bytes for non-ASCII text', () => {
    // "é" is the two bytes C3 A9.
    let x = 0x811c9dc5;
    for (const b of [0xc3, 0xa9]) x = Math.imul(x ^ b, 16777619) >>> 0;
    expect(fnv1a32('é')).toBe(x);
  });
});

function pairs(): InteractionPairs {
  const users: number[] = [];
  const items: number[] = [];
  for (let u = 0; u < 60; u++) for (let i = 0; i < 12 + (u % 5); i++) {
    users.push(u);
    items.push((u * 7 + i * 3) % 40);
  }
  const seen = new Set<string>();
  const keepU: number[] = [];
  const keepI: number[] = [];
  users.forEach((u, k) => {
    const key = `${u}|${items[k]}`;
    if (!seen.has(key)) {
      seen.add(key);
      keepU.push(u);
      keepI.push(items[k]!);
    }
  });
  return {
    userIds: Array.from({ length: 60 }, (_, u) => String(100 + u)),
    itemIds: Array.from({ length: 40 }, (_, i) => `t${i}`),
    users: Int32Array.from(keepU),
    items: Int32Array.from(keepI),
    weights: new Float32Array(keepU.length).fill(1),
  };
}

describe('splitWarm', () => {
  it('hides exactly the pairs whose hash is 0 mod 5 and evaluates users with both kinds', () => {
    const p = pairs();
    const s = splitWarm(p, 3);
    let hidden = 0;
    for (let k = 0; k < p.users.length; k++) {
      const isTest = fnv1a32(`3|${p.userIds[p.users[k]!]}|${p.itemIds[p.items[k]!]}`) % 5 === 0;
      if (isTest) hidden++;
    }
    const evaluatedHidden = s.hidden.reduce((a, h) => a + h.length, 0);
    expect(s.train.users.length + hidden).toBe(p.users.length);
    expect(evaluatedHidden).toBeLessThanOrEqual(hidden);
    expect(s.users.length).toBeGreaterThan(0);
    s.users.forEach((u, n) => {
      for (const i of s.hidden[n]!) expect(fnv1a32(`3|${p.userIds[u]}|${p.itemIds[i]}`) % 5).toBe(0);
    });
  });
});

describe('splitCold', () => {
  it('removes test users from training and takes the 5 smallest-hash items as seeds', () => {
    const p = pairs();
    const s = splitCold(p, 0);
    expect(s.users.length).toBeGreaterThan(0);
    const trainUsers = new Set(s.train.users);
    s.users.forEach((u, n) => {
      expect(trainUsers.has(u)).toBe(false);
      expect(fnv1a32(`0|user|${p.userIds[u]}`) % 10).toBe(0);
      const seeds = s.seeds[n]!;
      const targets = s.targets[n]!;
      expect(seeds.length).toBe(5);
      const h = (i: number) => fnv1a32(`0|seed|${p.userIds[u]}|${p.itemIds[i]}`);
      const maxSeed = Math.max(...Array.from(seeds, h));
      for (const t of targets) expect(h(t)).toBeGreaterThan(maxSeed);
    });
  });
});

describe('RankingMetrics', () => {
  it('computes recall, ndcg, hr@10 and coverage by the protocol', () => {
    const m = new RankingMetrics(10, 12, 20);
    // Hidden {3, 7, 11}; hits at ranks 2 and 12; item 11 never ranked (maybe untrainable): stays in denominators.
    const ranked = [0, 3, 1, 2, 4, 5, 6, 8, 9, 10, 12 % 12, 7];
    m.add(ranked, [3, 7, 11]);
    const r = m.report();
    const idcg = 1 + 1 / Math.log2(3) + 1 / Math.log2(4);
    expect(r.users).toBe(1);
    expect(r.recall).toBeCloseTo(2 / 3, 10);
    expect(r.ndcg).toBeCloseTo((1 / Math.log2(3) + 1 / Math.log2(13)) / idcg, 10);
    expect(r.hr10).toBe(1);
    expect(r.coverage).toBeCloseTo(11 / 10, 10);
    m.add([0, 1], [5]);
    expect(m.report().hr10).toBe(0.5);
  });
});
