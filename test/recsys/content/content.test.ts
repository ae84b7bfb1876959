import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidAudioFeaturesError, repairAudioFeatures, type AudioFeatures } from '../../../src/recsys/content/audio-features.ts';
import { ContentIndex, UnknownFilterValueError, type ContentAttributes } from '../../../src/recsys/content/content-index.ts';
import { contentModelFromJson, contentModelToJson, InvalidContentModelError } from '../../../src/recsys/content/content-model-json.ts';
import { buildContentVectors, fitContentVectorModel, type ContentTrack } from '../../../src/recsys/content/content-vectors.ts';
import { fitTagEmbedding, tagSimilarity } from '../../../src/recsys/content/tag-embedding.ts';
import { ModelFileCorruptError, ModelFileMissingError } from '../../../src/recsys/errors.ts';
import { SeededRandom } from '../../../src/recsys/rng.ts';

const base: AudioFeatures = {
  danceability: 0.7, energy: 0.8, key: 5, loudness: -5, mode: 1, speechiness: 0.05, acousticness: 0.1,
  instrumentalness: 0, liveness: 0.1, valence: 0.6, tempo: 120, durationMs: 200_000,
};

describe('audio feature repair', () => {
  it('imputes missing or NaN fields and clamps out-of-range ones', () => {
    const r = repairAudioFeatures({ ...base, energy: Number.NaN, valence: null, tempo: 900, danceability: -0.2 });
    expect(r.imputed).toEqual(['energy', 'valence']);
    expect(r.clamped).toEqual(['danceability', 'tempo']);
    expect(r.features.tempo).toBe(250);
    expect(r.features.danceability).toBe(0);
    expect(Number.isFinite(r.features.energy)).toBe(true);
  });

  it('refuses features that are mostly missing', () => {
    expect(() => repairAudioFeatures({ energy: 0.5, tempo: 100 })).toThrow(InvalidAudioFeaturesError);
  });
});

/** Two tag worlds that never meet: rock-ish and electronic-ish documents. */
function tagDocs(n: number, seed: number) {
  const rng = new SeededRandom(seed);
  const a = ['rock', 'guitar', 'classic rock', 'hard rock'];
  const b = ['electronic', 'dance', 'house', 'techno'];
  return Array.from({ length: n }, (_, i) => {
    const pool = i % 2 === 0 ? a : b;
    return { tags: pool.filter(() => rng.next() < 0.7) };
  });
}

describe('tag embedding', () => {
  it('puts co-occurring tags closer than tags that never co-occur', () => {
    const e = fitTagEmbedding(tagDocs(200, 1), { dim: 4, minCount: 2 });
    expect(e.vocabulary).toHaveLength(8);
    expect(tagSimilarity(e, 'rock', 'guitar')).toBeGreaterThan(tagSimilarity(e, 'rock', 'house') + 0.3);
  });
});

describe('content vectors', () => {
  it('gives tag-only and audio-only tracks a unit vector, and none to a track with neither', () => {
    const docs = tagDocs(60, 2);
    const tracks: ContentTrack[] = docs.map((tags, i) => ({ audio: { ...base, energy: (i % 10) / 10 }, tags }));
    tracks.push({ tags: { tags: ['rock', 'guitar'] } }, { audio: base }, {}, { audio: { tempo: 3 } });
    const model = fitContentVectorModel(tracks, { tagEmbedding: { dim: 4, minCount: 2 } });
    const v = buildContentVectors(model, tracks);
    const n = tracks.length;
    expect(Array.from(v.hasVector.subarray(n - 4))).toEqual([1, 1, 0, 0]);
    expect(Array.from(v.sources.subarray(n - 4))).toEqual([2, 1, 0, 0]);
    expect(v.unusableAudio).toBe(1);
    for (const r of [0, n - 4, n - 3]) {
      let norm = 0;
      for (let j = 0; j < v.dim; j++) norm += v.vectors[r * v.dim + j]! ** 2;
      expect(norm).toBeCloseTo(1, 5);
    }
    const back = contentModelFromJson(JSON.parse(JSON.stringify(contentModelToJson(model))));
    expect(Array.from(buildContentVectors(back, tracks).vectors)).toEqual(Array.from(v.vectors));
    expect(() => contentModelFromJson({ format: 'earworm-content-vectors', tagDim: 2 })).toThrow(InvalidContentModelError);
  });
});

function indexFixture(n = 400, dim = 6) {
  const rng = new SeededRandom(4);
  const vectors = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    let norm = 0;
    for (let j = 0; j < dim; j++) {
      vectors[i * dim + j] = rng.normal();
      norm += vectors[i * dim + j]! ** 2;
    }
    for (let j = 0; j < dim; j++) vectors[i * dim + j] = vectors[i * dim + j]! / Math.sqrt(norm);
  }
  const attributes: ContentAttributes = {
    genres: ['pop', 'rock'],
    moods: ['happy', 'sad'],
    genre: Int16Array.from({ length: n }, (_, i) => (i % 3 === 0 ? -1 : i % 2)),
    mood: Int16Array.from({ length: n }, (_, i) => i % 2),
    ranges: { tempo: Float32Array.from({ length: n }, (_, i) => (i % 7 === 0 ? Number.NaN : 60 + (i % 100))) },
  };
  const ids = Int32Array.from({ length: n }, (_, i) => 1000 + i);
  return { ids, vectors, dim, attributes, index: ContentIndex.build(ids, vectors, dim, attributes, { exactBelow: 50 }) };
}

describe('ContentIndex', () => {
  it('finds the exact neighbours on a small index', () => {
    const { index, vectors, dim } = indexFixture();
    const q = vectors.subarray(5 * dim, 6 * dim);
    const ann = index.query(q, 10).map((r) => r.id);
    const exact = index.exact(q, 10).map((r) => r.id);
    expect(ann).toEqual(exact);
    expect(ann[0]).toBe(1005);
    expect(index.similarTo(1005, 5).map((r) => r.id)).not.toContain(1005);
  });

  it('applies genre, mood, range and exclusion filters, and names unknown values', () => {
    const { index, attributes } = indexFixture();
    const q = index.vectorOf(1010)!;
    const res = index.query(q, 20, { genres: ['rock'], moods: ['sad'], ranges: { tempo: { min: 80, max: 140 } }, excludeIds: [1011] });
    expect(res.length).toBeGreaterThan(0);
    for (const r of res) {
      const p = r.id - 1000;
      expect(attributes.genre[p]).toBe(1);
      expect(attributes.mood[p]).toBe(1);
      const t = attributes.ranges.tempo![p]!;
      expect(t >= 80 && t <= 140).toBe(true);
      expect(r.id).not.toBe(1011);
    }
    expect(() => index.query(q, 5, { genres: ['polka'] })).toThrow(UnknownFilterValueError);
    expect(() => index.query(q, 5, { ranges: { year: { min: 2000 } } })).toThrow(UnknownFilterValueError);
    // A filter that matches a handful of items is answered exactly and completely.
    const few = index.query(q, 50, { ranges: { tempo: { min: 60, max: 60 } } });
    expect(few.length).toBe(index.exact(q, 50, { ranges: { tempo: { min: 60, max: 60 } } }).length);
  });

  it('saves and loads, and reports missing or corrupt files', async () => {
    const { index } = indexFixture();
    const dir = await mkdtemp(path.join(tmpdir(), 'ew-index-'));
    await index.save(dir);
    const loaded = await ContentIndex.load(dir);
    const q = index.vectorOf(1020)!;
    expect(loaded.query(q, 5)).toEqual(index.query(q, 5));
    await expect(ContentIndex.load(path.join(dir, 'missing'))).rejects.toBeInstanceOf(ModelFileMissingError);
    await writeFile(path.join(dir, 'content.hnsw'), 'garbage');
    await expect(ContentIndex.load(dir)).rejects.toBeInstanceOf(ModelFileCorruptError);
    await writeFile(path.join(dir, 'content-index.json'), '{');
    await expect(ContentIndex.load(dir)).rejects.toBeInstanceOf(ModelFileCorruptError);
  });
});
