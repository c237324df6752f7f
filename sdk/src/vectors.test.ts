/**
 * The SDK against docs/lgsp/test-vectors.json (LGSP-35: the published protocol and its vectors agree with
 * the library): every digest, canonical string and deterministic signature is reproduced, every signature
 * verifies, and a changed byte fails.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Algorithm, canonicalRequest, sha256Hex } from './canonical.ts';
import { computeSignature, signRequest } from './sign.ts';
import { parseSignatureHeaders, verifySignature } from './verify.ts';

interface Vector {
  name: string;
  algorithm: Algorithm;
  key: 'hmac' | 'rsa';
  accessKey: string;
  method: string;
  path: string;
  query: string;
  headers: Record<string, string | string[]>;
  signedHeaders: string;
  timestamp: number;
  nonce: string;
  body: string;
  bodySha256: string;
  canonical: string;
  signature: string;
  deterministic: boolean;
}

const file = JSON.parse(
  readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'lgsp', 'test-vectors.json'), 'utf8'),
) as {
  keys: { hmac: { secretKey: string }; rsa: { privateKeyPem: string; publicKeyPem: string } };
  vectors: Vector[];
};

const signing = (v: Vector) =>
  v.key === 'hmac' ? { secretKey: file.keys.hmac.secretKey } : { privateKey: file.keys.rsa.privateKeyPem };
const verifying = (v: Vector) =>
  v.key === 'hmac' ? { secretKey: file.keys.hmac.secretKey } : { publicKey: file.keys.rsa.publicKeyPem };

describe('docs/lgsp/test-vectors.json', () => {
  it('has at least 12 vectors covering the four algorithms', () => {
    expect(file.vectors.length).toBeGreaterThanOrEqual(12);
    expect(new Set(file.vectors.map((v) => v.algorithm))).toEqual(
      new Set(['HMAC-SHA256', 'HMAC-SHA1', 'RSA-PSS-SHA256', 'RSA-SHA256']),
    );
  });

  for (const v of file.vectors) {
    it(`${v.name}: digest, canonical string and signature`, () => {
      expect(sha256Hex(Buffer.from(v.body, 'utf8'))).toBe(v.bodySha256);
      const canonical = canonicalRequest({
        algorithm: v.algorithm,
        method: v.method,
        path: v.path,
        query: v.query,
        accessKey: v.accessKey,
        timestamp: v.timestamp,
        nonce: v.nonce,
        contentSha256: v.bodySha256,
        signedHeaders: v.signedHeaders === '' ? [] : v.signedHeaders.split(';'),
        headers: v.headers,
      });
      expect(canonical).toBe(v.canonical);
      if (v.deterministic) expect(computeSignature(v.algorithm, canonical, signing(v))).toBe(v.signature);
      expect(verifySignature(v.algorithm, canonical, Buffer.from(v.signature, 'base64'), verifying(v))).toBe(
        true,
      );
      // One changed character of the canonical string, or of the signature, fails.
      expect(
        verifySignature(v.algorithm, `${canonical} `, Buffer.from(v.signature, 'base64'), verifying(v)),
      ).toBe(false);
      const forged = Buffer.from(v.signature, 'base64');
      forged[0] = (forged[0] as number) ^ 1;
      expect(verifySignature(v.algorithm, canonical, forged, verifying(v))).toBe(false);
    });

    it(`${v.name}: signRequest produces headers the parser accepts and the key verifies`, () => {
      const signed = signRequest({
        algorithm: v.algorithm,
        accessKey: v.accessKey,
        key: signing(v),
        method: v.method,
        path: v.path,
        query: v.query,
        contentSha256: v.bodySha256,
        headers: v.headers,
        signHeaders: v.signedHeaders === '' ? [] : v.signedHeaders.split(';'),
        timestamp: v.timestamp,
        nonce: v.nonce,
      });
      expect(signed.canonical).toBe(v.canonical);
      const parsed = parseSignatureHeaders({ ...v.headers, ...signed.headers });
      expect(parsed.ok).toBe(true);
      if (!parsed.ok) return;
      expect(verifySignature(v.algorithm, v.canonical, parsed.value.signature, verifying(v))).toBe(true);
      if (v.deterministic) expect(signed.headers['x-lgsp-signature']).toBe(v.signature);
    });
  }
});
