/**
 * Builds the preference feature space from the database: per recommendable track, the chat model's collaborative
 * factors, the tag embedding and the whole content vector of the active content index, audio features, the genre and
 * mood classifiers' probabilities and log popularity (each block standardised by PreferenceFeatures). The population
 * prior, its mean and its shape, is fitted from everyone's stored votes.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../../db/db.ts';
import { activeModelVersion, CONTENT_MODEL_KINDS, modelFilePath } from '../../db/model-versions.ts';
import type { PreferenceSpace } from '../state/preferences.ts';
import { fitPopulationPrior } from '../state/preferences.ts';
import { readContentVectors } from '../../recsys/content/content-index.ts';
import { HybridRecommender } from '../../recsys/hybrid.ts';
import { IalsRecommender } from '../../recsys/ials.ts';
import { PreferenceFeatures } from '../../recsys/preference/preference-features.ts';
import { tasteFeatureBlocks, type TasteInputs } from '../../recsys/preference/taste-features.ts';
import type { TrackModel } from '../models/track-model.ts';

const AUDIO = ['energy', 'valence', 'danceability', 'acousticness', 'instrumentalness', 'speechiness', 'tempo'] as const;

/** The space plus a readable name for every feature column. */
export interface NamedPreferenceSpace extends PreferenceSpace {
  readonly columnNames: readonly string[];
}

/** A track model's collaborative factors: one row per track id, and each track's interaction count. */
interface CfFactors {
  readonly version: string;
  readonly trackIds: Int32Array;
  readonly dim: number;
  readonly factors: Float32Array;
  readonly popularity: Float32Array;
}

/** The iALS item factors inside a chat model (itself, or a hybrid's iALS component), or undefined when it has none. */
export function cfFactorsOf(model: TrackModel): CfFactors | undefined {
  const r = model.recommender;
  const ials = r instanceof IalsRecommender ? r : r instanceof HybridRecommender ? r.components.map((c) => c.model).find((m) => m instanceof IalsRecommender) : undefined;
  if (!(ials instanceof IalsRecommender) || ials.items.length !== model.trackIds.length * ials.params.factors) return undefined;
  return { version: model.version ?? 'unversioned', trackIds: model.trackIds, dim: ials.params.factors, factors: ials.items, popularity: r.itemPopularity };
}

/** The content vectors of the active content index: per track, the audio block then the tag-embedding block (its last `tagDim` columns). */
interface ContentFactors {
  readonly version: string;
  readonly ids: Int32Array;
  readonly dim: number;
  readonly vectors: Float32Array;
  readonly tagDim: number;
}

/** The active content index's vectors, or undefined when none is active or its files do not load (the space then goes without). */
export async function activeContentFactors(db: Db, home: string): Promise<ContentFactors | undefined> {
  const row = await activeModelVersion(db, CONTENT_MODEL_KINDS.content);
  if (row === undefined) return undefined;
  try {
    const { ids, dim, vectors } = await readContentVectors(modelFilePath(home, row));
    const tagDim = Number((row.params as { tagDim?: unknown }).tagDim ?? 0);
    return { version: row.version, ids, dim, vectors, tagDim: Number.isInteger(tagDim) && tagDim > 0 && tagDim < dim ? tagDim : 0 };
  } catch {
    // A missing or corrupt content index only takes the tag and content blocks away; the taste model still serves.
    return undefined;
  }
}

/**
 * Builds the space over `trackIds` from the taste blocks (taste-features.ts, the same recipe as the real-listener
 * benchmark): the chat model's CF factors and log popularity when it has them, the content index's tag embedding
 * (tracks with tags) and content vector when there is one, audio fields, and the classifiers' probabilities. Tracks
 * with none of these are left out.
 */
export async function buildPreferenceSpace(db: Db, trackIds: ArrayLike<number>, cf?: CfFactors, content?: ContentFactors): Promise<NamedPreferenceSpace> {
  const wanted = new Set(Array.from(trackIds));
  const audio = new Map<number, number[]>();
  const audioRows = await db.rows<Record<string, number>>(
    sql`select track_id, energy, valence, danceability, acousticness, instrumentalness, speechiness, tempo from audio_features`,
  );
  for (const r of audioRows) {
    const id = Number(r.track_id);
    if (wanted.has(id)) audio.set(id, AUDIO.map((f) => Number(r[f])));
  }
  const labelBlocks: { name: string; version: string; classes: string[]; probs: Map<number, number[]> }[] = [];
  for (const task of ['genre', 'mood'] as const) {
    const row = await activeModelVersion(db, CONTENT_MODEL_KINDS[task]);
    if (row === undefined) continue;
    const classes = ((row.params as { classes?: unknown }).classes as unknown[] | undefined)?.map(String) ?? [];
    if (classes.length === 0) continue;
    const probs = new Map<number, number[]>();
    const rows = await db.rows<{ track_id: number; probs: number[] }>(sql`select track_id, probs from track_predictions where model_version_id = ${row.id}`);
    for (const r of rows) {
      const id = Number(r.track_id);
      if (wanted.has(id) && r.probs.length === classes.length) probs.set(id, r.probs.map(Number));
    }
    labelBlocks.push({ name: task, version: row.version, classes, probs });
  }
  const cfRow = new Map<number, number>();
  if (cf !== undefined) cf.trackIds.forEach((t, r) => cfRow.set(t, r));
  const contentRow = new Map<number, number>();
  if (content !== undefined) {
    content.ids.forEach((t, r) => {
      if (!wanted.has(t)) return;
      const v = content.vectors.subarray(r * content.dim, (r + 1) * content.dim);
      if (v.some((x) => x !== 0)) contentRow.set(t, r);
    });
  }
  const ids = [...wanted].filter((id) => audio.has(id) || cfRow.has(id) || contentRow.has(id) || labelBlocks.some((b) => b.probs.has(id))).sort((a, b) => a - b);
  const columnNames: string[] = [];
  const named = (dim: number, rowOf: (id: number) => readonly number[] | undefined) => {
    const values = new Float32Array(ids.length * dim).fill(Number.NaN);
    ids.forEach((id, r) => {
      const v = rowOf(id);
      if (v !== undefined) values.set(v, r * dim);
    });
    return values;
  };
  const inputs: TasteInputs = {
    ...(cf !== undefined
      ? {
          cf: {
            dim: cf.dim,
            values: named(cf.dim, (id) => {
              const r = cfRow.get(id);
              return r === undefined ? undefined : Array.from(cf.factors.subarray(r * cf.dim, (r + 1) * cf.dim));
            }),
          },
          popularity: Float32Array.from(ids, (id) => {
            const r = cfRow.get(id);
            return r === undefined ? 0 : cf.popularity[r]!;
          }),
        }
      : {}),
    ...(content !== undefined && contentRow.size > 0
      ? {
          ...(content.tagDim > 0
            ? {
                tags: {
                  dim: content.tagDim,
                  values: named(content.tagDim, (id) => {
                    const r = contentRow.get(id);
                    if (r === undefined) return undefined;
                    const end = (r + 1) * content.dim;
                    const tag = content.vectors.subarray(end - content.tagDim, end);
                    // A track without tags has a zero tag block: unknown, not "no taste".
                    return tag.some((x) => x !== 0) ? Array.from(tag) : undefined;
                  }),
                },
              }
            : {}),
          content: {
            dim: content.dim,
            values: named(content.dim, (id) => {
              const r = contentRow.get(id);
              return r === undefined ? undefined : Array.from(content.vectors.subarray(r * content.dim, (r + 1) * content.dim));
            }),
          },
        }
      : {}),
    audio: { names: AUDIO, values: named(AUDIO.length, (id) => audio.get(id)) },
    ...(labelBlocks.length > 0
      ? {
          labels: {
            names: labelBlocks.flatMap((b) => b.classes.map((c) => `${b.name} ${c}`)),
            values: named(
              labelBlocks.reduce((n, b) => n + b.classes.length, 0),
              (id) => {
                if (!labelBlocks.some((b) => b.probs.has(id))) return undefined;
                return labelBlocks.flatMap((b) => b.probs.get(id) ?? b.classes.map(() => Number.NaN));
              },
            ),
          },
        }
      : {}),
  };
  if (cf !== undefined) columnNames.push(...Array.from({ length: cf.dim }, (_, k) => `cf ${k}`));
  if (inputs.tags !== undefined) columnNames.push(...Array.from({ length: inputs.tags.dim }, (_, k) => `tag ${k}`));
  if (inputs.content !== undefined) columnNames.push(...Array.from({ length: inputs.content.dim }, (_, k) => `content ${k}`));
  columnNames.push(...AUDIO);
  if (inputs.labels !== undefined) columnNames.push(...inputs.labels.names);
  if (cf !== undefined) columnNames.push('popularity');
  const blocks = tasteFeatureBlocks(ids.length, inputs);
  const features = PreferenceFeatures.build(Int32Array.from(ids), blocks);
  const prior = await fitPopulationPrior(db, features);
  return {
    features,
    featureVersion: [
      // taste5: the model is the label-evidence fit on every answer (ties included), so posteriors stored by the
      // vote-by-vote update are refitted from the stored answers once.
      'taste5',
      ...(cf !== undefined ? [`cf${cf.dim}:${cf.version}`] : []),
      ...(inputs.content !== undefined ? [`content${content!.dim}t${inputs.tags?.dim ?? 0}:${content!.version}`] : []),
      'audio7',
      ...labelBlocks.map((b) => `${b.name}:${b.version}`),
    ].join('+'),
    population: prior.mean,
    priorCovariance: prior.covariance,
    columnNames,
  };
}
