/** What the desk makes of one turn: the reply to show and the conversation state to keep; and words for failures. */
import type { AgentReply } from '../agent/agent-reply.ts';
import type { ConversationState } from '../agent/conversation-state.ts';
import type { ToolFailure } from '../tools/registry.ts';

/** The reply to a turn and the conversation state after it. */
export interface TurnReply {
  readonly reply: AgentReply;
  readonly state: ConversationState;
}

/** Words for a tool call that did not succeed. */
export function failureText(o: ToolFailure): string {
  if (o.kind === 'retry' && o.code === 'ambiguous_track' && o.candidates !== undefined) {
    return `Which one do you mean?\n${o.candidates.slice(0, 5).map((c, i) => `  ${i + 1}. ${c.label}`).join('\n')}\nSay it with the artist, e.g. "similar to Creep by Radiohead".`;
  }
  if (o.kind === 'retry' && o.code === 'ambiguous_artist' && o.candidates !== undefined) {
    return `Which artist do you mean?\n${o.candidates.slice(0, 5).map((c, i) => `  ${i + 1}. ${c.label}`).join('\n')}\nSay it with their full name.`;
  }
  if (o.kind === 'retry' && /^(unknown_track|unknown_artist|no_seeds_found)$/.test(o.code)) {
    return 'I could not find that in the catalogue. Try a song title with its artist, or an artist name.';
  }
  if (o.kind === 'retry' && (o.code === 'unknown_genre' || o.code === 'unknown_mood')) {
    const what = o.code === 'unknown_genre' ? 'genre' : 'mood';
    return `I don't know that ${what} yet. Ask "which genres do you know?" to see the genres and moods I can filter by.`;
  }
  // A retry's message is written for a language model ("call … again with …"): never show it to the person.
  if (o.kind === 'retry') return `I could not do that as asked (${o.code.replace(/_/g, ' ')}). Try saying it another way, e.g. "something like Daft Punk" or "help".`;
  return o.message;
}
