/** `earworm bench`: speed and memory benchmarks (figures are printed, never asserted in tests). */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runRecsysBench } from '../../bench/recsys-bench.ts';
import type { Config } from '../../config/config.ts';
import { UsageError } from '../usage-error.ts';

const USAGE = 'usage: earworm bench [--data-dir DIR]';

/** Runs every benchmark part; returns the exit code. */
export async function run(args: string[], config: Config): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args, options: { 'data-dir': { type: 'string' } }, strict: true, allowPositionals: false }));
  } catch (err) {
    throw new UsageError(`${err instanceof Error ? err.message : String(err)}\n${USAGE}`);
  }
  const dataDir = values['data-dir'];
  await runRecsysBench(config, dataDir === undefined ? {} : { dataDir: path.resolve(dataDir) });
  return 0;
}
