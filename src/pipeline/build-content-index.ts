/**
 * `buildContentIndex`: rebuilds the content vectors and their HNSW index alone (the `index` job), without retraining
 * the classifiers: genre and mood filters come from labels and from the active classifiers' stored predictions.
 * Files are written to `<version>.tmp` and renamed into place, then the version is recorded and activated.
 */
import { rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import type { Db } from '../db/db.ts';
import { activateModelVersion, activeModelVersion, CONTENT_MODEL_KINDS, publishModelVersion } from '../db/model-versions.ts';
import type { Logger } from '../logging/logger.ts';
import { contentModelToJson } from '../recsys/content/content-model-json.ts';
import { readCatalogSnapshot } from './catalog-snapshot.ts';
import { buildFeatureTable } from './classifier-datasets.ts';
import { buildContentIndexOf, type indexAttributes } from './train-content-models.ts';

/** What an index build produced. */
interface ContentIndexSummary {
  readonly version: string;
  readonly vectors: number;
  readonly dim: number;
  readonly path: string;
  /** Whether it was built now (false: this version already existed, and was only activated). */
  readonly built: boolean;
}

/** Builds, records and activates a content-vectors version; a version that exists already is just activated. */
export async function buildContentIndex(db: Db, home: string, log: Logger, version: string): Promise<ContentIndexSummary> {
  const kind = CONTENT_MODEL_KINDS.content;
  const final = path.join(home, 'models', kind, version);
  const [existing] = await db.rows<{ metrics: { vectors?: number; dim?: number } }>(
    sql`select metrics from model_versions where kind = ${kind} and version = ${version}`,
  );
  if (existing !== undefined) {
    await activateModelVersion(db, kind, version);
    return { version, vectors: Number(existing.metrics.vectors ?? 0), dim: Number(existing.metrics.dim ?? 0), path: final, built: false };
  }
  const snap = await readCatalogSnapshot(db);
  const table = buildFeatureTable(snap);
  const predictions: Parameters<typeof indexAttributes>[3] = {};
  for (const task of ['genre', 'mood'] as const) {
    const p = await storedPredictions(db, task, table.trackIndex, snap.trackIds);
    if (p !== undefined) predictions[task] = p;
  }
  const { model, cv, keep, index } = buildContentIndexOf(snap, table, version, predictions);
  const tmp = `${final}.tmp`;
  await rm(tmp, { recursive: true, force: true });
  await index.save(tmp);
  await writeFile(path.join(tmp, 'content-model.json'), JSON.stringify(contentModelToJson(model)));
  await rm(final, { recursive: true, force: true });
  await rename(tmp, final);
  await publishModelVersion(db, home, {
    kind,
    version,
    path: final,
    params: { dim: cv.dim, tagDim: model.tagEmbedding.dim, audioWeight: model.audioWeight, tagWeight: model.tagWeight, hnsw: index.options },
    metrics: { vectors: keep.length, dim: cv.dim, vocabulary: model.tagEmbedding.vocabulary.length, predictionsFrom: Object.keys(predictions) },
    dataSnapshot: { tracks: snap.trackIds.length, tracksWithAudio: table.trackIndex.length },
  });
  log.info({ version, vectors: keep.length }, 'content index built');
  return { version, vectors: keep.length, dim: cv.dim, path: final, built: true };
}

/** The active classifier's stored probabilities in FeatureTable row order (rows without a prediction stay zero). */
async function storedPredictions(
  db: Db,
  task: 'genre' | 'mood',
  trackIndex: ArrayLike<number>,
  trackIds: Int32Array,
): Promise<{ probs: Float32Array; classes: readonly string[] } | undefined> {
  const row = await activeModelVersion(db, CONTENT_MODEL_KINDS[task]);
  if (row === undefined) return undefined;
  const classes = (((row.params as { classes?: unknown }).classes as unknown[] | undefined) ?? []).map(String);
  if (classes.length === 0) return undefined;
  const rowOfTrack = new Map<number, number>();
  Array.from(trackIndex).forEach((i, r) => rowOfTrack.set(trackIds[i]!, r));
  const probs = new Float32Array(trackIndex.length * classes.length);
  const rows = await db.rows<{ track_id: number; probs: number[] }>(sql`select track_id, probs from track_predictions where model_version_id = ${row.id}`);
  for (const r of rows) {
    const at = rowOfTrack.get(Number(r.track_id));
    if (at !== undefined && r.probs.length === classes.length) probs.set(r.probs.map(Number), at * classes.length);
  }
  return { probs, classes };
}
