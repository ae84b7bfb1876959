/**
 * Content vectors: a standardised audio-feature block plus a tag-embedding block, L2-normalised as a whole, so that
 * cosine similarity compares how tracks sound and how people describe them. A track with no audio features still
 * gets a vector from its tags, and one with no known tags from its audio. Pure arrays in, arrays out (no database),
 * so the evaluator's hybrid model can call it directly.
 */
import { InvalidParamsError } from '../errors.ts';
import { CONTENT_AUDIO_FEATURES, InvalidAudioFeaturesError, repairAudioFeatures, writeContentAudioBlock, type AudioFeatures } from './audio-features.ts';
import { embedTags, fitTagEmbedding, vocabularyIndex, type TagDocument, type TagEmbedding, type TagEmbeddingOptions } from './tag-embedding.ts';

/** What content vectors are built from for one track. */
export interface ContentTrack {
  /** Audio features, or null/undefined when the catalogue has none. */
  readonly audio?: Partial<AudioFeatures> | null;
  /** Human tags (Last.fm / Yes.com; a track's own tags and its artist's), with weights. */
  readonly tags?: TagDocument;
}

/** A fitted content-vector model: everything needed to turn a track into the same vector again. */
export interface ContentVectorModel {
  readonly version: string;
  /** Column means and standard deviations of the audio block, fitted on the catalogue. */
  readonly audioMean: Float32Array;
  readonly audioStd: Float32Array;
  readonly tagEmbedding: TagEmbedding;
  /** Share of the squared norm given to each block when a track has both (audio², tags², summing to 1). */
  readonly audioWeight: number;
  readonly tagWeight: number;
}

/** Fitting options; defaults in brackets. */
interface ContentVectorOptions {
  readonly version?: string; // ["content-1"]
  readonly tagEmbedding?: TagEmbeddingOptions;
  /** Extra tag documents for the embedding only (e.g. each artist's Last.fm tags). */
  readonly extraTagDocuments?: readonly TagDocument[];
  /** Relative weight of the audio block [0.6]; the tag block gets 1 - this. */
  readonly audioShare?: number;
}

/** Vectors for a list of tracks: row-major [tracks][dim]; rows with `hasVector` 0 are all zeros. */
interface ContentVectors {
  readonly dim: number;
  readonly vectors: Float32Array;
  readonly hasVector: Uint8Array;
  /** 1 where the audio block came from the track's features, 2 where from tags only, 3 both, 0 neither. */
  readonly sources: Uint8Array;
  /** Tracks whose audio features needed repair (imputed or clamped fields), and tracks whose features were unusable. */
  readonly repaired: number;
  readonly unusableAudio: number;
}

const AUDIO_DIM = CONTENT_AUDIO_FEATURES.length;
/** Standardised audio values are clipped here, so one outlier field cannot dominate a vector. */
const CLIP = 3;

/** Fits the audio normaliser and the tag embedding on a catalogue. */
export function fitContentVectorModel(tracks: readonly ContentTrack[], options: ContentVectorOptions = {}): ContentVectorModel {
  const share = options.audioShare ?? 0.6;
  if (!(share > 0 && share < 1)) throw new InvalidParamsError('audioShare must be in (0, 1)');
  const sum = new Float64Array(AUDIO_DIM);
  const sq = new Float64Array(AUDIO_DIM);
  const row = new Float32Array(AUDIO_DIM);
  let n = 0;
  for (const t of tracks) {
    const clean = cleanAudio(t.audio);
    if (clean === undefined) continue;
    writeContentAudioBlock(clean.features, row, 0);
    for (let j = 0; j < AUDIO_DIM; j++) {
      sum[j]! += row[j]!;
      sq[j]! += row[j]! * row[j]!;
    }
    n++;
  }
  const audioMean = new Float32Array(AUDIO_DIM);
  const audioStd = new Float32Array(AUDIO_DIM).fill(1);
  if (n > 0) {
    for (let j = 0; j < AUDIO_DIM; j++) {
      const mean = sum[j]! / n;
      audioMean[j] = mean;
      const sd = Math.sqrt(Math.max(sq[j]! / n - mean * mean, 0));
      audioStd[j] = sd > 1e-6 ? sd : 1;
    }
  }
  const docs: TagDocument[] = [];
  for (const t of tracks) if (t.tags !== undefined && t.tags.tags.length > 0) docs.push(t.tags);
  for (const d of options.extraTagDocuments ?? []) docs.push(d);
  const tagEmbedding = fitTagEmbedding(docs, options.tagEmbedding ?? {});
  return { version: options.version ?? 'content-1', audioMean, audioStd, tagEmbedding, audioWeight: Math.sqrt(share), tagWeight: Math.sqrt(1 - share) };
}

/** Builds the vectors of `tracks` with a fitted model. Broken audio features fall back as repairAudioFeatures documents. */
export function buildContentVectors(model: ContentVectorModel, tracks: readonly ContentTrack[]): ContentVectors {
  const tagDim = model.tagEmbedding.dim;
  const dim = AUDIO_DIM + tagDim;
  const vectors = new Float32Array(tracks.length * dim);
  const hasVector = new Uint8Array(tracks.length);
  const sources = new Uint8Array(tracks.length);
  const index = vocabularyIndex(model.tagEmbedding);
  const raw = new Float32Array(AUDIO_DIM);
  let repaired = 0;
  let unusableAudio = 0;
  tracks.forEach((t, r) => {
    const off = r * dim;
    let src = 0;
    if (t.audio !== undefined && t.audio !== null) {
      const clean = cleanAudio(t.audio);
      if (clean === undefined) unusableAudio++;
      else {
        if (clean.imputed.length + clean.clamped.length > 0) repaired++;
        writeContentAudioBlock(clean.features, raw, 0);
        let norm = 0;
        for (let j = 0; j < AUDIO_DIM; j++) {
          const z = Math.max(-CLIP, Math.min(CLIP, (raw[j]! - model.audioMean[j]!) / model.audioStd[j]!));
          vectors[off + j] = z;
          norm += z * z;
        }
        norm = Math.sqrt(norm);
        if (norm > 0) {
          for (let j = 0; j < AUDIO_DIM; j++) vectors[off + j] = (vectors[off + j]! / norm) * model.audioWeight;
          src |= 1;
        }
      }
    }
    if (t.tags !== undefined && tagDim > 0 && embedTags(model.tagEmbedding, t.tags, vectors, off + AUDIO_DIM, index) > 0) {
      for (let c = 0; c < tagDim; c++) vectors[off + AUDIO_DIM + c] = vectors[off + AUDIO_DIM + c]! * model.tagWeight;
      src |= 2;
    }
    sources[r] = src;
    if (src === 0) return;
    // Normalise the whole vector, so a track with one block is as long as a track with both.
    let norm = 0;
    for (let j = 0; j < dim; j++) norm += vectors[off + j]! ** 2;
    norm = Math.sqrt(norm);
    for (let j = 0; j < dim; j++) vectors[off + j] = vectors[off + j]! / norm;
    hasVector[r] = 1;
  });
  return { dim, vectors, hasVector, sources, repaired, unusableAudio };
}

function cleanAudio(audio: Partial<AudioFeatures> | null | undefined): ReturnType<typeof repairAudioFeatures> | undefined {
  if (audio === undefined || audio === null) return undefined;
  try {
    return repairAudioFeatures(audio);
  } catch (err) {
    if (err instanceof InvalidAudioFeaturesError) return undefined;
    throw err;
  }
}
