/**
 * Writes the reply to an LLM-planned turn from what the agent did: the model's text grounded in the tool results
 * (track names no tool returned are removed and flagged), cards from the results, and the state after the turn.
 */
import { toReplyCard, type AgentReply, type ReplyCard, type ReplyComparison } from '../agent/agent-reply.ts';
import type { LlmActed } from '../agent/agent.ts';
import type { ConversationState } from '../agent/conversation-state.ts';
import { cardsFromRuns, groundText } from '../agent/grounding.ts';
import { RECOMMEND_SUGGESTIONS } from './rule-replies.ts';
import type { TurnReply } from './turn-reply.ts';

/** Said when the model used up its steps without a final answer. */
const OUT_OF_STEPS = 'I needed more steps than I am allowed for that; here is what I found so far.';

/** Writes the reply and the next state for an LLM-planned turn. */
export function llmReply(acted: LlmActed, state: ConversationState): TurnReply {
  const { runs } = acted;
  const { recommended, seen } = cardsFromRuns(runs);
  const knownCards = [...seen, ...state.lastRecommendations];
  const grounded = groundText(acted.text ?? OUT_OF_STEPS, knownCards);
  const mentionedRecs = recommended.filter((c) => grounded.mentioned.some((m) => m.id === c.id));
  const cards: ReplyCard[] = mentionedRecs.length > 0 ? mentionedRecs : recommended.length > 0 ? recommended.slice(0, 10) : grounded.mentioned;
  let offered: ReplyComparison | undefined;
  let voted = false;
  for (const r of runs) {
    if (r.outcome.kind !== 'ok') continue;
    if (r.outcome.tool === 'next_comparison') {
      const v = r.outcome.value;
      offered = { comparisonId: v.comparison_id, a: toReplyCard(v.a), b: toReplyCard(v.b) };
    } else if (r.outcome.tool === 'record_preference') {
      voted = true;
    }
  }
  const pendingComparison = offered ?? (voted ? undefined : state.pendingComparison);
  const { pendingComparison: _old, ...rest } = state;
  const next: ConversationState = { ...rest, ...(cards.length > 0 ? { lastRecommendations: cards } : {}), ...(pendingComparison !== undefined ? { pendingComparison } : {}) };
  const reply: AgentReply = {
    text: grounded.text,
    cards,
    ...(offered !== undefined ? { comparison: offered } : {}),
    suggestions: offered !== undefined ? ['a', 'b', 'skip'] : RECOMMEND_SUGGESTIONS,
    planner: 'llm',
    ...(grounded.flagged.length > 0 ? { flagged: grounded.flagged } : {}),
  };
  return { reply, state: next };
}
