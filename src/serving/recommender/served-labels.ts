/**
 * Genre and mood labels of a set of tracks as serving reads them: from the active label table (every source, with
 * probabilities over the one vocabulary) when there is one, else from the active classifier's stored predictions
 * (its own class names, top label only), as before labels existed.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../../db/db.ts';
import { activeModelVersion, CONTENT_MODEL_KINDS, TRACK_LABELS_KIND } from '../../db/model-versions.ts';
import { vocabularyOf, type LabelKind } from '../../recsys/labels/vocabulary.ts';

/** One kind of label over `trackIds` (index order). */
interface ServedLabels {
  readonly names: readonly string[];
  /** Index into `names` of each track's top label, or -1. */
  readonly top: Int16Array;
  /** Row-major probabilities (tracks × names), present when read from the label table. */
  readonly prob?: Float32Array;
  /** The version the labels came from (label table or classifier), if any. */
  readonly version?: string;
}

/** Reads one kind of label for `trackIds`. */
export async function loadServedLabels(db: Db, trackIds: Int32Array, kind: LabelKind): Promise<ServedLabels> {
  const n = trackIds.length;
  const indexOf = new Map<number, number>();
  trackIds.forEach((t, i) => indexOf.set(t, i));
  const top = new Int16Array(n).fill(-1);
  const table = await activeModelVersion(db, TRACK_LABELS_KIND);
  if (table !== undefined) {
    const names = vocabularyOf(kind);
    const col = new Map(names.map((x, k) => [x, k]));
    const width = names.length;
    const prob = new Float32Array(n * width);
    const rows = await db.rows<{ track_id: number; label: string; probability: number }>(
      sql`select track_id, label, probability from track_labels where model_version_id = ${table.id} and kind = ${kind}`,
    );
    const best = new Float32Array(n);
    for (const r of rows) {
      const i = indexOf.get(Number(r.track_id));
      const k = col.get(r.label);
      if (i === undefined || k === undefined) continue;
      const p = Number(r.probability);
      prob[i * width + k] = p;
      if (p > best[i]!) {
        best[i] = p;
        top[i] = k;
      }
    }
    return { names, top, prob, version: table.version };
  }
  const row = await activeModelVersion(db, CONTENT_MODEL_KINDS[kind]);
  if (row === undefined) return { names: [], top };
  const names = (((row.params as { classes?: unknown }).classes as unknown[] | undefined) ?? []).map(String);
  const rows = await db.rows<{ track_id: number; label: string }>(sql`select track_id, label from track_predictions where model_version_id = ${row.id}`);
  for (const r of rows) {
    const i = indexOf.get(Number(r.track_id));
    if (i !== undefined) top[i] = names.indexOf(r.label);
  }
  return { names, top, version: row.version };
}
