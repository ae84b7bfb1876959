/** `earworm eval`: the offline evaluation protocol of ../shared/EVAL.md. */
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Config } from '../../config/config.ts';
import { openConfiguredDb, type Db } from '../../db/db.ts';
import { recordEvalResult } from '../../eval/eval-record.ts';
import { resultJson, resultTable } from '../../eval/eval-report.ts';
import { runEvaluation, TASKS, type Task } from '../../eval/eval-runner.ts';
import { DATASET_NAMES, type DatasetName } from '../../eval/load-dataset.ts';
import { MODEL_NAMES, type ModelName } from '../../eval/model-catalog.ts';
import { runLabelsBench } from '../../eval/served/labels-bench.ts';
import { runServed, SERVED_PARTS } from '../../eval/served/run-served.ts';
import { UsageError } from '../usage-error.ts';

const USAGE = `usage: earworm eval [--dataset lastfm,yes,tidy] [--task W,C] [--model ${MODEL_NAMES.join(',')}]
                    [--seed 0] [--data-dir DIR] [--retune] [--no-record]
       earworm eval --served [--part artist-similarity,fallback,cpcd,label-coverage,compliance,panel-plans,music-ner]
       earworm eval --served-labels [--answers-in F] [--answers-out F] [--judge-home DIR]
Prints one JSON line per (dataset, task, model), then a table. Hyperparameters are tuned on a validation split of
the training data (seed 1000 + seed) and cached under $EARWORM_HOME/eval-cache; --retune ignores the cache.
Each result is also stored in the eval_runs table of the configured database (DATABASE_URL, or the embedded one in
$EARWORM_HOME); --no-record skips that.
--served runs the served-quality benchmark instead, on the configured state (what \`npm start\` built): each figure
with its number of cases (src/eval/served/).`;

function list<T extends string>(raw: string | undefined, allowed: readonly T[], what: string): T[] {
  if (raw === undefined || raw === 'all') return [...allowed];
  const out = raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
  for (const v of out) {
    if (!(allowed as readonly string[]).includes(v)) throw new UsageError(`unknown ${what} "${v}" (choose from ${allowed.join(', ')})\n${USAGE}`);
  }
  if (out.length === 0) throw new UsageError(`--${what} needs a value\n${USAGE}`);
  return out as T[];
}

/** Runs the evaluation and prints its results; returns the exit code. */
export async function run(args: string[], config: Config): Promise<number> {
  if (args[0] === '--served-labels') return runLabelsBench(args.slice(1), config);
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        dataset: { type: 'string' },
        task: { type: 'string' },
        model: { type: 'string' },
        seed: { type: 'string' },
        'data-dir': { type: 'string' },
        retune: { type: 'boolean', default: false },
        'no-record': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
        served: { type: 'boolean', default: false },
        part: { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new UsageError(`${err instanceof Error ? err.message : String(err)}\n${USAGE}`);
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (values.served) {
    const parts = (values.part ?? '').split(',').map((p) => p.trim()).filter((p) => p !== '');
    const unknown = parts.filter((p) => !SERVED_PARTS.some((s) => s.name === p));
    if (unknown.length > 0) throw new UsageError(`unknown served part "${unknown.join(', ')}" (choose from ${SERVED_PARTS.map((p) => p.name).join(', ')})\n${USAGE}`);
    await runServed(config, parts);
    return 0;
  }
  if (values.part !== undefined) throw new UsageError(`--part needs --served\n${USAGE}`);
  const seed = values.seed === undefined ? 0 : Number(values.seed);
  if (!Number.isInteger(seed) || seed < 0) throw new UsageError(`--seed must be a non-negative integer\n${USAGE}`);
  const datasets = list<DatasetName>(values.dataset, DATASET_NAMES, 'dataset');
  const tasks = list<Task>(values.task?.toUpperCase(), TASKS, 'task');
  const models = list<ModelName>(values.model, MODEL_NAMES, 'model');
  // Open the database first, so a wrong DATABASE_URL fails before minutes of evaluation.
  const db: Db | undefined = values['no-record'] ? undefined : await openConfiguredDb(config);
  let recorded = 0;
  let failure: unknown;
  let pending: Promise<void> = Promise.resolve();
  const record = (r: Parameters<typeof recordEvalResult>[1]) => {
    if (db === undefined) return;
    pending = pending.then(async () => {
      if (failure !== undefined) return;
      try {
        await recordEvalResult(db, r);
        recorded++;
      } catch (err) {
        failure = err;
      }
    });
  };
  try {
    const results = await runEvaluation({
      datasets,
      tasks,
      models,
      seed,
      dataDir: values['data-dir'] === undefined ? config.dataDir : path.resolve(values['data-dir']),
      cacheDir: path.join(config.home, 'eval-cache'),
      retune: values.retune,
      progress: (line) => console.error(`[eval] ${line}`),
      onResult: (r) => {
        console.log(resultJson(r));
        record(r);
      },
    });
    await pending;
    console.log('');
    console.log(resultTable(results));
    if (failure !== undefined) {
      const why = failure instanceof Error ? failure.message : String(failure);
      console.error(`[eval] could not record results in eval_runs after ${recorded} of ${results.length}: ${why} (the results above are complete; run again with --no-record to skip the database)`);
      return 1;
    }
    if (db !== undefined) console.error(`[eval] recorded ${recorded} result${recorded === 1 ? '' : 's'} in eval_runs (${db.driver})`);
    return 0;
  } finally {
    await pending;
    await db?.close();
  }
}
