/**
 * What people ask `recommend` for, kept so that drift monitoring can compare the genres and moods people request
 * with the training snapshot (src/pipeline/drift-check.ts). Only labels and the activity are kept, never the text.
 */

/** What one recommend call asked for. */
export interface RecommendRequest {
  /** The platform the call came from (`ToolContext.platform`). */
  readonly platform: string;
  /** Lower-case genre names named in the seeds, the constraints or the free text. */
  readonly genres: readonly string[];
  /** Lower-case mood names named in the seeds, the constraints or the free text. */
  readonly moods: readonly string[];
  /** The activity the person named (focus, workout, …), lower case. */
  readonly activity?: string;
}

/**
 * Records recommend requests. Recording is off the answer path: `record` buffers and returns at once (a cached answer
 * takes microseconds, an insert a millisecond or more), and the buffer is written in batches; a failed write is
 * logged, never the caller's problem.
 */
export interface RequestLog {
  /** Buffers one answered request of the person. */
  record(personId: number, request: RecommendRequest): void;
  /** Resolves once everything buffered so far is written (at shutdown, and before reading the rows back). */
  flush(): Promise<void>;
}
