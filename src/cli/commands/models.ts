/** `earworm models [--kind <kind>]`: model versions per kind, newest first, with their metrics and which is active. */
import { parseArgs } from 'node:util';
import type { Config } from '../../config/config.ts';
import { openConfiguredDb } from '../../db/db.ts';
import type { ModelVersionRow } from '../../db/model-versions.ts';
import { modelVersionsByKind } from '../../serving/models/model-rollback.ts';
import { UsageError } from '../usage-error.ts';

const USAGE = 'Usage: earworm models [--kind <kind>]';

/** The headline numbers of a version's metrics (numbers at the top level or one level down), compact. */
export function headlineMetrics(metrics: unknown): string {
  if (metrics === null || typeof metrics !== 'object') return '';
  const parts: string[] = [];
  const num = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(4));
  for (const [k, v] of Object.entries(metrics as Record<string, unknown>)) {
    if (typeof v === 'number') parts.push(`${k} ${num(v)}`);
    else if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      for (const [k2, v2] of Object.entries(v as Record<string, unknown>)) if (typeof v2 === 'number') parts.push(`${k}.${k2} ${num(v2)}`);
    }
  }
  return parts.slice(0, 6).join(', ');
}

/** Renders the versions of each kind. */
export function formatModelVersions(byKind: ReadonlyMap<string, readonly ModelVersionRow[]>): string {
  if ([...byKind.values()].every((v) => v.length === 0)) return 'No model versions yet. Train with `earworm train` or `earworm jobs:enqueue train`.';
  const out: string[] = [];
  for (const [kind, versions] of byKind) {
    out.push(kind);
    for (const v of versions) {
      out.push(`  ${v.active ? '*' : ' '} ${v.version.padEnd(24)} ${v.createdAt.toISOString().slice(0, 16).replace('T', ' ')}  ${headlineMetrics(v.metrics)}`);
    }
  }
  out.push('', '* active. Roll back with: earworm models:rollback --kind <kind> [--to <version>]');
  return out.join('\n');
}

/** Lists model versions. */
export async function run(args: string[], config: Config): Promise<number> {
  let values: { kind?: string | undefined };
  try {
    ({ values } = parseArgs({ args, options: { kind: { type: 'string' } }, allowPositionals: false }));
  } catch (err) {
    throw new UsageError(`${err instanceof Error ? err.message : String(err)}. ${USAGE}`);
  }
  const db = await openConfiguredDb(config);
  try {
    console.log(formatModelVersions(await modelVersionsByKind(db, values.kind)));
    return 0;
  } finally {
    await db.close();
  }
}
