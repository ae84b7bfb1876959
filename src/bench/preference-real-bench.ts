/**
 * `earworm bench --only preference-real`: the real-listener preference benchmark, the yardstick of the A/B taste
 * model. People from Last.fm HetRec, TidyTuesday and Yes.com answer pairs (taste-panels.ts, listener-panel.ts); per
 * dataset it prints the held-out AUC after 10/20/50/100 decided answers, the share of informative pairs and the
 * questions asked, for the product's pair policy and for random pairs, the paired difference with its standard
 * error, the full-information model's AUC and, for the label learner, its AUC when told every training label (how far
 * random pairs are from what any policy could reach), as means ± standard errors over the panel people. Each person
 * answers each policy's pairs 4 times from independent seeds and counts once, with the means of those runs, so the
 * standard errors carry less of the luck of one run's pairs and answer noise.
 */
import type { Config } from '../config/config.ts';
import type { DatasetName } from '../eval/load-dataset.ts';
import { runListenerPanel, type MeanSe, type PanelConfig, type PanelResult } from '../recsys/preference/listener-panel.ts';
import { tasteCovariance } from '../recsys/preference/population-prior.ts';
import { buildTastePanels } from './taste-panels.ts';

/** Bench options; every field has a default. */
export interface RealPreferenceBenchOptions {
  readonly datasets?: readonly DatasetName[];
  /** Panel people per dataset, at most [1000] (TidyTuesday has 438 who chose enough tracks). */
  readonly people?: number;
  readonly panel?: PanelConfig;
  /** Share of the population taste shape in the prior covariance (population-prior.ts); 0 is the isotropic prior [0.8]. */
  readonly priorShape?: number;
  readonly print?: (line: string) => void;
}

/** Runs the panels and prints their figures; returns the pooled results per dataset. */
export async function runRealPreferenceBench(config: Config, opts: RealPreferenceBenchOptions = {}): Promise<Map<string, PanelResult>> {
  const print = opts.print ?? ((line: string) => console.log(line));
  const datasets = opts.datasets ?? (['lastfm', 'tidy', 'yes'] as const);
  const results = new Map<string, PanelResult>();
  // The product's learner and pair policy (label-evidence.ts), every answer counted as a vote, as served.
  // Each person answers each policy's pairs 4 times (independent seeds); their figures are the means of the 4 runs.
  const panelConfig: PanelConfig = { noise: 0.1, learner: 'labels', pairPolicy: 'coverage', count: 'answers', replicates: 4, ...opts.panel };
  const shape = opts.priorShape ?? 0.8;
  print(
    `real-listener preference panel: answer noise ${panelConfig.noise}, 30 % of each person's items held out, prior covariance ${shape === 0 ? 'isotropic' : `${shape} × other people's taste shape`}; learner ${panelConfig.learner ?? 'online'}, product pair policy ${panelConfig.pairPolicy ?? 'informative'}, checkpoints count ${panelConfig.count === 'answers' ? 'every answer' : 'decided answers'}; each person answers each policy's pairs ${panelConfig.replicates ?? 1} time(s) from independent seeds; means over those runs per person, then means ± standard errors over people`,
  );
  for (const dataset of datasets) {
    const t0 = performance.now();
    const panels = await buildTastePanels(dataset, { dataDir: config.dataDir, people: opts.people ?? 1000 });
    const runs = panels.map((p, f) =>
      runListenerPanel(p.features, p.population, p.people, {
        seed: 11 + f,
        ...panelConfig,
        ...(shape > 0 ? { priorCovariance: tasteCovariance(p.directions, p.features.dim, { shape, variance: panelConfig.priorVariance ?? 1 }) } : {}),
      }),
    );
    const r = pool(runs);
    results.set(dataset, r);
    print('');
    print(`${dataset}: ${r.people} people in ${panels.length} fold(s), features ${panels[0]!.blocks.join(' + ')} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
    print(table(r));
  }
  return results;
}

function fmt(x: MeanSe, digits = 3): string {
  return `${x.mean.toFixed(digits)}±${x.se.toFixed(digits)}`;
}

/** The figures of one dataset as text. */
export function table(r: PanelResult): string {
  const w = 16;
  const head = `${''.padEnd(34)}${r.checkpoints.map((c) => `${c} votes`.padStart(w)).join('')}`;
  const row = (name: string, xs: readonly MeanSe[], digits = 3) => `${name.padEnd(34)}${xs.map((x) => fmt(x, digits).padStart(w)).join('')}`;
  const lines = [
    head,
    row('AUC product policy', r.product.auc),
    row('AUC random pairs', r.random.auc),
    row('AUC difference (paired)', r.difference),
    `${'difference / SE'.padEnd(34)}${r.difference.map((d) => (d.mean / d.se).toFixed(1).padStart(w)).join('')}`,
    ...(r.roomOverRandom === undefined ? [] : [row('every label known − random pairs', r.roomOverRandom, 4)]),
    row('informative share product', r.product.informative, 2),
    row('informative share random', r.random.informative, 2),
    row('questions asked product', r.product.questions, 1),
    row('questions asked random', r.random.questions, 1),
    `${'product / full-information AUC'.padEnd(34)}${r.product.auc.map((a) => (a.mean / r.fullInformation.mean).toFixed(3).padStart(w)).join('')}`,
    `prior only (0 votes) ${fmt(r.priorAuc)}; full-information model ${fmt(r.fullInformation)}${r.everyLabel === undefined ? '' : `; the learner told every training label ${fmt(r.everyLabel)}`}; runs that ran out of pairs ${r.exhausted}`,
  ];
  return lines.join('\n');
}

/** Pools folds by weighting each fold's means by its people (standard errors combined as independent). */
function pool(runs: readonly PanelResult[]): PanelResult {
  if (runs.length === 1) return runs[0]!;
  const n = runs.reduce((s, r) => s + r.people, 0);
  const combine = (pick: (r: PanelResult) => MeanSe): MeanSe => {
    const mean = runs.reduce((s, r) => s + pick(r).mean * r.people, 0) / n;
    const se = Math.sqrt(runs.reduce((s, r) => s + (pick(r).se * r.people) ** 2, 0)) / n;
    return { mean, se, n };
  };
  const fig = (p: 'product' | 'random') => ({
    auc: runs[0]!.checkpoints.map((_, k) => combine((r) => r[p].auc[k]!)),
    informative: runs[0]!.checkpoints.map((_, k) => combine((r) => r[p].informative[k]!)),
    questions: runs[0]!.checkpoints.map((_, k) => combine((r) => r[p].questions[k]!)),
  });
  return {
    people: n,
    checkpoints: runs[0]!.checkpoints,
    priorAuc: combine((r) => r.priorAuc),
    product: fig('product'),
    random: fig('random'),
    difference: runs[0]!.checkpoints.map((_, k) => combine((r) => r.difference[k]!)),
    fullInformation: combine((r) => r.fullInformation),
    ...(runs[0]!.everyLabel === undefined
      ? {}
      : { everyLabel: combine((r) => r.everyLabel!), roomOverRandom: runs[0]!.checkpoints.map((_, k) => combine((r) => r.roomOverRandom![k]!)) }),
    exhausted: runs.reduce((s, r) => s + r.exhausted, 0),
  };
}
