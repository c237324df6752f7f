/**
 * @module sdk/destination
 * What a DESTINATION application uses in direct mode (Article 10 steps 4-6): one call, `verifyIncoming`,
 * reads the request it received, hashes the body, and asks the platform (POST /api/lgsp/auth/introspect,
 * signed with the destination's own key) whether the source's call is genuine and allowed. The platform
 * alone can check the source's signature: only it knows the source's secret.
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { HEADERS, receivedHeaders, sha256Hex, splitTarget } from './canonical.ts';
import { LgspClient, type LgspClientConfig } from './client.ts';
import { errorFromResponse } from './errors.ts';
import { parseSignatureHeaders } from './verify.ts';

/** The source the platform vouched for. */
export interface VerifiedSource {
  readonly unitCode: string;
  readonly applicationCode: string;
  readonly applicationName: string;
}

/** Outcome of `verifyIncoming`. */
export type IncomingVerdict =
  | {
      readonly ok: true;
      readonly source: VerifiedSource;
      readonly operations: readonly string[];
      readonly expiresAt: string;
      /** The body as received (already read, so the handler does not read the stream again). */
      readonly body: Buffer;
    }
  | {
      readonly ok: false;
      /** The platform's code (docs/lgsp/signing.md), or PAYLOAD_TOO_LARGE for a body over the limit. */
      readonly code: string;
      readonly message: string;
      /** The HTTP status to answer the source with. */
      readonly status: number;
    };

/** A request as the destination received it, when it is not a Node IncomingMessage. */
export interface ReceivedCall {
  readonly method: string;
  /** Request target as received: path and query, e.g. `/ho-so/42?nam=2026`. */
  readonly url: string;
  readonly headers: IncomingHttpHeaders | Readonly<Record<string, string | readonly string[] | undefined>>;
  readonly body: Uint8Array | string;
}

export interface DestinationOptions {
  /** Largest body read (default 50 MiB). */
  readonly maxBodyBytes?: number;
  /**
   * The source's address to have the platform check against the source's network allow-list; omitted
   * (default) when the destination sits behind a proxy and cannot know it.
   */
  readonly remoteIp?: (req: IncomingMessage) => string | undefined;
}

const STATUS: Record<string, number> = {
  LGSP_ACCESS_DENIED: 403,
  LGSP_NETWORK_NOT_ALLOWED: 403,
  LGSP_APPLICATION_SUSPENDED: 403,
  LGSP_BODY_DIGEST_MISMATCH: 400,
  LGSP_SIGNATURE_MALFORMED: 400,
  PAYLOAD_TOO_LARGE: 413,
};

function refusal(code: string, message: string, status?: number): IncomingVerdict {
  return { ok: false, code, message, status: status ?? STATUS[code] ?? 401 };
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += b.length;
    if (size > limit) return null;
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

function flatHeaders(headers: ReceivedCall['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name.toLowerCase()] = typeof value === 'string' ? value : (value as readonly string[]).join(',');
  }
  return out;
}

/** Verifies incoming calls for one destination application. */
export class DestinationVerifier {
  private readonly client: LgspClient;

  /** `config` is the DESTINATION's own platform URL and key (it signs the introspection). */
  constructor(
    config: LgspClientConfig,
    private readonly options: DestinationOptions = {},
  ) {
    this.client = new LgspClient(config);
  }

  /** Article 10 steps 4-6 in one call: reads, hashes, asks the platform, and answers ok or a coded refusal. */
  async verifyIncoming(req: IncomingMessage | ReceivedCall): Promise<IncomingVerdict> {
    let body: Buffer;
    let ip: string | undefined;
    if ('body' in req && (typeof req.body === 'string' || req.body instanceof Uint8Array)) {
      body = Buffer.from(req.body);
    } else {
      const read = await readBody(req as IncomingMessage, this.options.maxBodyBytes ?? 52_428_800);
      if (!read) return refusal('PAYLOAD_TOO_LARGE', 'The body is larger than this destination accepts.');
      body = read;
      ip = this.options.remoteIp?.(req as IncomingMessage);
    }
    // A header sent twice is signed as its values joined with ",", not as Node joins them (", ").
    const headers = flatHeaders(receivedHeaders(req));
    // Cheap checks first: a call without the protocol's headers never costs a round trip to the platform.
    const parsed = parseSignatureHeaders(headers);
    if (!parsed.ok) return refusal(parsed.code, `${parsed.field}: ${parsed.reason}`);
    const sessionKey = headers[HEADERS.session];
    if (!sessionKey) return refusal('LGSP_SESSION_INVALID', 'The call carries no x-lgsp-session.');
    const bodySha256 = sha256Hex(body);
    if (bodySha256 !== parsed.value.contentSha256) {
      return refusal(
        'LGSP_BODY_DIGEST_MISMATCH',
        'The body received does not match the signed SHA-256 digest.',
      );
    }
    const { path, query } = splitTarget(req.url ?? '/');
    const res = await this.client.signedFetch(this.client.baseUrl, {
      method: 'POST',
      path: '/api/lgsp/auth/introspect',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        sessionKey,
        request: {
          method: req.method ?? 'GET',
          path,
          query,
          headers,
          bodySha256,
          ...(ip ? { remoteIp: ip } : {}),
        },
      }),
    });
    if (res.status !== 200) {
      const error = await errorFromResponse(res);
      return refusal(error.code, error.message);
    }
    const answer = (await res.json()) as
      | { active: true; source: VerifiedSource; operations: string[]; expiresAt: string }
      | { active: false; code: string; message: string };
    if (!answer.active) return refusal(answer.code, answer.message);
    return {
      ok: true,
      source: answer.source,
      operations: answer.operations,
      expiresAt: answer.expiresAt,
      body,
    };
  }
}

/** One-off form of `DestinationVerifier.verifyIncoming`. */
export function verifyIncoming(
  req: IncomingMessage | ReceivedCall,
  config: LgspClientConfig,
  options: DestinationOptions = {},
): Promise<IncomingVerdict> {
  return new DestinationVerifier(config, options).verifyIncoming(req);
}

/** What a protected handler receives besides req and res. */
export type VerifiedHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  verdict: Extract<IncomingVerdict, { ok: true }>,
) => void | Promise<void>;

/**
 * Wraps a Node `http` handler: calls that the platform does not vouch for are answered with
 * problem+json and the platform's code; the others reach `handler` with the source and the body.
 */
export function lgspHandler(verifier: DestinationVerifier, handler: VerifiedHandler) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    let verdict: IncomingVerdict;
    try {
      verdict = await verifier.verifyIncoming(req);
    } catch {
      // The platform could not be asked (network): refuse rather than let an unchecked call through.
      verdict = refusal('LGSP_UNAVAILABLE', 'The platform could not verify the call; try again later.', 503);
    }
    if (!verdict.ok) {
      res.writeHead(verdict.status, { 'content-type': 'application/problem+json' });
      res.end(
        JSON.stringify({
          code: verdict.code,
          title: verdict.message,
          title_en: verdict.message,
          status: verdict.status,
        }),
      );
      return;
    }
    await handler(req, res, verdict);
  };
}
