/**
 * The preference part of `npm run bench`: the simulated listener's held-out AUC after 10/20/50/100 votes with the
 * default random share versus adaptive-only (and random-only) pair selection, as a table and a text figure, plus
 * the latency of an online Bradley–Terry update, of choosing the next pair, and of a full refit.
 */
import type { Config } from '../config/config.ts';
import { BradleyTerryPosterior } from '../recsys/preference/bradley-terry.ts';
import { coverageChoice, fitFromLabels, type PairAnswer } from '../recsys/preference/label-evidence.ts';
import { DEFAULT_RANDOM_SHARE, SeenPairs, selectPair } from '../recsys/preference/pair-selection.ts';
import { PreferenceFeatures } from '../recsys/preference/preference-features.ts';
import { simulatePreferenceLearning, type SimulationConfig, type SimulationResult } from '../recsys/preference/preference-simulation.ts';
import { SeededRandom } from '../recsys/rng.ts';

/** Bench options; every field has a default. */
export interface PreferenceBenchOptions {
  /** Simulation settings (defaults of simulatePreferenceLearning, 60 listeners per seed). */
  readonly simulation?: SimulationConfig;
  /** Simulation seeds whose listeners are pooled [1, 2, 3]. */
  readonly seeds?: readonly number[];
  /** Feature dimensions timed for the update latency [36, 128]. */
  readonly dims?: readonly number[];
  /** Updates timed per dimension [2000]. */
  readonly updates?: number;
  /** Where lines go (default console.log). */
  readonly print?: (line: string) => void;
}

/** Runs the preference simulation and latency benchmarks and prints their figures. */
export async function runPreferenceBench(_config: Config, opts: PreferenceBenchOptions = {}): Promise<void> {
  const print = opts.print ?? ((line: string) => console.log(line));
  const sim: SimulationConfig = { listeners: 60, ...opts.simulation };
  const policies: { name: string; share: number }[] = [
    { name: `adaptive + ${Math.round(DEFAULT_RANDOM_SHARE * 100)}% random`, share: DEFAULT_RANDOM_SHARE },
    { name: 'adaptive only', share: 0 },
    { name: 'random only', share: 1 },
  ];
  const seeds = opts.seeds ?? [1, 2, 3];
  print(`preference bench: ${sim.listeners} simulated listeners × seeds ${seeds.join(', ')} per policy; held-out AUC of the learned utility`);
  const results: { name: string; r: SimulationResult }[] = [];
  for (const p of policies) {
    const t0 = performance.now();
    const r = pooled(seeds.map((seed) => simulatePreferenceLearning({ ...sim, seed, randomShare: p.share })));
    results.push({ name: p.name, r });
    print(`  simulated ${p.name} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  const votes = results[0]!.r.votes;
  const col = (s: string, w: number) => s.padStart(w);
  print('');
  print(`${'policy'.padEnd(38)}${votes.map((v) => col(`${v} votes`, 11)).join('')}`);
  for (const { name, r } of results) print(`${('AUC ' + name).padEnd(38)}${r.auc.map((a, k) => col(`${a.toFixed(3)}±${r.aucSd[k]!.toFixed(2)}`, 11)).join('')}`);
  for (const { name, r } of results) print(`${('lower-half AUC ' + name).padEnd(38)}${r.lowerAuc.map((a) => col(a.toFixed(3), 11)).join('')}`);
  for (const { name, r } of results) print(`${('cos(w,w*) ' + name).padEnd(38)}${r.cosine.map((a) => col(a.toFixed(3), 11)).join('')}`);
  for (const { name, r } of results) print(`${('slope ' + name).padEnd(38)}${r.slope.map((a) => col(a.toFixed(3), 11)).join('')}`);
  print('');
  print(figure(results, votes));
  print('');
  for (const d of opts.dims ?? [36, 128]) print(latencyLine(d, opts.updates ?? 2000));
}

/** Averages per-seed results (equal listener counts, so a plain mean; the sd is the mean of the per-seed sds). */
function pooled(runs: readonly SimulationResult[]): SimulationResult {
  const avg = (pick: (r: SimulationResult) => readonly number[]): number[] => pick(runs[0]!).map((_, k) => runs.reduce((s, r) => s + pick(r)[k]!, 0) / runs.length);
  return {
    votes: runs[0]!.votes,
    auc: avg((r) => r.auc),
    aucSd: avg((r) => r.aucSd),
    lowerAuc: avg((r) => r.lowerAuc),
    slope: avg((r) => r.slope),
    cosine: avg((r) => r.cosine),
    randomPairs: runs.reduce((s, r) => s + r.randomPairs, 0) / runs.length,
  };
}

/** A text figure of AUC against votes: one column per checkpoint, one mark per policy side by side. */
function figure(results: readonly { name: string; r: SimulationResult }[], votes: readonly number[]): string {
  const marks = ['*', 'o', '.'];
  const lo = 0.6;
  const step = 0.025;
  const rows = Math.round((1 - lo) / step) + 1;
  const lines: string[] = ['held-out AUC vs votes (the 0.80 target is the dashed row)'];
  for (let row = rows - 1; row >= 0; row--) {
    const level = lo + step * row;
    const target = Math.abs(level - 0.8) < 1e-9;
    let line = `${level.toFixed(3)} |`;
    for (let k = 0; k < votes.length; k++) {
      const cell = results.map((res, p) => (Math.abs(res.r.auc[k]! - level) <= step / 2 ? (marks[p] ?? '+') : target ? '-' : ' '));
      line += `${target ? '---' : '   '}${cell.join('')}${target ? '--' : '  '}`;
    }
    lines.push(line);
  }
  lines.push(`      +${'-'.repeat(8 * votes.length)}`);
  lines.push(`       ${votes.map((v) => String(v).padStart(5).padEnd(8)).join('')} votes`);
  lines.push(`       ${results.map((r, p) => `${marks[p] ?? '+'} ${r.name}`).join('   ')}`);
  return lines.join('\n');
}

/** Times online updates, pair choice and a full refit at feature dimension d. */
function latencyLine(d: number, updates: number): string {
  const rng = new SeededRandom(d);
  const n = 500;
  const ids = Int32Array.from({ length: n }, (_, i) => i);
  const features = PreferenceFeatures.fromMatrix(ids, d, Float32Array.from({ length: n * d }, () => rng.normal() / Math.sqrt(d)));
  const truth = Float64Array.from({ length: d }, () => rng.normal() * 2);
  const post = BradleyTerryPosterior.prior(new Float64Array(d));
  const times: number[] = [];
  const history: { winner: Float32Array; loser: Float32Array }[] = [];
  for (let k = 0; k < updates; k++) {
    const a = Math.floor(rng.next() * n);
    const b = (a + 1 + Math.floor(rng.next() * (n - 1))) % n;
    let u = 0;
    for (let j = 0; j < d; j++) u += truth[j]! * (features.row(a)[j]! - features.row(b)[j]!);
    const aWins = rng.next() < 1 / (1 + Math.exp(-u));
    const winner = features.row(aWins ? a : b);
    const loser = features.row(aWins ? b : a);
    if (history.length < 100) history.push({ winner, loser });
    const t0 = performance.now();
    post.update(winner, loser);
    times.push(performance.now() - t0);
  }
  times.sort((x, y) => x - y);
  const pick = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
  const seen = new SeenPairs();
  const selTimes: number[] = [];
  for (let k = 0; k < 50; k++) {
    const t0 = performance.now();
    const p = selectPair({ posterior: post, features, plausible: Array.from(ids.subarray(0, 200)), eligible: Array.from(ids), seen, rng });
    selTimes.push(performance.now() - t0);
    seen.add(p.a, p.b);
  }
  selTimes.sort((x, y) => x - y);
  const t0 = performance.now();
  BradleyTerryPosterior.fit(new Float64Array(d), history);
  const refit = performance.now() - t0;
  // As served: the label-evidence refit on a person's answers after each vote, and the coverage policy's next pair.
  const answers: PairAnswer[] = [];
  const served: string[] = [];
  const coverTimes: number[] = [];
  for (const size of [10, 100, 1000]) {
    while (answers.length < size) {
      const a = Math.floor(rng.next() * n);
      const b = (a + 1 + Math.floor(rng.next() * (n - 1))) % n;
      const r = rng.next();
      answers.push({ a, b, choice: r < 0.35 ? 'a' : r < 0.7 ? 'b' : r < 0.85 ? 'both' : 'neither' });
    }
    const t1 = performance.now();
    const fitted = fitFromLabels(new Float64Array(d), features, answers, 1);
    served.push(`${size} ${(performance.now() - t1).toFixed(1)} ms`);
    const t2 = performance.now();
    coverageChoice({ posterior: fitted, features, pool: Array.from(ids.subarray(0, 30)), eligible: Array.from(ids.subarray(0, 200)), answers, seen: new SeenPairs(), rng });
    coverTimes.push(performance.now() - t2);
  }
  return (
    `d=${d}: online update p50 ${(pick(0.5) * 1000).toFixed(1)} µs, p99 ${(pick(0.99) * 1000).toFixed(1)} µs, max ${times[times.length - 1]!.toFixed(3)} ms (budget 10 ms); ` +
    `next pair (pool 30) p50 ${selTimes[25]!.toFixed(2)} ms; full refit on 100 votes ${refit.toFixed(1)} ms; ` +
    `served label-evidence refit after a vote, by answers: ${served.join(', ')}; served next pair (coverage, pool 30) ${coverTimes.map((t) => t.toFixed(1)).join(' / ')} ms`
  );
}
