/** PKCE (RFC 7636, S256) and OAuth `state` values: random, URL-safe, and only their hashes are stored. */
import { createHash, randomBytes } from 'node:crypto';

/** A fresh code verifier: 64 URL-safe characters (RFC 7636 allows 43 to 128). */
export function newCodeVerifier(): string {
  return randomBytes(48).toString('base64url');
}

/** The S256 challenge of a verifier: base64url(SHA-256(verifier)). */
export function codeChallenge(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/** A fresh `state`: 256 random bits, URL-safe. */
export function newState(): string {
  return randomBytes(32).toString('base64url');
}

/** How a state is stored: hex SHA-256, so a database leak does not reveal states in flight. */
export function stateHash(state: string): string {
  return createHash('sha256').update(state, 'utf8').digest('hex');
}
