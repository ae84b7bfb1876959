/**
 * Keeps a conversation inside the model's context: estimates tokens (about four characters each, plus framing),
 * drops the oldest history first, and replaces what it dropped with a one-line summary of those turns.
 */
import type { LlmMessage } from './llm-client.ts';

/** A rough token count of one message (no tokenizer: ~4 characters per token plus per-message framing). */
export function estimateTokens(m: LlmMessage): number {
  const calls = m.role === 'assistant' ? (m.toolCalls ?? []).reduce((n, c) => n + c.name.length + c.arguments.length, 0) : 0;
  return Math.ceil((m.content.length + calls) / 4) + 6;
}

/** Total estimate of several messages. */
export function totalTokens(messages: readonly LlmMessage[]): number {
  return messages.reduce((n, m) => n + estimateTokens(m), 0);
}

/**
 * The messages to send: `system`, as much recent `history` as fits in `budget` tokens (never starting on a tool
 * or tool-calling message), then `turn`. Dropped history is summarised into a system note.
 */
export function fitToBudget(system: string, history: readonly LlmMessage[], turn: readonly LlmMessage[], budget: number): LlmMessage[] {
  const fixed = totalTokens([{ role: 'system', content: system }, ...turn]) + 120;
  let start = 0;
  while (start < history.length && fixed + totalTokens(history.slice(start)) > budget) start++;
  while (start < history.length && history[start]!.role !== 'user') start++;
  const dropped = history.slice(0, start);
  const kept = history.slice(start);
  const summary = dropped.length === 0 ? '' : `\nEarlier in this conversation (summarised): ${summarise(dropped)}`;
  return [{ role: 'system', content: system + summary }, ...kept, ...turn];
}

/** A short summary of dropped turns: what the person asked. */
function summarise(messages: readonly LlmMessage[]): string {
  const asks = messages.filter((m) => m.role === 'user').map((m) => `"${m.content.slice(0, 60)}"`);
  const text = asks.length === 0 ? 'tool results only.' : `the person asked ${asks.slice(-4).join('; ')}.`;
  // Capped so the summary fits the room fitToBudget reserves for it.
  return text.length > 400 ? `${text.slice(0, 399)}…` : text;
}
