/**
 * The agent: one turn of conversation. With an LLM it runs plan → tool calls (independent ones in parallel) →
 * results back to the model, up to a step limit, and grounds the reply in the tool results; with no LLM, or when
 * the LLM fails, the rule planner takes the turn through the same tools. Votes and ratings by key never wait for
 * the model. Memory is kept per (person, channel) in a ConversationStore.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '../logging/logger.ts';
import { silentLogger } from '../logging/logger.ts';
import { contextFor, type ToolContext, type ToolServices } from '../tools/tool-context.ts';
import { toReplyCard, type AgentReply, type ReplyCard } from './agent-reply.ts';
import type { ConversationKey, ConversationState, ConversationStore } from './conversation-state.ts';
import { cardsFromRuns, groundText } from './grounding.ts';
import type { LlmClient, LlmMessage } from './llm-client.ts';
import { toLlmError } from './llm-errors.ts';
import { withNamedArtists } from './artist-mentions.ts';
import type { Mention } from '../catalog/entity-linker.ts';
import { planTurn, type Plan } from './rule-planner.ts';
import { RECOMMEND_SUGGESTIONS, runRulePlan } from './rule-turn.ts';
import { systemPrompt } from './system-prompt.ts';
import { fitToBudget } from './token-budget.ts';
import { llmTools, runToolCalls, type ToolRun } from './tool-runner.ts';

/** Agent options; all but `services` and `store` have defaults. */
export interface AgentOptions {
  readonly services: ToolServices;
  readonly store: ConversationStore;
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
  /** Messages of history loaded per turn before trimming (default 40). */
  readonly historyLimit?: number;
  /** Share of the context window the prompt may use (default 0.75; the rest is left for the answer). */
  readonly promptShare?: number;
  /** Clock (default Date.now). */
  readonly now?: () => number;
}

/** Something the person said in a conversation. */
export interface TurnInput extends ConversationKey {
  readonly text: string;
}

/** The conversational agent over the tool registry. */
export class Agent {
  private readonly logger: Logger;
  private readonly now: () => number;
  private llmDownUntil = 0;

  constructor(private readonly options: AgentOptions) {
    this.logger = options.logger ?? silentLogger;
    this.now = options.now ?? Date.now;
  }

  /** Answers one message. */
  async handle(input: TurnInput): Promise<AgentReply> {
    // Every log line of this turn (tool failures included) carries its turn id.
    const log = this.logger.child({ turn: randomUUID(), personId: input.personId, platform: input.platform });
    const { state, history } = await this.options.store.load(input, this.options.historyLimit ?? 40);
    const ctx = contextFor(this.options.services, input.personId, { platform: input.platform });
    // Artists named in passing ("Bruno Mars, Marshmello", "add some Ciara") seed the turn when the rules found no seed.
    // With the catalogue's entity index the planner links names itself; without one, names found by the artist model
    // seed the turn when the rules found no seed.
    const linked = await this.linked(input.text, log);
    const planned = planTurn(input.text, state, linked ?? []);
    const plan = linked === undefined ? withNamedArtists(planned, input.text, (name) => ctx.recommender.resolveArtist(name)) : planned;
    const user: LlmMessage = { role: 'user', content: input.text };
    // Votes and ratings of shown tracks are unambiguous: no need for the model.
    const direct = plan.intent === 'vote' || plan.intent === 'rate';
    const turnCtx: ToolContext = { ...ctx, logger: log };
    if (this.options.llm !== undefined && !direct && this.now() >= this.llmDownUntil) {
      try {
        const { reply, state: next } = await this.llmTurn(this.options.llm, turnCtx, state, history, user);
        await this.options.store.save(input, next, [user, { role: 'assistant', content: reply.text }]);
        return reply;
      } catch (err) {
        const failure = toLlmError(err);
        this.llmDownUntil = this.now() + (this.options.llmCooldownMs ?? 30_000);
        log.warn({ err: failure, code: failure.code }, 'LLM failed; the rule planner answers');
        const r = await this.ruleTurn(plan, turnCtx, state, input, user);
        return { ...r, text: `${r.text}\n(The language model is not answering right now, so my built-in planner answered.)` };
      }
    }
    return this.ruleTurn(plan, turnCtx, state, input, user);
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

  /** Records an A/B vote on the pending comparison (a button or key press). */
  async vote(key: ConversationKey, choice: 'a' | 'b' | 'skip'): Promise<AgentReply> {
    return this.handle({ ...key, text: choice });
  }

  /** Rates the n-th (1-based) track of the last reply. */
  async rate(key: ConversationKey, position: number, rating: 'like' | 'dislike' | 'skip'): Promise<AgentReply> {
    return this.handle({ ...key, text: `${rating} ${position}` });
  }

  private async ruleTurn(plan: Plan, ctx: ToolContext, state: ConversationState, key: ConversationKey, user: LlmMessage): Promise<AgentReply> {
    const { reply, state: next } = await runRulePlan(plan, ctx, state);
    await this.options.store.save(key, next, [user, { role: 'assistant', content: reply.text }]);
    return reply;
  }

  private async llmTurn(llm: LlmClient, ctx: ToolContext, state: ConversationState, history: LlmMessage[], user: LlmMessage): Promise<{ reply: AgentReply; state: ConversationState }> {
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
    const { recommended, seen } = cardsFromRuns(runs);
    const knownCards = [...seen, ...state.lastRecommendations];
    const grounded = groundText(final ?? 'I needed more steps than I am allowed for that; here is what I found so far.', knownCards);
    const mentionedRecs = recommended.filter((c) => grounded.mentioned.some((m) => m.id === c.id));
    const cards: ReplyCard[] = mentionedRecs.length > 0 ? mentionedRecs : recommended.length > 0 ? recommended.slice(0, 10) : grounded.mentioned;
    const comparisonRun = [...runs].reverse().find((r) => r.call.name === 'next_comparison' && r.outcome.kind === 'ok');
    const voted = runs.some((r) => r.call.name === 'record_preference' && r.outcome.kind === 'ok');
    let pendingComparison = voted ? undefined : state.pendingComparison;
    if (comparisonRun?.outcome.kind === 'ok') {
      const v = comparisonRun.outcome.value;
      const a = toReplyCard(v.a as Record<string, unknown>);
      const b = toReplyCard(v.b as Record<string, unknown>);
      if (a !== undefined && b !== undefined) pendingComparison = { comparisonId: v.comparison_id as number, a, b };
    }
    const { pendingComparison: _old, ...rest } = state;
    const next: ConversationState = { ...rest, ...(cards.length > 0 ? { lastRecommendations: cards } : {}), ...(pendingComparison !== undefined ? { pendingComparison } : {}) };
    const reply: AgentReply = {
      text: grounded.text,
      cards,
      ...(comparisonRun !== undefined && pendingComparison !== undefined ? { comparison: pendingComparison } : {}),
      suggestions: pendingComparison !== undefined && comparisonRun !== undefined ? ['a', 'b', 'skip'] : RECOMMEND_SUGGESTIONS,
      planner: 'llm',
      ...(grounded.flagged.length > 0 ? { flagged: grounded.flagged } : {}),
    };
    return { reply, state: next };
  }
}
