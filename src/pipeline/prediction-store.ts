/** Writes classifier predictions into track_predictions in batches (idempotent: a re-run of a version is a no-op). */
import type { Db } from '../db/db.ts';
import { trackPredictions } from '../db/schema.ts';

/** Rows per insert statement (5 parameters each, well under Postgres's 65,535). */
const BATCH = 1000;

/** Stores one prediction row per track: the arg-max label, its probability and the full probability vector. */
export async function storePredictions(db: Db, modelVersionId: number, trackIds: Int32Array, probs: Float32Array, classes: readonly string[]): Promise<number> {
  const c = classes.length;
  let stored = 0;
  for (let start = 0; start < trackIds.length; start += BATCH) {
    const end = Math.min(trackIds.length, start + BATCH);
    const values: (typeof trackPredictions.$inferInsert)[] = [];
    for (let r = start; r < end; r++) {
      const row = Array.from(probs.subarray(r * c, (r + 1) * c));
      let best = 0;
      for (let k = 1; k < c; k++) if (row[k]! > row[best]!) best = k;
      values.push({ modelVersionId, trackId: trackIds[r]!, label: classes[best]!, confidence: row[best]!, probs: row });
    }
    await db.orm.insert(trackPredictions).values(values).onConflictDoNothing();
    stored += values.length;
  }
  return stored;
}
