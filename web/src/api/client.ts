/**
 * @module web/api/client
 * The typed API client: paths, parameters and bodies come from web/src/api/schema.d.ts, generated from the
 * server's OpenAPI document (`npm run api:types`). It adds the CSRF header to state changes, turns problem
 * responses into ApiError and announces a lost session so the shell can explain it.
 */
import createClient, { type Middleware } from 'openapi-fetch';
import { ApiError, type ProblemBody, SESSION_GONE, toApiError } from './errors';
import type { paths } from './schema';

let csrfToken: string | null = null;

/** Remembers the session's CSRF token (from login or /auth/me) for state-changing calls. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

type SessionListener = (err: ApiError) => void;
const sessionListeners = new Set<SessionListener>();

/** Called when any call finds the session gone (expired, logged out elsewhere). */
export function onSessionGone(listener: SessionListener): () => void {
  sessionListeners.add(listener);
  return () => sessionListeners.delete(listener);
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

let lastContact = Date.now();

/** When the server last answered a call of this session (its idle timeout counts from there). */
export function lastServerContact(): number {
  return lastContact;
}

const middleware: Middleware = {
  onRequest({ request }) {
    if (!SAFE.has(request.method) && csrfToken) request.headers.set('x-csrf-token', csrfToken);
    return request;
  },
  async onResponse({ response, request }) {
    if (response.ok) {
      lastContact = Date.now();
      return response;
    }
    let problem: ProblemBody;
    try {
      problem = (await response.clone().json()) as ProblemBody;
    } catch {
      problem = {
        code: `HTTP_${response.status}`,
        status: response.status,
        title: `Máy chủ trả lời lỗi ${response.status}.`,
        title_en: `The server answered with error ${response.status}.`,
      };
    }
    const err = new ApiError(problem);
    // The login call itself answers 401 for a wrong password: that is not a lost session.
    if (SESSION_GONE.has(err.code) && !request.url.endsWith('/api/iam/auth/login')) {
      for (const l of sessionListeners) l(err);
    }
    throw err;
  },
};

/** The raw typed client (openapi-fetch); prefer `call` below, which unwraps data and errors. */
export const api = createClient<paths>({ baseUrl: '', credentials: 'same-origin' });
api.use(middleware);

/** Awaits an openapi-fetch call and returns its data, throwing ApiError on any failure. */
export async function call<T>(promise: Promise<{ data?: T; error?: unknown }>): Promise<T> {
  let result: { data?: T; error?: unknown };
  try {
    result = await promise;
  } catch (err) {
    throw toApiError(err);
  }
  if (result.error !== undefined) throw toApiError(result.error);
  return result.data as T;
}

/** The JSON schema-typed body of an operation's 200/201 response, for component props. */
export type ResponseOf<
  P extends keyof paths,
  M extends 'get' | 'post' | 'put' | 'patch' | 'delete',
> = paths[P][M] extends { responses: infer R }
  ? R extends { 200: { content: { 'application/json': infer B } } }
    ? B
    : R extends { 201: { content: { 'application/json': infer B } } }
      ? B
      : never
  : never;
