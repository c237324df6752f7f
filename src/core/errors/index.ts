/**
 * @module core/errors
 * Public surface of the error model.
 */

export type { ErrorCode } from '../../errors.ts';
export { AppError, type ErrorDetails, formatMessage, isAppError } from './app-error.ts';
export { defineErrors, type ErrorSpec } from './define.ts';
