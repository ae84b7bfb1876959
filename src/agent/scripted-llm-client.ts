/** A fake LlmClient that replays scripted turns in order and records every request, for agent tests. */
import type { LlmClient, LlmRequest, LlmResponse } from './llm-client.ts';
import { LlmUnreachableError } from './llm-errors.ts';

/** One scripted step: a response, an error to throw, or a function of the request. */
type ScriptedStep = Partial<LlmResponse> | Error | ((request: LlmRequest) => Partial<LlmResponse>);

/** Replays `steps`; throws LlmUnreachableError when they run out. */
export class ScriptedLlmClient implements LlmClient {
  readonly requests: LlmRequest[] = [];
  private next = 0;

  constructor(
    private readonly steps: readonly ScriptedStep[],
    readonly contextTokens = 8_192,
  ) {}

  async complete(request: LlmRequest): Promise<LlmResponse> {
    this.requests.push(request);
    const step = this.steps[this.next++];
    if (step === undefined) throw new LlmUnreachableError('The script has no more turns');
    if (step instanceof Error) throw step;
    const r = typeof step === 'function' ? step(request) : step;
    return { content: r.content ?? '', reasoning: r.reasoning ?? '', toolCalls: r.toolCalls ?? [], finishReason: r.finishReason ?? ((r.toolCalls?.length ?? 0) > 0 ? 'tool_calls' : 'stop'), ...(r.usage !== undefined ? { usage: r.usage } : {}) };
  }
}
