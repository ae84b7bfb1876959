/**
 * `earworm models:rollback --kind <kind> [--to <version>]`: activates the version before the active one (or the
 * named one) after verifying its files; running services switch to it within their watch interval, no restart.
 */
import { parseArgs } from 'node:util';
import type { Config } from '../../config/config.ts';
import { openConfiguredDb } from '../../db/db.ts';
import { rollbackModel } from '../../serving/models/model-rollback.ts';
import { UsageError } from '../usage-error.ts';

const USAGE = 'Usage: earworm models:rollback --kind <kind> [--to <version>]   (list kinds and versions with `earworm models`)';

/** Rolls one kind back. */
export async function run(args: string[], config: Config): Promise<number> {
  let values: { kind?: string | undefined; to?: string | undefined };
  try {
    ({ values } = parseArgs({ args, options: { kind: { type: 'string' }, to: { type: 'string' } }, allowPositionals: false }));
  } catch (err) {
    throw new UsageError(`${err instanceof Error ? err.message : String(err)}. ${USAGE}`);
  }
  if (values.kind === undefined) throw new UsageError(`--kind is required. ${USAGE}`);
  const db = await openConfiguredDb(config);
  try {
    const r = await rollbackModel(db, config.home, values.kind, values.to);
    console.log(`${r.kind}: active version ${r.from ?? '(none)'} -> ${r.to}`);
    return 0;
  } finally {
    await db.close();
  }
}
