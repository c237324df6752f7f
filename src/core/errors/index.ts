/**
 * @module core/errors
 * Public surface of the error model.
 */
export { AppError, formatMessage, isAppError, type ErrorDetails } from './app-error.ts';
export { defineErrors, type ErrorSpec } from './define.ts';
export type { ErrorCode } from '../../errors.ts';
