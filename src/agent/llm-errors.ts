/**
 * LLM failures, one class per kind, each with a code and the original error as `cause`. `toLlmError` is the one
 * place that chooses the kind; the agent answers every kind the same way (the rule planner takes the turn).
 */
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';

/** Codes of LLM failures. */
export type LlmErrorCode = 'LLM_TIMEOUT' | 'LLM_UNREACHABLE' | 'LLM_HTTP_ERROR' | 'LLM_BAD_RESPONSE';

/** Base class of LLM failures. */
abstract class LlmError extends Error {
  abstract readonly code: LlmErrorCode;
}

/** The model did not answer in time. */
export class LlmTimeoutError extends LlmError {
  readonly code = 'LLM_TIMEOUT';
  override readonly name = 'LlmTimeoutError';
}

/** The server could not be reached (connection refused, DNS, reset). */
export class LlmUnreachableError extends LlmError {
  readonly code = 'LLM_UNREACHABLE';
  override readonly name = 'LlmUnreachableError';
}

/** The server answered with an HTTP error after the retries. */
export class LlmHttpError extends LlmError {
  readonly code = 'LLM_HTTP_ERROR';
  override readonly name = 'LlmHttpError';
  constructor(
    readonly status: number | undefined,
    message: string,
    options: { cause: unknown },
  ) {
    super(message, options);
  }
}

/** The server answered something that is not a chat completion. */
export class LlmBadResponseError extends LlmError {
  readonly code = 'LLM_BAD_RESPONSE';
  override readonly name = 'LlmBadResponseError';
}

/** Classifies any error thrown while talking to the model. */
export function toLlmError(err: unknown): LlmError {
  if (err instanceof LlmError) return err;
  if (err instanceof APIConnectionTimeoutError) return new LlmTimeoutError('The language model did not answer in time', { cause: err });
  if (err instanceof APIUserAbortError) return new LlmTimeoutError('The language model call was aborted (turn deadline)', { cause: err });
  if (err instanceof APIConnectionError) return new LlmUnreachableError('The language model server could not be reached', { cause: err });
  if (err instanceof APIError) return new LlmHttpError(err.status, `The language model server answered HTTP ${err.status ?? '?'}`, { cause: err });
  if (err instanceof Error && err.name === 'AbortError') return new LlmTimeoutError('The language model call was aborted', { cause: err });
  return new LlmBadResponseError('The language model server sent an unexpected response', { cause: err });
}
