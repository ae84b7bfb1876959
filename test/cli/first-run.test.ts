import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openConfiguredDb } from '../../src/db/db.ts';
import { activeModelVersion, ARTIST_MODEL_KIND, CONTENT_MODEL_KINDS, modelFilePath, TRACK_LABELS_KIND } from '../../src/db/model-versions.ts';
import { ContentIndex } from '../../src/recsys/content/content-index.ts';
import { SeededRandom } from '../../src/recsys/rng.ts';
import { writeTidy } from '../catalog/fixtures.ts';
import { freePort } from '../support/local-servers.ts';
import { runEarworm } from './support/run-earworm.ts';


const GENRES = [
  { genre: 'rock', word: 'Riff', artist: 'Stone', energy: 0.85, dance: 0.35, acoustic: 0.05, valence: 0.4 },
  { genre: 'edm', word: 'Drop', artist: 'Pulse', energy: 0.9, dance: 0.85, acoustic: 0.02, valence: 0.6 },
  { genre: 'r&b', word: 'Velvet', artist: 'Silk', energy: 0.45, dance: 0.7, acoustic: 0.4, valence: 0.5 },
];

/** TidyTuesday rows: three genres, 30 songs each by 5 artists, 10 playlists per genre of 10 songs of that genre. */
function tidyRows(): string[] {
  const rng = new SeededRandom(5);
  const rows: string[] = [];
  for (const g of GENRES) {
    for (let p = 0; p < 10; p++) {
      const picks = new Set<number>();
      while (picks.size < 10) picks.add(Math.floor(rng.next() * 30));
      for (const s of picks) {
        const f = (x: number) => Math.min(1, Math.max(0, x + 0.04 * Math.sin(s * 7 + x * 13))).toFixed(3);
        rows.push(
          `${g.genre}${s},${g.word} Song ${s},${g.artist} Artist ${s % 5},50,al${g.genre}${s},Album ${s},2001-01-01,` +
            `${g.genre} list ${p},${g.genre}pl${p},${g.genre},${g.genre} sub,${f(g.dance)},${f(g.energy)},1,-5,1,0.05,${f(g.acoustic)},0,0.1,${f(g.valence)},${100 + 10 * GENRES.indexOf(g) + (s % 7)},200000`,
        );
      }
    }
  }
  return rows;
}

/** A Deezer valence/arousal excerpt: one catalogue song (sad: low valence, low arousal) and one unknown song. */
async function writeDeezer(dataDir: string): Promise<void> {
  const dir = path.join(dataDir, 'deezer-mood');
  await mkdir(dir, { recursive: true });
  const header = 'dzr_sng_id,MSD_sng_id,MSD_track_id,valence,arousal,artist_name,track_name';
  await writeFile(path.join(dir, 'train.csv'), `${header}\n1,S1,T1,-1.6,-1.2,Silk Artist 2,Velvet Song 7\n2,S2,T2,1.2,1.1,Nobody Here,Unknown Song\n`);
  await writeFile(path.join(dir, 'validation.csv'), `${header}\n`);
}

describe('the first `earworm start` on an empty state builds the whole product', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'earworm-first-run-'));
    await writeTidy(path.join(dir, 'data'), tidyRows());
    await writeDeezer(path.join(dir, 'data'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('trains the recommender, the classifiers with stored predictions, the content index and the labels, and serves genre requests from them', async () => {
    const home = path.join(dir, 'home');
    const env = { EARWORM_HOME: home, EARWORM_DATA_DIR: path.join(dir, 'data'), LOG_LEVEL: 'silent', EARWORM_DOWNLOADS: 'off', PORT: String(await freePort()) };
    const r = await runEarworm(['start'], env, 'rock songs, no edm\nwhat genres are there\nquit\n');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Training the recommender, the artist graph, the genre\/mood classifiers and the content index, the genre\/mood labels/);
    expect(r.stdout).toMatch(/genre\/mood labels \S+: (\d+) tracks, a genre for \1 \(100\.0%\)/);

    // A rock request keeps rock tracks only; the exclusion holds.
    const [, rock = '', genres = ''] = r.stdout.split(/^you> /m);
    const cards = rock.split('\n').filter((l) => /^\s+\d+\. /.test(l));
    expect(cards.length).toBeGreaterThan(0);
    expect(cards.every((l) => l.includes('Riff Song'))).toBe(true);
    expect(genres).toMatch(/Genres: pop, rock, hip hop, r&b, electronic/);

    const db = await openConfiguredDb({ databaseUrl: undefined, home }, false);
    try {
      const genre = await activeModelVersion(db, CONTENT_MODEL_KINDS.genre);
      expect(genre).toBeDefined();
      const [{ n } = { n: 0 }] = await db.rows<{ n: number }>(sql`select count(*)::int as n from track_predictions where model_version_id = ${genre!.id}`);
      const [{ tracks } = { tracks: -1 }] = await db.rows<{ tracks: number }>(sql`select count(*)::int as tracks from tracks`);
      expect(tracks).toBeGreaterThan(80);
      expect(n).toBe(tracks);
      const content = await activeModelVersion(db, CONTENT_MODEL_KINDS.content);
      expect(content).toBeDefined();
      const index = await ContentIndex.load(modelFilePath(home, content!));
      // The artist graph that artist-seeded requests use is built too.
      expect(await activeModelVersion(db, ARTIST_MODEL_KIND)).toBeDefined();
      expect(index.size).toBe(n);
      const labels = await activeModelVersion(db, TRACK_LABELS_KIND);
      expect(labels).toBeDefined();
      const rows = await db.rows<{ title: string; kind: string; label: string; sources: Record<string, number> }>(sql`
        select t.title, l.kind, l.label, l.sources from track_labels l join tracks t on t.id = l.track_id
        where l.model_version_id = ${labels!.id} and t.title in ('Velvet Song 7', 'Riff Song 3')`);
      const velvetMood = rows.find((x) => x.title === 'Velvet Song 7' && x.kind === 'mood' && x.label === 'sad');
      expect(velvetMood?.sources).toHaveProperty('deezer_track');
      const riff = rows.find((x) => x.title === 'Riff Song 3' && x.kind === 'genre' && x.label === 'rock');
      expect(riff?.sources).toHaveProperty('playlist_genre');
      expect(riff?.sources).toHaveProperty('classifier');
    } finally {
      await db.close();
    }

    // The second start finds every model active: no training.
    const again = await runEarworm(['start'], { ...env, PORT: String(await freePort()) }, 'quit\n');
    expect(again.code).toBe(0);
    expect(again.stdout).not.toMatch(/First run|Training/);
  }, 300_000);
});
