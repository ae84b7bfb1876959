/** Cron patterns with known next firings (UTC), and the errors of bad ones. */
import { describe, expect, it } from 'vitest';
import { CronPattern } from '../../src/jobs/cron.ts';
import { InvalidCronError } from '../../src/jobs/job-errors.ts';

const next = (pattern: string, after: string) => CronPattern.parse(pattern).next(new Date(after))?.toISOString();

describe('CronPattern', () => {
  it('finds the next firing of common patterns', () => {
    expect(next('0 4 * * *', '2026-03-10T03:59:59Z')).toBe('2026-03-10T04:00:00.000Z');
    expect(next('0 4 * * *', '2026-03-10T04:00:00Z')).toBe('2026-03-11T04:00:00.000Z');
    expect(next('*/15 * * * *', '2026-03-10T10:07:00Z')).toBe('2026-03-10T10:15:00.000Z');
    expect(next('30 2 1 * *', '2026-12-15T00:00:00Z')).toBe('2027-01-01T02:30:00.000Z');
    expect(next('0 0 29 2 *', '2026-03-01T00:00:00Z')).toBe('2028-02-29T00:00:00.000Z');
    expect(next('0 9 * * 1-5', '2026-03-13T10:00:00Z')).toBe('2026-03-16T09:00:00.000Z'); // Friday -> Monday
    expect(next('0 12 * * 7', '2026-03-10T00:00:00Z')).toBe('2026-03-15T12:00:00.000Z'); // 7 is Sunday
    expect(next('0 0 1,15 * 3', '2026-03-02T00:00:00Z')).toBe('2026-03-04T00:00:00.000Z'); // either day field
    expect(next('*/10 * * * * *', '2026-03-10T10:00:05.500Z')).toBe('2026-03-10T10:00:10.000Z');
  });

  it('rejects bad patterns, saying which field and how to write one', () => {
    for (const bad of ['', '* * *', '61 * * * *', '* 24 * * *', '* * 0 * *', '5-1 * * * *', '*/0 * * * *', 'a * * * *']) {
      expect(() => CronPattern.parse(bad)).toThrow(InvalidCronError);
    }
    expect(() => CronPattern.parse('0 25 * * *')).toThrow(/hour "25": out of range 0-23.*"0 4 \* \* \*"/);
  });

  it('returns undefined for a pattern that never fires', () => {
    expect(CronPattern.parse('0 0 31 2 *').next(new Date('2026-01-01T00:00:00Z'))).toBeUndefined();
  });
});
