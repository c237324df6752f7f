/**
 * @module web/api/errors
 * The one error type of the console: every failed call becomes an ApiError carrying the server's code and
 * its Vietnamese and English messages (RFC 9457 problem body), or a NETWORK error when the server is unreachable.
 */

/** Field-level problem of a validation error. */
export interface FieldProblem {
  field: string;
  message: string;
}

/** The problem+json body the server sends for every error. */
export interface ProblemBody {
  code: string;
  status: number;
  title: string;
  title_en: string;
  requestId?: string;
  errors?: FieldProblem[];
  retryAfter?: number;
}

/** A failed API call, shown to people as its message in their language and its code. */
export class ApiError extends Error {
  readonly code: string;
  readonly status: number;
  readonly titleVi: string;
  readonly titleEn: string;
  readonly requestId: string | undefined;
  readonly fieldErrors: FieldProblem[];

  constructor(problem: ProblemBody) {
    super(`${problem.code}: ${problem.title_en}`);
    this.code = problem.code;
    this.status = problem.status;
    this.titleVi = problem.title;
    this.titleEn = problem.title_en;
    this.requestId = problem.requestId;
    this.fieldErrors = problem.errors ?? [];
  }

  /** The message in the given language. */
  message_(lang: 'vi' | 'en'): string {
    return lang === 'en' ? this.titleEn : this.titleVi;
  }
}

/** The server could not be reached (network down, server restarting). */
export function networkError(): ApiError {
  return new ApiError({
    code: 'NETWORK',
    status: 0,
    title: 'Mất kết nối tới máy chủ. Dữ liệu bạn đang nhập vẫn được giữ; hãy thử lại khi có kết nối.',
    title_en:
      'The server cannot be reached. What you have typed is kept; try again when the connection is back.',
  });
}

/** Turns any thrown value into an ApiError (unknown failures get code CLIENT). */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof TypeError) return networkError();
  return new ApiError({
    code: 'CLIENT',
    status: 0,
    title: 'Đã xảy ra lỗi trong giao diện. Hãy tải lại trang.',
    title_en: 'Something went wrong in the console. Reload the page.',
  });
}

/** Codes meaning the session is gone: the console explains and returns to the login page. */
export const SESSION_GONE = new Set(['IAM_UNAUTHENTICATED', 'IAM_SESSION_EXPIRED']);
