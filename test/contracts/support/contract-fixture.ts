/**
 * The catalogue every port contract runs on, generated in code: 17 tracks in two listening clusters (electronic;
 * rock and pop), with accents ("Beyoncé"), a leading "The", a two-artist credit, an explicit track, a tag, a track
 * nobody played, genre and mood classifier predictions, audio features and 40 playlists. `seedDatabase` writes it
 * into an empty database for the Postgres adapters; `new MemoryWorld(CONTRACT_WORLD)` gives the fakes the same data.
 */
import { normalizeArtistName, trackKey } from '../../../src/catalog/normalize.ts';
import type { Db } from '../../../src/db/db.ts';
import { activateModelVersion, recordModelVersion } from '../../../src/db/model-versions.ts';
import { artists, audioFeatures, interactions, playlists, tags, trackArtists, trackPredictions, tracks, trackTags } from '../../../src/db/schema.ts';
import { SeededRandom } from '../../../src/recsys/rng.ts';
import { storedPrediction, type MemoryTrackSpec, type MemoryWorldSpec } from '../../../src/serving/fakes/memory-world.ts';

const GENRES = ['edm', 'rock', 'pop', 'rnb'];
const MOODS = ['happy', 'sad', 'energetic', 'calm'];

const t = (
  title: string,
  artistsOf: string[],
  genre: string,
  mood: string,
  energy: number,
  tempo: number,
  year: number,
  extra: Partial<MemoryTrackSpec> = {},
): MemoryTrackSpec => ({
  title,
  artists: artistsOf,
  album: null,
  year,
  explicit: false,
  genre: { label: genre, confidence: 0.7 },
  mood: { label: mood, confidence: 0.6 },
  audio: { energy, tempo, valence: mood === 'happy' ? 0.9 : mood === 'sad' ? 0.2 : 0.5, danceability: genre === 'edm' ? 0.8 : 0.4, acousticness: mood === 'calm' ? 0.8 : 0.1, instrumentalness: 0.1, speechiness: 0.05 },
  ...extra,
});

/** Titles of the electronic cluster (playlists of even index). */
export const ELECTRONIC = ['One More Time', 'Around the World', 'Digital Love', 'Get Lucky', 'Genesis', 'Avril 14th', 'Teardrop', 'Strobe'];
/** Titles of the rock-and-pop cluster (playlists of odd index). */
export const ROCK_POP = ['Creep', 'Karma Police', 'No Surprises', 'Smells Like Teen Spirit', 'Let It Be', 'Crazy in Love', 'Halo', "Don't Know Why"];

const TRACKS: MemoryTrackSpec[] = [
  t('One More Time', ['Daft Punk'], 'edm', 'happy', 0.9, 123, 2000, { tags: ['french house'], album: 'Discovery' }),
  t('Around the World', ['Daft Punk'], 'edm', 'energetic', 0.85, 121, 1997, { tags: ['french house'], album: 'Homework' }),
  t('Digital Love', ['Daft Punk'], 'edm', 'happy', 0.7, 125, 2001, { tags: ['french house'], album: 'Discovery' }),
  t('Get Lucky', ['Daft Punk', 'Pharrell Williams'], 'pop', 'happy', 0.8, 116, 2013),
  t('Genesis', ['Justice'], 'edm', 'energetic', 0.95, 120, 2007, { explicit: true }),
  t('Avril 14th', ['Aphex Twin'], 'edm', 'calm', 0.1, 80, 2001),
  t('Teardrop', ['Massive Attack'], 'edm', 'calm', 0.4, 77, 1998),
  t('Strobe', ['deadmau5'], 'edm', 'calm', 0.6, 128, 2009),
  t('Creep', ['Radiohead'], 'rock', 'sad', 0.45, 92, 1992),
  t('Karma Police', ['Radiohead'], 'rock', 'sad', 0.5, 75, 1997),
  t('No Surprises', ['Radiohead'], 'rock', 'calm', 0.3, 76, 1997),
  t('Smells Like Teen Spirit', ['Nirvana'], 'rock', 'energetic', 0.9, 117, 1991),
  t('Let It Be', ['The Beatles'], 'rock', 'calm', 0.35, 72, 1970),
  t('Crazy in Love', ['Beyoncé', 'JAY-Z'], 'rnb', 'energetic', 0.85, 100, 2003),
  t('Halo', ['Beyoncé'], 'rnb', 'happy', 0.6, 80, 2008),
  t("Don't Know Why", ['Norah Jones'], 'pop', 'calm', 0.2, 88, 2002),
  t('Quiet Field Recording', ['Nobody Played'], 'pop', 'calm', 0.05, 60, 2020),
];

/** 40 playlists: even ones from the electronic cluster, odd ones from the other; earlier titles appear more often. */
function makePlaylists(): number[][] {
  const rng = new SeededRandom(7);
  const index = (title: string) => TRACKS.findIndex((x) => x.title === title);
  return Array.from({ length: 40 }, (_, p) => {
    const pool = p % 2 === 0 ? ELECTRONIC : ROCK_POP;
    const picked = pool.filter((_, i) => rng.next() < 0.9 - i * 0.08);
    return (picked.length >= 2 ? picked : pool.slice(0, 2)).map(index);
  });
}

/** The contract catalogue. */
export const CONTRACT_WORLD: MemoryWorldSpec = {
  tracks: TRACKS,
  playlists: makePlaylists(),
  classifiers: { genre: { version: 'contract', classes: GENRES }, mood: { version: 'contract', classes: MOODS } },
};

/** Writes CONTRACT_WORLD into an empty database; returns the track ids in spec order. */
export async function seedDatabase(db: Db, spec: MemoryWorldSpec = CONTRACT_WORLD): Promise<number[]> {
  const names = [...new Set(spec.tracks.flatMap((s) => s.artists))];
  const artistRows = await db.orm
    .insert(artists)
    .values(names.map((name) => ({ name, normName: normalizeArtistName(name) })))
    .returning({ id: artists.id, name: artists.name });
  const artistId = new Map(artistRows.map((a) => [a.name, a.id]));
  const trackRows = await db.orm
    .insert(tracks)
    .values(spec.tracks.map((s) => ({ title: s.title, normKey: trackKey(s.title, s.artists[0]!), year: s.year ?? null, album: s.album ?? null, explicit: s.explicit ?? false })))
    .returning({ id: tracks.id });
  const ids = trackRows.map((r) => r.id);
  await db.orm.insert(trackArtists).values(spec.tracks.flatMap((s, i) => s.artists.map((a, position) => ({ trackId: ids[i]!, position, artistId: artistId.get(a)! }))));
  const audio = spec.tracks.flatMap((s, i) =>
    s.audio === undefined
      ? []
      : [
          {
            trackId: ids[i]!,
            source: 'contract',
            danceability: s.audio.danceability ?? 0.5,
            energy: s.audio.energy ?? 0.5,
            key: 0,
            loudness: -8,
            mode: 1,
            speechiness: s.audio.speechiness ?? 0.05,
            acousticness: s.audio.acousticness ?? 0.5,
            instrumentalness: s.audio.instrumentalness ?? 0.1,
            liveness: 0.1,
            valence: s.audio.valence ?? 0.5,
            tempo: s.audio.tempo ?? 120,
            timeSignature: 4,
          },
        ],
  );
  if (audio.length > 0) await db.orm.insert(audioFeatures).values(audio);
  const tagNames = [...new Set(spec.tracks.flatMap((s) => s.tags ?? []))];
  if (tagNames.length > 0) {
    const tagRows = await db.orm.insert(tags).values(tagNames.map((name) => ({ name, kind: 'tag' }))).returning({ id: tags.id, name: tags.name });
    const tagId = new Map(tagRows.map((r) => [r.name, r.id]));
    await db.orm.insert(trackTags).values(spec.tracks.flatMap((s, i) => (s.tags ?? []).map((name) => ({ trackId: ids[i]!, tagId: tagId.get(name)!, source: 'contract' }))));
  }
  for (const task of ['genre', 'subgenre', 'mood'] as const) {
    const c = spec.classifiers?.[task];
    if (c === undefined) continue;
    const kind = `${task}-classifier`;
    const row = await recordModelVersion(db, '/nonexistent', { kind, version: c.version, path: `/nonexistent/${task}`, params: { classes: [...c.classes] } });
    const preds = spec.tracks.flatMap((s, i) => {
      const p = s[task];
      return p === undefined ? [] : [{ modelVersionId: row.id, trackId: ids[i]!, ...storedPrediction(c, p) }];
    });
    if (preds.length > 0) await db.orm.insert(trackPredictions).values(preds);
    await activateModelVersion(db, kind, c.version);
  }
  const lists = spec.playlists ?? [];
  if (lists.length > 0) {
    const rows = await db.orm
      .insert(playlists)
      .values(lists.map((_, p) => ({ source: 'contract', externalId: String(p) })))
      .returning({ id: playlists.id });
    await db.orm.insert(interactions).values(lists.flatMap((list, p) => list.map((i) => ({ source: 'contract', sourceKey: `${p}|${ids[i]!}`, playlistId: rows[p]!.id, trackId: ids[i]!, kind: 'playlist' }))));
  }
  return ids;
}
