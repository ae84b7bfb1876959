/**
 * Pure mapping between Earworm's LLM terms and the OpenAI chat-completions wire format as vLLM serves gpt-oss:
 * requests, non-streaming completions, and stream chunks (tool-call fragments by index, `reasoning_content`).
 */
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import type { LlmMessage, LlmResponse, LlmToolCall, LlmToolSpec } from './llm-client.ts';
import { LlmBadResponseError } from './llm-errors.ts';

/** Messages in the wire format. */
export function toOpenAiMessages(messages: readonly LlmMessage[]): ChatCompletionMessageParam[] {
  return messages.map((m): ChatCompletionMessageParam => {
    switch (m.role) {
      case 'system':
      case 'user':
        return { role: m.role, content: m.content };
      case 'tool':
        return { role: 'tool', tool_call_id: m.toolCallId, content: m.content };
      case 'assistant':
        return m.toolCalls === undefined || m.toolCalls.length === 0
          ? { role: 'assistant', content: m.content }
          : {
              role: 'assistant',
              content: m.content === '' ? null : m.content,
              tool_calls: m.toolCalls.map((c) => ({ id: c.id, type: 'function' as const, function: { name: c.name, arguments: c.arguments } })),
            };
    }
  });
}

/** Tools in the wire format. */
export function toOpenAiTools(tools: readonly LlmToolSpec[]): ChatCompletionTool[] {
  return tools.map((t) => ({ type: 'function', function: { name: t.name, description: t.description, parameters: t.parameters } }));
}

/** A non-streaming completion as an LlmResponse. */
export function fromCompletion(c: ChatCompletion): LlmResponse {
  const choice = c.choices[0];
  if (choice === undefined) throw new LlmBadResponseError('The completion has no choices');
  const msg = choice.message as ChatCompletion.Choice['message'] & { reasoning_content?: string | null; reasoning?: string | null };
  const toolCalls: LlmToolCall[] = (msg.tool_calls ?? []).flatMap((t) => (t.type === 'function' ? [{ id: t.id, name: t.function.name, arguments: t.function.arguments }] : []));
  return {
    content: msg.content ?? '',
    reasoning: msg.reasoning_content ?? msg.reasoning ?? '',
    toolCalls,
    finishReason: choice.finish_reason,
    ...(c.usage !== undefined ? { usage: { promptTokens: c.usage.prompt_tokens, completionTokens: c.usage.completion_tokens } } : {}),
  };
}

/** Accumulates stream chunks into one response; tool calls are assembled by `index` from their fragments. */
export class StreamAccumulator {
  private content = '';
  private reasoning = '';
  private finishReason = '';
  private usage: LlmResponse['usage'];
  private readonly calls = new Map<number, { id: string; name: string; arguments: string }>();

  /** Adds one chunk. */
  add(chunk: ChatCompletionChunk): void {
    if (chunk.usage != null) this.usage = { promptTokens: chunk.usage.prompt_tokens, completionTokens: chunk.usage.completion_tokens };
    for (const choice of chunk.choices) {
      const delta = choice.delta as ChatCompletionChunk.Choice['delta'] & { reasoning_content?: string | null; reasoning?: string | null };
      if (typeof delta.content === 'string') this.content += delta.content;
      const r = delta.reasoning_content ?? delta.reasoning;
      if (typeof r === 'string') this.reasoning += r;
      for (const t of delta.tool_calls ?? []) {
        const call = this.calls.get(t.index) ?? { id: '', name: '', arguments: '' };
        if (t.id != null && t.id !== '') call.id = t.id;
        if (t.function?.name != null) call.name += t.function.name;
        if (t.function?.arguments != null) call.arguments += t.function.arguments;
        this.calls.set(t.index, call);
      }
      if (choice.finish_reason != null) this.finishReason = choice.finish_reason;
    }
  }

  /** The response so far. */
  result(): LlmResponse {
    const toolCalls = [...this.calls.entries()].sort(([a], [b]) => a - b).map(([i, c]) => ({ id: c.id === '' ? `call_${i}` : c.id, name: c.name, arguments: c.arguments }));
    return { content: this.content, reasoning: this.reasoning, toolCalls, finishReason: this.finishReason, ...(this.usage !== undefined ? { usage: this.usage } : {}) };
  }
}
