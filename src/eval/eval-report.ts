/** Formats evaluation results: one JSON line per result, and a table. */
import type { EvalResult } from './eval-runner.ts';

/** The JSON line printed for one result. */
export function resultJson(r: EvalResult): string {
  return JSON.stringify({
    dataset: r.dataset,
    task: r.task,
    model: r.model,
    seed: r.seed,
    users: r.users,
    'recall@20': round(r.recall),
    'ndcg@20': round(r.ndcg),
    'hr@10': round(r.hr10),
    'coverage@20': round(r.coverage),
    validation_ndcg20: round(r.validationNdcg),
    params: r.params,
    tuned_from_cache: r.tunedFromCache,
    seconds: Number(r.seconds.toFixed(2)),
  });
}

/** A fixed-width table of all results. */
export function resultTable(results: readonly EvalResult[]): string {
  const header = ['dataset', 'task', 'model', 'users', 'recall@20', 'ndcg@20', 'hr@10', 'cov@20', 'val ndcg', 'chosen'];
  const rows = results.map((r) => [
    r.dataset,
    r.task,
    r.model,
    String(r.users),
    r.recall.toFixed(4),
    r.ndcg.toFixed(4),
    r.hr10.toFixed(4),
    r.coverage.toFixed(4),
    r.validationNdcg.toFixed(4),
    Object.entries(r.params)
      .filter(([k]) => !k.startsWith('p.') && k !== 'learned')
      .map(([k, v]) => `${k}=${v}`)
      .join(' '),
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c]!.length)));
  const line = (cells: string[]) => cells.map((cell, c) => (c === cells.length - 1 ? cell : cell.padEnd(widths[c]!))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

function round(x: number): number {
  return Number(x.toFixed(6));
}
