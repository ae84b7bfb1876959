/** The RequestLog contract: `record` returns at once, `flush` makes everything recorded so far readable, normalised. */
import { expect, it } from 'vitest';
import { suiteBackend, type BackendFactory } from './support/backends.ts';

/** Registers the RequestLog contract for one implementation. */
export function requestLogContract(open: BackendFactory): void {
  const backend = suiteBackend(open);
  let n = 0;
  const person = (name: string) => backend().person(`requests-${++n}-${name}`);
  const mine = async (personId: number) => (await backend().storedRequests()).filter((r) => r.personId === personId);

  it('keeps labels lower case and once each, the activity lower case or null, and never blocks the caller', async () => {
    const log = backend().requests();
    const ann = await person('ann');
    const returned: unknown = log.record(ann, { platform: 'discord', genres: ['Rock', 'rock', 'EDM'], moods: ['Calm'], activity: 'Focus' });
    expect(returned).toBeUndefined();
    log.record(ann, { platform: 'web', genres: [], moods: [] });
    await log.flush();
    expect(await mine(ann)).toEqual([
      { personId: ann, platform: 'discord', genres: ['rock', 'edm'], moods: ['calm'], activity: 'focus' },
      { personId: ann, platform: 'web', genres: [], moods: [], activity: null },
    ]);
  });

  it('writes every request of a burst larger than one batch, in order', async () => {
    const log = backend().requests();
    const bob = await person('bob');
    for (let i = 0; i < 1_203; i++) log.record(bob, { platform: `p${i}`, genres: [], moods: [] });
    await log.flush();
    const rows = await mine(bob);
    expect(rows).toHaveLength(1_203);
    expect(rows.map((r) => r.platform)).toEqual(Array.from({ length: 1_203 }, (_, i) => `p${i}`));
  });

  it('flush with nothing buffered resolves, and what is recorded after a flush is written by the next', async () => {
    const log = backend().requests();
    const cy = await person('cy');
    await log.flush();
    log.record(cy, { platform: 'mcp', genres: ['pop'], moods: [] });
    await log.flush();
    log.record(cy, { platform: 'mcp', genres: ['rnb'], moods: [] });
    await log.flush();
    expect((await mine(cy)).map((r) => r.genres)).toEqual([['pop'], ['rnb']]);
  });
}
