/** Reading request bodies with a size limit: raw bytes or JSON, failing with a BodyError that carries the HTTP status. */
import type { IncomingMessage } from 'node:http';

/** Reads a request body (at most `limit` bytes, else a 413 BodyError). */
export async function readRawBody(req: IncomingMessage, limit = 1_000_000): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const b = chunk as Buffer;
    size += b.length;
    if (size > limit) throw new BodyError(413, `request body is larger than ${limit} bytes`);
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

/** Reads a request body as JSON (at most `limit` bytes); undefined for an empty body. */
export async function readJsonBody(req: IncomingMessage, limit = 1_000_000): Promise<unknown> {
  const body = await readRawBody(req, limit);
  if (body.length === 0) return undefined;
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (cause) {
    throw new BodyError(400, 'request body is not valid JSON', { cause });
  }
}

/** A request body that cannot be used; `status` is the HTTP status to answer with. */
export class BodyError extends Error {
  readonly code = 'BAD_BODY';
  constructor(
    readonly status: number,
    message: string,
    options?: { cause: unknown },
  ) {
    super(message, options);
    this.name = 'BodyError';
  }
}
