import { describe, expect, it } from 'vitest';
import { matchEntities } from '../../src/eval/served/music-ner.ts';

describe('music-ner scoring', () => {
  it('counts a planned entity right when it is the catalogue entity named by the mention or by the Wikipedia link', () => {
    // "John Mayer" linked to John_Mayer_Trio: both readings count, once.
    const gold = [new Set(['a795', 'a7950']), new Set(['a10'])];
    expect(matchEntities(gold, new Set(['a795']))).toBe(1);
    expect(matchEntities(gold, new Set(['a7950', 'a10']))).toBe(2);
    expect(matchEntities(gold, new Set(['a795', 'a7950']))).toBe(1);
    expect(matchEntities(gold, new Set(['a11']))).toBe(0);
  });

  it('uses a planned entity for one gold entity only', () => {
    expect(matchEntities([new Set(['a1', 'a2']), new Set(['a1'])], new Set(['a1']))).toBe(1);
  });
});
