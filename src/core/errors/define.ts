/**
 * @module core/errors/define
 * The shape of an error catalogue entry; every module declares its codes with `defineErrors`.
 */

/** One catalogue entry: HTTP status and the user-facing message in Vietnamese and English. */
export interface ErrorSpec {
  readonly status: number;
  /** Vietnamese message; `{name}` placeholders are filled from the error's details. */
  readonly vi: string;
  /** English message; same placeholders as `vi`. */
  readonly en: string;
}

/** Declares a module's error codes; the `const` generic keeps the keys as a literal union. */
export function defineErrors<const T extends Record<string, ErrorSpec>>(entries: T): T {
  return entries;
}
