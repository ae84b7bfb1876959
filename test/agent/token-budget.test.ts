import { describe, expect, it } from 'vitest';
import type { LlmMessage } from '../../src/agent/llm-client.ts';
import { fitToBudget, totalTokens } from '../../src/agent/token-budget.ts';

describe('the token budget', () => {
  it('keeps recent history that fits, starts on a user message, and summarises what it dropped', () => {
    const history: LlmMessage[] = [];
    for (let i = 0; i < 50; i++) history.push({ role: 'user', content: `request ${i} ${'x'.repeat(200)}` }, { role: 'assistant', content: 'y'.repeat(400) });
    const out = fitToBudget('system', history, [{ role: 'user', content: 'now' }], 2000);
    expect(totalTokens(out)).toBeLessThanOrEqual(2000);
    expect(out[1]!.role).toBe('user');
    expect(out[0]!.content).toMatch(/Earlier in this conversation \(summarised\): the person asked .*request \d+/);
    expect(out[out.length - 1]).toEqual({ role: 'user', content: 'now' });
    expect(fitToBudget('s', history.slice(0, 2), [], 100_000)).toHaveLength(3);
  });
});
