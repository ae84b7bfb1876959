/** Model cards: a Markdown page per classifier saying what it was trained on, how it was split and how it measured. */
import type { ClassificationReport } from './classification-metrics.ts';
import type { ClassifierTaskResult } from './train-task.ts';

/** What a card says beyond the training result. */
interface ModelCardInfo {
  readonly title: string;
  readonly version: string;
  /** ISO date of training. */
  readonly date: string;
  /** Where the rows and labels came from, and how a row's label was chosen. */
  readonly data: readonly string[];
  /** Extra sections (e.g. an evaluation on outside data), each a heading and its Markdown lines. */
  readonly sections?: readonly { readonly heading: string; readonly lines: readonly string[] }[];
  readonly hyperparameters: Readonly<Record<string, string | number>>;
  /** Largest |TypeScript - onnxruntime| probability difference on the test batch. */
  readonly onnxMaxAbsDiff: number;
  readonly onnxFile: string;
  readonly notes?: readonly string[];
}

/** Renders the card. */
export function renderModelCard(info: ModelCardInfo, r: ClassifierTaskResult): string {
  const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
  const lines: string[] = [
    `# ${info.title}`,
    '',
    `- Version: \`${info.version}\``,
    `- Trained: ${info.date}`,
    `- File: \`${info.onnxFile}\` (ONNX, opset 17; input \`features\` float32 [batch, ${r.featureNames.length}], output \`probabilities\` float32 [batch, ${r.model.classCount}])`,
    `- Architecture: standardise -> ${r.model.data.layers.map((l) => `dense ${l.outSize}`).join(' -> ReLU -> ')} -> softmax`,
    `- TypeScript forward pass vs onnxruntime on the ${r.split.test} test rows: max |difference| ${info.onnxMaxAbsDiff.toExponential(2)}`,
    '',
    '## Data',
    ...info.data.map((d) => `- ${d}`),
    '',
    '## Input features',
    r.featureNames.map((f) => `\`${f}\``).join(', '),
    '',
    '## Split',
    `Rows are assigned by FNV-1a of (salt \`${r.split.salt}\` + the track's entity key) mod 100: buckets below ${r.split.testPercent} are test, the next ${r.split.validationPercent} validation (best epoch by class-weighted cross-entropy), the rest training.`,
    '',
    `| train | validation | test |`,
    `|---:|---:|---:|`,
    `| ${r.split.train} | ${r.split.validation} | ${r.split.test} |`,
    '',
    '## Label counts (all rows)',
    `| class | rows |`,
    `|---|---:|`,
    ...Object.entries(r.labelCounts).map(([k, v]) => `| ${k} | ${v} |`),
    '',
    '## Held-out test metrics',
    `- Macro-F1: **${r.test.macroF1.toFixed(4)}**`,
    `- Accuracy: ${pct(r.test.accuracy)}`,
  ];
  lines.push('', '### Beside the baselines (same test rows)', '', '| predictor | accuracy | macro-F1 |', '|---|---:|---:|');
  lines.push(`| this model | ${pct(r.test.accuracy)} | ${r.test.macroF1.toFixed(4)} |`);
  lines.push(`| majority class (always "${r.baselines.majorityClass}") | ${pct(r.baselines.majority.accuracy)} | ${r.baselines.majority.macroF1.toFixed(4)} |`);
  if (r.baselines.rule !== undefined) lines.push(`| rule: ${r.baselines.rule.name} | ${pct(r.baselines.rule.report.accuracy)} | ${r.baselines.rule.report.macroF1.toFixed(4)} |`);
  lines.push('');
  if (r.testAnyOfAccuracy !== undefined) lines.push(`- Accuracy counting any of the track's labels as right: ${pct(r.testAnyOfAccuracy)}`);
  if (r.testBySeenArtist !== undefined) {
    const s = r.testBySeenArtist;
    lines.push(
      `- Test tracks whose artist has other labelled training tracks: ${s.seen.rows}, macro-F1 ${s.seen.macroF1.toFixed(4)}, accuracy ${pct(s.seen.accuracy)}`,
      `- Test tracks by artists with no labelled training track: ${s.unseen.rows}, macro-F1 ${s.unseen.macroF1.toFixed(4)}, accuracy ${pct(s.unseen.accuracy)}`,
    );
  }
  lines.push('', perClassTable(r.test), '', '## Confusion matrix (rows: true class, columns: predicted)', '', confusionTable(r.test));
  for (const s of info.sections ?? []) lines.push('', `## ${s.heading}`, ...s.lines);
  lines.push('', '## Hyperparameters', ...Object.entries(info.hyperparameters).map(([k, v]) => `- ${k}: ${v}`));
  if (info.notes !== undefined && info.notes.length > 0) lines.push('', '## Notes', ...info.notes.map((n) => `- ${n}`));
  return lines.join('\n') + '\n';
}

function perClassTable(r: ClassificationReport): string {
  return [
    '| class | precision | recall | F1 | support |',
    '|---|---:|---:|---:|---:|',
    ...r.perClass.map((m) => `| ${m.label} | ${m.precision.toFixed(3)} | ${m.recall.toFixed(3)} | ${m.f1.toFixed(3)} | ${m.support} |`),
  ].join('\n');
}

/** The confusion matrix as a Markdown table. */
function confusionTable(r: ClassificationReport): string {
  return [
    `| true \\ predicted | ${r.labels.join(' | ')} |`,
    `|---|${r.labels.map(() => '---:').join('|')}|`,
    ...r.confusion.map((row, i) => `| ${r.labels[i]} | ${row.join(' | ')} |`),
  ].join('\n');
}
