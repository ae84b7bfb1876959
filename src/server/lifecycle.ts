/**
 * Graceful shutdown of a running Earworm process. Parts register what to do at shutdown (`onShutdown`) in one of
 * three phases, run in order: `intake` stops new work arriving (HTTP drain, the Discord gateway, Slack Socket Mode,
 * job workers finishing their running job); `work` closes what serves ongoing work (MCP sessions, queues,
 * schedulers, watchers); `storage` closes connections (Redis, the database) last. Steps of a phase run together,
 * each bounded by a timeout, and a failing step is logged without stopping the others.
 */
import type { Logger } from '../logging/logger.ts';

/** When a shutdown step runs: see the file comment. */
export type ShutdownPhase = 'intake' | 'work' | 'storage';

const PHASES: readonly ShutdownPhase[] = ['intake', 'work', 'storage'];

/** What one step did. */
interface ShutdownStep {
  readonly name: string;
  readonly phase: ShutdownPhase;
  readonly ms: number;
  readonly outcome: 'done' | 'failed' | 'timed-out';
}

/** What a shutdown did, step by step. */
export interface ShutdownReport {
  readonly reason: string;
  readonly steps: readonly ShutdownStep[];
}

/** Options; defaults in brackets. */
interface LifecycleOptions {
  readonly logger: Logger;
  /** Longest a single step may take before shutdown moves on [15,000 ms]. */
  readonly stepTimeoutMs?: number;
}

/** A process-like object that delivers signals (`process` in production). */
export interface SignalSource {
  once(signal: 'SIGINT' | 'SIGTERM', listener: () => void): unknown;
  off(signal: 'SIGINT' | 'SIGTERM', listener: () => void): unknown;
}

/** The shutdown registry of one process. */
export class Lifecycle {
  private readonly steps: { name: string; phase: ShutdownPhase; run: () => Promise<void> | void; timeoutMs?: number }[] = [];
  private readonly controller = new AbortController();
  private running: Promise<ShutdownReport> | undefined;

  constructor(private readonly options: LifecycleOptions) {}

  /** Aborted when shutdown begins (long loops and waits listen to it). */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Whether shutdown has begun. */
  get stopping(): boolean {
    return this.running !== undefined;
  }

  /**
   * Registers a step; registering after shutdown began runs nothing (the caller is told by the return value).
   * `timeoutMs` overrides the step timeout (Infinity: wait as long as it takes, as a job worker finishing its job).
   */
  onShutdown(name: string, run: () => Promise<void> | void, phase: ShutdownPhase = 'work', options: { readonly timeoutMs?: number } = {}): boolean {
    if (this.running !== undefined) return false;
    this.steps.push({ name, phase, run, ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}) });
    return true;
  }

  /** Resolves when shutdown begins (for a process that serves until told to stop). */
  stopRequested(): Promise<void> {
    if (this.signal.aborted) return Promise.resolve();
    return new Promise((resolve) => this.signal.addEventListener('abort', () => resolve(), { once: true }));
  }

  /** Runs every step once, phase by phase; later calls return the same report. */
  shutdown(reason: string): Promise<ShutdownReport> {
    this.running ??= this.run(reason);
    return this.running;
  }

  /**
   * SIGINT and SIGTERM start the shutdown; a second signal while it runs calls `force` (default: exit with 130).
   * Returns a function that removes the handlers.
   */
  trapSignals(source: SignalSource = process, force: () => void = () => process.exit(130)): () => void {
    const handlers = new Map<'SIGINT' | 'SIGTERM', () => void>();
    const arm = (signal: 'SIGINT' | 'SIGTERM') => {
      const handler = () => {
        if (this.stopping) {
          this.options.logger.warn({ signal }, 'second signal during shutdown: stopping at once');
          force();
          return;
        }
        this.options.logger.info({ signal }, 'shutting down');
        void this.shutdown(signal);
        arm(signal);
      };
      handlers.set(signal, handler);
      source.once(signal, handler);
    };
    arm('SIGINT');
    arm('SIGTERM');
    return () => {
      for (const [signal, handler] of handlers) source.off(signal, handler);
    };
  }

  private async run(reason: string): Promise<ShutdownReport> {
    this.controller.abort(new Error(`shutting down: ${reason}`));
    const timeoutMs = this.options.stepTimeoutMs ?? 15_000;
    const report: ShutdownStep[] = [];
    for (const phase of PHASES) {
      const inPhase = this.steps.filter((s) => s.phase === phase).reverse();
      const results = await Promise.all(inPhase.map((s) => this.runStep(s.name, phase, s.run, s.timeoutMs ?? timeoutMs)));
      report.push(...results);
    }
    this.options.logger.info({ reason, steps: report }, 'shutdown complete');
    return { reason, steps: report };
  }

  private async runStep(name: string, phase: ShutdownPhase, run: () => Promise<void> | void, timeoutMs: number): Promise<ShutdownStep> {
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timed-out'>((resolve) => {
      if (Number.isFinite(timeoutMs)) timer = setTimeout(() => resolve('timed-out'), timeoutMs);
    });
    const step = Promise.resolve()
      .then(run)
      .then(
        () => 'done' as const,
        (err: unknown) => {
          this.options.logger.error({ err, step: name }, 'shutdown step failed');
          return 'failed' as const;
        },
      );
    const outcome = await Promise.race([step, timedOut]);
    clearTimeout(timer);
    if (outcome === 'timed-out') this.options.logger.warn({ step: name, timeoutMs }, 'shutdown step timed out; moving on');
    return { name, phase, ms: Math.round(performance.now() - started), outcome };
  }
}
