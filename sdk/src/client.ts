/**
 * @module sdk/client
 * `LgspClient`: what a SOURCE application uses. It asks the authentication service for a session key
 * (Article 10 steps 1-2, cached until shortly before it expires), then calls the destination through the
 * gateway (`/{unitCode}/{service}/{path}`) or directly (direct mode), every request signed with the
 * session key covered by the signature (step 3).
 */
import type { KeyObject } from 'node:crypto';
import { Readable } from 'node:stream';
import { type Algorithm, canonicalQuery, EMPTY_SHA256, sha256Hex } from './canonical.ts';
import { errorFromResponse, LgspError } from './errors.ts';
import { encodePath, type SigningKey, signRequest } from './sign.ts';

/** How to reach the platform and who this application is. */
export interface LgspClientConfig {
  /** The platform's URL, e.g. `https://lgsp.haiduong.gov.vn`. */
  readonly baseUrl: string;
  readonly accessKey: string;
  /** HMAC secret (for HMAC-SHA256 / HMAC-SHA1). */
  readonly secretKey?: string;
  /** RSA private key, PEM (for RSA-PSS-SHA256 / RSA-SHA256). */
  readonly privateKeyPem?: string | KeyObject;
  /** Defaults to HMAC-SHA256 with a secret, RSA-PSS-SHA256 with a private key. */
  readonly algorithm?: Algorithm;
  /** Seconds before expiry when a cached session key is renewed (default 30). */
  readonly renewBeforeSeconds?: number;
  /** The fetch to use (tests, proxies); defaults to the global fetch of Node 20. */
  readonly fetch?: typeof fetch;
}

/** A session key and what it allows (the answer of POST /api/lgsp/auth/sessions). */
export interface LgspSession {
  readonly sessionKey: string;
  readonly expiresAt: string;
  readonly destination: {
    readonly unitCode: string;
    readonly service: string;
    readonly name: string;
    readonly protocol: string;
    readonly gatewayPath: string;
  };
  readonly operations: readonly string[];
}

/** A body: text, bytes, or a stream (then give its SHA-256, since it cannot be read twice). */
export type LgspBody = string | Uint8Array | Readable | ReadableStream<Uint8Array>;

/** One call to a destination. */
export interface LgspCall {
  readonly method?: string;
  /** Path inside the service, e.g. `/ho-so/42` (Vietnamese allowed: sent NFC, percent-encoded). */
  readonly path?: string;
  /** Query as a string (`a=1&b=2`) or pairs; values of an array repeat the name. */
  readonly query?:
    | string
    | Readonly<Record<string, string | number | boolean | readonly (string | number)[]>>;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: LgspBody;
  /** SHA-256 (hex) of a streamed body; for strings and bytes the SDK hashes them itself. */
  readonly bodySha256?: string;
  /** Operations asked for the session (defaults to all the right allows). */
  readonly operations?: readonly string[];
  readonly signal?: AbortSignal;
}

function encodeQueryPart(text: string): string {
  // RFC 3986 with the canonical alphabet, so what is sent is what the platform canonicalises.
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** Builds the query string to send (already in canonical order, which is harmless and easy to debug). */
export function buildQuery(query: LgspCall['query']): string {
  if (query === undefined) return '';
  if (typeof query === 'string') return canonicalQuery(query);
  const parts: string[] = [];
  for (const [name, value] of Object.entries(query)) {
    const values = Array.isArray(value) ? value : [value];
    for (const v of values)
      parts.push(`${encodeQueryPart(name.normalize('NFC'))}=${encodeQueryPart(String(v).normalize('NFC'))}`);
  }
  return canonicalQuery(parts.join('&'));
}

function isStream(body: LgspBody): body is Readable | ReadableStream<Uint8Array> {
  return (
    body instanceof Readable || (typeof ReadableStream !== 'undefined' && body instanceof ReadableStream)
  );
}

/** The client of a source application. */
export class LgspClient {
  private readonly sessions = new Map<string, { session: LgspSession; renewAt: number }>();
  private readonly pending = new Map<string, Promise<LgspSession>>();
  private readonly algorithm: Algorithm;
  private readonly key: SigningKey;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly config: LgspClientConfig) {
    if (!config.secretKey && !config.privateKeyPem) {
      throw new LgspError('LGSP_SIGNATURE_MALFORMED', 'a secretKey or a privateKeyPem is needed');
    }
    this.algorithm = config.algorithm ?? (config.secretKey ? 'HMAC-SHA256' : 'RSA-PSS-SHA256');
    this.key = config.secretKey
      ? { secretKey: config.secretKey }
      : { privateKey: config.privateKeyPem as string | KeyObject };
    this.fetchImpl = config.fetch ?? fetch;
  }

  /** The platform's URL this client talks to. */
  get baseUrl(): string {
    return this.config.baseUrl;
  }

  /** Sends one signed request to `baseUrl + path` and returns the raw response. */
  async signedFetch(
    baseUrl: string,
    call: LgspCall & { path: string; sessionKey?: string },
  ): Promise<Response> {
    const method = (call.method ?? 'GET').toUpperCase();
    const path = encodePath(call.path);
    const query = buildQuery(call.query);
    const headers: Record<string, string> = { ...(call.headers ?? {}) };
    if (call.sessionKey) headers['x-lgsp-session'] = call.sessionKey;
    let body: RequestInit['body'];
    let digest = EMPTY_SHA256;
    if (call.body !== undefined) {
      if (isStream(call.body)) {
        if (!call.bodySha256 || !/^[0-9a-f]{64}$/.test(call.bodySha256)) {
          throw new LgspError(
            'LGSP_BODY_DIGEST_MISMATCH',
            'a streamed body needs its SHA-256 (bodySha256, lower-case hex)',
          );
        }
        digest = call.bodySha256;
        body = (
          call.body instanceof Readable ? Readable.toWeb(call.body) : call.body
        ) as ReadableStream<Uint8Array>;
      } else {
        const bytes = typeof call.body === 'string' ? Buffer.from(call.body, 'utf8') : call.body;
        digest = sha256Hex(bytes);
        body = bytes as RequestInit['body'];
      }
      if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
        headers['content-type'] =
          typeof call.body === 'string' ? 'application/json' : 'application/octet-stream';
      }
    }
    const signed = signRequest({
      algorithm: this.algorithm,
      accessKey: this.config.accessKey,
      key: this.key,
      method,
      path,
      query,
      contentSha256: digest,
      headers,
    });
    const target = `${baseUrl.replace(/\/+$/, '')}${path}${query ? `?${query}` : ''}`;
    const init: RequestInit & { duplex?: 'half' } = {
      method,
      headers: { ...headers, ...signed.headers },
      body,
      signal: call.signal,
    };
    // A stream as request body needs half-duplex in Node's fetch.
    if (body instanceof ReadableStream) init.duplex = 'half';
    return this.fetchImpl(target, init);
  }

  /** Article 10 steps 1-2: a session key for the service, from cache while it has time left. */
  async requestSession(
    unitCode: string,
    service: string,
    operations?: readonly string[],
  ): Promise<LgspSession> {
    const ops = operations ? [...new Set(operations.map((o) => o.toUpperCase()))].sort() : undefined;
    const cacheKey = `${unitCode}\n${service}\n${ops?.join(',') ?? '*'}`;
    const cached = this.sessions.get(cacheKey);
    if (cached && cached.renewAt > Date.now()) return cached.session;
    // Concurrent calls for the same service share one request.
    const inFlight = this.pending.get(cacheKey);
    if (inFlight) return inFlight;
    const request = (async () => {
      const res = await this.signedFetch(this.config.baseUrl, {
        method: 'POST',
        path: '/api/lgsp/auth/sessions',
        body: JSON.stringify({ unitCode, service, ...(ops ? { operations: ops } : {}) }),
        headers: { 'content-type': 'application/json' },
      });
      if (res.status !== 201) throw await errorFromResponse(res);
      const session = (await res.json()) as LgspSession;
      const renewBefore = (this.config.renewBeforeSeconds ?? 30) * 1000;
      this.sessions.set(cacheKey, { session, renewAt: new Date(session.expiresAt).getTime() - renewBefore });
      return session;
    })();
    this.pending.set(cacheKey, request);
    try {
      return await request;
    } finally {
      this.pending.delete(cacheKey);
    }
  }

  /** Forgets cached session keys (all, or those of one service). */
  forgetSessions(unitCode?: string, service?: string): void {
    for (const key of [...this.sessions.keys()]) {
      const [u, s] = key.split('\n');
      if ((unitCode === undefined || u === unitCode) && (service === undefined || s === service))
        this.sessions.delete(key);
    }
  }

  /**
   * Article 10 step 3 through the gateway: `/{unitCode}/{service}/{path}`, signed, with the session key.
   * Answers of the destination come back as they are; a refusal by the platform (problem+json with an
   * `LGSP_` code) is thrown as an LgspError. An expired or revoked session is renewed once (bodies that
   * are streams cannot be sent twice, so those calls are not retried).
   */
  async call(unitCode: string, service: string, call: LgspCall = {}): Promise<Response> {
    return this.withSession(unitCode, service, call, (sessionKey) =>
      this.signedFetch(this.config.baseUrl, {
        ...call,
        path: gatewayPath(unitCode, service, call.path),
        sessionKey,
      }),
    );
  }

  /**
   * Direct mode: calls the destination at its own address (`destinationUrl + path`) with a session key
   * from the platform; the destination checks the call with the platform (see destination.ts).
   */
  async callDirect(
    destinationUrl: string,
    unitCode: string,
    service: string,
    call: LgspCall = {},
  ): Promise<Response> {
    return this.withSession(unitCode, service, call, (sessionKey) =>
      this.signedFetch(destinationUrl, { ...call, path: call.path ?? '/', sessionKey }),
    );
  }

  private async withSession(
    unitCode: string,
    service: string,
    call: LgspCall,
    send: (sessionKey: string) => Promise<Response>,
  ): Promise<Response> {
    const session = await this.requestSession(unitCode, service, call.operations);
    const res = await send(session.sessionKey);
    const refused = await platformRefusal(res);
    if (!refused) return res;
    const renewable = ['LGSP_SESSION_EXPIRED', 'LGSP_SESSION_INVALID'].includes(refused.code);
    if (renewable && !(call.body !== undefined && isStream(call.body))) {
      this.forgetSessions(unitCode, service);
      const fresh = await this.requestSession(unitCode, service, call.operations);
      const again = await send(fresh.sessionKey);
      const second = await platformRefusal(again);
      if (second) throw second;
      return again;
    }
    throw refused;
  }
}

/** `/{unitCode}/{service}` followed by the path inside the service, if any. */
export function gatewayPath(unitCode: string, service: string, path?: string): string {
  const rest = (path ?? '').replace(/^\/+/, '');
  return rest ? `/${unitCode}/${service}/${rest}` : `/${unitCode}/${service}`;
}

/** The platform's own refusal in a response, if it is one (problem+json with an LGSP_ code). */
async function platformRefusal(res: Response): Promise<LgspError | null> {
  if (res.ok) return null;
  const type = res.headers.get('content-type') ?? '';
  if (!type.startsWith('application/problem+json')) return null;
  const error = await errorFromResponse(res.clone());
  return error.code.startsWith('LGSP_') ? error : null;
}
