/**
 * Versioned model files under a state folder: `<root>/<kind>/<version>/model.ewm` (root is `<home>/models`).
 * Files are written to a temp file, fsynced and renamed into place, so a reader sees the old state or the whole new
 * file; versions are immutable. The database row for a version (params, metrics, active flag) lives elsewhere and
 * stores what `save` returns.
 */
import { mkdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from './atomic-file.ts';
import { InvalidParamsError, ModelFileCorruptError, ModelFileMissingError, ModelVersionExistsError, RecsysError } from './errors.ts';
import { decodeModelFile, encodeModelFile } from './model-file.ts';
import { restoreRecommender } from './model-registry.ts';
import type { Recommender } from './recommender.ts';
import type { ScoringRecommender } from './scoring-recommender.ts';

/** Where a saved version lives and how to check it later. */
interface SavedModel {
  readonly kind: string;
  readonly version: string;
  readonly path: string;
  readonly bytes: number;
  /** SHA-256 (hex) of the file's contents before its trailing digest. */
  readonly checksum: string;
}

/** File name of a version's model inside its folder. */
const MODEL_FILE_NAME = 'model.ewm';

const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** Saves and loads versioned model files under one root folder. */
export class ModelStore {
  constructor(readonly root: string) {}

  /** The store under a state folder (config.home): `<home>/models`. */
  static underHome(home: string): ModelStore {
    return new ModelStore(path.join(home, 'models'));
  }

  /** Path of a version's model file. */
  pathOf(kind: string, version: string): string {
    if (!SAFE_NAME.test(kind)) throw new InvalidParamsError(`bad model kind ${JSON.stringify(kind)}`);
    if (!SAFE_NAME.test(version)) throw new InvalidParamsError(`bad model version ${JSON.stringify(version)} (letters, digits, . _ -)`);
    return path.join(this.root, kind, version, MODEL_FILE_NAME);
  }

  /** Writes a fitted model as a new version; throws ModelVersionExistsError if that version exists. */
  async save(model: Recommender, version: string): Promise<SavedModel> {
    const snapshot = model.toSnapshot();
    const target = this.pathOf(snapshot.kind, version);
    if (await exists(target)) throw new ModelVersionExistsError(target);
    await mkdir(path.dirname(target), { recursive: true });
    const { bytes, checksum } = encodeModelFile(snapshot);
    await writeFileAtomic(target, bytes);
    return { kind: snapshot.kind, version, path: target, bytes: bytes.length, checksum };
  }

  /** Loads a version; ModelFileMissingError or ModelFileCorruptError when it cannot be used. */
  async load(kind: string, version: string, expectedChecksum?: string): Promise<ScoringRecommender> {
    return this.loadFile(this.pathOf(kind, version), expectedChecksum);
  }

  /** Loads a model file by path, optionally checking the checksum recorded when it was saved. */
  async loadFile(file: string, expectedChecksum?: string): Promise<ScoringRecommender> {
    let bytes: Buffer;
    try {
      bytes = await readFile(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new ModelFileMissingError(file, { cause: err });
      throw new ModelFileCorruptError(file, 'cannot be read', { cause: err });
    }
    const { snapshot, checksum } = decodeModelFile(bytes, file);
    if (expectedChecksum !== undefined && checksum !== expectedChecksum) {
      throw new ModelFileCorruptError(file, `checksum ${checksum} differs from the recorded ${expectedChecksum}`);
    }
    try {
      return restoreRecommender(snapshot);
    } catch (err) {
      if (err instanceof RecsysError) throw new ModelFileCorruptError(file, `cannot restore: ${err.message}`, { cause: err });
      throw err;
    }
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}
