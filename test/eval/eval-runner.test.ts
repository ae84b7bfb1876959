import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/commands/eval.ts';
import { UsageError } from '../../src/cli/usage-error.ts';
import { loadConfig } from '../../src/config/config.ts';
import { resultJson } from '../../src/eval/eval-report.ts';
import { MAX_FOLDS, runEvaluation, type EvalOptions, type EvalResult } from '../../src/eval/eval-runner.ts';
import { loadDataset } from '../../src/eval/load-dataset.ts';
import { FUSIONS } from '../../src/recsys/ranking/fusion.ts';
import { splitCold, splitWarm } from '../../src/recsys/split.ts';
import { writeFixtureDatasets } from './dataset-fixtures.ts';

let dir: string;
let home: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'earworm-data-'));
  home = await mkdtemp(path.join(os.tmpdir(), 'earworm-home-'));
  await writeFixtureDatasets(dir);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await rm(home, { recursive: true, force: true });
});

function options(over: Partial<EvalOptions> = {}): EvalOptions & { results: EvalResult[] } {
  const results: EvalResult[] = [];
  return {
    datasets: ['lastfm'],
    tasks: ['W', 'C'],
    models: ['popularity', 'itemknn', 'hybrid', 'ranked'],
    seed: 0,
    dataDir: dir,
    cacheDir: path.join(home, 'eval-cache'),
    retune: false,
    progress: () => {},
    onResult: (r) => results.push(r),
    results,
    ...over,
  };
}

describe('runEvaluation', () => {
  it('evaluates exactly the users the split rules select, tunes on validation and caches the choice', async () => {
    const data = await loadDataset('lastfm', dir);
    const opts = options();
    const first = await runEvaluation(opts);
    expect(opts.results).toEqual(first);
    expect(first.map((r) => `${r.task}/${r.model}`)).toEqual(['W/popularity', 'W/itemknn', 'W/hybrid', 'W/ranked', 'C/popularity', 'C/itemknn', 'C/hybrid', 'C/ranked']);
    const warmUsers = splitWarm(data, 0).users.length;
    const coldUsers = splitCold(data, 0).users.length;
    expect(coldUsers).toBeGreaterThan(0);
    for (const r of first) {
      expect(r.users).toBe(r.task === 'W' ? warmUsers : coldUsers);
      for (const v of [r.ndcg, r.recall, r.hr10, r.coverage]) {
        expect(Number.isFinite(v)).toBe(true);
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(1);
      }
      expect(r.tunedFromCache).toBe(false);
    }
    // Clustered data: collaborative models must beat popularity.
    const ndcg = (task: string, model: string) => first.find((r) => r.task === task && r.model === model)!.ndcg;
    expect(ndcg('W', 'itemknn')).toBeGreaterThan(ndcg('W', 'popularity'));
    expect(ndcg('W', 'hybrid')).toBeGreaterThan(ndcg('W', 'popularity'));
    expect(ndcg('W', 'ranked')).toBeGreaterThan(ndcg('W', 'popularity'));
    // The ranked model names its fusion method, λ and the validation figures behind them; few cold validation
    // people (a tenth of 90 users) means the most folds.
    for (const task of ['W', 'C']) {
      const ranked = first.find((r) => r.task === task && r.model === 'ranked')!;
      expect(FUSIONS).toContain(ranked.params['fusion']);
      expect(typeof ranked.params['lambda']).toBe('number');
      expect(ranked.validationNdcg).toBeGreaterThan(0);
      const val = (f: string) => Number(ranked.params[`val.${f}`]);
      // The chosen fusion has the best validation score (learned: cross-fitted); λ = 1 is a candidate, so the
      // weighted fusions' λ-tuned score is never below it.
      expect(ranked.validationNdcg).toBeGreaterThanOrEqual(Math.max(...FUSIONS.map(val)) - 1e-5);
      if (ranked.params['fusion'] === 'learned') {
        expect(ranked.validationNdcg).toBeCloseTo(val('learned'), 5);
        expect(typeof ranked.params['learned']).toBe('string');
      }
      expect(ranked.params['val.single']).toBeLessThanOrEqual(Math.max(val('z'), val('rrf')));
    }
    expect(first.find((r) => r.task === 'C' && r.model === 'ranked')!.params['folds']).toBe(MAX_FOLDS);
    const line = JSON.parse(resultJson(first[0]!)) as Record<string, unknown>;
    expect(Object.keys(line)).toEqual(expect.arrayContaining(['dataset', 'task', 'model', 'users', 'recall@20', 'ndcg@20', 'hr@10', 'coverage@20', 'params']));
    expect((await readdir(path.join(home, 'eval-cache'))).length).toBeGreaterThan(0);

    const again = await runEvaluation(options());
    expect(again.every((r) => r.tunedFromCache)).toBe(true);
    expect(again.map((r) => r.ndcg)).toEqual(first.map((r) => r.ndcg));
    expect(again.map((r) => r.params)).toEqual(first.map((r) => r.params));
  });
});

describe('earworm eval flags', () => {
  const config = () => loadConfig({ EARWORM_HOME: home, EARWORM_DATA_DIR: dir });
  it('rejects unknown datasets, models, tasks, seeds and flags with UsageError', async () => {
    await expect(run(['--dataset', 'movielens'], config())).rejects.toBeInstanceOf(UsageError);
    await expect(run(['--model', 'bert'], config())).rejects.toBeInstanceOf(UsageError);
    await expect(run(['--task', 'X'], config())).rejects.toBeInstanceOf(UsageError);
    await expect(run(['--seed', '-1'], config())).rejects.toBeInstanceOf(UsageError);
    await expect(run(['--bogus'], config())).rejects.toBeInstanceOf(UsageError);
  });
});
