/**
 * Replies to rule-planner turns about Spotify: connect (a link), import (the match rate), export (a playlist link;
 * without Spotify configured, the tracks as text to paste), disconnect. Conversation state is left as it was.
 */
import { failureOf, type AgentReply, type ReplyCard } from '../agent/agent-reply.ts';
import type { ConversationState } from '../agent/conversation-state.ts';
import type { Plan } from '../agent/rule-planner.ts';
import type { ToolCallOutcome } from '../tools/registry.ts';
import { failureText, type TurnReply } from './turn-reply.ts';

/** The reply to a connect, import, export or disconnect plan, given what its call returned. */
export function spotifyReply(plan: Plan, outcome: ToolCallOutcome | undefined, state: ConversationState): TurnReply {
  const base = { planner: 'rules' as const, cards: [] as ReplyCard[] };
  const say = (text: string, suggestions: string[], extra: Partial<AgentReply> = {}): TurnReply => ({ reply: { ...base, text, suggestions, ...extra }, state });
  if (outcome === undefined) return say('Say "connect spotify", "import my spotify", "save this as a playlist" or "disconnect spotify".', ['connect spotify']);
  if (outcome.kind !== 'ok') {
    if (plan.intent === 'export' && outcome.kind === 'user' && outcome.code === 'spotify_not_configured') return pasteList(state, say);
    const next = outcome.kind === 'user' && outcome.code === 'spotify_not_connected' ? ['connect spotify'] : ['help'];
    return say(failureText(outcome), next, failureOf(outcome));
  }
  switch (outcome.tool) {
    case 'spotify_connect_link': {
      const v = outcome.value;
      return v.already_connected === true
        ? say(`Your Spotify account ${v.spotify_user ?? ''} is already connected. Say "import my spotify" to refresh your seeds from it, or "disconnect spotify".`, ['import my spotify', 'recommend something for me'])
        : say(`Open this link to connect your Spotify account (it works once, for ${v.expires_in_minutes ?? '?'} minutes):\n${v.url ?? ''}\nThen say "import my spotify".`, ['import my spotify']);
    }
    case 'spotify_import':
      return say(outcome.value.message, ['recommend something for me', 'save this as a playlist']);
    case 'spotify_export_playlist': {
      const v = outcome.value;
      return say(`Saved "${v.name}" to your Spotify with ${v.added} track${v.added === 1 ? '' : 's'}${v.skipped > 0 ? ` (${v.skipped} not found on Spotify)` : ''}: ${v.url}`, ['more like the first one', 'calmer']);
    }
    case 'spotify_disconnect': {
      const v = outcome.value;
      const removed = v.removed_seeds;
      const text = v.disconnected
        ? `Disconnected your Spotify account and deleted the ${removed} seed${removed === 1 ? '' : 's'} imported from it. You can also remove Earworm's access at spotify.com/account/apps.`
        : `No Spotify account was connected${removed > 0 ? `; deleted ${removed} leftover imported seeds` : ''}.`;
      return say(text, ['connect spotify', 'recommend something for me']);
    }
    default:
      return say('Say "connect spotify", "import my spotify", "save this as a playlist" or "disconnect spotify".', ['connect spotify']);
  }
}

/** Without Spotify: the last tracks as lines to paste into any playlist. */
function pasteList(state: ConversationState, say: (text: string, suggestions: string[], extra?: Partial<AgentReply>) => TurnReply): TurnReply {
  if (state.lastRecommendations.length === 0) return say('There is nothing to export yet: ask for some music first.', ['something like Daft Punk']);
  const lines = state.lastRecommendations.map((c) => `${c.artists.join(', ')} - ${c.title}`);
  return say(`Your last ${lines.length} tracks, one per line, ready to paste into a playlist:\n${lines.join('\n')}`, ['more like the first one', 'calmer'], { cards: [...state.lastRecommendations] });
}
