/** Checks that Redis answers before queues or workers are built on it, so a wrong REDIS_URL fails at once and clearly. */
import { Redis } from 'ioredis';
import { RedisUnavailableError } from './job-errors.ts';

/** Connects and pings once; throws RedisUnavailableError naming the URL when Redis does not answer in time. */
export async function assertRedisReachable(url: string, timeoutMs = 3000): Promise<void> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  client.on('error', () => {
    // Reported through the rejected connect/ping below.
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      (async () => {
        await client.connect();
        await client.ping();
      })(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } catch (err) {
    throw new RedisUnavailableError(url, { cause: err });
  } finally {
    clearTimeout(timer);
    client.disconnect();
  }
}
