/**
 * A local OpenAI-compatible server on 127.0.0.1 shaped like vLLM serving gpt-oss, for the runtime and fault tests:
 * `GET /v1/models`, and `POST /v1/chat/completions` that streams (SSE, `reasoning_content` and `tool_calls` deltas)
 * a call to search_catalog first and, once the tool result is in the conversation, a final answer. It can be stopped
 * (connections refused, as when vLLM is down) and started again on the same port.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chunk } from '../../agent/support/fake-vllm-server.ts';

/** The running fake. */
export interface FakeOpenAi {
  readonly baseURL: string;
  /** Chat completion requests answered so far. */
  readonly completions: () => number;
  stop(): Promise<void>;
  start(): Promise<void>;
}

type Body = { stream?: boolean; messages: { role: string; content: string | null }[] };

/** Starts the fake; `query` is what the model searches for, `answer` its final words. */
export async function startFakeOpenAi(options: { query?: string; answer?: string } = {}): Promise<FakeOpenAi> {
  let completions = 0;
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (d: Buffer) => (raw += d.toString('utf8')));
    req.on('end', () => {
      if (req.method === 'GET' && req.url === '/v1/models') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ object: 'list', data: [{ id: 'openai/gpt-oss-20b', object: 'model', created: 1760000000, owned_by: 'vllm', max_model_len: 131072 }] }));
        return;
      }
      if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ object: 'error', message: `Not Found: ${req.url ?? ''}`, type: 'NotFoundError', code: 404 }));
        return;
      }
      completions++;
      const body = JSON.parse(raw) as Body;
      const last = body.messages[body.messages.length - 1];
      const chunks =
        last?.role === 'tool'
          ? [chunk({ role: 'assistant', content: '' }), chunk({ reasoning_content: 'Answer from the search.' }), chunk({ content: options.answer ?? 'Try One More Time by Daft Punk.' }), chunk({}, 'stop')]
          : [
              chunk({ role: 'assistant', content: '' }),
              chunk({ reasoning_content: 'Search the catalogue first.' }),
              chunk({ tool_calls: [{ index: 0, id: `chatcmpl-tool-${completions}`, type: 'function', function: { name: 'search_catalog', arguments: '' } }] }),
              chunk({ tool_calls: [{ index: 0, function: { arguments: JSON.stringify({ query: options.query ?? 'daft punk' }) } }] }),
              chunk({}, 'tool_calls'),
            ];
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
      for (const c of chunks) res.write(`data: ${JSON.stringify(c)}\n\n`);
      res.write('data: [DONE]\n\n');
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    completions: () => completions,
    async stop() {
      if (!server.listening) return;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    async start() {
      if (server.listening) return;
      await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    },
  };
}
