/**
 * @module sdk/errors
 * The typed error of the client: the platform's code (problem+json `code`), its HTTP status and message.
 */

/** Codes the signing protocol and the authentication service answer with (docs/lgsp/signing.md). */
export const LGSP_ERROR_CODES = [
  'LGSP_SIGNATURE_MISSING',
  'LGSP_SIGNATURE_MALFORMED',
  'LGSP_SIGNATURE_INVALID',
  'LGSP_ACCESS_KEY_UNKNOWN',
  'LGSP_ACCESS_KEY_REVOKED',
  'LGSP_ACCESS_KEY_EXPIRED',
  'LGSP_APPLICATION_SUSPENDED',
  'LGSP_ALGORITHM_NOT_ALLOWED',
  'LGSP_TIMESTAMP_SKEW',
  'LGSP_NONCE_REPLAYED',
  'LGSP_NETWORK_NOT_ALLOWED',
  'LGSP_BODY_DIGEST_MISMATCH',
  'LGSP_SESSION_INVALID',
  'LGSP_SESSION_EXPIRED',
  'LGSP_ACCESS_DENIED',
] as const;

/** A code of the authentication service; other platform codes (gateway, validation) pass as strings. */
export type LgspErrorCode = (typeof LGSP_ERROR_CODES)[number];

/** An error answered by the platform (or found by the SDK before sending), with the platform's code. */
export class LgspError extends Error {
  /** The platform's stable code, e.g. `LGSP_NONCE_REPLAYED`. */
  readonly code: LgspErrorCode | (string & {});
  /** HTTP status of the answer (0 when the SDK refused before sending). */
  readonly status: number;
  /** The platform's request id, to quote to the operator. */
  readonly requestId: string | undefined;

  constructor(code: string, message: string, status = 0, requestId?: string) {
    super(`${code}: ${message}`);
    this.name = 'LgspError';
    this.code = code;
    this.status = status;
    this.requestId = requestId;
  }
}

/** True when `err` is an LgspError, optionally with one of the given codes. */
export function isLgspError(err: unknown, ...codes: string[]): err is LgspError {
  return err instanceof LgspError && (codes.length === 0 || codes.includes(err.code));
}

/** Reads a problem+json answer into an LgspError (a body that is not one still gives a coded error). */
export async function errorFromResponse(res: Response): Promise<LgspError> {
  const text = await res.text().catch(() => '');
  try {
    const body = JSON.parse(text) as {
      code?: unknown;
      title?: unknown;
      title_en?: unknown;
      requestId?: unknown;
    };
    const code = typeof body.code === 'string' ? body.code : `HTTP_${res.status}`;
    // The platform answers in Vietnamese (`title`) and English (`title_en`); the SDK's messages are English.
    const message =
      typeof body.title_en === 'string' ? body.title_en : typeof body.title === 'string' ? body.title : text;
    return new LgspError(
      code,
      message,
      res.status,
      typeof body.requestId === 'string' ? body.requestId : undefined,
    );
  } catch {
    return new LgspError(`HTTP_${res.status}`, text.slice(0, 200), res.status);
  }
}
