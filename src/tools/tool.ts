/**
 * What a tool is: a name, a description written for a model, zod input and output schemas and `execute`. A mistake
 * the caller can fix (bad argument, unknown or ambiguous track) is returned as a `Retry` result saying how to call
 * again; it is never thrown. Errors for the person are `UserError`s; anything else is a system error.
 */
import type { z } from 'zod';
import type { ToolContext } from './tool-context.ts';

/** A catalogue track offered as a candidate when what the caller typed matched several. */
export interface Candidate {
  readonly id: number;
  readonly label: string;
}

/** A result telling the caller what to fix and call again with (MCP: `isError: true`). */
export interface Retry {
  readonly ok: false;
  /** Machine-readable reason: `invalid_arguments`, `unknown_track`, `ambiguous_track`, ... */
  readonly code: string;
  /** What went wrong and how to retry, written for a model. */
  readonly message: string;
  readonly candidates?: readonly Candidate[];
}

/** A successful result carrying the tool's output. */
interface Success<O> {
  readonly ok: true;
  readonly value: O;
}

/** What `execute` returns. */
type ToolResult<O> = Success<O> | Retry;

/** One tool of the registry. */
export interface Tool<I extends z.ZodType = z.ZodType, O extends z.ZodObject = z.ZodObject> {
  readonly name: string;
  /** Short human title (MCP `title`). */
  readonly title: string;
  /** Written for a model: when to call it, what it returns, how arguments are read. */
  readonly description: string;
  readonly input: I;
  readonly output: O;
  /** Whether a call changes stored state (MCP `readOnlyHint` is its negation). */
  readonly writes: boolean;
  execute(input: z.output<I>, ctx: ToolContext): Promise<ToolResult<z.output<O>>>;
}

/** Keeps a tool's input and output types tied to its schemas. */
export function defineTool<I extends z.ZodType, O extends z.ZodObject>(tool: Tool<I, O>): Tool<I, O> {
  return tool;
}

/** A successful result. */
export function ok<O>(value: O): Success<O> {
  return { ok: true, value };
}

/** A result asking the caller to fix something and call again. */
export function retry(code: string, message: string, candidates?: readonly Candidate[]): Retry {
  return candidates === undefined ? { ok: false, code, message } : { ok: false, code, message, candidates };
}
