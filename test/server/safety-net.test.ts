/**
 * The process-level safety net (issue 21, finding 1): once serving, an unhandled rejection or uncaught exception is
 * logged as a typed UnhandledError with its cause, counted in earworm_unhandled_errors_total, and the process goes on;
 * during start-up it is fatal (exit 1). The events come from an emitter standing in for `process`, so the test
 * process's own handlers are not touched.
 */
import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logging/logger.ts';
import { Metrics } from '../../src/server/metrics.ts';
import { installSafetyNet, type ProcessEvents } from '../../src/server/safety-net.ts';

function rig() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString('utf8').split('\n')) if (l.trim() !== '') lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  const logger = createLogger({ logLevel: 'info', destination });
  const metrics = new Metrics({ processMetrics: false });
  const source = new EventEmitter();
  const exits: number[] = [];
  const net = installSafetyNet({ logger, count: (origin) => metrics.unhandledError(origin), source: source as ProcessEvents, exit: (code) => exits.push(code) });
  const counted = async (origin: string) => {
    const m = (await metrics.registry.getMetricsAsJSON()).find((x) => x.name === 'earworm_unhandled_errors_total');
    return (m?.values ?? []).find((v) => v.labels.origin === origin)?.value ?? 0;
  };
  return { lines, source, exits, net, counted };
}

describe('process safety net', () => {
  it('while serving: logs each unhandled error with its cause, counts it by origin, and keeps going', async () => {
    const r = rig();
    r.net.serving();
    r.source.emit('unhandledRejection', new TypeError("Cannot read properties of null (reading 'ssl_check')"));
    r.source.emit('uncaughtException', new RangeError('timer went wrong'));
    r.source.emit('unhandledRejection', 'a bare string');
    await new Promise((resolve) => setImmediate(resolve));
    expect(r.exits).toEqual([]);
    expect(await r.counted('unhandledRejection')).toBe(2);
    expect(await r.counted('uncaughtException')).toBe(1);
    const logged = r.lines.filter((l) => l.msg === 'unhandled error caught by the safety net; still serving') as { level: number; origin: string; err: { type: string; code: string; message: string; cause: { type?: string; message?: string } | string } }[];
    expect(logged).toHaveLength(3);
    expect(logged[0]).toMatchObject({ level: 50, origin: 'unhandledRejection', err: { type: 'UnhandledError', code: 'UNHANDLED', cause: { type: 'TypeError', message: "Cannot read properties of null (reading 'ssl_check')" } } });
    expect(logged[1]).toMatchObject({ origin: 'uncaughtException', err: { cause: { type: 'RangeError' } } });
    expect(logged[2]!.err.message).toContain('a bare string');
    r.net.remove();
    expect(r.source.listenerCount('unhandledRejection')).toBe(0);
    expect(r.source.listenerCount('uncaughtException')).toBe(0);
  });

  it('before serving: an unhandled error is a start-up failure (fatal line, exit 1), never swallowed', async () => {
    const r = rig();
    r.source.emit('unhandledRejection', new Error('could not open the state folder'));
    expect(r.exits).toEqual([1]);
    expect(await r.counted('unhandledRejection')).toBe(1);
    expect(r.lines.find((l) => l.msg === 'unhandled error during start-up; exiting')).toMatchObject({ level: 60, err: { type: 'UnhandledError' } });
    r.net.remove();
  });
});
