/**
 * The global Bradley–Terry model as a model version: every track's strength (log π) fitted from everyone's decided
 * votes, written to `<home>/models/bt-global/<version>/strengths.json` (temp file, fsync, rename) with its SHA-256,
 * then recorded and activated.
 */
import { createHash } from 'node:crypto';
import { mkdir, open, rename } from 'node:fs/promises';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import type { Db } from '../db/db.ts';
import { activateModelVersion, modelFilePath, recordModelVersion } from '../db/model-versions.ts';
import { fitTrackStrengthsFromVotes } from '../serving/state/preferences.ts';

/** Model-version kind of the global track strengths. */
export const TRACK_STRENGTHS_KIND = 'bt-global';

/** File name of the strengths inside a version's folder. */
export const TRACK_STRENGTHS_FILE = 'strengths.json';

/** What a fit produced. */
export interface TrackStrengthsSummary {
  readonly version: string;
  readonly tracks: number;
  readonly votes: number;
  readonly path: string;
}

/** Fits, writes, records and activates a version of the global track strengths (idempotent per version). */
export async function publishTrackStrengths(db: Db, home: string, version: string): Promise<TrackStrengthsSummary> {
  const [existing] = await db.rows<{ kind: string; version: string; path: string; metrics: { tracks?: number; votes?: number } }>(
    sql`select kind, version, path, metrics from model_versions where kind = ${TRACK_STRENGTHS_KIND} and version = ${version}`,
  );
  if (existing !== undefined) {
    await activateModelVersion(db, TRACK_STRENGTHS_KIND, version);
    return { version, tracks: Number(existing.metrics.tracks ?? 0), votes: Number(existing.metrics.votes ?? 0), path: modelFilePath(home, existing) };
  }
  const strengths = await fitTrackStrengthsFromVotes(db);
  const [count] = await db.rows<{ n: number }>(sql`select count(*)::int as n from votes where choice in ('a', 'b')`);
  const votes = Number(count?.n ?? 0);
  const dir = path.join(home, 'models', TRACK_STRENGTHS_KIND, version);
  const file = path.join(dir, TRACK_STRENGTHS_FILE);
  const text = JSON.stringify({ format: 'earworm-track-strengths', version, strengths: [...strengths].sort((a, b) => a[0] - b[0]) });
  await mkdir(dir, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  const fh = await open(tmp, 'w');
  try {
    await fh.writeFile(text);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, file);
  await recordModelVersion(db, home, {
    kind: TRACK_STRENGTHS_KIND,
    version,
    path: file,
    checksum: createHash('sha256').update(text).digest('hex'),
    params: { method: 'bradley-terry MM' },
    metrics: { tracks: strengths.size, votes },
    dataSnapshot: { votes },
  });
  await activateModelVersion(db, TRACK_STRENGTHS_KIND, version);
  return { version, tracks: strengths.size, votes, path: file };
}
