/** Accounts on other services linked to a person (Spotify), with tokens encrypted at rest. */
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/db.ts';
import { linkedAccounts } from '../../db/schema.ts';
import type { TokenCipher } from '../../db/token-cipher.ts';

/** A linked account with its tokens in the clear (only in memory). */
export interface LinkedAccount {
  readonly personId: number;
  readonly provider: string;
  readonly externalUserId: string;
  readonly accessToken: string;
  readonly refreshToken: string | undefined;
  readonly expiresAt: Date | undefined;
  readonly scopes: string | undefined;
}

/** Stores a person's account, encrypting tokens; a refresh that carries no new refresh token keeps the old one. */
export async function saveLinkedAccount(
  db: Db,
  cipher: TokenCipher,
  a: { personId: number; provider: string; externalUserId: string; accessToken: string; refreshToken?: string; expiresAt?: Date; scopes?: string },
): Promise<void> {
  const refreshEnc = a.refreshToken === undefined ? null : cipher.encrypt(a.refreshToken);
  await db.orm
    .insert(linkedAccounts)
    .values({
      personId: a.personId,
      provider: a.provider,
      externalUserId: a.externalUserId,
      accessTokenEnc: cipher.encrypt(a.accessToken),
      refreshTokenEnc: refreshEnc,
      expiresAt: a.expiresAt ?? null,
      scopes: a.scopes ?? null,
    })
    .onConflictDoUpdate({
      target: [linkedAccounts.personId, linkedAccounts.provider],
      set: {
        externalUserId: a.externalUserId,
        accessTokenEnc: sql`excluded.access_token_enc`,
        refreshTokenEnc: sql`coalesce(excluded.refresh_token_enc, ${linkedAccounts.refreshTokenEnc})`,
        expiresAt: sql`excluded.expires_at`,
        scopes: sql`coalesce(excluded.scopes, ${linkedAccounts.scopes})`,
        updatedAt: sql`now()`,
      },
    });
}

/** The person's account on a provider with decrypted tokens, if linked. */
export async function getLinkedAccount(db: Db, cipher: TokenCipher, personId: number, provider: string): Promise<LinkedAccount | undefined> {
  const [row] = await db.orm
    .select()
    .from(linkedAccounts)
    .where(and(eq(linkedAccounts.personId, personId), eq(linkedAccounts.provider, provider)));
  if (row === undefined) return undefined;
  return {
    personId: row.personId,
    provider: row.provider,
    externalUserId: row.externalUserId,
    accessToken: cipher.decrypt(row.accessTokenEnc),
    refreshToken: row.refreshTokenEnc === null ? undefined : cipher.decrypt(row.refreshTokenEnc),
    expiresAt: row.expiresAt ?? undefined,
    scopes: row.scopes ?? undefined,
  };
}

/** The provider's user id the person is linked as, if linked; reads no token (for showing the connection state). */
export async function linkedUserId(db: Db, personId: number, provider: string): Promise<string | undefined> {
  const [row] = await db.orm
    .select({ externalUserId: linkedAccounts.externalUserId })
    .from(linkedAccounts)
    .where(and(eq(linkedAccounts.personId, personId), eq(linkedAccounts.provider, provider)));
  return row?.externalUserId;
}

/** Removes the person's account on a provider; returns whether one was there. */
export async function deleteLinkedAccount(db: Db, personId: number, provider: string): Promise<boolean> {
  const rows = await db.orm
    .delete(linkedAccounts)
    .where(and(eq(linkedAccounts.personId, personId), eq(linkedAccounts.provider, provider)))
    .returning({ id: linkedAccounts.id });
  return rows.length > 0;
}
