/** Bearer-token protection for a route: 401 with `WWW-Authenticate: Bearer` unless the token matches. */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { sendJson, type RouteHandler } from './http-server.ts';

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Whether the request carries `Authorization: Bearer <token>` (compared in constant time). */
export function hasBearer(req: IncomingMessage, token: string): boolean {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  return m !== null && timingSafeEqual(digest(m[1]!), digest(token));
}

/** Wraps a handler so that it runs only with the right bearer token. */
export function requireBearer(token: string, handler: RouteHandler): RouteHandler {
  if (token === '') throw new Error('requireBearer needs a non-empty token');
  return (req, res) => {
    if (!hasBearer(req, token)) {
      return sendJson(res, 401, { error: 'missing or wrong bearer token' }, { 'www-authenticate': 'Bearer realm="earworm"' });
    }
    return handler(req, res);
  };
}
