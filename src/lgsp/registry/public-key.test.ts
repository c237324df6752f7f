import { generateKeyPairSync, KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MAX_PEM_CHARS, parsePublicKey } from './public-key.ts';
import { publicPem, rsaKeys, selfSigned } from './testing.ts';

const now = new Date();
const HOUR = 3_600_000;

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return (err as { code?: string }).code ?? String(err);
  }
  return 'no error';
}

describe('parsePublicKey', () => {
  it('reads SPKI and PKCS#1 PEM public keys and normalises them to SPKI', async () => {
    const keys = await rsaKeys();
    const spki = publicPem(keys.publicKey);
    const pkcs1 = KeyObject.from(keys.publicKey).export({ type: 'pkcs1', format: 'pem' }).toString();
    expect(pkcs1).toContain('BEGIN RSA PUBLIC KEY');
    for (const pem of [spki, pkcs1, `\n  ${spki}  \n`]) {
      const parsed = parsePublicKey(pem, now);
      expect(parsed).toMatchObject({ bits: 2048, certificate: null, publicKeyPem: spki });
    }
  });

  it('reads a certificate in PEM or bare base64 DER, with its subject, serial and validity', async () => {
    const keys = await rsaKeys();
    const pem = await selfSigned(
      keys,
      new Date(now.getTime() - HOUR),
      new Date(now.getTime() + HOUR),
      'so-tai-chinh',
    );
    const der = pem.replace(/-----(BEGIN|END) CERTIFICATE-----|\s/g, '');
    for (const input of [pem, der]) {
      const parsed = parsePublicKey(input, now);
      expect(parsed.publicKeyPem).toBe(publicPem(keys.publicKey));
      expect(parsed.certificate).toMatchObject({ serial: '0a1b2c3d' });
      expect(parsed.certificate?.subject).toContain('CN=so-tai-chinh');
    }
  });

  it('refuses keys that are not RSA, unreadable text, private keys and oversize input', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const ecPem = ec.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(codeOf(() => parsePublicKey(ecPem, now))).toBe('LGSP_PUBLIC_KEY_INVALID');
    const ed = generateKeyPairSync('ed25519');
    expect(
      codeOf(() => parsePublicKey(ed.publicKey.export({ type: 'spki', format: 'pem' }).toString(), now)),
    ).toBe('LGSP_PUBLIC_KEY_INVALID');
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const privatePem = rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    // A private key is never what is registered: refused rather than its public half taken silently.
    expect(codeOf(() => parsePublicKey(privatePem, now))).toBe('LGSP_PUBLIC_KEY_INVALID');
    expect(
      codeOf(() => parsePublicKey('-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----', now)),
    ).toBe('LGSP_PUBLIC_KEY_INVALID');
    expect(codeOf(() => parsePublicKey('', now))).toBe('LGSP_PUBLIC_KEY_INVALID');
    expect(codeOf(() => parsePublicKey('x'.repeat(MAX_PEM_CHARS + 1), now))).toBe('LGSP_PUBLIC_KEY_INVALID');
  });
});
