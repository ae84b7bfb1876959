import { describe, expect, it } from 'vitest';
import { TokenCipher, TokenDecryptError } from '../../src/db/token-cipher.ts';

describe('TokenCipher', () => {
  const cipher = new TokenCipher('a-secret-that-is-long-enough-for-us!!');

  it('round-trips and never produces the same ciphertext twice', () => {
    const a = cipher.encrypt('BQD-access-token');
    const b = cipher.encrypt('BQD-access-token');
    expect(a).not.toBe(b);
    expect(cipher.decrypt(a)).toBe('BQD-access-token');
    expect(cipher.decrypt(b)).toBe('BQD-access-token');
  });

  it('detects tampering and a wrong key', () => {
    const sealed = cipher.encrypt('token');
    const parts = sealed.split('.');
    const body = Buffer.from(parts[3]!, 'base64url');
    body[0] = body[0]! ^ 1;
    parts[3] = body.toString('base64url');
    expect(() => cipher.decrypt(parts.join('.'))).toThrow(TokenDecryptError);
    expect(() => new TokenCipher('another-secret-that-is-long-enough!!').decrypt(sealed)).toThrow(TokenDecryptError);
    expect(() => cipher.decrypt('not a token')).toThrow(TokenDecryptError);
  });

  it('refuses a short secret', () => {
    expect(() => new TokenCipher('short')).toThrow(RangeError);
  });
});
