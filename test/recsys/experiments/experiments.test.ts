import { describe, expect, it } from 'vitest';
import { assignVariant } from '../../../src/recsys/experiments/experiment-assignment.ts';
import { betaInterval, normalCdf, normalQuantile, summariseArms, twoProportionTest, wilsonInterval } from '../../../src/recsys/experiments/experiment-analytics.ts';
import { sampleBeta, STRATEGIES, ThompsonBandit } from '../../../src/recsys/experiments/thompson-bandit.ts';
import { SeededRandom } from '../../../src/recsys/rng.ts';

describe('ThompsonBandit', () => {
  it('concentrates plays on the strategy with the best like rate', () => {
    const rates: Record<string, number> = { cf: 0.3, content: 0.2, hybrid: 0.6, explore: 0.1 };
    const bandit = ThompsonBandit.of(STRATEGIES);
    const rng = new SeededRandom(1);
    const plays: Record<string, number> = { cf: 0, content: 0, hybrid: 0, explore: 0 };
    for (let t = 0; t < 2000; t++) {
      const arm = bandit.choose(rng);
      plays[arm]!++;
      bandit.update(arm, rng.next() < rates[arm]!);
    }
    expect(plays['hybrid']!).toBeGreaterThan(1500);
    expect(bandit.meanRate('hybrid')).toBeCloseTo(0.6, 1);
    expect(bandit.state().find((a) => a.arm === 'hybrid')!.successes).toBeGreaterThan(800);
  });

  it('draws Beta samples with the right mean', () => {
    const rng = new SeededRandom(2);
    let s = 0;
    for (let k = 0; k < 20000; k++) s += sampleBeta(2, 6, rng);
    expect(s / 20000).toBeCloseTo(0.25, 2);
  });

  it('rejects an unknown arm', () => {
    expect(() => ThompsonBandit.of(['a']).update('b', true)).toThrow(expect.objectContaining({ code: 'INVALID_PARAMS' }));
  });
});

describe('assignVariant', () => {
  it('is stable per person, independent of call order, and splits traffic by weight', () => {
    const variants = [
      { name: 'control', weight: 1 },
      { name: 'mmr', weight: 3 },
    ];
    expect(assignVariant('exp1', 42, variants)).toBe(assignVariant('exp1', 42, variants));
    let mmr = 0;
    for (let p = 0; p < 10000; p++) if (assignVariant('exp1', p, variants) === 'mmr') mmr++;
    expect(mmr / 10000).toBeGreaterThan(0.72);
    expect(mmr / 10000).toBeLessThan(0.78);
    let same = 0;
    for (let p = 0; p < 2000; p++) if (assignVariant('exp1', p, variants) === assignVariant('exp2', p, variants)) same++;
    // Independent experiments agree about as often as chance: 0.25² + 0.75².
    expect(same / 2000).toBeGreaterThan(0.57);
    expect(same / 2000).toBeLessThan(0.68);
  });
});

describe('analytics', () => {
  it('normal CDF and quantile agree with known values', () => {
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 5);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232, 4);
  });

  it('Wilson and Beta intervals contain the rate and match reference values', () => {
    const w = wilsonInterval(20, 100);
    expect(w.low).toBeCloseTo(0.1333, 3);
    expect(w.high).toBeCloseTo(0.2888, 3);
    const b = betaInterval(20, 100);
    // Jeffreys interval for 20/100 (R: qbeta(c(.025,.975), 20.5, 80.5)).
    expect(b.low).toBeCloseTo(0.1304, 3);
    expect(b.high).toBeCloseTo(0.2859, 3);
    expect(wilsonInterval(0, 0)).toEqual({ low: 0, high: 1 });
    expect(() => wilsonInterval(5, 3)).toThrow(expect.objectContaining({ code: 'INVALID_PARAMS' }));
  });

  it('two-proportion test finds a real difference and not a fake one', () => {
    const big = twoProportionTest({ name: 'a', successes: 100, trials: 1000 }, { name: 'b', successes: 150, trials: 1000 });
    expect(big.z).toBeCloseTo(3.38, 1);
    expect(big.pValue).toBeLessThan(0.001);
    expect(big.significant).toBe(true);
    const small = twoProportionTest({ name: 'a', successes: 10, trials: 100 }, { name: 'b', successes: 12, trials: 100 });
    expect(small.significant).toBe(false);
    const report = summariseArms([
      { name: 'control', successes: 100, trials: 1000 },
      { name: 'hybrid', successes: 150, trials: 1000 },
    ]);
    expect(report[0]!.vsControl).toBeUndefined();
    expect(report[1]!.vsControl!.significant).toBe(true);
    expect(report[1]!.rate).toBe(0.15);
  });
});
