/**
 * Runs the model's tool calls through the registry: arguments are parsed here (malformed JSON and unknown tools
 * go back to the model as tool messages saying what to fix, never thrown); read-only calls run in parallel,
 * calls that write run one after another in the order asked.
 */
import { z } from 'zod';
import { callTool, findTool, TOOLS, type ToolCallOutcome } from '../tools/registry.ts';
import type { ToolContext } from '../tools/tool-context.ts';
import type { LlmMessage, LlmToolCall, LlmToolSpec } from './llm-client.ts';

/** One executed call: what was asked, what came back, and the message for the model. */
export interface ToolRun {
  readonly call: LlmToolCall;
  readonly outcome: ToolCallOutcome;
  readonly message: Extract<LlmMessage, { role: 'tool' }>;
}

/** The registry's tools as the model sees them (JSON Schema of each input). */
export function llmTools(): LlmToolSpec[] {
  return TOOLS.map((t) => {
    const { $schema: _drop, ...parameters } = z.toJSONSchema(t.input, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
    return { name: t.name, description: t.description, parameters };
  });
}

/** Parses raw arguments; an empty string means no arguments. */
function parseArguments(raw: string): { ok: true; value: unknown } | { ok: false; message: string } {
  if (raw.trim() === '') return { ok: true, value: {} };
  try {
    const value: unknown = JSON.parse(raw);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, message: 'the arguments must be a JSON object' };
    return { ok: true, value };
  } catch (err) {
    return { ok: false, message: err instanceof SyntaxError ? err.message : 'not valid JSON' };
  }
}

/** What the model reads back for an outcome. */
function toolMessageContent(outcome: ToolCallOutcome): string {
  if (outcome.kind === 'ok') return JSON.stringify(outcome.value);
  return JSON.stringify({ error: outcome.code, message: outcome.message, ...(outcome.kind === 'retry' && outcome.candidates !== undefined ? { candidates: outcome.candidates } : {}) });
}

/** Runs one call; never throws. */
async function runToolCall(call: LlmToolCall, ctx: ToolContext): Promise<ToolRun> {
  const parsed = parseArguments(call.arguments);
  const outcome: ToolCallOutcome = parsed.ok
    ? await callTool(call.name, parsed.value, ctx)
    : { kind: 'retry', code: 'malformed_arguments', message: `The arguments of ${call.name} are not valid JSON (${parsed.message}). Call ${call.name} again with one JSON object that matches its schema.` };
  return { call, outcome, message: { role: 'tool', toolCallId: call.id, content: toolMessageContent(outcome) } };
}

/** Runs calls: read-only ones in parallel, writing ones in order; results keep the order of `calls`. */
export async function runToolCalls(calls: readonly LlmToolCall[], ctx: ToolContext): Promise<ToolRun[]> {
  const results = new Array<Promise<ToolRun>>(calls.length);
  let chain: Promise<unknown> = Promise.resolve();
  calls.forEach((call, i) => {
    if (findTool(call.name)?.writes === true) {
      const run = chain.then(() => runToolCall(call, ctx));
      chain = run;
      results[i] = run;
    } else {
      results[i] = runToolCall(call, ctx);
    }
  });
  return Promise.all(results);
}
