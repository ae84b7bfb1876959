/**
 * `earworm mcp-token create|list|revoke --name NAME`: per-client MCP bearer tokens. Each name is one person; the
 * token is printed once (only its SHA-256 is stored) and goes in the client's `Authorization: Bearer` header.
 */
import { parseArgs } from 'node:util';
import type { Config } from '../../config/config.ts';
import { openConfiguredDb } from '../../db/db.ts';
import { createMcpToken, listMcpTokens, McpTokenError, revokeMcpToken } from '../../mcp/mcp-identity.ts';
import { UsageError } from '../usage-error.ts';

const USAGE = 'usage: earworm mcp-token create --name NAME | earworm mcp-token list | earworm mcp-token revoke --name NAME';

/** Creates, lists or revokes MCP client tokens. */
export async function run(args: string[], config: Config): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, options: { name: { type: 'string' } }, strict: true, allowPositionals: true });
  } catch (err) {
    throw new UsageError(`${err instanceof Error ? err.message : String(err)}\n${USAGE}`);
  }
  const [action, ...rest] = parsed.positionals;
  const name = parsed.values.name;
  if (rest.length > 0 || action === undefined || !['create', 'list', 'revoke'].includes(action)) throw new UsageError(USAGE);
  if (action !== 'list' && name === undefined) throw new UsageError(`--name is required to ${action} a token\n${USAGE}`);
  const db = await openConfiguredDb(config);
  try {
    if (action === 'create') {
      const { token, personId } = await createMcpToken(db, name!);
      console.log(`MCP token for "${name}" (person ${personId}); it is shown only now, so store it in the client's configuration:\n${token}\n`);
      console.log(`Send it as: Authorization: Bearer ${token}`);
      return 0;
    }
    if (action === 'revoke') {
      const revoked = await revokeMcpToken(db, name!);
      console.log(revoked ? `Revoked the MCP token "${name}"; its sessions close at their next request. The person and their profile stay.` : `There is no live MCP token named "${name}" (see earworm mcp-token list).`);
      return revoked ? 0 : 1;
    }
    const rows = await listMcpTokens(db);
    if (rows.length === 0) console.log('No MCP client tokens yet: earworm mcp-token create --name NAME');
    for (const r of rows) {
      console.log(`${r.name.padEnd(24)} person ${String(r.personId).padEnd(6)} ${r.revokedAt !== null ? `revoked ${r.revokedAt.toISOString()}` : `live, last used ${r.lastUsedAt?.toISOString() ?? 'never'}`}`);
    }
    return 0;
  } catch (err) {
    if (err instanceof McpTokenError) throw new UsageError(err.message);
    throw err;
  } finally {
    await db.close();
  }
}
