/**
 * @module sdk/sign
 * Signs a request: builds the canonical request and returns the X-Lgsp-* header set to send with it.
 */
import { constants, createHmac, createPrivateKey, type KeyObject, randomBytes, sign } from 'node:crypto';
import {
  ALGORITHMS,
  type Algorithm,
  canonicalPath,
  canonicalRequest,
  HEADERS,
  type HeaderBag,
  headerValue,
} from './canonical.ts';
import { LgspError } from './errors.ts';

/** The key a request is signed with: an HMAC secret, or an RSA private key (PEM or KeyObject). */
export interface SigningKey {
  readonly secretKey?: string | Uint8Array;
  readonly privateKey?: string | KeyObject;
}

/** What is signed. */
export interface SignOptions {
  readonly algorithm: Algorithm;
  readonly accessKey: string;
  readonly key: SigningKey;
  readonly method: string;
  /** Path as it will be sent (use `canonicalPath` to get the spelling that is both sent and signed). */
  readonly path: string;
  /** Query string as it will be sent, without `?`. */
  readonly query?: string;
  /** Lower-case hex SHA-256 of the body (EMPTY_SHA256 when none). */
  readonly contentSha256: string;
  /** Headers that travel with the request; those named in `signHeaders` are covered. */
  readonly headers?: HeaderBag;
  /**
   * Extra headers to cover, lower-case. `x-lgsp-session` and `content-type` are added when present in
   * `headers` (the session key MUST be signed).
   */
  readonly signHeaders?: readonly string[];
  /** Unix seconds; defaults to now. */
  readonly timestamp?: number;
  /** Defaults to 24 random URL-safe characters. */
  readonly nonce?: string;
}

/** The result of signing: headers to add to the request, and the canonical string (for debugging). */
export interface SignedRequest {
  readonly headers: Record<string, string>;
  readonly canonical: string;
}

/** A fresh nonce: 24 URL-safe base64 characters (144 random bits). */
export function newNonce(): string {
  return randomBytes(18).toString('base64url');
}

// Parsing a PEM costs far more than signing with it; a client signs with the same key all day.
const privateKeys = new Map<string, KeyObject>();

function privateKeyObject(key: string | KeyObject): KeyObject {
  if (typeof key !== 'string') return key;
  let found = privateKeys.get(key);
  if (!found) {
    found = createPrivateKey(key);
    if (privateKeys.size > 32) privateKeys.clear();
    privateKeys.set(key, found);
  }
  return found;
}

/** Computes the base64 signature of a canonical string. */
export function computeSignature(algorithm: Algorithm, canonical: string, key: SigningKey): string {
  const data = Buffer.from(canonical, 'utf8');
  switch (algorithm) {
    case 'HMAC-SHA256':
    case 'HMAC-SHA1': {
      if (key.secretKey === undefined)
        throw new LgspError('LGSP_SIGNATURE_MALFORMED', `${algorithm} needs a secret key`);
      const secret = typeof key.secretKey === 'string' ? Buffer.from(key.secretKey, 'utf8') : key.secretKey;
      return createHmac(algorithm === 'HMAC-SHA256' ? 'sha256' : 'sha1', secret)
        .update(data)
        .digest('base64');
    }
    case 'RSA-PSS-SHA256':
    case 'RSA-SHA256': {
      if (key.privateKey === undefined)
        throw new LgspError('LGSP_SIGNATURE_MALFORMED', `${algorithm} needs a private key`);
      const pss = algorithm === 'RSA-PSS-SHA256';
      return sign('sha256', data, {
        key: privateKeyObject(key.privateKey),
        padding: pss ? constants.RSA_PKCS1_PSS_PADDING : constants.RSA_PKCS1_PADDING,
        ...(pss ? { saltLength: 32 } : {}),
      }).toString('base64');
    }
  }
}

/** Signs a request and returns the X-Lgsp-* headers (and the covered headers' names). */
export function signRequest(options: SignOptions): SignedRequest {
  if (!ALGORITHMS.includes(options.algorithm)) {
    throw new LgspError('LGSP_ALGORITHM_NOT_ALLOWED', `unknown algorithm ${String(options.algorithm)}`);
  }
  const headers = options.headers ?? {};
  const covered: string[] = [];
  const add = (name: string) => {
    const lower = name.toLowerCase();
    if (!covered.includes(lower)) covered.push(lower);
  };
  for (const name of options.signHeaders ?? []) add(name);
  if (headerValue(headers, HEADERS.session) !== undefined) add(HEADERS.session);
  if (headerValue(headers, 'content-type') !== undefined) add('content-type');
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const nonce = options.nonce ?? newNonce();
  const canonical = canonicalRequest({
    algorithm: options.algorithm,
    method: options.method,
    path: options.path,
    query: options.query ?? '',
    accessKey: options.accessKey,
    timestamp,
    nonce,
    contentSha256: options.contentSha256,
    signedHeaders: covered,
    headers,
  });
  return {
    canonical,
    headers: {
      [HEADERS.accessKey]: options.accessKey,
      [HEADERS.algorithm]: options.algorithm,
      [HEADERS.timestamp]: String(timestamp),
      [HEADERS.nonce]: nonce,
      [HEADERS.contentSha256]: options.contentSha256,
      [HEADERS.signedHeaders]: covered.join(';'),
      [HEADERS.signature]: computeSignature(options.algorithm, canonical, options.key),
    },
  };
}

/** Encodes a path for sending so that the bytes sent are exactly the bytes signed (NFC first). */
export function encodePath(path: string): string {
  return canonicalPath(path.normalize('NFC'));
}
