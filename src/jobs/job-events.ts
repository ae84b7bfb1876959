/**
 * Job lifecycle events, emitted where a job runs (the worker, or the in-process queue): for logs and for metrics
 * (Prometheus histograms of duration by queue and name). Listeners must not throw.
 */
import { EventEmitter } from 'node:events';
import type { JobName, QueueName } from './job-types.ts';

/** Fields every event carries. */
interface JobEventBase {
  readonly queue: QueueName;
  readonly name: JobName;
  readonly key: string;
  readonly runId: number;
  readonly attempt: number;
}

/** Payload of each event. */
export interface JobEventMap {
  started: JobEventBase;
  progress: JobEventBase & { readonly progress: number };
  completed: JobEventBase & { readonly durationMs: number; readonly result: unknown };
  /** `willRetry`: another attempt is scheduled (with exponential backoff); false when the job has failed for good. */
  failed: JobEventBase & { readonly durationMs: number; readonly error: Error; readonly willRetry: boolean };
}

type JobEventName = keyof JobEventMap;

/** A typed event emitter of job lifecycle events. */
export class JobEvents {
  readonly #emitter = new EventEmitter();

  on<E extends JobEventName>(event: E, listener: (payload: JobEventMap[E]) => void): this {
    this.#emitter.on(event, listener);
    return this;
  }

  off<E extends JobEventName>(event: E, listener: (payload: JobEventMap[E]) => void): this {
    this.#emitter.off(event, listener);
    return this;
  }

  /** Emits to every listener; a listener that throws is ignored so that a metrics bug never fails a job. */
  emit<E extends JobEventName>(event: E, payload: JobEventMap[E]): void {
    for (const listener of this.#emitter.listeners(event)) {
      try {
        (listener as (p: JobEventMap[E]) => void)(payload);
      } catch {
        // Observers never change a job's outcome.
      }
    }
  }
}
