/** The route table: exact paths, prefix routes (longest first), 404 and 405. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpServer, listen, sendJson, type RunningServer } from '../../src/http/http-server.ts';
import { silentLogger } from '../../src/logging/logger.ts';

describe('route table', () => {
  let server: RunningServer;
  beforeAll(async () => {
    const answer = (name: string) => (req: IncomingMessage, res: ServerResponse) => sendJson(res, 200, { route: name, url: req.url });
    server = await listen(
      createHttpServer(
        [
          { path: '/web/*', handler: answer('web') },
          { path: '/web/api/*', methods: ['POST'], handler: answer('api') },
          { path: '/exact', handler: answer('exact') },
        ],
        silentLogger,
      ),
      0,
    );
  });
  afterAll(() => server.close());

  const get = async (path: string, method = 'GET') => {
    const r = await fetch(server.url + path, { method });
    return { status: r.status, body: (await r.json()) as Record<string, unknown> };
  };

  it('matches exact paths and prefixes, longest prefix first', async () => {
    expect((await get('/exact')).body.route).toBe('exact');
    expect((await get('/web')).body.route).toBe('web');
    expect((await get('/web/page?x=1')).body).toEqual({ route: 'web', url: '/web/page?x=1' });
    expect((await get('/web/api/vote', 'POST')).body.route).toBe('api');
    expect((await get('/web/api/vote')).status).toBe(405);
    expect((await get('/webx')).status).toBe(404);
    expect((await get('/exact/more')).status).toBe(404);
    expect((await get('/healthz')).body).toEqual({ status: 'ok' });
  });
});
