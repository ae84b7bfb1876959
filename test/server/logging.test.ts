/** Structured logs: every line of an agent turn carries the turn's id; job lines carry the job. */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from '../../src/agent/agent.ts';
import { Conversation } from '../../src/desk/conversation.ts';
import { LlmUnreachableError } from '../../src/agent/llm-errors.ts';
import { PgConversationStore } from '../../src/desk/pg-conversation-store.ts';
import { ScriptedLlmClient } from '../../src/agent/scripted-llm-client.ts';
import { resolvePerson } from '../../src/serving/state/people.ts';
import { jobLogger } from '../../src/logging/logger.ts';
import { openHarness, type Harness } from '../tools/support/tool-harness.ts';

function memoryLogger() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split('\n')) if (l !== '') lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'debug', base: null }, stream), lines };
}

describe('structured logs', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await openHarness('pglite');
  });
  afterAll(() => h.close());

  it('tags every log line of a turn with one turn id, different for each turn', async () => {
    const { logger, lines } = memoryLogger();
    const llm = new ScriptedLlmClient([
      { toolCalls: [{ id: 'c1', name: 'search_catalog', arguments: '{"query":"daft punk"}' }] },
      new LlmUnreachableError('down'),
    ]);
    const agent = new Conversation({ agent: new Agent({ services: h.services, llm, logger, llmCooldownMs: 0 }), store: new PgConversationStore(h.db) });
    const personId = await resolvePerson(h.db, 'test', 'logs');
    await agent.handle({ personId, platform: 'test', channelId: 'c', text: 'something like daft punk' });
    await agent.handle({ personId, platform: 'test', channelId: 'c', text: 'something calmer' });
    const step = lines.find((l) => l.msg === 'LLM step');
    const fallback = lines.find((l) => l.msg === 'LLM failed; the rule planner answers');
    expect(step).toMatchObject({ personId, platform: 'test' });
    expect(fallback).toMatchObject({ personId, platform: 'test', code: 'LLM_UNREACHABLE' });
    expect(step!.turn).toMatch(/^[0-9a-f-]{36}$/);
    expect(fallback!.turn).toEqual(step!.turn); // the first turn: one LLM step, then the LLM failed
    await agent.handle({ personId, platform: 'test', channelId: 'c', text: 'more like that' });
    const turns = new Set(lines.filter((l) => l.msg === 'LLM failed; the rule planner answers').map((l) => l.turn));
    expect(turns.size).toBe(3); // three turns, each failing over to the rule planner under its own id
  });

  it('names the job on every line of a job logger', () => {
    const { logger, lines } = memoryLogger();
    jobLogger(logger, { id: 42, queue: 'train', name: 'train-cf', attempt: 2 }).info('training');
    expect(lines).toEqual([{ level: 30, time: expect.any(Number), job: '42', queue: 'train', jobName: 'train-cf', attempt: 2, msg: 'training' }]);
  });
});
