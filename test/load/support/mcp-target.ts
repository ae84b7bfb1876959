/**
 * The MCP load target: each conversation is the SDK's own Client over Streamable HTTP against the real /mcp route,
 * as its own person (its own client token, as `earworm mcp-token create` makes), running a script of twenty tool calls that mixes reads, A/B votes and ratings.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Fixture } from '../../tools/support/catalogue-fixture.ts';
import type { LoadConversation, LoadTarget } from './load-harness.ts';

type Step = (state: { comparisonId?: number }) => { name: string; arguments: Record<string, unknown> };

/** The conversation script over the fixture catalogue (20 turns: 4 comparisons and votes, 2 ratings, reads). */
export function mcpScript(f: Fixture, conversation: number): Step[] {
  const id = (t: string) => f.byTitle.get(t)!;
  const rock = f.rock[conversation % f.rock.length]!;
  const electronic = f.electronic[conversation % f.electronic.length]!;
  const vote = (choice: 'a' | 'b', turn: number): Step => (s) => ({
    name: 'record_preference',
    arguments: { comparison_id: s.comparisonId, choice, interaction_id: `load-${conversation}-${turn}` },
  });
  const compare: Step = () => ({ name: 'next_comparison', arguments: {} });
  return [
    () => ({ name: 'search_catalog', arguments: { query: 'daft punk' } }),
    () => ({ name: 'recommend', arguments: { seeds: { tracks: ['daft punk one more time'] }, count: 5 } }),
    () => ({ name: 'similar_tracks', arguments: { track: rock, count: 3 } }),
    compare,
    vote('a', 4),
    () => ({ name: 'rate_track', arguments: { track: electronic, rating: 'like', interaction_id: `load-${conversation}-like` } }),
    () => ({ name: 'get_taste_profile', arguments: {} }),
    () => ({ name: 'classify_track', arguments: { track: id('Teardrop') } }),
    compare,
    vote('b', 9),
    () => ({ name: 'explain_recommendation', arguments: { track: id('Around the World'), seeds: [id('One More Time')] } }),
    () => ({ name: 'recommend', arguments: { count: 5 } }),
    () => ({ name: 'search_catalog', arguments: { query: 'radiohead' } }),
    compare,
    vote('a', 14),
    () => ({ name: 'rate_track', arguments: { track: rock, rating: 'dislike', interaction_id: `load-${conversation}-dislike` } }),
    () => ({ name: 'list_genres_and_moods', arguments: {} }),
    compare,
    vote('b', 19),
    () => ({ name: 'get_taste_profile', arguments: {} }),
  ];
}

/** Conversations over MCP Streamable HTTP at `url` (…/mcp), each with the bearer token `tokenFor` gives it. */
export function mcpTarget(url: string, tokenFor: (conversation: number) => Promise<string>, fixture: Fixture): LoadTarget {
  return {
    name: 'mcp-http',
    async open(conversation): Promise<LoadConversation> {
      const client = new Client({ name: 'load', version: '1.0.0' });
      const transport = new StreamableHTTPClientTransport(new URL(url), {
        requestInit: { headers: { authorization: `Bearer ${await tokenFor(conversation)}` } },
      });
      await client.connect(transport);
      const script = mcpScript(fixture, conversation);
      const state: { comparisonId?: number } = {};
      return {
        async turn(index) {
          const call = script[index % script.length]!(state);
          const r = await client.callTool(call);
          if (r.isError === true) {
            const text = (r.content as { text?: string }[]).map((c) => c.text ?? '').join(' ');
            throw new Error(`${call.name}: ${text}`);
          }
          const value = r.structuredContent as Record<string, unknown> | undefined;
          if (value === undefined) throw new Error(`${call.name}: no structured content`);
          if (call.name === 'next_comparison') state.comparisonId = value.comparison_id as number;
          if (call.name === 'record_preference' && value.recorded !== true) throw new Error(`vote ${String(call.arguments.interaction_id)} was not recorded`);
        },
        async close() {
          await transport.terminateSession().catch(() => {});
          await client.close();
        },
      };
    },
  };
}
