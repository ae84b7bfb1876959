/**
 * Hyperparameters chosen on validation, cached as small JSON files keyed by (dataset, task, model, seed, data
 * fingerprint, grid version), so a repeated `npm run eval` skips the search; `--retune` ignores the cache.
 */
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../recsys/atomic-file.ts';
import { fnv1a32, fnv1a32Bytes } from '../recsys/fnv1a.ts';
import type { InteractionPairs } from '../recsys/interaction-pairs.ts';
import type { GridParams } from './model-catalog.ts';

/** Bump when a grid or a model changes in a way that makes old choices stale. */
const GRID_VERSION = 4;

/** Bump when the ranked model's tuning (fusion methods, folds, weights tried) changes; part of its cache key. */
export const RANKED_TUNING_VERSION = 3;

/** A cached choice. */
export interface TunedChoice {
  readonly params: GridParams;
  readonly validationNdcg: number;
}

/** Where tuned choices live and how they are keyed. */
export class TuningCache {
  constructor(private readonly dir: string) {}

  private file(key: TuningKey): string {
    return path.join(this.dir, `${key.dataset}-${key.task}-${key.model}-seed${key.seed}-${key.fingerprint}-v${GRID_VERSION}.json`);
  }

  /** The cached choice, or undefined when absent or unreadable. */
  async get(key: TuningKey): Promise<TunedChoice | undefined> {
    try {
      const v = JSON.parse(await readFile(this.file(key), 'utf8')) as Partial<TunedChoice>;
      if (v.params === undefined || typeof v.validationNdcg !== 'number') return undefined;
      return { params: v.params, validationNdcg: v.validationNdcg };
    } catch {
      return undefined;
    }
  }

  /** Stores a choice (written atomically, so a crash never leaves half a file). */
  async set(key: TuningKey, choice: TunedChoice): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const target = this.file(key);
    await writeFileAtomic(target, JSON.stringify(choice, null, 2) + '\n');
  }
}

/** Identifies one tuning problem. */
interface TuningKey {
  readonly dataset: string;
  readonly task: string;
  readonly model: string;
  readonly seed: number;
  readonly fingerprint: string;
}

/** A short hash of a dataset's interactions and ids, so edited data never reuses stale choices. */
export function dataFingerprint(pairs: InteractionPairs): string {
  let h = fnv1a32(pairs.userIds.join('\n'));
  h ^= fnv1a32(pairs.itemIds.join('\n'));
  h = fnv1a32Bytes(new Uint8Array(pairs.users.buffer, pairs.users.byteOffset, pairs.users.byteLength), h);
  h = fnv1a32Bytes(new Uint8Array(pairs.items.buffer, pairs.items.byteOffset, pairs.items.byteLength), h);
  h = fnv1a32Bytes(new Uint8Array(pairs.weights.buffer, pairs.weights.byteOffset, pairs.weights.byteLength), h);
  return h.toString(16).padStart(8, '0');
}
