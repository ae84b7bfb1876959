/**
 * Who an MCP caller is. Identity comes from the credential, never from what the client calls itself:
 * - a per-client token (`earworm mcp-token create --name NAME`, stored as a SHA-256 in `mcp_tokens`) is one person;
 * - the operator token MCP_TOKEN is one person too (`mcp` / `operator`), whatever clientInfo.name says;
 * - stdio serves one local user: one person (`mcp` / `local`).
 * `clientInfo.name` is only a label in logs; two clients with different tokens are different people.
 */
import { createHash, randomBytes } from 'node:crypto';
import { and, asc, eq, isNull } from 'drizzle-orm';
import type { Db } from '../db/db.ts';
import { resolvePerson } from '../serving/state/people.ts';
import { mcpTokens } from '../db/schema.ts';
import type { PersonResolver } from './mcp-server.ts';

/** The identity provider name of MCP callers. */
export const MCP_PROVIDER = 'mcp';

/** External id of the person behind the operator token MCP_TOKEN. */
export const MCP_OPERATOR_ID = 'operator';

/** External id of the person behind stdio MCP (one local user). */
const MCP_LOCAL_ID = 'local';

/** Prefix of per-client tokens (so they are recognisable in a config file). */
const MCP_TOKEN_PREFIX = 'ewm_';

const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const TOKEN_PATTERN = /^ewm_[A-Za-z0-9_-]{43}$/;

/** A token name is not usable, or the name already has a live token; the message says what to do. */
export class McpTokenError extends Error {
  constructor(
    readonly code: 'BAD_TOKEN_NAME' | 'TOKEN_NAME_TAKEN' | 'UNKNOWN_TOKEN_NAME',
    message: string,
  ) {
    super(message);
    this.name = 'McpTokenError';
  }
}

/** An authenticated MCP caller: a stable credential key (for per-credential limits) and its person. */
export interface McpCredential {
  /** `token:<id>` or `operator`. */
  readonly key: string;
  /** For logs: the token's name, or `operator`. */
  readonly label: string;
  readonly resolvePerson: PersonResolver;
}

/** SHA-256 of a token, hex (what `mcp_tokens` stores). */
function hashMcpToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** A resolver that always answers the same identity, whatever the client calls itself. */
export function fixedPersonResolver(db: Db, externalId: string, displayName?: string): PersonResolver {
  return () => resolvePerson(db, MCP_PROVIDER, externalId, displayName ?? externalId);
}

/** The one local person of stdio MCP. */
export function localPersonResolver(db: Db): PersonResolver {
  return fixedPersonResolver(db, MCP_LOCAL_ID, 'local MCP user');
}

/** The person behind the operator token MCP_TOKEN. */
export function operatorCredential(db: Db): McpCredential {
  return { key: MCP_OPERATOR_ID, label: MCP_OPERATOR_ID, resolvePerson: fixedPersonResolver(db, MCP_OPERATOR_ID, 'MCP operator') };
}

/**
 * Creates the token of a named client and returns it (shown once; only its hash is stored). The name is its
 * person: a revoked name can be given a new token and keeps its profile; a live one must be revoked first.
 */
export async function createMcpToken(db: Db, name: string): Promise<{ token: string; personId: number }> {
  if (!NAME_PATTERN.test(name)) {
    throw new McpTokenError('BAD_TOKEN_NAME', `"${name}" is not a usable token name: use 1 to 64 letters, digits, dots, dashes or underscores, starting with a letter or digit (for example alice-laptop).`);
  }
  const token = `${MCP_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
  const personId = await resolvePerson(db, MCP_PROVIDER, `token:${name}`, name);
  const [existing] = await db.orm.select({ id: mcpTokens.id, revokedAt: mcpTokens.revokedAt }).from(mcpTokens).where(eq(mcpTokens.name, name));
  if (existing !== undefined && existing.revokedAt === null) {
    throw new McpTokenError('TOKEN_NAME_TAKEN', `There is already a live MCP token named "${name}". Revoke it first (earworm mcp-token revoke --name ${name}) to issue a new one for the same person, or choose another name.`);
  }
  if (existing !== undefined) {
    await db.orm.update(mcpTokens).set({ tokenHash: hashMcpToken(token), revokedAt: null, lastUsedAt: null }).where(eq(mcpTokens.id, existing.id));
  } else {
    await db.orm.insert(mcpTokens).values({ name, tokenHash: hashMcpToken(token), personId });
  }
  return { token, personId };
}

/** Revokes a named client's token at once (its person and profile stay); false when it had none live. */
export async function revokeMcpToken(db: Db, name: string): Promise<boolean> {
  const rows = await db.orm
    .update(mcpTokens)
    .set({ revokedAt: new Date() })
    .where(and(eq(mcpTokens.name, name), isNull(mcpTokens.revokedAt)))
    .returning({ id: mcpTokens.id });
  return rows.length > 0;
}

/** Every named token (never the token itself). */
export async function listMcpTokens(db: Db): Promise<{ name: string; personId: number; createdAt: Date; lastUsedAt: Date | null; revokedAt: Date | null }[]> {
  return db.orm
    .select({ name: mcpTokens.name, personId: mcpTokens.personId, createdAt: mcpTokens.createdAt, lastUsedAt: mcpTokens.lastUsedAt, revokedAt: mcpTokens.revokedAt })
    .from(mcpTokens)
    .orderBy(asc(mcpTokens.name));
}

/** The credential of a live per-client token, or undefined (unknown, revoked or not a token at all). */
export async function findMcpToken(db: Db, token: string): Promise<McpCredential | undefined> {
  if (!TOKEN_PATTERN.test(token)) return undefined;
  const [row] = await db.orm
    .select({ id: mcpTokens.id, name: mcpTokens.name, personId: mcpTokens.personId })
    .from(mcpTokens)
    .where(and(eq(mcpTokens.tokenHash, hashMcpToken(token)), isNull(mcpTokens.revokedAt)));
  if (row === undefined) return undefined;
  return { key: `token:${row.id}`, label: row.name, resolvePerson: () => Promise.resolve(row.personId) };
}

/** Marks a token as used now (when a session opens). */
export async function touchMcpToken(db: Db, key: string): Promise<void> {
  const id = /^token:(\d+)$/.exec(key)?.[1];
  if (id !== undefined) await db.orm.update(mcpTokens).set({ lastUsedAt: new Date() }).where(eq(mcpTokens.id, Number(id)));
}
