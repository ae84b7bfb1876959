import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/logging/logger.ts';
import { createHttpServer, drainServer, listen, sendJson, type Route } from '../../src/http/http-server.ts';

/** A GET through node:http on a fresh connection: status and body, or the connection error's code. */
function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string } | { error: string }> {
  return new Promise((resolve) => {
    const req = http.get(url, { agent: false, headers }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? err.message }));
    });
    req.on('error', (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? err.message }));
  });
}

function slowServer(observed: string[]) {
  let releaseSlow!: () => void;
  let started!: () => void;
  const slowStarted = new Promise<void>((resolve) => (started = resolve));
  const routes: Route[] = [
    {
      path: '/slow',
      handler: async (_req, res) => {
        started();
        await new Promise<void>((r) => (releaseSlow = r));
        sendJson(res, 200, { done: true });
      },
    },
    { path: '/web/*', handler: (_req, res) => sendJson(res, 200, { web: true }) },
    { path: '/forever', handler: () => new Promise<void>(() => {}) },
    {
      path: '/events',
      handler: (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write(': open\n\n');
      },
    },
  ];
  const server = createHttpServer(routes, silentLogger, { observe: (route, method, status) => observed.push(`${method} ${route} ${status}`) });
  return { server, slowStarted, release: () => releaseSlow() };
}

describe('HTTP server: metrics hook and graceful drain', () => {
  it('reports each request by route pattern (prefix routes and unmatched paths too), method and status', async () => {
    const observed: string[] = [];
    const { server } = slowServer(observed);
    const running = await listen(server, 0);
    try {
      await get(`${running.url}/web/anything/here`);
      await get(`${running.url}/healthz`);
      await get(`${running.url}/no/such/path`);
      expect(observed).toEqual(['GET /web/* 200', 'GET /healthz 200', 'GET unmatched 404']);
    } finally {
      await running.close();
    }
  });

  it('lets an in-flight request finish, refuses new work meanwhile, and does not wait for a standing event stream', async () => {
    const observed: string[] = [];
    const { server, slowStarted, release } = slowServer(observed);
    const running = await listen(server, 0);
    const stream = await new Promise<http.IncomingMessage>((resolve) => http.get(`${running.url}/events`, { agent: false, headers: { accept: 'text/event-stream' } }, resolve));
    const slow = get(`${running.url}/slow`);
    await slowStarted;
    const draining = drainServer(server, 5000);
    // A new connection is refused; the in-flight request is still running.
    expect(await get(`${running.url}/healthz`)).toEqual({ error: 'ECONNREFUSED' });
    let drained = false;
    void draining.then(() => (drained = true));
    await new Promise((r) => setTimeout(r, 100));
    expect(drained).toBe(false);
    release();
    expect(await slow).toEqual({ status: 200, body: '{"done":true}' });
    expect(await draining).toEqual({ unfinished: 0 });
    // The standing stream was closed by the drain, not waited for.
    await new Promise<void>((resolve) => (stream.destroyed ? resolve() : stream.once('close', () => resolve())));
  });

  it('answers 503 to a request on a kept-alive connection during the drain, and cuts what outlives the grace time', async () => {
    const observed: string[] = [];
    const { server } = slowServer(observed);
    const running = await listen(server, 0);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const viaAgent = (p: string) =>
      new Promise<{ status: number; body: string } | { error: string }>((resolve) => {
        const req = http.get(`${running.url}${p}`, { agent }, (res) => {
          let body = '';
          res.on('data', (d: Buffer) => (body += d.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on('error', (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? err.message }));
      });
    expect(await viaAgent('/healthz')).toMatchObject({ status: 200 });
    const forever = get(`${running.url}/forever`);
    await new Promise((r) => setTimeout(r, 50));
    const draining = drainServer(server, 300);
    const during = await viaAgent('/healthz');
    // Either the idle kept-alive socket was closed at once, or the request on it got the shutdown answer.
    if ('status' in during) expect(during).toMatchObject({ status: 503, body: expect.stringContaining('shutting down') });
    else expect(['ECONNRESET', 'ECONNREFUSED', 'EPIPE']).toContain(during.error);
    expect(await draining).toEqual({ unfinished: 1 });
    expect(await forever).toEqual({ error: 'ECONNRESET' });
    agent.destroy();
  });
});
