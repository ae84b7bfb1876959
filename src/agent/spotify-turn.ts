/**
 * Rule-planner turns about Spotify: connect (a link), import (the match rate), export (a playlist link; without
 * Spotify configured, the tracks as text to paste), disconnect. Conversation state is left as it was.
 */
import { callTool } from '../tools/registry.ts';
import type { ToolContext } from '../tools/tool-context.ts';
import { failureOf, type AgentReply, type ReplyCard } from './agent-reply.ts';
import type { ConversationState, RuleTurn } from './conversation-state.ts';
import type { Plan } from './rule-planner.ts';

/** Runs a connect, import, export or disconnect plan. */
export async function runSpotifyPlan(plan: Plan, ctx: ToolContext, state: ConversationState, failureText: (o: { kind: 'retry' | 'user' | 'system'; code: string; message: string }) => string): Promise<RuleTurn> {
  const base = { planner: 'rules' as const, cards: [] as ReplyCard[] };
  const say = (text: string, suggestions: string[], extra: Partial<AgentReply> = {}): RuleTurn => ({ reply: { ...base, text, suggestions, ...extra }, state });
  const call = plan.calls[0];
  if (call === undefined) return say('Say "connect spotify", "import my spotify", "save this as a playlist" or "disconnect spotify".', ['connect spotify']);
  const outcome = await callTool(call.name, call.args, ctx);
  if (outcome.kind !== 'ok') {
    if (plan.intent === 'export' && outcome.kind === 'user' && outcome.code === 'spotify_not_configured') return pasteList(state, say);
    const next = outcome.kind === 'user' && outcome.code === 'spotify_not_connected' ? ['connect spotify'] : ['help'];
    return say(failureText(outcome), next, failureOf(outcome));
  }
  const v = outcome.value;
  switch (plan.intent) {
    case 'connect':
      return v.already_connected === true
        ? say(`Your Spotify account ${String(v.spotify_user)} is already connected. Say "import my spotify" to refresh your seeds from it, or "disconnect spotify".`, ['import my spotify', 'recommend something for me'])
        : say(`Open this link to connect your Spotify account (it works once, for ${String(v.expires_in_minutes)} minutes):\n${String(v.url)}\nThen say "import my spotify".`, ['import my spotify']);
    case 'import':
      return say(String(v.message), ['recommend something for me', 'save this as a playlist']);
    case 'export': {
      const skipped = Number(v.skipped);
      return say(`Saved "${String(v.name)}" to your Spotify with ${String(v.added)} track${v.added === 1 ? '' : 's'}${skipped > 0 ? ` (${skipped} not found on Spotify)` : ''}: ${String(v.url)}`, ['more like the first one', 'calmer']);
    }
    default: {
      const removed = Number(v.removed_seeds);
      const text = v.disconnected === true
        ? `Disconnected your Spotify account and deleted the ${removed} seed${removed === 1 ? '' : 's'} imported from it. You can also remove Earworm's access at spotify.com/account/apps.`
        : `No Spotify account was connected${removed > 0 ? `; deleted ${removed} leftover imported seeds` : ''}.`;
      return say(text, ['connect spotify', 'recommend something for me']);
    }
  }
}

/** Without Spotify: the last tracks as lines to paste into any playlist. */
function pasteList(state: ConversationState, say: (text: string, suggestions: string[], extra?: Partial<AgentReply>) => RuleTurn): RuleTurn {
  if (state.lastRecommendations.length === 0) return say('There is nothing to export yet: ask for some music first.', ['something like Daft Punk']);
  const lines = state.lastRecommendations.map((c) => `${c.artists.join(', ')} - ${c.title}`);
  return say(`Your last ${lines.length} tracks, one per line, ready to paste into a playlist:\n${lines.join('\n')}`, ['more like the first one', 'calmer'], { cards: [...state.lastRecommendations] });
}
