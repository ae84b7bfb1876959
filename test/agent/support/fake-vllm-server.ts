/**
 * A local OpenAI-compatible server on 127.0.0.1 that replays vLLM's gpt-oss responses: chat.completion JSON, SSE
 * `data:` chunks ending in `[DONE]` with `reasoning_content` and `tool_calls` deltas (index, id, name, argument
 * fragments), HTTP errors and a stalled answer. It records every request body.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request body as the client sent it. */
export type WireRequest = { model: string; stream?: boolean; tool_choice?: string; tools?: { function: { name: string } }[]; messages: { role: string; content: string | null; tool_call_id?: string; tool_calls?: { id: string; function: { name: string; arguments: string } }[] }[] };

/** One scripted answer. */
export type WireAnswer =
  | { readonly kind: 'json'; readonly body: (req: WireRequest) => unknown }
  | { readonly kind: 'sse'; readonly chunks: (req: WireRequest) => unknown[] }
  | { readonly kind: 'status'; readonly status: number }
  | { readonly kind: 'hang' };

/** The running fake. */
export interface FakeVllm {
  readonly baseURL: string;
  readonly requests: WireRequest[];
  close(): Promise<void>;
}

const ID = 'chatcmpl-8f2c1a';
const MODEL = 'openai/gpt-oss-20b';

/** A vLLM chat.completion object. */
export function completion(message: Record<string, unknown>, finish: string): unknown {
  return { id: ID, object: 'chat.completion', created: 1760000000, model: MODEL, choices: [{ index: 0, message: { role: 'assistant', content: null, refusal: null, tool_calls: [], reasoning_content: null, ...message }, logprobs: null, finish_reason: finish, stop_reason: null }], usage: { prompt_tokens: 812, total_tokens: 901, completion_tokens: 89 }, prompt_logprobs: null };
}

/** A vLLM chat.completion.chunk with one delta. */
export function chunk(delta: Record<string, unknown>, finish: string | null = null): unknown {
  return { id: ID, object: 'chat.completion.chunk', created: 1760000000, model: MODEL, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] };
}

/** Starts the fake with answers served in order (the last one repeats). */
export async function startFakeVllm(answers: readonly WireAnswer[]): Promise<FakeVllm> {
  const requests: WireRequest[] = [];
  const open = new Set<ServerResponse>();
  let next = 0;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let raw = '';
    req.on('data', (d: Buffer) => (raw += d.toString('utf8')));
    req.on('end', () => {
      const body = JSON.parse(raw) as WireRequest;
      requests.push(body);
      const answer = answers[Math.min(next++, answers.length - 1)]!;
      if (answer.kind === 'hang') {
        open.add(res);
        return;
      }
      if (answer.kind === 'status') {
        res.writeHead(answer.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ object: 'error', message: 'Internal Server Error', type: 'InternalServerError', param: null, code: answer.status }));
        return;
      }
      if (answer.kind === 'json') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(answer.body(body)));
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' });
      for (const c of answer.chunks(body)) res.write(`data: ${JSON.stringify(c)}\n\n`);
      res.write('data: [DONE]\n\n');
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    close: async () => {
      for (const r of open) r.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
