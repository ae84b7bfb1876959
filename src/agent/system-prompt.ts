/** The system prompt for the LLM planner, with the conversation's remembered state appended. */
import { describeConstraints, type ConversationState } from './conversation-state.ts';

/** Builds the system message for one turn. */
export function systemPrompt(state: ConversationState): string {
  const lines = [
    'You are Earworm, a music recommender chatting with one person. Use the tools for every track you mention:',
    'never name a song that no tool returned. Resolve names with search_catalog or pass the person\'s words as a track;',
    'use recommend (seeds + constraints) or similar_tracks; call independent tools in the same step.',
    'When a tool answers with an error, fix the arguments and call it again. For A/B comparisons call next_comparison,',
    'and record_preference when the person answers. Reply briefly: one or two sentences, then the tracks as a list',
    '"1. Title - Artist". Suggest a refinement at the end.',
  ];
  if (state.lastRecommendations.length > 0) {
    lines.push(`Tracks shown last turn (id: title - artist): ${state.lastRecommendations.map((c, i) => `${i + 1}) ${c.id}: ${c.title} - ${c.artists.join(', ')}`).join('; ')}.`);
  }
  const c = describeConstraints(state.constraints);
  if (c !== '') lines.push(`Active constraints${c}.`);
  if (state.pendingComparison !== undefined) {
    const p = state.pendingComparison;
    lines.push(`Pending comparison ${p.comparisonId}: a = ${p.a.title}, b = ${p.b.title}.`);
  }
  return lines.join('\n');
}
