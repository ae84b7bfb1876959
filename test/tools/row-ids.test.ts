/**
 * Ids beyond what a Postgres `integer` holds (issue 21, finding 8): a model that passes comparison_id 2^31 or a track
 * id of 10^12 gets a tool error that says what to fix (use an id a tool returned), not a database failure.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRIVERS } from '../support/db.ts';
import { openHarness, type Harness } from './support/tool-harness.ts';

describe.each(DRIVERS)('integer ids at the tool boundary on %s', (driver) => {
  let h: Harness;
  beforeAll(async () => {
    h = await openHarness(driver);
  });
  afterAll(() => h.close());

  const tooLarge = /larger than any id Earworm issues \(at most 2147483647\): use the id a tool returned/;

  it.each([
    ['record_preference', { comparison_id: 2 ** 31, choice: 'a' }, 'comparison_id'],
    ['record_preference', { comparison_id: 1e12, choice: 'skip' }, 'comparison_id'],
    ['record_preference', { comparison_id: Number.MAX_SAFE_INTEGER, choice: 'b' }, 'comparison_id'],
    ['rate_track', { track: 2 ** 31, rating: 'like' }, 'track'],
    ['similar_tracks', { track: 1e12 }, 'track'],
    ['set_tastes', { artists: [2 ** 40] }, 'artists'],
  ])('%s with %j: a retry naming the field', async (tool, args, field) => {
    const out = await h.call('big-ids', tool, args);
    expect(out).toMatchObject({ kind: 'retry', code: 'invalid_arguments' });
    if (out.kind !== 'retry') return;
    expect(out.message).toContain(field);
    expect(out.message).toMatch(tooLarge);
  });

  it('still takes the largest id that can exist (it is simply not a comparison of this person)', async () => {
    const out = await h.call('big-ids', 'record_preference', { comparison_id: 2 ** 31 - 1, choice: 'a' });
    expect(out).toMatchObject({ kind: 'retry', code: 'unknown_comparison' });
  });
});
