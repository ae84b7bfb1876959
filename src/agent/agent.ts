/**
 * The agent: what to do about one message. With an LLM it runs plan → tool calls (independent ones in parallel) →
 * results back to the model, up to a step limit; with no LLM, or when the LLM fails, the rule planner plans the turn
 * and its call runs through the same tools. Votes and ratings by key never wait for the model. The agent reports what
 * it did (`AgentTurn`); the desk (src/desk) keeps the conversation and writes the reply.
 */
import { randomUUID } from 'node:crypto';
import { type Logger, silentLogger } from '../logging/logger.ts';
import { contextFor, type ToolContext, type ToolServices } from '../tools/tool-context.ts';
import type { ConversationKey, ConversationState } from './conversation-state.ts';
import type { LlmClient, LlmMessage } from './llm-client.ts';
import { toLlmError } from './llm-errors.ts';
import { withNamedArtists } from './artist-mentions.ts';
import { runRulePlan, type RulesActed } from './plan-runner.ts';
import { planTurn } from './rule-planner.ts';
import type { Mention } from '../catalog/entity-linker.ts';
import { systemPrompt } from './system-prompt.ts';
import { fitToBudget } from './token-budget.ts';
import { llmTools, runToolCalls, type ToolRun } from './tool-runner.ts';

/** Agent options; all but `services` have defaults. */
interface AgentOptions {
  readonly services: ToolServices;
  /** The LLM planner (default: none, so the rule planner answers every turn). */
  readonly llm?: LlmClient;
  /** Default: silent. */
  readonly logger?: Logger;
  /** Most model steps per turn (default 6). */
  readonly maxSteps?: number;
  /** Deadline of the LLM part of a turn in ms (default 60,000); past it the rule planner answers. */
  readonly turnTimeoutMs?: number;
  /** After an LLM failure, how long the rule planner answers without trying the LLM (default 30,000 ms). */
  readonly llmCooldownMs?: number;
  /** Share of the context window the prompt may use (default 0.75; the rest is left for the answer). */
  readonly promptShare?: number;
  /** Clock (default Date.now). */
  readonly now?: () => number;
}

/** Something the person said, with what the conversation remembers (the desk loads it and saves what follows). */
interface TurnInput extends ConversationKey {
  readonly text: string;
  readonly state: ConversationState;
  /** Earlier messages of the conversation, oldest first. */
  readonly history: readonly LlmMessage[];
}

/** An LLM-planned turn as executed: every tool call the model made, and its final text. */
export interface LlmActed {
  readonly kind: 'llm';
  readonly runs: readonly ToolRun[];
  /** The model's answer; undefined when it used up its steps still calling tools. */
  readonly text: string | undefined;
}

/** What the agent did in one turn. */
export type AgentTurn = RulesActed | LlmActed;

/** The conversational agent over the tool registry. */
export class Agent {
  private readonly logger: Logger;
  private readonly now: () => number;
  private llmDownUntil = 0;

  constructor(private readonly options: AgentOptions) {
    this.logger = options.logger ?? silentLogger;
    this.now = options.now ?? Date.now;
  }

  /** Plans one message and runs the tools it needs; reports what was done. */
  async act(input: TurnInput): Promise<AgentTurn> {
    // Every log line of this turn (tool failures included) carries its turn id.
    const log = this.logger.child({ turn: randomUUID(), personId: input.personId, platform: input.platform });
    const { state } = input;
    const ctx = contextFor(this.options.services, input.personId, { platform: input.platform });
    // Artists named in passing ("Bruno Mars, Marshmello", "add some Ciara") seed the turn when the rules found no seed.
    // With the catalogue's entity index the planner links names itself; without one, names found by the artist model
    // seed the turn when the rules found no seed.
    const linked = await this.linked(input.text, log);
    const planned = planTurn(input.text, state, linked ?? []);
    const plan = linked === undefined ? withNamedArtists(planned, input.text, (name) => ctx.recommender.resolveArtist(name)) : planned;
    // Votes and ratings of shown tracks are unambiguous: no need for the model.
    const direct = plan.intent === 'vote' || plan.intent === 'rate';
    const turnCtx: ToolContext = { ...ctx, logger: log };
    if (this.options.llm !== undefined && !direct && this.now() >= this.llmDownUntil) {
      try {
        return await this.llmTurn(this.options.llm, turnCtx, state, input.history, { role: 'user', content: input.text });
      } catch (err) {
        const failure = toLlmError(err);
        this.llmDownUntil = this.now() + (this.options.llmCooldownMs ?? 30_000);
        log.warn({ err: failure, code: failure.code }, 'LLM failed; the rule planner answers');
        return { ...(await runRulePlan(plan, turnCtx)), llmFailed: true };
      }
    }
    return runRulePlan(plan, turnCtx);
  }

  /** The catalogue entities `text` names; undefined when the services have no entity index or it cannot be built. */
  private async linked(text: string, log: Logger): Promise<Mention[] | undefined> {
    const entities = this.options.services.entities;
    if (entities === undefined) return undefined;
    try {
      return (await entities()).mentions(text);
    } catch (err) {
      log.warn({ err }, 'the entity index could not be built; names are passed on as written');
      return undefined;
    }
  }

  private async llmTurn(llm: LlmClient, ctx: ToolContext, state: ConversationState, history: readonly LlmMessage[], user: LlmMessage): Promise<LlmActed> {
    const signal = AbortSignal.timeout(this.options.turnTimeoutMs ?? 60_000);
    const tools = llmTools();
    const budget = Math.floor(llm.contextTokens * (this.options.promptShare ?? 0.75));
    const system = systemPrompt(state);
    const turn: LlmMessage[] = [user];
    const runs: ToolRun[] = [];
    const maxSteps = this.options.maxSteps ?? 6;
    let final: string | undefined;
    for (let step = 0; step < maxSteps && final === undefined; step++) {
      const response = await llm.complete({ messages: fitToBudget(system, history, turn, budget), tools, signal });
      if (response.toolCalls.length === 0) {
        final = response.content;
        break;
      }
      ctx.logger.debug({ step, calls: response.toolCalls.map((c) => c.name), reasoningChars: response.reasoning.length }, 'LLM step');
      turn.push({ role: 'assistant', content: response.content, toolCalls: response.toolCalls });
      const results = await runToolCalls(response.toolCalls, ctx);
      runs.push(...results);
      turn.push(...results.map((r) => r.message));
    }
    return { kind: 'llm', runs, text: final };
  }
}
