/**
 * Builds the preference feature space from the database: per recommendable track, a block of audio features and the
 * genre and mood classifiers' probabilities (each block standardised by PreferenceFeatures). The population prior
 * is fitted from everyone's votes.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../../db/db.ts';
import { activeModelVersion } from '../../db/model-versions.ts';
import type { PreferenceSpace } from '../../pipeline/preferences.ts';
import { fitPopulationFromVotes } from '../../pipeline/preferences.ts';
import { CONTENT_MODEL_KINDS } from '../../pipeline/train-content-models.ts';
import { PreferenceFeatures, type FeatureBlock } from '../../recsys/preference/preference-features.ts';

const AUDIO = ['energy', 'valence', 'danceability', 'acousticness', 'instrumentalness', 'speechiness', 'tempo'] as const;

/** The space plus a readable name for every feature column. */
export interface NamedPreferenceSpace extends PreferenceSpace {
  readonly columnNames: readonly string[];
}

/** Builds the space over `trackIds`; tracks with no audio features and no predictions are left out. */
export async function buildPreferenceSpace(db: Db, trackIds: ArrayLike<number>): Promise<NamedPreferenceSpace> {
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
  const ids = [...wanted].filter((id) => audio.has(id) || labelBlocks.some((b) => b.probs.has(id))).sort((a, b) => a - b);
  const blocks: FeatureBlock[] = [];
  const columnNames: string[] = [];
  const block = (name: string, dim: number, rowOf: (id: number) => number[] | undefined, names: readonly string[]) => {
    const values = new Float32Array(ids.length * dim).fill(Number.NaN);
    ids.forEach((id, r) => {
      const v = rowOf(id);
      if (v !== undefined) values.set(v, r * dim);
    });
    blocks.push({ name, dim, values });
    columnNames.push(...names);
  };
  block('audio', AUDIO.length, (id) => audio.get(id), AUDIO);
  for (const b of labelBlocks) block(b.name, b.classes.length, (id) => b.probs.get(id), b.classes.map((c) => `${b.name} ${c}`));
  const features = PreferenceFeatures.build(Int32Array.from(ids), blocks);
  const population = await fitPopulationFromVotes(db, features);
  return {
    features,
    featureVersion: ['audio7', ...labelBlocks.map((b) => `${b.name}:${b.version}`)].join('+'),
    population,
    columnNames,
  };
}
