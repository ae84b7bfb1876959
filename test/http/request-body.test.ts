/** Body reading with limits and bearer protection, over a real local server and fetch. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireBearer } from '../../src/http/bearer-auth.ts';
import { createHttpServer, listen, sendJson, type RunningServer } from '../../src/http/http-server.ts';
import { BodyError, readJsonBody } from '../../src/http/request-body.ts';
import { silentLogger } from '../../src/logging/logger.ts';

describe('request bodies and bearer auth', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await listen(
      createHttpServer(
        [
          {
            path: '/echo',
            methods: ['POST'],
            handler: async (req, res) => {
              try {
                sendJson(res, 200, { body: (await readJsonBody(req, 64)) ?? null });
              } catch (err) {
                if (!(err instanceof BodyError)) throw err;
                sendJson(res, err.status, { error: err.message, code: err.code });
              }
            },
          },
          { path: '/secret', handler: requireBearer('s3cret', (_req, res) => sendJson(res, 200, { ok: true })) },
        ],
        silentLogger,
      ),
      0,
    );
  });
  afterAll(() => server.close());

  const post = async (body: string) => {
    const r = await fetch(`${server.url}/echo`, { method: 'POST', body });
    return { status: r.status, json: (await r.json()) as Record<string, unknown> };
  };

  it('reads JSON within the limit, and an empty body as nothing', async () => {
    expect(await post('{"a":[1,2]}')).toEqual({ status: 200, json: { body: { a: [1, 2] } } });
    expect(await post('')).toEqual({ status: 200, json: { body: null } });
  });

  it('answers 413 past the limit and 400 for a body that is not JSON, with the BAD_BODY code', async () => {
    const big = await post(JSON.stringify({ text: 'x'.repeat(100) }));
    expect(big.status).toBe(413);
    expect(big.json).toMatchObject({ code: 'BAD_BODY', error: expect.stringContaining('64 bytes') });
    const bad = await post('{not json');
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ code: 'BAD_BODY' });
  });

  it('lets only the right bearer token through, and tells the others how to authenticate', async () => {
    const none = await fetch(`${server.url}/secret`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer /);
    expect((await fetch(`${server.url}/secret`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    const ok = await fetch(`${server.url}/secret`, { headers: { authorization: 'Bearer s3cret' } });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ ok: true });
  });
});
