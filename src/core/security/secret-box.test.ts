import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { open, seal } from './secret-box.ts';

describe('secret box', () => {
  const key = randomBytes(32);
  it('round-trips Vietnamese text and never repeats a ciphertext', () => {
    const a = seal(key, 'bí mật');
    expect(open(key, a)).toBe('bí mật');
    expect(seal(key, 'bí mật')).not.toBe(a);
  });
  it('refuses a tampered value or a wrong key', () => {
    const a = seal(key, 'x');
    const parts = a.split('.');
    parts[3] = Buffer.from('y').toString('base64url');
    expect(() => open(key, parts.join('.'))).toThrow();
    expect(() => open(randomBytes(32), a)).toThrow();
  });
});
