import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPerson, resolvePerson } from '../../src/serving/state/people.ts';
import { DRIVERS } from '../support/db.ts';
import { openHarness, valueOf, type Harness } from '../tools/support/tool-harness.ts';

type Rec = { track: { id: number }; why: { sentence: string; signals: { signal: string }[] } };

/** Every number and string anywhere in a value. */
function leaves(v: unknown, out: { numbers: number[]; strings: string[]; keys: string[] } = { numbers: [], strings: [], keys: [] }) {
  if (typeof v === 'number') out.numbers.push(v);
  else if (typeof v === 'string') out.strings.push(v);
  else if (Array.isArray(v)) for (const x of v) leaves(x, out);
  else if (v !== null && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      out.keys.push(k);
      leaves(x, out);
    }
  }
  return out;
}

describe.each(DRIVERS)('similar listeners on %s', (driver) => {
  let h: Harness;
  const others: { name: string; display: string; external: string }[] = [];
  beforeAll(async () => {
    h = await openHarness(driver);
    const rock = h.fixture.rock;
    const edm = h.fixture.electronic;
    const like = async (person: string, tracks: readonly number[]) => {
      for (const t of tracks) valueOf(await h.call(person, 'rate_track', { track: t, rating: 'like' }));
    };
    // Listeners with platform identities and display names that must never leak.
    for (const [i, tracks] of [
      [rock[0]!, rock[1]!, rock[2]!, rock[3]!, rock[4]!],
      [rock[0]!, rock[1]!, rock[3]!, rock[4]!, rock[5]!],
      [rock[1]!, rock[2]!, rock[3]!, rock[4]!],
      [edm[0]!, edm[1]!, edm[2]!, edm[3]!],
      [edm[1]!, edm[2]!, edm[4]!, edm[5]!],
    ].entries()) {
      const name = `discord-99887${i}`;
      const display = `Secret Listener ${i}`;
      await resolvePerson(h.db, 'test', name, display);
      others.push({ name, display, external: name });
      await like(name, tracks);
    }
    await like('me', [rock[0]!, rock[1]!, rock[2]!]);
    await like('loner', [edm[6]!]);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('reports similar listeners only in aggregate, with names only of those who opted in', async () => {
    valueOf(await h.call(others[0]!.name, 'share_my_listening', { shown_name: 'Rocky' }));
    const v = valueOf(await h.call('me', 'similar_listeners', {}));
    expect(v.similar_listeners).toBe(3);
    expect((v.top_genres as { name: string; listeners: number }[])[0]).toEqual({ name: 'rock', listeners: 3 });
    const played = (v.they_play as { track: { id: number }; listeners: number }[]).map((t) => t.track.id);
    // Tracks two or more of them like, that "me" has not rated.
    expect(played).toContain(h.fixture.rock[3]!);
    expect(played).toContain(h.fixture.rock[4]!);
    expect(played).not.toContain(h.fixture.rock[5]!);
    expect(played).not.toContain(h.fixture.rock[0]!);
    expect(v.shown_names).toEqual(['Rocky']);

    // No identity of anyone: no person ids, display names or platform ids; every id is a catalogue track.
    const all = leaves(v);
    const personIds = await Promise.all(others.map((o) => findPerson(h.db, 'test', o.external)));
    const trackIds = new Set([...h.fixture.rock, ...h.fixture.electronic]);
    for (const o of others) {
      expect(JSON.stringify(v)).not.toContain(o.display);
      expect(JSON.stringify(v)).not.toContain(o.external);
    }
    expect(all.keys.filter((k) => /person|user|identity|display|external/i.test(k))).toEqual([]);
    const ids = (v.they_play as { track: { id: number } }[]).map((t) => t.track.id);
    expect(ids.every((id) => trackIds.has(id))).toBe(true);
    expect(personIds.every((p) => p !== undefined)).toBe(true);

    // Opting out removes the name.
    valueOf(await h.call(others[0]!.name, 'share_my_listening', { stop: true }));
    expect(valueOf(await h.call('me', 'similar_listeners', {})).shown_names).toEqual([]);
    expect((await h.call(others[0]!.name, 'share_my_listening', {})).kind).toBe('retry');
  });

  it('says nothing about a group too small to hide anyone in', async () => {
    const v = valueOf(await h.call('loner', 'similar_listeners', {}));
    expect(v.similar_listeners as number).toBeLessThan(3);
    expect(v.top_genres).toEqual([]);
    expect(v.they_play).toEqual([]);
    expect(v.note).toMatch(/at least 3|No similar listeners/);
    const nobody = valueOf(await h.call('brand-new', 'similar_listeners', {}));
    expect(nobody.similar_listeners).toBe(0);
  });

  it('what people like you play is a small, explained candidate source in recommend', async () => {
    const v = valueOf(await h.call('me', 'recommend', { count: 6 }));
    const recs = v.recommendations as Rec[];
    const fromListeners = recs.filter((r) => r.why.signals.some((s) => s.signal === 'similar_listeners'));
    expect(fromListeners.map((r) => r.track.id)).toEqual(expect.arrayContaining([h.fixture.rock[3]!, h.fixture.rock[4]!]));
    for (const r of fromListeners) {
      const s = r.why.signals.find((x) => x.signal === 'similar_listeners') as unknown as { contribution: number };
      expect(s.contribution).toBeGreaterThan(0);
      expect(s.contribution).toBeLessThanOrEqual(0.5 + 1e-9);
    }
    expect(recs.some((r) => /people with taste like yours play it/.test(r.why.sentence))).toBe(true);
    // A neutral list does not use it.
    const neutral = valueOf(await h.call('me', 'recommend', { count: 6, for: 'anyone', seeds: { artists: ['Radiohead'] } }));
    expect((neutral.recommendations as Rec[]).every((r) => r.why.signals.every((s) => s.signal !== 'similar_listeners'))).toBe(true);
  });
});
