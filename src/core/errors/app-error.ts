/**
 * @module core/errors/app-error
 * The one error type of Tỉnh Số: a stable code from the catalogue plus structured details.
 */
import { catalogue, type ErrorCode } from '../../errors.ts';

export type ErrorDetails = Record<string, unknown>;

/** A controlled error: its code selects status and messages; details fill message placeholders. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: ErrorDetails;

  constructor(code: ErrorCode, details: ErrorDetails = {}, options?: { cause?: unknown }) {
    super(formatMessage(catalogue[code].en, details), options);
    this.name = 'AppError';
    this.code = code;
    this.status = catalogue[code].status;
    this.details = details;
  }

  /** The message in the given language with placeholders filled. */
  localized(lang: 'vi' | 'en'): string {
    return formatMessage(catalogue[this.code][lang], this.details, lang);
  }
}

/** True when `err` is an AppError, optionally with one of the given codes. */
export function isAppError(err: unknown, ...codes: ErrorCode[]): err is AppError {
  return err instanceof AppError && (codes.length === 0 || codes.includes(err.code));
}

/** Fills `{name}` placeholders; unknown placeholders stay visible so a missing detail is noticed in tests. */
export function formatMessage(template: string, details: ErrorDetails, lang: 'vi' | 'en' = 'en'): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => {
    // A detail worded per language carries its Vietnamese text as `<key>Vi` (a parser's reason, say).
    const value = lang === 'vi' && details[`${key}Vi`] != null ? details[`${key}Vi`] : details[key];
    return value === undefined || value === null ? whole : String(value);
  });
}
