/**
 * @module core/db/errors
 * Reading PostgreSQL errors: the driver's error carries the SQLSTATE `code`, the `constraint` and `detail`;
 * Drizzle wraps it as the `cause` of its own error, so the chain is walked.
 */

/** The fields of a PostgreSQL error that callers branch on. */
export interface PgErrorFields {
  /** SQLSTATE, e.g. `23505` unique violation, `57014` statement cancelled (timeout). */
  code: string;
  constraint?: string;
  detail?: string;
}

/** The PostgreSQL error in `err` or its causes, or null when there is none. */
export function pgErrorOf(err: unknown): PgErrorFields | null {
  for (let e: unknown = err, i = 0; e && i < 4; e = (e as { cause?: unknown }).cause, i++) {
    const { code, constraint, detail } = e as { code?: unknown; constraint?: unknown; detail?: unknown };
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) {
      return {
        code,
        ...(typeof constraint === 'string' ? { constraint } : {}),
        ...(typeof detail === 'string' ? { detail } : {}),
      };
    }
  }
  return null;
}
