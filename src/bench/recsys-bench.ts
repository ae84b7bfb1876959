/** The recommendation part of `npm run bench`: ALS training speed, fold-in latency and model memory on lastfm. */
import type { Config } from '../config/config.ts';
import { loadLastfm } from '../eval/lastfm-loader.ts';
import { encodeModelFile } from '../recsys/model-file.ts';
import { IalsRecommender } from '../recsys/ials.ts';
import { pairsToMatrix } from '../recsys/interaction-pairs.ts';
import { SeededRandom } from '../recsys/rng.ts';
import { Rp3betaRecommender } from '../recsys/rp3beta.ts';
import type { ScoringRecommender } from '../recsys/scoring-recommender.ts';
import type { CsrMatrix } from '../recsys/sparse-matrix.ts';

/** Bench options; every field has a default. */
export interface RecsysBenchOptions {
  /** Dataset folder (default config.dataDir). */
  readonly dataDir?: string;
  /** Timed ALS iterations per factor count (default 5, after one untimed warm-up). */
  readonly iterations?: number;
  /** Fold-in requests timed (default 2000). */
  readonly requests?: number;
  /** Seeds per fold-in request (default 5, as in task C). */
  readonly seeds?: number;
  /** Where lines go (default console.log). */
  readonly print?: (line: string) => void;
}

/** Runs the recsys benchmarks and prints their figures. */
export async function runRecsysBench(config: Config, opts: RecsysBenchOptions = {}): Promise<void> {
  const print = opts.print ?? ((line: string) => console.log(line));
  const iterations = opts.iterations ?? 5;
  const requests = opts.requests ?? 2000;
  const seedCount = opts.seeds ?? 5;
  const dataset = await loadLastfm(opts.dataDir ?? config.dataDir);
  const m = pairsToMatrix(dataset);
  print(`recsys bench: lastfm ${m.rows} users x ${m.cols} items, ${m.nnz} interactions; node ${process.version}, single thread`);

  let model64: IalsRecommender | undefined;
  for (const factors of [64, 128]) {
    const model = new IalsRecommender({ factors, regularization: 50, alpha: 4, confidence: 'log', epsilon: 1, cgSteps: 3, seed: 0 });
    model.initialise(m);
    const conf = m.mapValues((w) => model.confidenceOf(w));
    const confT = conf.transpose();
    model.iterate(conf, confT);
    const t0 = performance.now();
    for (let it = 0; it < iterations; it++) model.iterate(conf, confT);
    const perIter = (performance.now() - t0) / 1000 / iterations;
    model.finish();
    print(`ials train   factors=${factors}  ${perIter.toFixed(3)} s/iteration (3 CG steps; mean of ${iterations})`);
    if (factors === 64) {
      for (let it = 0; it < 10; it++) model.iterate(conf, confT);
      model.finish();
      model64 = model;
    }
    print(`ials memory  factors=${factors}  ${mib(snapshotBytes(model))} in memory (factors + interactions), file ${mib(encodeModelFile(model.toSnapshot()).bytes.length)}`);
  }

  const rp3 = new Rp3betaRecommender({ alpha: 0.75, beta: 0.25, neighbours: 400, weighting: 'log' });
  const t0 = performance.now();
  rp3.fit(m);
  print(`rp3beta fit  ${((performance.now() - t0) / 1000).toFixed(2)} s, ${mib(snapshotBytes(rp3))} in memory (neighbour table + interactions)`);

  for (const [name, model] of [
    ['ials-64 fold-in + top-20', model64!],
    ['rp3beta seeds + top-20  ', rp3],
  ] as const) {
    const lat = latencies(model, m, requests, seedCount);
    print(`${name}  p50 ${lat.p50.toFixed(3)} ms  p99 ${lat.p99.toFixed(3)} ms  (${requests} requests of ${seedCount} seeds, all ${m.cols} items scored)`);
  }
}

function snapshotBytes(model: ScoringRecommender): number {
  return Object.values(model.toSnapshot().arrays).reduce((s, a) => s + a.byteLength, 0);
}

function mib(bytes: number): string {
  return `${(bytes / 1048576).toFixed(1)} MiB`;
}

/** Times recommendFromSeeds (fold-in, scoring every item, top-20) for random seed sets of trained items. */
function latencies(model: ScoringRecommender, m: CsrMatrix, requests: number, seeds: number): { p50: number; p99: number } {
  const rng = new SeededRandom(42);
  const trained: number[] = [];
  for (let i = 0; i < m.cols; i++) if (model.itemPopularity[i]! > 0) trained.push(i);
  const pick = () => Array.from({ length: seeds }, () => trained[Math.floor(rng.next() * trained.length)]!);
  for (let w = 0; w < 200; w++) model.recommendFromSeeds(pick(), 20);
  const times = new Float64Array(requests);
  for (let r = 0; r < requests; r++) {
    const s = pick();
    const t = process.hrtime.bigint();
    model.recommendFromSeeds(s, 20);
    times[r] = Number(process.hrtime.bigint() - t) / 1e6;
  }
  times.sort();
  return { p50: times[Math.floor(requests * 0.5)]!, p99: times[Math.min(requests - 1, Math.floor(requests * 0.99))]! };
}
