import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRACK_LABELS_KIND } from '../../src/db/model-versions.ts';
import { modelVersions, trackLabels } from '../../src/db/schema.ts';
import { silentLogger } from '../../src/logging/logger.ts';
import { resolvePerson } from '../../src/serving/state/people.ts';
import { callTool } from '../../src/tools/registry.ts';
import { contextFor, createToolServices, type ToolServices } from '../../src/tools/tool-context.ts';
import { openHarness, valueOf, type Harness } from './support/tool-harness.ts';

type Answer = { recommendations: { track: { id: number; title: string; genre: string | null; mood: string | null } }[]; relaxed: unknown[] };

/**
 * The fixture catalogue with a label table: "Creep" is labelled calm (0.6) and sad (0.35), the other sad songs sad
 * alone; "Come as You Are" is pop (0.6) and rock (0.35). A request for sad songs keeps Creep by its sad evidence, and
 * its card should say why it is there; so should a rock request's card of "Come as You Are".
 */
describe('a track kept for the genre or mood asked for shows that label', () => {
  let h: Harness;
  let services: ToolServices;
  const call = async (args: unknown) => callTool('recommend', args, contextFor(services, await resolvePerson(h.db, 'test', 'moods')));

  beforeAll(async () => {
    h = await openHarness('pglite');
    const id = (title: string) => h.fixture.byTitle.get(title)!;
    const [version] = await h.db.orm.insert(modelVersions).values({ kind: TRACK_LABELS_KIND, version: 'labels-1', path: '-', active: true }).returning({ id: modelVersions.id });
    const mood = (title: string, label: string, probability: number) => ({ modelVersionId: version!.id, trackId: id(title), kind: 'mood', label, probability, sources: { track_tags: 1 } });
    const genre = (title: string, label = 'rock', probability = 0.9) => ({ modelVersionId: version!.id, trackId: id(title), kind: 'genre', label, probability, sources: { track_tags: 1 } });
    const titles = ['Creep', 'Karma Police', 'No Surprises', 'Paranoid Android', 'Black', 'Come as You Are'];
    await h.db.orm.insert(trackLabels).values([
      mood('Creep', 'calm', 0.6),
      mood('Creep', 'sad', 0.35),
      mood('Karma Police', 'sad', 0.9),
      mood('Black', 'sad', 0.8),
      mood('Come as You Are', 'sad', 0.7),
      mood('No Surprises', 'calm', 0.9),
      mood('Paranoid Android', 'energetic', 0.9),
      ...titles.filter((t) => t !== 'Come as You Are').map((t) => genre(t)),
      genre('Come as You Are', 'pop', 0.6),
      genre('Come as You Are', 'rock', 0.35),
    ]);
    services = await createToolServices({ db: h.db, home: h.home, logger: silentLogger });
  }, 120_000);
  afterAll(async () => h.close());

  it('shows the asked label its labels carry, and the top label otherwise', async () => {
    const v = valueOf(await call({ seeds: { artists: ['Radiohead'] }, constraints: { moods: ['sad'] }, count: 5, for: 'anyone' })) as unknown as Answer;
    const titles = v.recommendations.map((r) => r.track.title);
    expect(titles).toContain('Creep');
    expect(titles).not.toContain('No Surprises');
    expect(v.recommendations.every((r) => r.track.mood === 'sad')).toBe(true);
    // Elsewhere Creep shows its top mood.
    const creep = h.fixture.byTitle.get('Creep')!;
    expect((await services.catalog.describe([creep])).get(creep)?.mood).toBe('calm');
    const rock = valueOf(await call({ seeds: { artists: ['Nirvana'] }, constraints: { genres: ['rock'] }, count: 6, for: 'anyone' })) as unknown as Answer;
    const come = rock.recommendations.find((r) => r.track.title === 'Come as You Are');
    expect(come?.track.genre).toBe('rock');
    // A track with no genre of its own (kept by its artist's) shows none.
    expect(rock.recommendations.every((r) => r.track.genre === 'rock' || r.track.genre === null)).toBe(true);
    const plain = valueOf(await call({ seeds: { artists: ['Radiohead'] }, count: 8, for: 'anyone' })) as unknown as Answer;
    expect(plain.recommendations.find((r) => r.track.title === 'Creep')?.track.mood ?? 'calm').toBe('calm');
  });
});
