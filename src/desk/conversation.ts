/**
 * One turn of conversation, kept: loads what the conversation remembers, lets the agent act on the message, writes
 * the reply and the next state from what it did, and saves both. The only writer of conversation state for text.
 */
import type { AgentReply } from '../agent/agent-reply.ts';
import type { Agent, AgentTurn } from '../agent/agent.ts';
import type { ConversationKey, ConversationState, ConversationStore } from '../agent/conversation-state.ts';
import { llmReply } from './llm-reply.ts';
import { ruleReply } from './rule-replies.ts';
import type { TurnReply } from './turn-reply.ts';

/** Dependencies of a conversation. */
interface ConversationOptions {
  readonly agent: Agent;
  readonly store: ConversationStore;
  /** Messages of history loaded per turn before trimming (default 40). */
  readonly historyLimit?: number;
}

/** Something the person said in a conversation. */
interface Said extends ConversationKey {
  readonly text: string;
}

/** Said after a rule-planned answer when the LLM failed. */
const LLM_DOWN_NOTE = '\n(The language model is not answering right now, so my built-in planner answered.)';

/** The reply and next state for what the agent did. */
function replyTo(turn: AgentTurn, state: ConversationState): TurnReply {
  if (turn.kind === 'llm') return llmReply(turn, state);
  const r = ruleReply(turn, state);
  return turn.llmFailed === true ? { ...r, reply: { ...r.reply, text: `${r.reply.text}${LLM_DOWN_NOTE}` } } : r;
}

/** Conversations over one agent and one store (Discord, Slack, the web and the terminal all run turns here). */
export class Conversation {
  constructor(private readonly options: ConversationOptions) {}

  /** Answers one message and remembers the turn. */
  async handle(input: Said): Promise<AgentReply> {
    const { state, history } = await this.options.store.load(input, this.options.historyLimit ?? 40);
    const acted = await this.options.agent.act({ ...input, state, history });
    const { reply, state: next } = replyTo(acted, state);
    await this.options.store.save(input, next, [{ role: 'user', content: input.text }, { role: 'assistant', content: reply.text }]);
    return reply;
  }

  /** Records an A/B vote on the pending comparison (a key press). */
  vote(key: ConversationKey, choice: 'a' | 'b' | 'skip'): Promise<AgentReply> {
    return this.handle({ ...key, text: choice });
  }

  /** Rates the n-th (1-based) track of the last reply. */
  rate(key: ConversationKey, position: number, rating: 'like' | 'dislike' | 'skip'): Promise<AgentReply> {
    return this.handle({ ...key, text: `${rating} ${position}` });
  }
}
