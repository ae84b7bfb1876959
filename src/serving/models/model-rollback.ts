/**
 * Listing and rolling back model versions: `rollbackModel` activates the version before the active one (or a named
 * one) after checking that its files are there and intact, so a rollback never switches serving to a broken model.
 * Running services pick the change up through ModelWatcher.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import type { Db } from '../../db/db.ts';
import { activateModelVersion, listModelVersions, modelFilePath, type ModelVersionRow, TRACK_MODEL_KIND, UnknownModelVersionError } from '../../db/model-versions.ts';
import { ModelFileCorruptError, ModelFileMissingError } from '../../recsys/errors.ts';
import { ModelStore } from '../../recsys/model-store.ts';

/** There is no version to roll back to. */
export class NoEarlierVersionError extends Error {
  readonly code = 'NO_EARLIER_VERSION';
  constructor(readonly kind: string, active: string | undefined) {
    super(
      active === undefined
        ? `No ${kind} version is active and none was named. Name one with --to (list them with \`earworm models\`).`
        : `No ${kind} version is older than the active ${active}. Name one with --to (list them with \`earworm models\`).`,
    );
    this.name = 'NoEarlierVersionError';
  }
}

/** Every kind that has versions, with its versions newest first. */
export async function modelVersionsByKind(db: Db, kind?: string): Promise<Map<string, ModelVersionRow[]>> {
  const kinds = kind !== undefined ? [kind] : (await db.rows<{ kind: string }>(sql`select distinct kind from model_versions order by kind`)).map((r) => r.kind);
  const out = new Map<string, ModelVersionRow[]>();
  for (const k of kinds) out.set(k, await listModelVersions(db, k));
  return out;
}

/**
 * Checks that a version's files (under the state folder `home`) exist and match their checksum; throws
 * ModelFileMissingError / ModelFileCorruptError.
 */
async function verifyModelVersion(row: ModelVersionRow, home: string): Promise<void> {
  const file = modelFilePath(home, row);
  if (row.kind === TRACK_MODEL_KIND) {
    await new ModelStore(path.dirname(path.dirname(path.dirname(file)))).loadFile(file, row.checksum ?? undefined);
    return;
  }
  let info;
  try {
    info = await stat(file);
  } catch (err) {
    throw new ModelFileMissingError(file, { cause: err });
  }
  if (info.isFile() && row.checksum !== null) {
    const digest = createHash('sha256').update(await readFile(file)).digest('hex');
    if (digest !== row.checksum) throw new ModelFileCorruptError(file, `checksum ${digest} differs from the recorded ${row.checksum}`);
  }
}

/** What a rollback did. */
interface RollbackResult {
  readonly kind: string;
  readonly from: string | undefined;
  readonly to: string;
}

/** Activates the version before the active one, or `to`; the target's files (under the state folder `home`) are verified first. */
export async function rollbackModel(db: Db, home: string, kind: string, to?: string): Promise<RollbackResult> {
  const versions = await listModelVersions(db, kind);
  const active = versions.find((v) => v.active);
  let target: ModelVersionRow | undefined;
  if (to !== undefined) {
    target = versions.find((v) => v.version === to);
    if (target === undefined) throw new UnknownModelVersionError(kind, to);
  } else {
    target = active === undefined ? undefined : versions.find((v) => v.id < active.id);
    if (target === undefined) throw new NoEarlierVersionError(kind, active?.version);
  }
  await verifyModelVersion(target, home);
  await activateModelVersion(db, kind, target.version);
  return { kind, from: active?.version, to: target.version };
}

/** Makes `version` the active one of `kind` (the dashboard's choice); undefined when there is no such version. */
export async function activateModel(db: Db, kind: string, version: string): Promise<ModelVersionRow | undefined> {
  try {
    return await activateModelVersion(db, kind, version);
  } catch (err) {
    if (err instanceof UnknownModelVersionError) return undefined;
    throw err;
  }
}
