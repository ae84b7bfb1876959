import { mkdtemp, readdir, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterEach, beforeAll, afterAll, beforeEach, describe, expect, it } from 'vitest';
import { ImportError } from '../../src/catalog/import-error.ts';
import { importersFor, runImporter, type RunImportOptions } from '../../src/catalog/import-runner.ts';
import { silentProgress } from '../../src/catalog/progress.ts';
import type { Db } from '../../src/db/db.ts';
import { silentLogger } from '../../src/logging/logger.ts';
import { countRows, DRIVERS, freshDb, truncateAll } from '../support/db.ts';
import { MPD_PLAYLISTS, mpdPlaylist, TIDY_HEADER, TIDY_ROWS, writeLastfm, writeMpd, writeTidy } from './fixtures.ts';

const offline: typeof fetch = async () => {
  throw new TypeError('fetch failed: network unreachable');
};

async function failure(p: Promise<unknown>): Promise<ImportError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ImportError) return err;
    throw err;
  }
  throw new Error('expected the import to fail');
}

describe.each(DRIVERS)('bad input on %s', (driver) => {
  let db: Db;
  let dataDir: string;
  let home: string;
  let options: RunImportOptions;
  const run = (name: string) => runImporter(importersFor(name)![0]!, options);
  const interactions = async (source: string) =>
    (await db.rows<{ n: number }>(sql`select count(*)::int as n from interactions where source = ${source}`))[0]!.n;

  beforeAll(async () => {
    db = await freshDb(driver);
  });
  afterAll(async () => {
    await db.close();
  });
  beforeEach(async () => {
    await truncateAll(db);
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'earworm-data-'));
    home = await mkdtemp(path.join(os.tmpdir(), 'earworm-home-'));
    options = { db, dataDir, home, logger: silentLogger, progress: silentProgress, batchSize: 2, fetch: offline };
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
    await rm(home, { recursive: true, force: true });
  });

  it('a truncated CSV names file and line, keeps the rows before it, and a re-run of the fixed file completes', async () => {
    const file = await writeTidy(dataDir, [...TIDY_ROWS.slice(0, 4), 'sp4,Lose Control - Radio Edit,Missy Elliott,70,al4,"The Cook']);
    const err = await failure(run('tidy'));
    expect(err.code).toBe('BAD_CSV');
    expect(err.file).toBe(file);
    expect(err.line).toBe(6);
    expect(err.message).toContain(`${file}:6:`);
    expect(await interactions('tidytuesday')).toBe(4);

    await writeTidy(dataDir, [...TIDY_ROWS.slice(0, 4), 'sp4,Lose Control - Radio Edit,Missy']);
    const short = await failure(run('tidy'));
    expect([short.code, short.line]).toEqual(['BAD_CSV', 6]);

    await writeTidy(dataDir);
    await run('tidy');
    expect(await interactions('tidytuesday')).toBe(5);
    expect(await countRows(db, 'playlists')).toBe(2);
    expect(await countRows(db, 'source_tracks')).toBe(4);
  });

  it('invalid UTF-8 names file and line and keeps the lines before it', async () => {
    const file = await writeTidy(dataDir);
    const text = await readFile(file, 'utf8');
    const lines = text.split('\n');
    const bad = Buffer.concat([
      Buffer.from(lines.slice(0, 3).join('\n') + '\n'),
      Buffer.from(lines[3]!.replace('NA', 'Caf\xe9'), 'latin1'),
      Buffer.from('\n' + lines.slice(4).join('\n')),
    ]);
    await writeFile(file, bad);
    const err = await failure(run('tidy'));
    expect([err.code, err.file, err.line]).toEqual(['BAD_ENCODING', file, 4]);
    expect(await interactions('tidytuesday')).toBe(2);
    await writeFile(file, text);
    await run('tidy');
    expect(await interactions('tidytuesday')).toBe(5);

    const dir = await writeLastfm(dataDir, { 'artists.dat': Buffer.from('id\tname\turl\tpictureURL\n1\tBj\xf6rk\thttp://x\t\n', 'latin1') });
    const lastfm = await failure(run('lastfm'));
    expect([lastfm.code, lastfm.file, lastfm.line]).toEqual(['BAD_ENCODING', path.join(dir, 'artists.dat'), 2]);
  });

  it('a non-numeric audio feature names file, line and column', async () => {
    const rows = [...TIDY_ROWS];
    rows[2] = rows[2]!.replace(',0.5,0.5,0,-7,', ',abc,0.5,0,-7,');
    const file = await writeTidy(dataDir, rows);
    const err = await failure(run('tidy'));
    expect([err.code, err.file, err.line]).toEqual(['BAD_VALUE', file, 4]);
    expect(err.message).toContain('danceability');
    expect(await interactions('tidytuesday')).toBe(2);
    await writeTidy(dataDir);
    await run('tidy');
    expect(await interactions('tidytuesday')).toBe(5);
  });

  it('a malformed JSON slice names file and line; playlists before it stay and a fixed slice completes', async () => {
    const playlists = [...MPD_PLAYLISTS, mpdPlaylist(2, [{ uri: 'mp7', name: 'Yellow', artist: 'Coldplay' }])];
    const good = JSON.stringify({ info: { slice: '0-999' }, playlists }, null, 4);
    const broken = good.replace('"pid": 1,', '"pid": 1,,');
    const file = await writeMpd(dataDir, broken);
    const err = await failure(run('mpd'));
    expect(err.code).toBe('BAD_JSON');
    expect(err.file).toBe(file);
    expect(err.line).toBe(broken.slice(0, broken.indexOf('"pid": 1,,')).split('\n').length);
    expect(await countRows(db, 'playlists')).toBe(1);

    await writeMpd(dataDir, good.slice(0, good.length - 200));
    const truncated = await failure(run('mpd'));
    expect(truncated.code).toBe('BAD_JSON');
    expect(truncated.line).toBeGreaterThan(1);

    await writeMpd(dataDir, good);
    await run('mpd');
    expect(await countRows(db, 'playlists')).toBe(3);
    expect(await interactions('mpd')).toBe(4);
  });

  it('a missing file fails naming the folder and the files to provide when it cannot be downloaded', async () => {
    const dir = await writeLastfm(dataDir);
    await unlink(path.join(dir, 'user_artists.dat'));
    const err = await failure(run('lastfm'));
    expect(err.code).toBe('DATASET_MISSING');
    expect(err.message).toContain(dir);
    expect(err.message).toContain('user_artists.dat');
    expect(err.message).toContain('grouplens');
    expect(await countRows(db, 'artists')).toBe(0);

    const mpd = await failure(run('mpd'));
    expect(mpd.code).toBe('DATASET_MISSING');
    expect(mpd.message).toContain(path.join(dataDir, 'mpd'));
    expect(mpd.message).toContain('on request');
  });

  it('downloads a missing dataset into the state folder, never into the data folder', async () => {
    const csv = `${TIDY_HEADER}\n${TIDY_ROWS.join('\n')}\n`;
    const urls: string[] = [];
    const fakeFetch: typeof fetch = async (input) => {
      urls.push(String(input));
      return new Response(csv);
    };
    const report = await runImporter(importersFor('tidy')![0]!, { ...options, fetch: fakeFetch });
    expect(urls).toEqual(['https://raw.githubusercontent.com/rfordatascience/tidytuesday/master/data/2020/2020-01-21/spotify_songs.csv']);
    expect(report.downloaded).toBe(true);
    expect(report.dir).toBe(path.join(home, 'datasets', 'spotify-songs-tidytuesday'));
    expect(await readdir(dataDir)).toEqual([]);
    expect(await interactions('tidytuesday')).toBe(5);
  });
});
