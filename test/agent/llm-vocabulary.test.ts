/**
 * Issue 19: the LLM can express the whole constraint vocabulary. Over the OpenAI-compatible wire (the local vLLM
 * replay server), the tool schema the client sends for `recommend` has every vocabulary field, and a scripted
 * `recommend` call that sets every field passes validation and is obeyed: exclusions always, every other constraint
 * unless the result says it was relaxed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from '../../src/agent/agent.ts';
import { InMemoryConversationStore } from '../../src/agent/conversation-state.ts';
import { OpenAiLlmClient } from '../../src/agent/openai-llm-client.ts';
import { Conversation } from '../../src/desk/conversation.ts';
import { CONSTRAINT_FIELDS, RELAXATION_ORDER } from '../../src/recsys/constraints/constraint-vocabulary.ts';
import { resolvePerson } from '../../src/serving/state/people.ts';
import { DRIVERS } from '../support/db.ts';
import { openHarness, type Harness } from '../tools/support/tool-harness.ts';
import { chunk, completion, startFakeVllm, type WireRequest } from './support/fake-vllm-server.ts';

type Card = { id: number; title: string; artists: string[]; year: number | null; genre: string | null };
type Result = { recommendations?: { track: Card }[]; relaxed?: { constraint: string }[]; error?: string };

/** The tool results the client sent back to the model. */
function toolResults(req: WireRequest): Result[] {
  return req.messages.filter((m) => m.role === 'tool').map((m) => JSON.parse(m.content ?? '{}') as Result);
}

describe.each(DRIVERS)('the LLM tool schema and the constraint vocabulary on %s', (driver) => {
  let h: Harness;
  let personId: number;
  beforeAll(async () => {
    h = await openHarness(driver);
    personId = await resolvePerson(h.db, 'test', 'llm-vocabulary');
  });
  afterAll(async () => {
    await h?.close();
  });

  it('a scripted recommend call with every vocabulary field validates and is obeyed', async () => {
    const id = (t: string) => h.fixture.byTitle.get(t)!;
    const constraints = {
      genres: ['rock', 'pop'],
      exclude_genres: ['hip hop'],
      moods: ['sad', 'calm', 'energetic'],
      exclude_moods: ['happy'],
      artists: ['Radiohead', 'Nirvana', 'Pearl Jam', 'Norah Jones', 'Metallica'],
      exclude_artists: ['Metallica'],
      tracks: h.fixture.rock,
      exclude_tracks: ['Creep by Radiohead', id('Black')],
      year: { min: 1990, max: 2005 },
      tempo: { min: 60, max: 160 },
      energy: { max: 0.95 },
      valence: { min: 0 },
      danceability: { max: 0.6 },
      acousticness: { min: 0 },
      instrumentalness: { max: 0.5 },
      vocals: 'vocal',
      explicit: 'any',
      popularity: 'mainstream',
      holiday: 'any',
      instruments: ['guitar'],
    };
    expect(Object.keys(constraints).sort()).toEqual([...CONSTRAINT_FIELDS].sort());
    const args = JSON.stringify({ constraints, count: 4, for: 'anyone' });
    const fake = await startFakeVllm([
      {
        kind: 'sse',
        chunks: () => [
          chunk({ role: 'assistant', content: '' }),
          chunk({ reasoning_content: 'Every constraint the person gave; call recommend.' }),
          chunk({ tool_calls: [{ index: 0, id: 'chatcmpl-tool-1', type: 'function', function: { name: 'recommend', arguments: args.slice(0, 80) } }] }),
          chunk({ tool_calls: [{ index: 0, function: { arguments: args.slice(80) } }] }),
          chunk({}, 'tool_calls'),
        ],
      },
      {
        kind: 'json',
        body: (req) => {
          const titles = toolResults(req).flatMap((r) => (r.recommendations ?? []).map((x) => `${x.track.title} - ${x.track.artists[0]}`));
          return completion({ content: `Here you go:\n${titles.map((t, i) => `${i + 1}. ${t}`).join('\n')}` }, 'stop');
        },
      },
    ]);
    try {
      const llm = new OpenAiLlmClient({ baseURL: fake.baseURL, maxRetries: 0 });
      const agent = new Conversation({ agent: new Agent({ services: h.services, llm }), store: new InMemoryConversationStore() });
      const reply = await agent.handle({ personId, platform: 'test', channelId: 'llm-vocabulary', text: 'mainstream 90s rock or pop with vocals, sad or calm, nothing happy, no Metallica, not Creep or Black' });
      expect(reply.planner).toBe('llm');
      // The schema on the wire names every field under recommend's constraints.
      const tools = fake.requests[0]!.tools as unknown as { function: { name: string; parameters: { properties: { constraints: { properties: Record<string, unknown> } } } } }[];
      const recommend = tools.find((t) => t.function.name === 'recommend')!;
      expect(Object.keys(recommend.function.parameters.properties.constraints.properties).sort()).toEqual([...CONSTRAINT_FIELDS].sort());
      // The call validated: a result with tracks went back to the model, not an error.
      const [result] = toolResults(fake.requests[1]!);
      expect(result?.error).toBeUndefined();
      const recs = result!.recommendations!;
      expect(recs.length).toBeGreaterThan(0);
      const relaxed = new Set((result!.relaxed ?? []).map((r) => r.constraint));
      for (const field of relaxed) expect(RELAXATION_ORDER as readonly string[]).toContain(field);
      for (const { track } of recs) {
        // Exclusions are never relaxed.
        expect(track.artists).not.toContain('Metallica');
        expect([id('Creep'), id('Black')]).not.toContain(track.id);
        expect(track.genre).not.toBe('hip hop');
        if (!relaxed.has('tracks')) expect(h.fixture.rock).toContain(track.id);
        if (!relaxed.has('artists')) expect(['Radiohead', 'Nirvana', 'Pearl Jam', 'Norah Jones']).toContain(track.artists[0]);
        if (!relaxed.has('genres')) expect(['rock', 'pop']).toContain(track.genre);
        if (!relaxed.has('year')) expect(track.year).toBeGreaterThanOrEqual(1990);
      }
      expect(reply.cards.map((c) => c.id)).toEqual(recs.map((r) => r.track.id));
    } finally {
      await fake.close();
    }
  });

  it('"mainstream" keeps the most played fifth, tracks tied for the most plays included', async () => {
    const out = await h.call('mainstream', 'recommend', { constraints: { popularity: 'mainstream' }, count: 4, for: 'anyone' });
    if (out.kind !== 'ok') throw new Error(out.message);
    const v = out.value as { recommendations: { track: { plays: number } }[]; relaxed: unknown[] };
    expect(v.relaxed).toEqual([]);
    const all = await h.call('mainstream', 'recommend', { count: 50, for: 'anyone' });
    if (all.kind !== 'ok') throw new Error(all.message);
    const most = Math.max(...(all.value as { recommendations: { track: { plays: number } }[] }).recommendations.map((r) => r.track.plays));
    for (const r of v.recommendations) expect(r.track.plays).toBe(most);
    // "deep_cuts" still keeps the less played half.
    const deep = await h.call('mainstream', 'recommend', { constraints: { popularity: 'deep_cuts' }, count: 4, for: 'anyone' });
    if (deep.kind !== 'ok') throw new Error(deep.message);
    const d = deep.value as { recommendations: { track: { plays: number } }[]; relaxed: unknown[] };
    expect(d.relaxed).toEqual([]);
    const plays = (all.value as { recommendations: { track: { plays: number } }[] }).recommendations.map((r) => r.track.plays).sort((a, b) => a - b);
    for (const r of d.recommendations) expect(r.track.plays).toBeLessThanOrEqual(plays[Math.floor(plays.length / 2)]!);
  });
});
