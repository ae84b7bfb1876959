/** AES-256-GCM encryption of stored tokens under a key derived from EARWORM_SECRET. */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const VERSION = 'v1';

/** A stored token could not be decrypted: wrong EARWORM_SECRET, or the value was altered. */
export class TokenDecryptError extends Error {
  readonly code = 'TOKEN_DECRYPT_FAILED';
  constructor(options: { cause: unknown }) {
    super('A stored token could not be decrypted: EARWORM_SECRET changed or the value was altered. The account must be reconnected.', options);
    this.name = 'TokenDecryptError';
  }
}

/** Encrypts and decrypts short secrets; each value gets its own random 96-bit IV and 128-bit tag. */
export class TokenCipher {
  readonly #key: Buffer;

  constructor(secret: string) {
    if (secret.length < 32) throw new RangeError('The token secret must be at least 32 characters');
    this.#key = Buffer.from(hkdfSync('sha256', secret, 'earworm-token-cipher', 'aes-256-gcm', 32));
  }

  /** Returns `v1.<iv>.<tag>.<ciphertext>` in base64url. */
  encrypt(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return [VERSION, iv, cipher.getAuthTag(), body].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.');
  }

  /** Reverses encrypt; throws TokenDecryptError when the value or the key does not match. */
  decrypt(sealed: string): string {
    try {
      const [version, iv, tag, body] = sealed.split('.');
      if (version !== VERSION || iv === undefined || tag === undefined || body === undefined) throw new Error('unknown format');
      const decipher = createDecipheriv('aes-256-gcm', this.#key, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    } catch (cause) {
      throw new TokenDecryptError({ cause });
    }
  }
}
