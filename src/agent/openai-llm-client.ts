/**
 * The real LlmClient: the `openai` SDK pointed at vLLM serving gpt-oss (`--tool-call-parser openai
 * --enable-auto-tool-choice`), with `tool_choice: "auto"` (the only choice vLLM supports there). The SDK retries
 * connection errors, 408/409/429 and 5xx with exponential backoff (`maxRetries`) and enforces `timeoutMs` per attempt.
 */
import OpenAI from 'openai';
import type { LlmClient, LlmRequest, LlmResponse } from './llm-client.ts';
import { toLlmError, type LlmErrorCode } from './llm-errors.ts';
import { fromCompletion, StreamAccumulator, toOpenAiMessages, toOpenAiTools } from './openai-mapping.ts';

/** Options; all but `baseURL` have defaults. */
interface OpenAiLlmClientOptions {
  /** The OpenAI-compatible endpoint, e.g. http://127.0.0.1:8000/v1 (vLLM). */
  readonly baseURL: string;
  /** Default "EMPTY" (vLLM without --api-key accepts anything). */
  readonly apiKey?: string;
  /** Default "openai/gpt-oss-20b". */
  readonly model?: string;
  /** Per-attempt timeout in ms (default 30,000). */
  readonly timeoutMs?: number;
  /** Retries after the first attempt, with the SDK's exponential backoff (default 2). */
  readonly maxRetries?: number;
  /** Stream the answer over SSE (default true). */
  readonly stream?: boolean;
  /** Context window in tokens (default 131,072, gpt-oss-20b's). */
  readonly contextTokens?: number;
  /** Most tokens the model may write per step (default 2,048). */
  readonly maxTokens?: number;
  /** Sampling temperature (default 0.2). */
  readonly temperature?: number;
  /** fetch implementation (default: the global fetch). */
  readonly fetch?: typeof fetch;
  /** Told the duration of each completion and how it ended: `ok` or the LlmError code (metrics; must not throw). */
  readonly observe?: (seconds: number, outcome: 'ok' | LlmErrorCode) => void;
}

/** An LlmClient over the OpenAI chat-completions API. */
export class OpenAiLlmClient implements LlmClient {
  readonly contextTokens: number;
  private readonly client: OpenAI;
  private readonly model: string;
  private readonly stream: boolean;
  private readonly maxTokens: number;
  private readonly temperature: number;
  private readonly observe: OpenAiLlmClientOptions['observe'];

  constructor(options: OpenAiLlmClientOptions) {
    this.client = new OpenAI({
      baseURL: options.baseURL,
      apiKey: options.apiKey ?? 'EMPTY',
      timeout: options.timeoutMs ?? 30_000,
      maxRetries: options.maxRetries ?? 2,
      logLevel: 'off',
      ...(options.fetch !== undefined ? { fetch: options.fetch } : {}),
    });
    this.model = options.model ?? 'openai/gpt-oss-20b';
    this.stream = options.stream ?? true;
    this.contextTokens = options.contextTokens ?? 131_072;
    this.maxTokens = options.maxTokens ?? 2_048;
    this.temperature = options.temperature ?? 0.2;
    this.observe = options.observe;
  }

  /** One completion; throws an LlmError subclass on failure. */
  async complete(request: LlmRequest): Promise<LlmResponse> {
    const started = performance.now();
    try {
      const response = await this.completeOnce(request);
      this.observe?.((performance.now() - started) / 1000, 'ok');
      return response;
    } catch (err) {
      this.observe?.((performance.now() - started) / 1000, toLlmError(err).code);
      throw err;
    }
  }

  private async completeOnce(request: LlmRequest): Promise<LlmResponse> {
    const body = {
      model: this.model,
      messages: toOpenAiMessages(request.messages),
      ...(request.tools.length > 0 ? { tools: toOpenAiTools(request.tools), tool_choice: 'auto' as const } : {}),
      max_tokens: this.maxTokens,
      temperature: this.temperature,
    };
    const opts = request.signal !== undefined ? { signal: request.signal } : {};
    try {
      if (!this.stream) return fromCompletion(await this.client.chat.completions.create({ ...body, stream: false }, opts));
      const stream = await this.client.chat.completions.create({ ...body, stream: true, stream_options: { include_usage: true } }, opts);
      const acc = new StreamAccumulator();
      for await (const chunk of stream) acc.add(chunk);
      return acc.result();
    } catch (err) {
      throw toLlmError(err);
    }
  }
}
