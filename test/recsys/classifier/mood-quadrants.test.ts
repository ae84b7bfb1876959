import { describe, expect, it } from 'vitest';
import {
  energyValenceRule,
  focusEvidence,
  MOOD_EVIDENCE_FEATURES,
  QUADRANT_MOODS,
  quadrantOf,
  scoreMoodCheck,
  spearman,
  valenceArousalOf,
  writeMoodEvidence,
} from '../../../src/recsys/classifier/mood-quadrants.ts';
import { MOODS } from '../../../src/recsys/classifier/mood-labels.ts';

describe('mood quadrants', () => {
  it('maps valence/arousal to the four moods, which keep their MOODS indices', () => {
    expect(QUADRANT_MOODS[quadrantOf(1, 1)]).toBe('happy');
    expect(QUADRANT_MOODS[quadrantOf(-1, 1)]).toBe('energetic');
    expect(QUADRANT_MOODS[quadrantOf(-1, -1)]).toBe('sad');
    expect(QUADRANT_MOODS[quadrantOf(1, -1)]).toBe('calm');
    QUADRANT_MOODS.forEach((m, i) => expect(MOODS[i]).toBe(m));
    expect(QUADRANT_MOODS).not.toContain('focus');
    // The rule reads Spotify's 0..1 scale with 0.5 as the middle.
    expect(QUADRANT_MOODS[energyValenceRule(0.9, 0.2)]).toBe('energetic');
    expect(QUADRANT_MOODS[energyValenceRule(0.2, 0.8)]).toBe('calm');
  });

  it('reads valence and arousal back from the stored probabilities', () => {
    const { valence, arousal } = valenceArousalOf([0.5, 0.1, 0.3, 0.1]);
    expect(valence).toBeCloseTo(0.6, 12);
    expect(arousal).toBeCloseTo(0.8, 12);
  });

  it('defines focus by evidence: instrumental and little speech', () => {
    expect(focusEvidence({ instrumentalness: 0.8, speechiness: 0.04 })).toBe(true);
    expect(focusEvidence({ instrumentalness: 0.8, speechiness: 0.3 })).toBe(false);
    expect(focusEvidence({ instrumentalness: 0.1, speechiness: 0.04 })).toBe(false);
    expect(focusEvidence({ instrumentalness: null, speechiness: 0.04 })).toBe(false);
  });

  it("leaves a track's own Deezer value out of its artist evidence", () => {
    const out = new Float32Array(MOOD_EVIDENCE_FEATURES.length);
    // Artist: three tracks with valence summing to 3 and arousal to -3; this track is one of them (1, -1).
    writeMoodEvidence({ valence: 3, arousal: -3, count: 3 }, { valence: 1, arousal: -1 }, { tags: ['sad', 'sad', 'happy'] }, undefined, out, 0);
    expect(out[0]).toBeCloseTo(2 / 3, 6);
    expect(out[1]).toBeCloseTo(-2 / 3, 6);
    expect(out[2]).toBeCloseTo(Math.log(3), 6);
    expect(out[3 + MOODS.indexOf('sad')]).toBeCloseTo(2 / 3, 6);
    expect(out[3 + MOODS.length + MOODS.indexOf('sad')]).toBe(0);
    // An artist with no known tracks gives 0 evidence, not NaN.
    writeMoodEvidence(undefined, undefined, undefined, undefined, out, 0);
    expect(Array.from(out).every((v) => v === 0)).toBe(true);
  });

  it('computes Spearman with average ranks for ties', () => {
    expect(spearman([1, 2, 3, 4], [10, 20, 30, 40])).toBeCloseTo(1, 12);
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1, 12);
    expect(spearman([1, 1, 2, 3], [1, 2, 3, 4])).toBeCloseTo(0.9486832980505138, 12);
    expect(spearman([1, 2], [1, 2])).toBeNaN();
  });

  it('scores the model, the majority class and the energy/valence rule on the same tracks', () => {
    const cases = [
      { quadrant: 0, valence: 1, arousal: 1, probs: [0.7, 0.1, 0.1, 0.1], energy: 0.2, spotifyValence: 0.2 },
      { quadrant: 1, valence: -1, arousal: -1, probs: [0.1, 0.7, 0.1, 0.1], energy: 0.2, spotifyValence: 0.2 },
      { quadrant: 2, valence: -1, arousal: 1, probs: [0.1, 0.1, 0.7, 0.1], energy: 0.9, spotifyValence: 0.1 },
      { quadrant: 3, valence: 1, arousal: -1, probs: [0.7, 0.1, 0.1, 0.1], energy: 0.9, spotifyValence: 0.9 },
    ];
    const s = scoreMoodCheck(cases, 0);
    expect(s.rows).toBe(4);
    expect(s.accuracy).toBe(0.75);
    expect(s.majorityAccuracy).toBe(0.25);
    // The rule gets sad and energetic right.
    expect(s.ruleAccuracy).toBe(0.5);
  });
});
