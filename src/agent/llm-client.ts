/**
 * The LLM boundary: one interface the agent loop calls, in Earworm's own message terms. The real implementation
 * (`OpenAiLlmClient`) speaks the OpenAI chat-completions wire format to vLLM; `ScriptedLlmClient` replays turns.
 */

/** A tool call the model asked for; `arguments` is the raw JSON text, possibly malformed. */
export interface LlmToolCall {
  readonly id: string;
  readonly name: string;
  readonly arguments: string;
}

/** One chat message. */
export type LlmMessage =
  | { readonly role: 'system'; readonly content: string }
  | { readonly role: 'user'; readonly content: string }
  | { readonly role: 'assistant'; readonly content: string; readonly toolCalls?: readonly LlmToolCall[] }
  | { readonly role: 'tool'; readonly toolCallId: string; readonly content: string };

/** A tool the model may call, with its JSON Schema. */
export interface LlmToolSpec {
  readonly name: string;
  readonly description: string;
  readonly parameters: Record<string, unknown>;
}

/** One completion request. */
export interface LlmRequest {
  readonly messages: readonly LlmMessage[];
  readonly tools: readonly LlmToolSpec[];
  readonly signal?: AbortSignal;
}

/** The model's answer to one request. */
export interface LlmResponse {
  readonly content: string;
  /** gpt-oss's reasoning (vLLM's `reasoning_content`), accumulated across stream deltas; never shown to people. */
  readonly reasoning: string;
  readonly toolCalls: readonly LlmToolCall[];
  readonly finishReason: string;
  readonly usage?: { readonly promptTokens: number; readonly completionTokens: number };
}

/** A chat model that can call tools. */
export interface LlmClient {
  /** The model's context window in tokens (the agent trims the conversation to fit). */
  readonly contextTokens: number;
  complete(request: LlmRequest): Promise<LlmResponse>;
}
