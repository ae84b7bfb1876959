/**
 * OAuth authorisations in flight (table oauth_states): a `state` bound to one person and provider, stored as its
 * SHA-256, with the PKCE verifier encrypted and an expiry. A state is consumed at most once.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../db/db.ts';
import { oauthStates } from '../db/schema.ts';
import type { TokenCipher } from '../db/token-cipher.ts';
import { newCodeVerifier, newState, stateHash } from './pkce.ts';

/** A started authorisation: the state to send and the verifier whose challenge goes with it. */
interface StartedAuthorisation {
  readonly state: string;
  readonly codeVerifier: string;
  readonly expiresAt: Date;
}

/** Why a state was not accepted. */
export type StateRejection = 'unknown' | 'expired' | 'used';

/** The outcome of consuming a state. */
type ConsumedState = { readonly ok: true; readonly personId: number; readonly codeVerifier: string } | { readonly ok: false; readonly reason: StateRejection };

/** Starts an authorisation for a person; also clears that person's expired states. */
export async function startAuthorisation(
  db: Db,
  cipher: TokenCipher,
  p: { personId: number; provider: string; ttlMs: number; now: Date },
): Promise<StartedAuthorisation> {
  const state = newState();
  const codeVerifier = newCodeVerifier();
  const expiresAt = new Date(p.now.getTime() + p.ttlMs);
  await db.orm.delete(oauthStates).where(sql`${oauthStates.personId} = ${p.personId} and ${oauthStates.expiresAt} < ${p.now.toISOString()}`);
  await db.orm.insert(oauthStates).values({ stateHash: stateHash(state), personId: p.personId, provider: p.provider, codeVerifierEnc: cipher.encrypt(codeVerifier), createdAt: p.now, expiresAt });
  return { state, codeVerifier, expiresAt };
}

/** Consumes a state atomically: the first caller gets the person and verifier, any later one `used`. */
export async function consumeState(db: Db, cipher: TokenCipher, p: { state: string; provider: string; now: Date }): Promise<ConsumedState> {
  if (p.state === '' || p.state.length > 200) return { ok: false, reason: 'unknown' };
  const hash = stateHash(p.state);
  const claimed = await db.rows<{ person_id: number; code_verifier_enc: string; expires_at: Date | string }>(sql`
    update oauth_states set used_at = ${p.now.toISOString()}
    where state_hash = ${hash} and provider = ${p.provider} and used_at is null
    returning person_id, code_verifier_enc, expires_at`);
  const row = claimed[0];
  if (row === undefined) {
    const [seen] = await db.rows<{ n: number }>(sql`select count(*)::int as n from oauth_states where state_hash = ${hash} and provider = ${p.provider}`);
    return { ok: false, reason: (seen?.n ?? 0) > 0 ? 'used' : 'unknown' };
  }
  if (new Date(row.expires_at).getTime() <= p.now.getTime()) return { ok: false, reason: 'expired' };
  return { ok: true, personId: Number(row.person_id), codeVerifier: cipher.decrypt(row.code_verifier_enc) };
}
