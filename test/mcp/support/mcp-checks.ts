/** The checks every MCP transport must pass, run through the SDK's own Client. */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { expect } from 'vitest';
import { TOOLS } from '../../../src/tools/registry.ts';
import type { Fixture } from '../../tools/support/catalogue-fixture.ts';

/** Valid arguments for every tool (record_preference needs a comparison id, filled in at run time). */
export function validCalls(f: Fixture, comparisonId: number): Record<string, Record<string, unknown>> {
  const id = (t: string) => f.byTitle.get(t)!;
  return {
    search_catalog: { query: 'daft punk' },
    recommend: { seeds: { tracks: ['daft punk one more time'] }, count: 5 },
    similar_tracks: { track: id('Creep'), count: 3 },
    classify_track: { track: id('Teardrop') },
    explain_recommendation: { track: id('Around the World'), seeds: [id('One More Time')] },
    next_comparison: {},
    record_preference: { comparison_id: comparisonId, choice: 'a', interaction_id: `vote-${comparisonId}` },
    rate_track: { track: 'radiohead karma police', rating: 'like' },
    get_taste_profile: {},
    list_genres_and_moods: {},
    get_experiment_stats: {},
  };
}

type Result = Awaited<ReturnType<Client['callTool']>>;
const text = (r: Result) => (r.content as { type: string; text?: string }[]).map((c) => c.text ?? '').join('\n');

/** tools/list, every tool with valid input, invalid input, unknown tool, and 20 parallel calls. */
export async function checkClient(client: Client, f: Fixture): Promise<void> {
  const { tools } = await client.listTools();
  expect(tools.map((t) => t.name).sort()).toEqual(TOOLS.map((t) => t.name).sort());
  for (const t of tools) {
    expect(t.description?.length).toBeGreaterThan(40);
    expect(t.inputSchema.type).toBe('object');
    expect(t.outputSchema?.type).toBe('object');
  }

  const comparison = await client.callTool({ name: 'next_comparison', arguments: {} });
  expect(comparison.isError).toBeFalsy();
  const comparisonId = (comparison.structuredContent as { comparison_id: number }).comparison_id;
  for (const [name, args] of Object.entries(validCalls(f, comparisonId))) {
    const r = await client.callTool({ name, arguments: args });
    expect(r.isError, `${name}: ${text(r)}`).toBeFalsy();
    expect(r.structuredContent, name).toBeTypeOf('object');
    expect(JSON.parse(text(r))).toEqual(r.structuredContent);
  }

  const invalid = await client.callTool({ name: 'recommend', arguments: { count: 'lots' } });
  expect(invalid.isError).toBe(true);
  expect(text(invalid)).toMatch(/Invalid arguments for recommend: count: .*number.*call recommend again/);
  const missing = await client.callTool({ name: 'rate_track', arguments: { track: 5 } });
  expect(missing.isError).toBe(true);
  expect(text(missing)).toMatch(/rating: /);
  const ambiguous = await client.callTool({ name: 'similar_tracks', arguments: { track: 'that Radiohead song' } });
  expect(ambiguous.isError).toBe(true);
  expect(text(ambiguous)).toMatch(/matches several tracks[\s\S]*Candidates:\n- \d+: .*Radiohead/);
  const unknown = await client.callTool({ name: 'play_song', arguments: {} });
  expect(unknown.isError).toBe(true);
  expect(text(unknown)).toMatch(/no tool called "play_song".*recommend/);

  const parallel = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      client.callTool(i % 2 === 0 ? { name: 'recommend', arguments: { seeds: { artists: ['Radiohead'] }, count: 5 } } : { name: 'search_catalog', arguments: { query: 'one' } }),
    ),
  );
  for (const r of parallel) {
    expect(r.isError).toBeFalsy();
    expect(r.structuredContent).toBeTypeOf('object');
  }
}
