import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/logging/logger.ts';
import { Lifecycle, type SignalSource } from '../../src/server/lifecycle.ts';

describe('shutdown lifecycle', () => {
  it('runs intake, then work, then storage, whatever the registration order, and only once', async () => {
    const order: string[] = [];
    const lc = new Lifecycle({ logger: silentLogger });
    lc.onShutdown('database', () => void order.push('database'), 'storage');
    lc.onShutdown('mcp', async () => {
      await new Promise((r) => setTimeout(r, 10));
      order.push('mcp');
    });
    lc.onShutdown('http', () => void order.push('http'), 'intake');
    lc.onShutdown('discord', () => void order.push('discord'), 'intake');
    expect(lc.stopping).toBe(false);
    const [a, b] = await Promise.all([lc.shutdown('test'), lc.shutdown('again')]);
    expect(a).toBe(b);
    expect(order.slice(0, 2).sort()).toEqual(['discord', 'http']);
    expect(order.slice(2)).toEqual(['mcp', 'database']);
    expect(a.reason).toBe('test');
    expect(a.steps.map((s) => [s.name, s.phase, s.outcome])).toEqual([
      ['discord', 'intake', 'done'],
      ['http', 'intake', 'done'],
      ['mcp', 'work', 'done'],
      ['database', 'storage', 'done'],
    ]);
    expect(lc.stopping).toBe(true);
    expect(lc.signal.aborted).toBe(true);
    expect(lc.onShutdown('late', () => {})).toBe(false);
  });

  it('goes on past a failing step and past one that hangs (bounded by the step timeout)', async () => {
    const lc = new Lifecycle({ logger: silentLogger, stepTimeoutMs: 50 });
    let closed = false;
    lc.onShutdown('broken', () => {
      throw new Error('boom');
    }, 'intake');
    lc.onShutdown('stuck', () => new Promise<void>(() => {}), 'work');
    lc.onShutdown('database', () => void (closed = true), 'storage');
    const report = await lc.shutdown('test');
    expect(report.steps.map((s) => s.outcome)).toEqual(['failed', 'timed-out', 'done']);
    expect(report.steps[1]!.ms).toBeGreaterThanOrEqual(45);
    expect(closed).toBe(true);
  });

  it('SIGTERM starts the shutdown; a second signal forces the exit; untrapping removes the handlers', async () => {
    const signals = new EventEmitter();
    const lc = new Lifecycle({ logger: silentLogger, stepTimeoutMs: 1000 });
    let release: (() => void) | undefined;
    const slowStarted = new Promise<void>((started) => lc.onShutdown('slow', () => new Promise<void>((r) => ((release = r), started()))));
    let forced = 0;
    const untrap = lc.trapSignals(signals as unknown as SignalSource, () => forced++);
    const requested = lc.stopRequested();
    signals.emit('SIGTERM');
    await requested;
    expect(lc.stopping).toBe(true);
    signals.emit('SIGINT');
    expect(forced).toBe(1);
    await slowStarted;
    release!();
    expect((await lc.shutdown('ignored')).reason).toBe('SIGTERM');
    untrap();
    expect(signals.listenerCount('SIGINT') + signals.listenerCount('SIGTERM')).toBe(0);
  });
});
