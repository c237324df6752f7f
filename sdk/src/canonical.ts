/**
 * @module sdk/canonical
 * The canonical request of the LGSP signing protocol (docs/lgsp/signing.md): the one string both the
 * signer and the verifier build from an HTTP request. The platform imports this file too, so the client
 * and the server can never disagree on it.
 */
import { createHash } from 'node:crypto';

/** Signature algorithms (HMAC-SHA1 only for applications configured for it). */
export type Algorithm = 'HMAC-SHA256' | 'HMAC-SHA1' | 'RSA-PSS-SHA256' | 'RSA-SHA256';

/** Every algorithm, in the order of the documentation. */
export const ALGORITHMS: readonly Algorithm[] = ['HMAC-SHA256', 'HMAC-SHA1', 'RSA-PSS-SHA256', 'RSA-SHA256'];

/** Header names of the protocol, lower-case as Node presents them. */
export const HEADERS = {
  accessKey: 'x-lgsp-access-key',
  algorithm: 'x-lgsp-algorithm',
  timestamp: 'x-lgsp-timestamp',
  nonce: 'x-lgsp-nonce',
  contentSha256: 'x-lgsp-content-sha256',
  signedHeaders: 'x-lgsp-signed-headers',
  signature: 'x-lgsp-signature',
  session: 'x-lgsp-session',
} as const;

/** SHA-256 of the empty string: the digest of a request without a body. */
export const EMPTY_SHA256 = createHash('sha256').digest('hex');

/** Lower-case hex SHA-256 of a body. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

const HEX = '0123456789ABCDEF';

function isHex(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 70) || (code >= 97 && code <= 102);
}

function isUnreserved(byte: number): boolean {
  return (
    (byte >= 65 && byte <= 90) || // A-Z
    (byte >= 97 && byte <= 122) || // a-z
    (byte >= 48 && byte <= 57) || // 0-9
    byte === 45 || // -
    byte === 46 || // .
    byte === 95 || // _
    byte === 126 // ~
  );
}

/**
 * Decodes percent-escapes into bytes. Works on bytes, not characters, so an escape that is not valid
 * UTF-8 (`%FF`) survives unchanged; a `%` not followed by two hex digits is a literal `%`; `+` stays a
 * plus (RFC 3986, not HTML forms). Characters outside ASCII count as their UTF-8 bytes.
 */
export function percentDecodeBytes(text: string): Uint8Array {
  const raw = Buffer.from(text, 'utf8');
  const out = new Uint8Array(raw.length);
  let n = 0;
  for (let i = 0; i < raw.length; i++) {
    const b = raw[i] as number;
    if (b === 37 && i + 2 < raw.length && isHex(raw[i + 1] as number) && isHex(raw[i + 2] as number)) {
      out[n++] = Number.parseInt(String.fromCharCode(raw[i + 1] as number, raw[i + 2] as number), 16);
      i += 2;
    } else {
      out[n++] = b;
    }
  }
  return out.subarray(0, n);
}

/** Percent-encodes bytes per RFC 3986: only `A-Za-z0-9-._~` stay as they are; escapes are upper-case. */
export function percentEncodeBytes(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) {
    if (isUnreserved(b)) out += String.fromCharCode(b);
    else out += `%${HEX[b >> 4]}${HEX[b & 15]}`;
  }
  return out;
}

/** One path segment or query component in its single canonical spelling (decode, then encode). */
export function canonicalComponent(text: string): string {
  return percentEncodeBytes(percentDecodeBytes(text));
}

/**
 * The canonical path: each `/`-separated segment decoded then re-encoded (so `%7e`, `~` and `%7E` are the
 * same and `%2F` stays inside its segment); dot segments are kept (the gateway routes the path as sent).
 * An empty path is `/`.
 */
export function canonicalPath(path: string): string {
  if (path === '') return '/';
  return path.split('/').map(canonicalComponent).join('/');
}

/** Compares two ASCII strings by code unit (byte order; canonical components are ASCII). */
function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The canonical query string: pairs split on `&` (empty pairs dropped), name and value decoded and
 * re-encoded, a pair without `=` has an empty value, sorted by encoded name then encoded value.
 */
export function canonicalQuery(query: string): string {
  const text = query.startsWith('?') ? query.slice(1) : query;
  if (text === '') return '';
  const pairs: [string, string][] = [];
  for (const part of text.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const name = eq < 0 ? part : part.slice(0, eq);
    const value = eq < 0 ? '' : part.slice(eq + 1);
    pairs.push([canonicalComponent(name), canonicalComponent(value)]);
  }
  pairs.sort((a, b) => byteOrder(a[0], b[0]) || byteOrder(a[1], b[1]));
  return pairs.map(([n, v]) => `${n}=${v}`).join('&');
}

/** A header value as signed: trimmed, inner runs of spaces and tabs collapsed to one space. */
export function canonicalHeaderValue(value: string | readonly string[] | undefined): string {
  if (value === undefined) return '';
  const one = (v: string) => v.replace(/[ \t]+/g, ' ').trim();
  return typeof value === 'string' ? one(value) : value.map(one).join(',');
}

/** Headers of a request, as Node or fetch give them; names are matched case-insensitively. */
export type HeaderBag = Readonly<Record<string, string | readonly string[] | undefined>>;

/** The value of header `name` (case-insensitive) in `headers`. */
export function headerValue(headers: HeaderBag, name: string): string | readonly string[] | undefined {
  const lower = name.toLowerCase();
  const direct = headers[lower];
  if (direct !== undefined) return direct;
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === lower) return value;
  }
  return undefined;
}

/**
 * The headers of a received request as the protocol reads them. Node joins a header sent several times with
 * ", " while the protocol joins the values with "," (§3 of signing.md), so a repeated header is given as the
 * list of its values, read from the raw headers; the canonicaliser then joins it the protocol's way, and the
 * parser refuses a protocol header sent twice.
 */
export function receivedHeaders(request: {
  readonly headers: HeaderBag;
  readonly rawHeaders?: readonly string[];
}): HeaderBag {
  const raw = request.rawHeaders;
  if (!raw) return request.headers;
  const seen = new Map<string, string[]>();
  let repeated = false;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = (raw[i] as string).toLowerCase();
    const values = seen.get(name);
    if (values) {
      values.push(raw[i + 1] as string);
      repeated = true;
    } else seen.set(name, [raw[i + 1] as string]);
  }
  if (!repeated) return request.headers;
  const bag: Record<string, string | readonly string[] | undefined> = { ...request.headers };
  for (const [name, values] of seen) if (values.length > 1) bag[name] = values;
  return bag;
}

/** What the canonical request is built from. */
export interface CanonicalInput {
  readonly algorithm: Algorithm;
  readonly method: string;
  /** Path as sent (without the query string). */
  readonly path: string;
  /** Query string as sent, without `?` (empty when none). */
  readonly query: string;
  readonly accessKey: string;
  readonly timestamp: string | number;
  readonly nonce: string;
  /** Lower-case hex SHA-256 of the body. */
  readonly contentSha256: string;
  /** Lower-case names of the extra headers covered, in the order of X-Lgsp-Signed-Headers. */
  readonly signedHeaders: readonly string[];
  /** The request's headers (only the signed ones are read). */
  readonly headers: HeaderBag;
}

/** Builds the canonical request (lines joined by `\n`, no trailing newline). */
export function canonicalRequest(input: CanonicalInput): string {
  const lines = [
    `LGSP1-${input.algorithm}`,
    input.method.toUpperCase(),
    canonicalPath(input.path),
    canonicalQuery(input.query),
    input.accessKey,
    String(input.timestamp),
    input.nonce,
    input.contentSha256,
  ];
  for (const name of input.signedHeaders) {
    lines.push(`${name}:${canonicalHeaderValue(headerValue(input.headers, name))}`);
  }
  return lines.join('\n');
}

/** Splits a request target (`/a/b?x=1`) into path and query string. */
export function splitTarget(target: string): { path: string; query: string } {
  const q = target.indexOf('?');
  return q < 0 ? { path: target, query: '' } : { path: target.slice(0, q), query: target.slice(q + 1) };
}
