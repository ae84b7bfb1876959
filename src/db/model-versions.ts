/** Model versions: files on disk plus a row with params, metrics and data snapshot; one active version per kind. */
import { and, desc, eq } from 'drizzle-orm';
import type { Db } from './db.ts';
import { modelVersions } from './schema.ts';

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

/** Records a new (inactive) version; recording the same kind+version again returns the existing row. */
export async function recordModelVersion(
  db: Db,
  v: { kind: string; version: string; path: string; checksum?: string; params?: unknown; metrics?: unknown; dataSnapshot?: unknown },
): Promise<ModelVersionRow> {
  const inserted = await db.orm
    .insert(modelVersions)
    .values({
      kind: v.kind,
      version: v.version,
      path: v.path,
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

/** Makes one version the active one of its kind, atomically (serving never sees zero or two active). */
export async function activateModelVersion(db: Db, kind: string, version: string): Promise<ModelVersionRow> {
  const [row] = await activateModelVersions(db, [{ kind, version }]);
  return row!;
}

/** Activates several versions (of different kinds) in one transaction: serving sees all of them switch, or none. */
export async function activateModelVersions(db: Db, targets: readonly { kind: string; version: string }[]): Promise<ModelVersionRow[]> {
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
