import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPerson } from '../../src/serving/state/people.ts';
import { fixedPersonResolver, MCP_PROVIDER } from '../../src/mcp/mcp-identity.ts';
import { createMcpServer } from '../../src/mcp/mcp-server.ts';
import { DRIVERS } from '../support/db.ts';
import { openHarness, type Harness } from '../tools/support/tool-harness.ts';
import { checkClient } from './support/mcp-checks.ts';

/** A client named `clientName` whose credential is the person `who` (what a token maps to). */
async function connect(h: Harness, clientName: string, who = 'someone'): Promise<Client> {
  const server = createMcpServer({ services: h.services, resolvePerson: fixedPersonResolver(h.db, who) });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: clientName, version: '1.0.0' });
  await client.connect(clientSide);
  return client;
}

type Rec = { track: { id: number } };

describe.each(DRIVERS)('MCP server over the in-memory transport on %s', (driver) => {
  let h: Harness;
  beforeAll(async () => {
    h = await openHarness(driver);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('lists and runs every tool, and reports fixable mistakes as isError results', async () => {
    const client = await connect(h, 'inspector');
    await checkClient(client, h.fixture);
    await client.close();
  });

  it('maps each credential to a person (not the client name), so its likes shape its later answers only', async () => {
    const alice = await connect(h, 'desktop', 'token:alice');
    const bob = await connect(h, 'desktop', 'token:bob');
    const before = await bob.callTool({ name: 'recommend', arguments: { seeds: { artists: ['Metallica', 'Nirvana'] }, count: 10 } });
    const disliked = (before.structuredContent as { recommendations: Rec[] }).recommendations[0]!.track.id;
    const r = await alice.callTool({ name: 'rate_track', arguments: { track: disliked, rating: 'dislike' } });
    expect(r.isError).toBeFalsy();
    const after = await alice.callTool({ name: 'recommend', arguments: { seeds: { artists: ['Metallica', 'Nirvana'] }, count: 10 } });
    expect((after.structuredContent as { recommendations: Rec[] }).recommendations.map((x) => x.track.id)).not.toContain(disliked);
    const bobAfter = await bob.callTool({ name: 'recommend', arguments: { seeds: { artists: ['Metallica', 'Nirvana'] }, count: 10 } });
    expect((bobAfter.structuredContent as { recommendations: Rec[] }).recommendations.map((x) => x.track.id)).toContain(disliked);
    expect(await findPerson(h.db, MCP_PROVIDER, 'token:alice')).toBeTypeOf('number');
    expect(await findPerson(h.db, MCP_PROVIDER, 'desktop')).toBeUndefined();
    // Reconnecting with the same credential is the same person, whatever the client calls itself.
    const alice2 = await connect(h, 'another-name', 'token:alice');
    const profile = await alice2.callTool({ name: 'get_taste_profile', arguments: {} });
    expect((profile.structuredContent as { counts: { disliked: number } }).counts.disliked).toBe(1);
    await Promise.all([alice.close(), bob.close(), alice2.close()]);
  });

  it('recommend with artists_first leads with the named artists\' own tracks, round-robin (issue 19, CPCD)', async () => {
    const client = await connect(h, 'playlist', 'token:playlist');
    const led = await client.callTool({ name: 'recommend', arguments: { seeds: { artists: ['Metallica', 'Nirvana'] }, count: 5, artists_first: true } });
    expect(led.isError).toBeFalsy();
    const by = (led.structuredContent as { recommendations: { track: { artists: string[] } }[] }).recommendations.map((r) => r.track.artists[0]);
    expect(by.slice(0, 2).sort()).toEqual(['Metallica', 'Nirvana']);
    expect(by.slice(0, 3).every((a) => a === 'Metallica' || a === 'Nirvana')).toBe(true);
    await client.close();
  });

  it('serves a track and the taste profile as resources, and the prompts', async () => {
    const client = await connect(h, 'resources');
    const id = h.fixture.byTitle.get('Teardrop')!;
    const track = await client.readResource({ uri: `earworm://tracks/${id}` });
    const body = JSON.parse((track.contents[0] as { text: string }).text) as { title: string; predictions: { mood: { label: string } } };
    expect(body.title).toBe('Teardrop');
    expect(body.predictions.mood.label).toBe('calm');
    const { resources } = await client.listResources();
    expect(resources.map((r) => r.uri)).toContain('earworm://me/taste-profile');
    const { resourceTemplates } = await client.listResourceTemplates();
    expect(resourceTemplates.map((r) => r.uriTemplate)).toContain('earworm://tracks/{id}');
    const profile = await client.readResource({ uri: 'earworm://me/taste-profile' });
    expect(JSON.parse((profile.contents[0] as { text: string }).text)).toHaveProperty('counts');
    const { prompts } = await client.listPrompts();
    expect(prompts.map((p) => p.name).sort()).toEqual(['playlist_for_activity', 'teach_my_taste']);
    const prompt = await client.getPrompt({ name: 'playlist_for_activity', arguments: { activity: 'running', length: '12' } });
    expect((prompt.messages[0]!.content as { text: string }).text).toMatch(/12 tracks for running[\s\S]*recommend/);
    await client.close();
  });
});
