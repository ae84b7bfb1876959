/** The content-vector model as JSON (it is small: a few thousand numbers), and its checked restore. */
import { CONTENT_AUDIO_FEATURES } from './audio-features.ts';
import type { ContentVectorModel } from './content-vectors.ts';

/** JSON form of a ContentVectorModel. */
interface ContentVectorModelJson {
  readonly format: 'earworm-content-vectors';
  readonly version: string;
  readonly audioMean: number[];
  readonly audioStd: number[];
  readonly audioWeight: number;
  readonly tagWeight: number;
  readonly tagDim: number;
  readonly vocabulary: string[];
  readonly tagVectors: number[];
}

/** A content model JSON that does not describe a model (wrong format, lengths or values). */
export class InvalidContentModelError extends Error {
  readonly code = 'INVALID_CONTENT_MODEL';
  constructor(reason: string) {
    super(`invalid content-vector model: ${reason}`);
    this.name = 'InvalidContentModelError';
  }
}

/** Serialises a model to plain JSON data. */
export function contentModelToJson(m: ContentVectorModel): ContentVectorModelJson {
  return {
    format: 'earworm-content-vectors',
    version: m.version,
    audioMean: Array.from(m.audioMean),
    audioStd: Array.from(m.audioStd),
    audioWeight: m.audioWeight,
    tagWeight: m.tagWeight,
    tagDim: m.tagEmbedding.dim,
    vocabulary: [...m.tagEmbedding.vocabulary],
    tagVectors: Array.from(m.tagEmbedding.vectors),
  };
}

/** Restores a model from parsed JSON; throws InvalidContentModelError rather than return something half-valid. */
export function contentModelFromJson(value: unknown): ContentVectorModel {
  const j = value as Partial<ContentVectorModelJson> | null;
  if (j === null || typeof j !== 'object' || j.format !== 'earworm-content-vectors') throw new InvalidContentModelError('not an earworm content-vector model');
  const nums = (a: unknown, len: number, name: string): Float32Array => {
    if (!Array.isArray(a) || a.length !== len || !a.every((x) => typeof x === 'number' && Number.isFinite(x))) {
      throw new InvalidContentModelError(`${name} must be ${len} finite numbers`);
    }
    return Float32Array.from(a as number[]);
  };
  const audioDim = CONTENT_AUDIO_FEATURES.length;
  if (typeof j.tagDim !== 'number' || !Number.isInteger(j.tagDim) || j.tagDim < 1) throw new InvalidContentModelError('tagDim must be a positive integer');
  if (!Array.isArray(j.vocabulary) || !j.vocabulary.every((t) => typeof t === 'string')) throw new InvalidContentModelError('vocabulary must be strings');
  if (typeof j.version !== 'string' || typeof j.audioWeight !== 'number' || typeof j.tagWeight !== 'number') {
    throw new InvalidContentModelError('version, audioWeight and tagWeight are required');
  }
  return {
    version: j.version,
    audioMean: nums(j.audioMean, audioDim, 'audioMean'),
    audioStd: nums(j.audioStd, audioDim, 'audioStd'),
    audioWeight: j.audioWeight,
    tagWeight: j.tagWeight,
    tagEmbedding: { dim: j.tagDim, vocabulary: j.vocabulary, vectors: nums(j.tagVectors, j.vocabulary.length * j.tagDim, 'tagVectors') },
  };
}
