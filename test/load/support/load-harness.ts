/**
 * The load harness: many concurrent conversations of many turns against each target (MCP over HTTP today; the Slack
 * events endpoint and others plug in as more `LoadTarget`s), counting errors and timing every turn.
 */

/** One conversation with a target: turns run one after another. */
export interface LoadConversation {
  /** Runs turn `index` (0-based); throws (or rejects) when the turn failed. */
  turn(index: number): Promise<void>;
  close(): Promise<void>;
}

/** Something conversations can be opened against. */
export interface LoadTarget {
  readonly name: string;
  open(conversation: number): Promise<LoadConversation>;
}

/** What one target's run measured. */
export interface LoadFigures {
  readonly target: string;
  readonly conversations: number;
  readonly turns: number;
  readonly errors: number;
  /** Up to five error messages, for the report. */
  readonly errorSamples: readonly string[];
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly seconds: number;
  readonly turnsPerSecond: number;
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** Runs `conversations` concurrent conversations of `turns` turns against each target in turn. */
export async function runLoad(targets: readonly LoadTarget[], options: { conversations: number; turns: number }): Promise<LoadFigures[]> {
  const figures: LoadFigures[] = [];
  for (const target of targets) {
    const latencies: number[] = [];
    const errors: string[] = [];
    const started = performance.now();
    await Promise.all(
      Array.from({ length: options.conversations }, async (_, c) => {
        let conversation: LoadConversation;
        try {
          conversation = await target.open(c);
        } catch (err) {
          errors.push(`conversation ${c} did not open: ${err instanceof Error ? err.message : String(err)}`);
          return;
        }
        try {
          for (let t = 0; t < options.turns; t++) {
            const t0 = performance.now();
            try {
              await conversation.turn(t);
            } catch (err) {
              errors.push(`conversation ${c} turn ${t}: ${err instanceof Error ? err.message : String(err)}`);
            }
            latencies.push(performance.now() - t0);
          }
        } finally {
          await conversation.close();
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    figures.push({
      target: target.name,
      conversations: options.conversations,
      turns: latencies.length,
      errors: errors.length,
      errorSamples: errors.slice(0, 5),
      p50Ms: percentile(latencies, 50),
      p90Ms: percentile(latencies, 90),
      p99Ms: percentile(latencies, 99),
      maxMs: latencies[latencies.length - 1] ?? Number.NaN,
      seconds,
      turnsPerSecond: latencies.length / seconds,
    });
  }
  return figures;
}

/** One line per target, for the CI log. */
export function formatFigures(figures: readonly LoadFigures[]): string {
  return figures
    .map(
      (f) =>
        `${f.target}: ${f.conversations} conversations × ${f.turns / f.conversations} turns = ${f.turns} turns in ${f.seconds.toFixed(1)} s ` +
        `(${f.turnsPerSecond.toFixed(0)} turns/s), errors ${f.errors}, latency p50 ${f.p50Ms.toFixed(1)} ms, p90 ${f.p90Ms.toFixed(1)} ms, ` +
        `p99 ${f.p99Ms.toFixed(1)} ms, max ${f.maxMs.toFixed(1)} ms`,
    )
    .join('\n');
}
