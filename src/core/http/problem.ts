/**
 * @module core/http/problem
 * The one mapping from errors to HTTP: RFC 9457 `application/problem+json` with the catalogue's
 * Vietnamese and English messages. Unknown errors become `INTERNAL`; the original goes to the log only.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { catalogue } from '../../errors.ts';
import { AppError, type ErrorCode } from '../errors/index.ts';

/** The body every error response carries. */
export interface Problem {
  type: string;
  code: ErrorCode;
  status: number;
  /** Vietnamese message (the console's default language). */
  title: string;
  /** English message. */
  title_en: string;
  requestId: string;
  /** Field-level problems of a validation error. */
  errors?: { field: string; message: string }[];
  retryAfter?: number;
}

/** Maps framework errors (validation, body parsing, size, rate limit) onto catalogue codes. */
export function toAppError(err: unknown, requestId: string): AppError {
  if (err instanceof AppError) return err;
  const fe = err as Partial<FastifyError> & {
    validation?: { instancePath?: string; message?: string; params?: Record<string, unknown> }[];
    validationContext?: string;
  };
  if (fe?.validation) {
    const errors = fe.validation.map((v) => {
      const extra =
        v.params && 'additionalProperty' in v.params ? ` (${String(v.params.additionalProperty)})` : '';
      const field = `${fe.validationContext ?? 'body'}${(v.instancePath ?? '').replaceAll('/', '.')}`;
      return { field, message: `${v.message ?? 'invalid'}${extra}` };
    });
    return new AppError('VALIDATION_FAILED', {
      summary: errors.map((e) => `${e.field}: ${e.message}`).join('; '),
      errors,
    });
  }
  switch (fe?.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
    case 'FST_ERR_BAD_URL':
      return new AppError('MALFORMED_REQUEST');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('PAYLOAD_TOO_LARGE');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_TYPE':
      return new AppError('UNSUPPORTED_MEDIA_TYPE');
  }
  if (fe?.statusCode === 429) return new AppError('RATE_LIMITED', { retryAfter: 60 });
  if (err instanceof SyntaxError && fe?.statusCode === 400) return new AppError('MALFORMED_REQUEST');
  if (fe?.statusCode === 413) return new AppError('PAYLOAD_TOO_LARGE');
  if (fe?.statusCode === 415) return new AppError('UNSUPPORTED_MEDIA_TYPE');
  return new AppError('INTERNAL', { requestId }, { cause: err });
}

/** Builds the problem body for an AppError. */
export function problemOf(err: AppError, requestId: string): Problem {
  const details = { requestId, ...err.details };
  const withId = new AppError(err.code, details);
  const problem: Problem = {
    type: `urn:tinhso:error:${err.code}`,
    code: err.code,
    status: catalogue[err.code].status,
    title: withId.localized('vi'),
    title_en: withId.localized('en'),
    requestId,
  };
  if (Array.isArray(err.details.errors)) problem.errors = err.details.errors as Problem['errors'];
  if (typeof err.details.retryAfter === 'number') problem.retryAfter = err.details.retryAfter;
  return problem;
}

/** Sends an AppError as problem+json. */
export function sendProblem(request: FastifyRequest, reply: FastifyReply, err: AppError): FastifyReply {
  const problem = problemOf(err, request.id);
  if (problem.retryAfter) reply.header('retry-after', String(problem.retryAfter));
  return reply.status(problem.status).type('application/problem+json; charset=utf-8').send(problem);
}
