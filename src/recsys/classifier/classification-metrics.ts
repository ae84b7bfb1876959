/** Classification metrics for model cards: confusion matrix, per-class precision/recall/F1, macro-F1, accuracy. */

/** Precision, recall, F1 and support of one class. */
interface ClassMetrics {
  readonly label: string;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  readonly support: number;
}

/** All metrics of one evaluation. `confusion[actual][predicted]` counts rows. */
export interface ClassificationReport {
  readonly rows: number;
  readonly accuracy: number;
  readonly macroF1: number;
  readonly perClass: readonly ClassMetrics[];
  readonly confusion: readonly (readonly number[])[];
  readonly labels: readonly string[];
}

/** Scores predictions against true labels (both class indices into `labels`). */
export function classificationReport(actual: Int32Array, predicted: Int32Array, labels: readonly string[]): ClassificationReport {
  const c = labels.length;
  const confusion = Array.from({ length: c }, () => new Array<number>(c).fill(0));
  let correct = 0;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!;
    const p = predicted[i]!;
    confusion[a]![p]!++;
    if (a === p) correct++;
  }
  const perClass: ClassMetrics[] = labels.map((label, k) => {
    const tp = confusion[k]![k]!;
    let support = 0;
    let predictedK = 0;
    for (let j = 0; j < c; j++) {
      support += confusion[k]![j]!;
      predictedK += confusion[j]![k]!;
    }
    const precision = predictedK > 0 ? tp / predictedK : 0;
    const recall = support > 0 ? tp / support : 0;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    return { label, precision, recall, f1, support };
  });
  const present = perClass.filter((m) => m.support > 0);
  const macroF1 = present.length > 0 ? present.reduce((s, m) => s + m.f1, 0) / present.length : 0;
  return { rows: actual.length, accuracy: actual.length > 0 ? correct / actual.length : 0, macroF1, perClass, confusion, labels: [...labels] };
}

/** Share of rows whose predicted class is any of the row's acceptable classes (for multi-label ground truth). */
export function anyOfAccuracy(predicted: Int32Array, acceptable: readonly (readonly number[])[]): number {
  let hit = 0;
  for (let i = 0; i < predicted.length; i++) if (acceptable[i]?.includes(predicted[i]!) === true) hit++;
  return predicted.length > 0 ? hit / predicted.length : 0;
}
