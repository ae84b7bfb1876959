import { describe, expect, it } from 'vitest';
import type { CatalogSnapshot } from '../../src/pipeline/catalog-snapshot.ts';
import { buildFeatureTable, deezerMoodTask } from '../../src/pipeline/classifier-datasets.ts';
import type { DeezerMood, DeezerMoodRow } from '../../src/pipeline/deezer-mood.ts';
import { QUADRANT_MOODS } from '../../src/recsys/classifier/mood-quadrants.ts';
import { CLASSIFIER_FEATURES } from '../../src/recsys/content/audio-features.ts';

/** Six catalogue tracks by two artists; track 5 has no audio features. */
function snapshot(): CatalogSnapshot {
  const keys = ['song a|artist one', 'song b|artist one', 'song c|artist one', 'song d|artist two', 'song e|artist two', 'song f|artist two'];
  const audio = keys.map((_, i) =>
    i === 5
      ? null
      : { danceability: 0.5, energy: 0.1 + 0.15 * i, key: 1, loudness: -6, mode: 1, speechiness: 0.05, acousticness: 0.2, instrumentalness: 0, liveness: 0.1, valence: 0.9 - 0.15 * i, tempo: 120, durationMs: 200_000 },
  );
  return {
    trackIds: Int32Array.from([11, 12, 13, 14, 15, 16]),
    normKeys: keys,
    years: keys.map(() => 2010),
    primaryArtist: Int32Array.from([1, 1, 1, 2, 2, 2]),
    audio,
    trackTags: keys.map((_, i) => (i === 0 ? { tags: ['happy', 'summer'] } : undefined)),
    artistTags: new Map([[2, { tags: ['sad', 'melancholy'], weights: [3, 1] }]]),
    genreCounts: new Map(),
    subgenreCounts: new Map(),
    genres: [],
    subgenres: [],
  };
}

const row = (key: string, valence: number, arousal: number): DeezerMoodRow => ({ key, artistKey: key.split('|')[1]!, valence, arousal });

describe('deezerMoodTask', () => {
  it('labels title + artist matches with their quadrant, holds out validation tracks and leaves a track out of its own evidence', () => {
    const deezer: DeezerMood = {
      train: [row('song a|artist one', 1, 1), row('song b|artist one', 1, -1), row('song d|artist two', -1, -1), row('song f|artist two', -1, 1), row('elsewhere|artist one', 2, 2)],
      validation: [row('song c|artist one', -1, 1), row('song e|artist two', -0.5, -0.5)],
    };
    const snap = snapshot();
    const task = deezerMoodTask(snap, buildFeatureTable(snap), deezer);
    // Track f matches a training row but has no audio features, so it is neither trained on nor checked.
    expect(Array.from(task.trackIndex)).toEqual([0, 1, 3]);
    expect(Array.from(task.labels, (l) => QUADRANT_MOODS[l])).toEqual(['happy', 'calm', 'sad']);
    expect(task.check.map((c) => QUADRANT_MOODS[c.quadrant])).toEqual(['energetic', 'sad']);
    expect(task.classes).toEqual(QUADRANT_MOODS);
    const f = task.baseFeatureNames.length;
    const col = (name: string) => task.baseFeatureNames.indexOf(name);
    expect(col('energy')).toBe(CLASSIFIER_FEATURES.indexOf('energy'));
    // Song a's artist evidence: artist one's other training tracks (b: 1, -1; elsewhere: 2, 2) over 2 + 1 pseudo-track.
    expect(task.base[col('artist_valence')]).toBeCloseTo(3 / 3, 6);
    expect(task.base[col('artist_arousal')]).toBeCloseTo(1 / 3, 6);
    expect(task.base[col('track_tag_happy')]).toBe(1);
    // Song d (row 2 of the task): artist two's tags say sad three times to one.
    expect(task.base[2 * f + col('artist_tag_sad')]).toBe(1);
    // A check track sees its artist's full training evidence (it is not among them).
    const c = task.check[0]!;
    expect(task.catalogueBase[c.row * f + col('artist_valence')]).toBeCloseTo(4 / 4, 6);
    expect(task.labelSources).toMatchObject({ 'deezer track (title + artist)': 3, 'deezer validation check set': 2 });
  });
});
