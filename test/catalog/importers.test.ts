import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { catalogStats, type SourceCounts } from '../../src/catalog/catalog-stats.ts';
import { importersFor, runImporter, type RunImportOptions } from '../../src/catalog/import-runner.ts';
import { silentProgress } from '../../src/catalog/progress.ts';
import type { Db } from '../../src/db/db.ts';
import { silentLogger } from '../../src/logging/logger.ts';
import { DRIVERS, freshDb, truncateAll } from '../support/db.ts';
import { writeLastfm, writeMpd, writeSpotifyTracks, writeTidy, writeYes } from './fixtures.ts';

const offline: typeof fetch = async () => {
  throw new TypeError('fetch failed: network unreachable');
};

async function importAll(options: RunImportOptions): Promise<void> {
  for (const importer of importersFor('all')!) await runImporter(importer, options);
}

describe.each(DRIVERS)('catalogue importers on %s', (driver) => {
  let db: Db;
  let dataDir: string;
  let home: string;
  let options: RunImportOptions;

  beforeAll(async () => {
    db = await freshDb(driver);
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'earworm-data-'));
    home = await mkdtemp(path.join(os.tmpdir(), 'earworm-home-'));
    await writeTidy(dataDir);
    await writeSpotifyTracks(dataDir);
    await writeMpd(dataDir);
    await writeYes(dataDir);
    await writeLastfm(dataDir);
    options = { db, dataDir, home, logger: silentLogger, progress: silentProgress, batchSize: 2, fetch: offline };
  });
  afterAll(async () => {
    await db.close();
    await rm(dataDir, { recursive: true, force: true });
    await rm(home, { recursive: true, force: true });
  });
  beforeEach(async () => {
    await truncateAll(db);
  });

  const bySource = async () => {
    const stats = await catalogStats(db);
    return { stats, src: (s: string): Partial<SourceCounts> => stats.sources.find((x) => x.source === s) ?? {} };
  };
  const tableRows = (stats: Awaited<ReturnType<typeof catalogStats>>) => Object.fromEntries(stats.tables.map((t) => [t.table, t.rows]));

  it('parses every format and counts each source right', async () => {
    await importAll(options);
    const { stats, src } = await bySource();
    expect(src('tidytuesday')).toMatchObject({ listedTracks: 4, tracks: 4, playlists: 2, interactions: 5, audioFeatures: 4 });
    expect(src('spotify_tracks')).toMatchObject({ listedTracks: 3, tracks: 3 });
    expect(src('mpd')).toMatchObject({ listedTracks: 2, tracks: 2, playlists: 2, interactions: 3 });
    expect(src('yes_small')).toMatchObject({ listedTracks: 3, playlists: 3, interactions: 5, trackTags: 3 });
    expect(src('yes_complete')).toMatchObject({ listedTracks: 2, trackTags: 2 });
    // Two Last.fm ids name one artist; each source row stays its own assignment. Artist 99 is a placeholder.
    expect(src('lastfm')).toMatchObject({ artistIds: 3, people: 2, interactions: 3, tagAssignments: 3 });
    expect(src('lastfm_unlisted')).toMatchObject({ artistIds: 1 });
    expect(tableRows(stats).tracks).toBe(9);

    // The repeated song in a yes_small playlist is one interaction weighted 2; TidyTuesday keeps its duplicate row.
    const [rep] = await db.rows<{ weight: number }>(sql`select weight from interactions where source = 'yes_small' and source_key = '0|0'`);
    expect(rep?.weight).toBe(2);
    // Latin-1 tags.dat decodes; an impossible date (31 Feb) is stored as unknown.
    const tagNames = (await db.rows<{ name: string }>(sql`select name from tags where kind = 'tag' order by name`)).map((r) => r.name);
    expect(tagNames).toContain('électro');
    const [noDate] = await db.rows<{ n: number }>(sql`select count(*)::int as n from tag_assignments where assigned_on is null`);
    expect(noDate?.n).toBe(1);
    // `;`-joined artists become credits in order; `\/` is unescaped in titles.
    const credits = await db.rows<{ name: string }>(sql`
      select a.name from track_artists ta join artists a on a.id = ta.artist_id join tracks t on t.id = ta.track_id
      where t.title = 'Lucky' order by ta.position`);
    expect(credits.map((c) => c.name)).toEqual(['Jason Mraz', 'Colbie Caillat']);
    const [yellow] = await db.rows<{ album: string | null }>(sql`select album from tracks where norm_key = 'yellow|coldplay'`);
    expect(yellow).toBeDefined();
  });

  it('merges the same recording across sources by Spotify id or by normalised title and primary artist', async () => {
    await importAll(options);
    const { stats } = await bySource();
    expect(Object.fromEntries(stats.mergedBy.map((m) => [m.sources, m.tracks]))).toEqual({
      'tidytuesday+yes_complete+yes_small': 1, // Gucci Time (feat. ...) / (w\/ ...)
      'spotify_tracks+tidytuesday': 1, // Toxic, same Spotify id
      'mpd+tidytuesday': 1, // sp4: titles differ, the Spotify id matches
      'mpd+yes_small': 1, // Hey Ya! / OutKast vs Outkast
    });
    expect(stats.mergedTracks).toBe(4);
    // The merged track keeps the first source's title and gains the album a later source knew.
    const [gucci] = await db.rows<{ title: string; album: string | null }>(sql`select title, album from tracks where norm_key = 'gucci time|gucci mane'`);
    expect(gucci).toEqual({ title: 'Gucci Time (feat. Swizz Beatz)', album: "The Appeal: Georgia's Most Wanted, Deluxe" });
  });

  it('is idempotent: importing again, even with checkpoints cleared, changes no count', async () => {
    await importAll(options);
    const first = tableRows((await bySource()).stats);
    await importAll(options);
    expect(tableRows((await bySource()).stats)).toEqual(first);
    await db.orm.execute(sql`delete from import_checkpoints`);
    await importAll(options);
    const third = tableRows((await bySource()).stats);
    expect({ ...third, import_checkpoints: 0 }).toEqual({ ...first, import_checkpoints: 0 });
  });
});
