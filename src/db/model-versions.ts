/**
 * Model versions: files on disk plus a row with params, metrics and data snapshot; one active version per kind.
 * A row's `path` is relative to the state folder (`models/<kind>/<version>/...`), so a state folder that is moved,
 * copied or restored elsewhere serves its own files; `modelFilePath` resolves it against the current state folder.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { and, desc, eq } from 'drizzle-orm';
import type { Db } from './db.ts';
import { modelVersions } from './schema.ts';

/** The model kind (and model-version kind) of the chat recommender. */
export const TRACK_MODEL_KIND = 'hybrid';

/** Name of the file beside a track model version that maps item indices to catalogue track ids. */
export const TRACK_IDS_FILE = 'track-ids.json';

/** Model-version kind of the artist graph. */
export const ARTIST_MODEL_KIND = 'artist-graph';

/** File name of a stored artist graph. */
export const ARTIST_GRAPH_FILE = 'artist-graph.json';

/** Model-version kinds of the content models (classifiers and content vectors). */
export const CONTENT_MODEL_KINDS = { genre: 'genre-classifier', subgenre: 'subgenre-classifier', mood: 'mood-classifier', content: 'content-vectors' } as const;

/** Model-version kind of the per-track label table (kept wholly in the database). */
export const TRACK_LABELS_KIND = 'track-labels';

/** A stored model version row. */
export type ModelVersionRow = typeof modelVersions.$inferSelect;

/** The version asked for does not exist. */
export class UnknownModelVersionError extends Error {
  readonly code = 'UNKNOWN_MODEL_VERSION';
  constructor(readonly kind: string, readonly version: string) {
    super(`No ${kind} model version "${version}". List versions with \`earworm models\`.`);
    this.name = 'UnknownModelVersionError';
  }
}

/** What a row stores for a file under the state folder `home`: its path relative to `home` ('/'-separated). */
export function storedModelPath(home: string, file: string): string {
  // A version kept wholly in the database (e.g. the label table) has no file.
  if (file === '') return '';
  const rel = path.relative(path.resolve(home), path.resolve(file));
  // A file outside the state folder (not written by earworm) keeps its absolute path.
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return path.resolve(file);
  return rel.split(path.sep).join('/');
}

/**
 * Where a version's files are now, under the state folder `home`. Relative paths resolve against `home`; an absolute
 * path written before paths were relative (or under a state folder that has since moved) is re-rooted at its
 * `models/<kind>/<version>` part under `home`, unless only the path as written exists. Other absolute paths are kept.
 */
export function modelFilePath(home: string, row: Pick<ModelVersionRow, 'kind' | 'version' | 'path'>): string {
  if (!path.isAbsolute(row.path)) return path.resolve(home, row.path);
  const parts = row.path.split(/[\\/]+/);
  for (let i = parts.length - 3; i >= 0; i--) {
    if (parts[i] === 'models' && parts[i + 1] === row.kind && parts[i + 2] === row.version) {
      const moved = path.join(home, ...parts.slice(i));
      return existsSync(moved) || !existsSync(row.path) ? moved : row.path;
    }
  }
  return row.path;
}

/** Records a new (inactive) version whose files are under the state folder `home`; recording the same kind+version again returns the existing row. */
export async function recordModelVersion(
  db: Db,
  home: string,
  v: { kind: string; version: string; path: string; checksum?: string; params?: unknown; metrics?: unknown; dataSnapshot?: unknown },
): Promise<ModelVersionRow> {
  const inserted = await db.orm
    .insert(modelVersions)
    .values({
      kind: v.kind,
      version: v.version,
      path: storedModelPath(home, v.path),
      checksum: v.checksum ?? null,
      params: v.params ?? {},
      metrics: v.metrics ?? {},
      dataSnapshot: v.dataSnapshot ?? {},
    })
    .onConflictDoNothing()
    .returning();
  if (inserted[0] !== undefined) return inserted[0];
  const [row] = await db.orm
    .select()
    .from(modelVersions)
    .where(and(eq(modelVersions.kind, v.kind), eq(modelVersions.version, v.version)));
  return row!;
}

/** A version to publish: its files (if any) are already in place under the state folder. */
type NewModelVersion = Parameters<typeof recordModelVersion>[2];

/**
 * Publishes versions whose files are in place under the state folder `home`: records each one, runs `beforeActivate`
 * with the rows (to store data that references them), then activates them all in one transaction, so serving sees
 * every kind switch or none. The one way training publishes a model version.
 */
export async function publishModelVersion(
  db: Db,
  home: string,
  versions: NewModelVersion | readonly NewModelVersion[],
  options: { beforeActivate?: (rows: readonly ModelVersionRow[]) => Promise<void> } = {},
): Promise<ModelVersionRow[]> {
  const list: readonly NewModelVersion[] = Array.isArray(versions) ? versions : [versions as NewModelVersion];
  const rows: ModelVersionRow[] = [];
  for (const v of list) rows.push(await recordModelVersion(db, home, v));
  await options.beforeActivate?.(rows);
  return activateModelVersions(db, list.map((v) => ({ kind: v.kind, version: v.version })));
}

/** Makes one version the active one of its kind, atomically (serving never sees zero or two active). */
export async function activateModelVersion(db: Db, kind: string, version: string): Promise<ModelVersionRow> {
  const [row] = await activateModelVersions(db, [{ kind, version }]);
  return row!;
}

/** Activates several versions (of different kinds) in one transaction: serving sees all of them switch, or none. */
async function activateModelVersions(db: Db, targets: readonly { kind: string; version: string }[]): Promise<ModelVersionRow[]> {
  return db.orm.transaction(async (tx) => {
    const out: ModelVersionRow[] = [];
    for (const { kind, version } of targets) {
      const [target] = await tx
        .select()
        .from(modelVersions)
        .where(and(eq(modelVersions.kind, kind), eq(modelVersions.version, version)));
      if (target === undefined) throw new UnknownModelVersionError(kind, version);
      await tx.update(modelVersions).set({ active: false }).where(and(eq(modelVersions.kind, kind), eq(modelVersions.active, true)));
      const [row] = await tx.update(modelVersions).set({ active: true }).where(eq(modelVersions.id, target.id)).returning();
      out.push(row!);
    }
    return out;
  });
}

/** The active version of a kind, if one has been activated. */
export async function activeModelVersion(db: Db, kind: string): Promise<ModelVersionRow | undefined> {
  const [row] = await db.orm
    .select()
    .from(modelVersions)
    .where(and(eq(modelVersions.kind, kind), eq(modelVersions.active, true)));
  return row;
}

/** All versions of a kind, newest first. */
export async function listModelVersions(db: Db, kind: string): Promise<ModelVersionRow[]> {
  return db.orm.select().from(modelVersions).where(eq(modelVersions.kind, kind)).orderBy(desc(modelVersions.id));
}
