/**
 * Who an MCP caller is: provider `mcp`, external id = the client's declared name (initialize `clientInfo.name`),
 * plus the user an HTTP client names in `X-Earworm-User` when one deployment serves several people.
 */
import type { Implementation } from '@modelcontextprotocol/sdk/types.js';
import type { Db } from '../db/db.ts';
import { resolvePerson } from '../db/people.ts';
import type { PersonResolver } from './mcp-server.ts';

/** The identity provider name of MCP callers. */
export const MCP_PROVIDER = 'mcp';

/** The external id of a client (and optional user). */
export function mcpExternalId(client: Implementation | undefined, user?: string): string {
  const name = client?.name.trim() || 'unnamed-client';
  return user === undefined || user.trim() === '' ? name : `${name}/${user.trim()}`;
}

/** A resolver creating the person on first sight. */
export function mcpPersonResolver(db: Db, user?: string): PersonResolver {
  return (client) => resolvePerson(db, MCP_PROVIDER, mcpExternalId(client, user), user ?? client?.name);
}
