/**
 * @module sdk/verify
 * Reads the X-Lgsp-* headers of a request and checks a signature with a secret or a public key. The
 * platform's authentication service uses this very file, so there is one verifier.
 */
import { constants, createHmac, createPublicKey, type KeyObject, timingSafeEqual, verify } from 'node:crypto';
import {
  ALGORITHMS,
  type Algorithm,
  canonicalRequest,
  HEADERS,
  type HeaderBag,
  headerValue,
} from './canonical.ts';

/** The signature headers of one request, parsed and checked for form. */
export interface SignatureHeaders {
  readonly accessKey: string;
  readonly algorithm: Algorithm;
  readonly timestamp: number;
  /** The timestamp as sent (it is signed as text). */
  readonly timestampText: string;
  readonly nonce: string;
  readonly contentSha256: string;
  readonly signedHeaders: readonly string[];
  /** The signature, decoded from base64. */
  readonly signature: Buffer;
}

/** Why the headers could not be read. */
export type ParseFailure = {
  readonly ok: false;
  readonly code: 'LGSP_SIGNATURE_MISSING' | 'LGSP_SIGNATURE_MALFORMED';
  /** Which header is missing or wrong (a header name, safe to show). */
  readonly field: string;
  readonly reason: string;
};

export type ParseResult = { readonly ok: true; readonly value: SignatureHeaders } | ParseFailure;

// Printable ASCII without spaces: the key is one line of the canonical request.
const ACCESS_KEY = /^[!-~]{4,256}$/;
const TIMESTAMP = /^\d{1,12}$/;
const NONCE = /^[A-Za-z0-9_-]{16,64}$/;
const DIGEST = /^[0-9a-f]{64}$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const HEADER_NAME = /^[a-z0-9!#$%&'*+.^_`|~-]+$/;
/** Headers that describe the signature itself cannot be part of it. */
const NOT_SIGNABLE = new Set<string>([
  HEADERS.signature,
  HEADERS.signedHeaders,
  HEADERS.accessKey,
  HEADERS.algorithm,
  HEADERS.timestamp,
  HEADERS.nonce,
  HEADERS.contentSha256,
]);

function single(headers: HeaderBag, name: string): string | undefined | null {
  const v = headerValue(headers, name);
  if (v === undefined) return undefined;
  if (typeof v === 'string') return v;
  // A protocol header sent twice is ambiguous: refuse rather than guess which one was signed.
  return v.length === 1 ? (v[0] as string) : null;
}

/** Parses the X-Lgsp-* headers; every problem has a code and names the header. */
export function parseSignatureHeaders(headers: HeaderBag): ParseResult {
  const fail = (code: ParseFailure['code'], field: string, reason: string): ParseFailure => ({
    ok: false,
    code,
    field,
    reason,
  });
  const names = [
    HEADERS.accessKey,
    HEADERS.algorithm,
    HEADERS.timestamp,
    HEADERS.nonce,
    HEADERS.contentSha256,
    HEADERS.signedHeaders,
    HEADERS.signature,
  ];
  const values: Record<string, string> = {};
  for (const name of names) {
    const v = single(headers, name);
    if (v === undefined) return fail('LGSP_SIGNATURE_MISSING', name, 'missing');
    if (v === null) return fail('LGSP_SIGNATURE_MALFORMED', name, 'sent more than once');
    values[name] = v.trim();
  }
  const accessKey = values[HEADERS.accessKey] as string;
  if (!ACCESS_KEY.test(accessKey))
    return fail('LGSP_SIGNATURE_MALFORMED', HEADERS.accessKey, 'not an access key');
  const algorithm = values[HEADERS.algorithm] as Algorithm;
  if (!ALGORITHMS.includes(algorithm)) {
    return fail('LGSP_SIGNATURE_MALFORMED', HEADERS.algorithm, `not one of ${ALGORITHMS.join(', ')}`);
  }
  const timestampText = values[HEADERS.timestamp] as string;
  if (!TIMESTAMP.test(timestampText)) {
    return fail('LGSP_SIGNATURE_MALFORMED', HEADERS.timestamp, 'not Unix seconds');
  }
  const nonce = values[HEADERS.nonce] as string;
  if (!NONCE.test(nonce))
    return fail('LGSP_SIGNATURE_MALFORMED', HEADERS.nonce, '16-64 characters of A-Za-z0-9_-');
  const contentSha256 = values[HEADERS.contentSha256] as string;
  if (!DIGEST.test(contentSha256)) {
    return fail('LGSP_SIGNATURE_MALFORMED', HEADERS.contentSha256, 'not lower-case hex SHA-256');
  }
  const list = values[HEADERS.signedHeaders] as string;
  const signedHeaders = list === '' ? [] : list.split(';').map((n) => n.trim());
  const seen = new Set<string>();
  for (const name of signedHeaders) {
    if (!HEADER_NAME.test(name) || NOT_SIGNABLE.has(name) || seen.has(name)) {
      return fail('LGSP_SIGNATURE_MALFORMED', HEADERS.signedHeaders, 'lower-case header names, each once');
    }
    seen.add(name);
  }
  if (headerValue(headers, HEADERS.session) !== undefined && !seen.has(HEADERS.session)) {
    return fail('LGSP_SIGNATURE_MALFORMED', HEADERS.signedHeaders, 'x-lgsp-session must be signed');
  }
  const sig = values[HEADERS.signature] as string;
  if (!BASE64.test(sig) || sig.length % 4 !== 0 || sig.length > 2048) {
    return fail('LGSP_SIGNATURE_MALFORMED', HEADERS.signature, 'not base64');
  }
  return {
    ok: true,
    value: {
      accessKey,
      algorithm,
      timestamp: Number(timestampText),
      timestampText,
      nonce,
      contentSha256,
      signedHeaders,
      signature: Buffer.from(sig, 'base64'),
    },
  };
}

/** The key a signature is checked with: the shared secret (HMAC) or the public key (RSA). */
export interface VerifyingKey {
  readonly secretKey?: string | Uint8Array | null;
  readonly publicKey?: string | KeyObject | null;
}

// Parsing a PEM costs far more than one verification; the platform checks the same keys all day.
const publicKeys = new Map<string, KeyObject>();

function publicKeyObject(key: string | KeyObject): KeyObject {
  if (typeof key !== 'string') return key;
  let found = publicKeys.get(key);
  if (!found) {
    found = createPublicKey(key);
    if (publicKeys.size > 10_000) publicKeys.clear();
    publicKeys.set(key, found);
  }
  return found;
}

/**
 * Checks `signature` over `canonical`. HMAC signatures are compared in constant time; a key of the wrong
 * kind for the algorithm, or an unreadable key, is simply a failed check.
 */
export function verifySignature(
  algorithm: Algorithm,
  canonical: string,
  signature: Uint8Array,
  key: VerifyingKey,
): boolean {
  const data = Buffer.from(canonical, 'utf8');
  try {
    switch (algorithm) {
      case 'HMAC-SHA256':
      case 'HMAC-SHA1': {
        if (key.secretKey === undefined || key.secretKey === null) return false;
        const secret = typeof key.secretKey === 'string' ? Buffer.from(key.secretKey, 'utf8') : key.secretKey;
        const expected = createHmac(algorithm === 'HMAC-SHA256' ? 'sha256' : 'sha1', secret)
          .update(data)
          .digest();
        // Length is public (it follows from the algorithm); only equal lengths are compared in constant time.
        return expected.length === signature.length && timingSafeEqual(expected, signature);
      }
      case 'RSA-PSS-SHA256':
      case 'RSA-SHA256': {
        if (key.publicKey === undefined || key.publicKey === null) return false;
        const pss = algorithm === 'RSA-PSS-SHA256';
        return verify(
          'sha256',
          data,
          {
            key: publicKeyObject(key.publicKey),
            padding: pss ? constants.RSA_PKCS1_PSS_PADDING : constants.RSA_PKCS1_PADDING,
            ...(pss ? { saltLength: 32 } : {}),
          },
          signature,
        );
      }
      default:
        return false;
    }
  } catch {
    return false;
  }
}

/** A request as received, to verify in one call. */
export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly headers: HeaderBag;
}

/** Builds the canonical request from a received request and its parsed signature headers. */
export function canonicalOf(request: ReceivedRequest, sig: SignatureHeaders): string {
  return canonicalRequest({
    algorithm: sig.algorithm,
    method: request.method,
    path: request.path,
    query: request.query,
    accessKey: sig.accessKey,
    timestamp: sig.timestampText,
    nonce: sig.nonce,
    contentSha256: sig.contentSha256,
    signedHeaders: sig.signedHeaders,
    headers: request.headers,
  });
}

/** Parses and checks the signature of a received request (no replay or clock checks: the platform does those). */
export function verifyRequestSignature(
  request: ReceivedRequest,
  key: VerifyingKey,
): { ok: true; value: SignatureHeaders } | ParseFailure | { ok: false; code: 'LGSP_SIGNATURE_INVALID' } {
  const parsed = parseSignatureHeaders(request.headers);
  if (!parsed.ok) return parsed;
  const good = verifySignature(
    parsed.value.algorithm,
    canonicalOf(request, parsed.value),
    parsed.value.signature,
    key,
  );
  return good ? parsed : { ok: false, code: 'LGSP_SIGNATURE_INVALID' };
}
