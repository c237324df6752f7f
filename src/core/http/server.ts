/**
 * @module core/http/server
 * Builds the Fastify server: request ids, security headers, cookies, OpenAPI at /api/docs,
 * problem+json errors, health and readiness probes, Prometheus metrics, the batched access log,
 * and HTTPS with HSTS when a certificate is configured. Modules add their routes through `register`.
 */
import { randomUUID } from 'node:crypto';
import { AjvCompiler } from '@fastify/ajv-compiler';
import fastifyCookie from '@fastify/cookie';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyRequest } from 'fastify';
import helmet from 'helmet';
import { Type } from 'typebox';
import { auditAlone } from '../audit/index.ts';
import type { Ctx } from '../context.ts';
import { sql } from '../db/index.ts';
import { AppError } from '../errors/index.ts';
import type { Platform } from '../platform.ts';
import { isLoopback } from './client-ip.ts';
import { registerConsole } from './console.ts';
import { createMetrics, type Metrics } from './metrics.ts';
import { sendProblem, toAppError } from './problem.ts';
import { tlsOptions } from './tls.ts';
import type { App } from './types.ts';

const REQUEST_ID = /^[\w\-=.]{1,100}$/;

const AJV_OPTIONS = { removeAdditional: false, allErrors: true } as const;

/**
 * Validators of the route schemas. Query strings, path parameters and headers arrive as text, so their
 * values are coerced to the schema's types; a JSON body already has its types, and coercing it would turn
 * the null of a nullable field into "" or 0 (Ajv tries the first branch of the union first): a source's
 * `expectedIntervalSeconds: null` ("back to the default") would become 0 ("not watched").
 */
function validatorFactory(
  externalSchemas: Parameters<ReturnType<typeof AjvCompiler>>[0],
  serverOptions: Partial<Parameters<ReturnType<typeof AjvCompiler>>[1]> | undefined,
) {
  const build = AjvCompiler();
  const plugins = serverOptions?.plugins ?? [];
  const coercing = build(externalSchemas, {
    customOptions: { ...AJV_OPTIONS, coerceTypes: 'array' },
    plugins,
  });
  const exact = build(externalSchemas, { customOptions: { ...AJV_OPTIONS, coerceTypes: false }, plugins });
  return (route: Parameters<typeof exact>[0]) => (route.httpPart === 'body' ? exact : coercing)(route);
}

export interface BuildServerOptions {
  /** Registers the modules' routes and hooks; `server.metrics` is the server's own request metrics. */
  register?: (app: App, server: { metrics: Metrics }) => Promise<void>;
  /** Version string shown in OpenAPI. */
  version?: string;
  /** Folder of the built web console to serve at `/` (none: API only). */
  consoleDir?: string;
}

/** Anonymous context for a request not (yet) authenticated. */
export function anonymousCtx(request: FastifyRequest): Ctx {
  const header = String(request.headers['accept-language'] ?? '');
  return {
    actor: {
      kind: 'anonymous',
      id: null,
      name: 'anonymous',
      unitId: null,
      permissions: new Set(),
      scope: 'own',
    },
    ip: request.ip,
    requestId: request.id,
    lang: header.toLowerCase().startsWith('en') ? 'en' : 'vi',
  };
}

/** True when the request came over TLS, directly or via a trusted proxy's X-Forwarded-Proto. */
export function isSecureRequest(request: FastifyRequest): boolean {
  return request.protocol === 'https';
}

/**
 * The first value of a validated request part that no schema can refuse, as a field problem: a string
 * holding U+0000 or an unpaired surrogate (PostgreSQL text cannot store them), or a number beyond ±(2^53 - 1):
 * Ajv's coercion turns "1e400" in a query string into Infinity and then skips the bounds, and an integer
 * without a maximum (a sequence number) would otherwise reach PostgreSQL out of the bigint range.
 */
function unfitAt(value: unknown, field: string, depth = 0): { field: string; message: string } | null {
  if (typeof value === 'string') {
    if (value.includes('\u0000')) return { field, message: 'must not contain the NUL character (U+0000)' };
    // A lone UTF-16 surrogate cannot be stored as UTF-8 text or JSON by PostgreSQL; it is never real text.
    if (!(value as string & { isWellFormed(): boolean }).isWellFormed()) {
      return { field, message: 'must be well-formed Unicode text (no unpaired surrogate)' };
    }
    return null;
  }
  if (typeof value === 'number') {
    return Math.abs(value) <= Number.MAX_SAFE_INTEGER ? null : { field, message: 'is out of range' };
  }
  // Deeper than any schema allows (a route without a body schema may receive anything): not walked, so
  // a hostile nesting cannot exhaust the stack.
  if (value === null || typeof value !== 'object' || depth > 32) return null;
  for (const [key, v] of Object.entries(value)) {
    const found = unfitAt(v, `${field}.${key}`, depth + 1);
    if (found) return found;
  }
  return null;
}

/** Builds (but does not start) the HTTP server. */
export async function buildServer(platform: Platform, options: BuildServerOptions = {}): Promise<App> {
  const { config } = platform;
  const https = await tlsOptions(config);
  const metrics = createMetrics(platform.accessLog);
  let shuttingDown = false;

  const app = Fastify({
    loggerInstance: platform.log,
    https,
    trustProxy: config.http.trustedProxies.length > 0 ? [...config.http.trustedProxies] : false,
    bodyLimit: config.http.bodyLimit,
    genReqId: (req: import('node:http').IncomingMessage) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    },
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    schemaController: { compilersFactory: { buildValidator: validatorFactory } },
  } as never).withTypeProvider<TypeBoxTypeProvider>() as unknown as App;

  // The API speaks JSON only: a text/plain body (what a cross-site form can send without a preflight)
  // is refused with 415 instead of reaching a handler as a string (SEC-12).
  app.removeContentTypeParser('text/plain');
  // Validate what the schemas cannot express (SEC-12), after they ran, so no handler sees it.
  app.addHook('preHandler', async (request) => {
    const problem =
      unfitAt(request.params, 'params') ??
      unfitAt(request.query, 'querystring') ??
      unfitAt(request.body, 'body');
    if (problem) {
      throw new AppError('VALIDATION_FAILED', {
        summary: `${problem.field}: ${problem.message}`,
        errors: [problem],
      });
    }
  });

  app.decorateRequest('ctx', null as unknown as Ctx);
  app.addHook('onRequest', async (request, reply) => {
    request.ctx = anonymousCtx(request);
    reply.header('x-request-id', request.id);
    if (request.routeOptions.config.credentials && !isSecureRequest(request) && !isLoopback(request.ip)) {
      throw new AppError('INSECURE_TRANSPORT');
    }
  });

  // helmet's middleware is built once: @fastify/helmet rebuilt it (parsing the CSP) on every request, which
  // was 6 % of a gateway call's CPU.
  const securityHeaders = helmet({
    // HSTS only means something over HTTPS; behind a TLS proxy the proxy sets it.
    hsts: https ? { maxAge: config.tls.hstsMaxAge, includeSubDomains: true } : false,
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
        // Upgrading to https on a plain-HTTP trial install would break every request of the console.
        upgradeInsecureRequests: https ? [] : null,
      },
    },
    crossOriginEmbedderPolicy: false,
  });
  app.addHook('onRequest', (request, reply, next) => {
    securityHeaders(request.raw, reply.raw, (err) => next(err as Error | undefined));
  });
  await app.register(fastifyCookie);

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Tỉnh Số API',
        version: options.version ?? '0.1.0',
        description:
          'API của nền tảng Tỉnh Số (LGSP, SOC, IR, HRM). Lỗi trả về dạng application/problem+json với mã lỗi ổn định; xem docs/errors.md.',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'tinhso_session' },
          bearer: { type: 'http', scheme: 'bearer' },
        },
      },
    },
  });
  await app.register(fastifySwaggerUi, {
    routePrefix: '/api/docs',
    uiConfig: { docExpansion: 'list' },
    // The UI needs inline scripts; it gets its own relaxed CSP, the rest of the app keeps the strict one.
    staticCSP: true,
    transformStaticCSP: (header) => header,
  });

  app.setErrorHandler((error, request, reply) => {
    const appError = toAppError(error, request.id);
    if (appError.code === 'INTERNAL') {
      request.log.error({ err: error }, 'unhandled error');
      // SEC-10 runtime-error category: the reference the user saw, where, and the error's kind only.
      auditAlone(platform.db, request.ctx ?? anonymousCtx(request), {
        category: 'error',
        action: 'http.internal_error',
        description: `Lỗi hệ thống khi xử lý ${request.method} ${request.routeOptions.url ?? request.url.split('?')[0]}`,
        severity: 'error',
        outcome: 'failure',
        details: { requestId: request.id, error: error instanceof Error ? error.name : typeof error },
      }).catch((err: unknown) => request.log.error({ err }, 'could not audit a runtime error'));
    } else {
      request.log.info({ code: appError.code, err: appError.cause ?? undefined }, 'request refused');
    }
    return sendProblem(request, reply, appError);
  });
  const consoleFallback = options.consoleDir ? await registerConsole(app, options.consoleDir) : null;
  app.setNotFoundHandler((request, reply) => {
    // The console's own routes (/org/…, /iam/…) are answered by its index.html; the API's are not.
    if (consoleFallback?.(request, reply)) return;
    return sendProblem(
      request,
      reply,
      new AppError('ROUTE_NOT_FOUND', { method: request.method, url: request.url.split('?')[0] }),
    );
  });

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.httpDuration.observe(
      { method: request.method, route, status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    if (request.routeOptions.config.noAccessLog || !route.startsWith('/api') || route.startsWith('/api/docs'))
      return;
    const ctx = request.ctx ?? anonymousCtx(request);
    platform.accessLog.record(ctx, {
      action: `${request.method} ${route}`,
      description: `${request.method} ${request.url.split('?')[0]} → ${reply.statusCode}`,
      outcome: reply.statusCode < 400 ? 'success' : 'failure',
      severity: reply.statusCode >= 500 ? 'error' : reply.statusCode >= 400 ? 'notice' : 'info',
      details: { status: reply.statusCode, ms: Math.round(reply.elapsedTime * 10) / 10 },
    });
  });

  const Health = Type.Object({ status: Type.String() });
  app.get(
    '/healthz',
    {
      config: { auth: 'public', noAccessLog: true },
      schema: { tags: ['system'], response: { 200: Health } },
    },
    async () => ({ status: 'ok' }),
  );
  app.get(
    '/readyz',
    {
      config: { auth: 'public', noAccessLog: true },
      schema: { tags: ['system'], response: { 200: Health, 503: Type.Unknown() } },
    },
    async () => {
      if (shuttingDown) throw new AppError('SERVICE_UNAVAILABLE');
      try {
        await platform.db.execute(sql`select 1`);
      } catch (err) {
        throw new AppError('SERVICE_UNAVAILABLE', {}, { cause: err });
      }
      return { status: 'ready' };
    },
  );
  app.get(
    '/metrics',
    { config: { auth: 'public', admin: true, noAccessLog: true }, schema: { hide: true } },
    async (_req, reply) => {
      reply.type(metrics.registry.contentType);
      return metrics.text();
    },
  );

  if (options.register) await options.register(app, { metrics });

  app.addHook('preClose', async () => {
    shuttingDown = true;
  });
  // While closing, in-flight responses still complete but end their keep-alive connection, so close()
  // does not wait for idle browser connections to time out.
  app.addHook('onSend', async (_request, reply) => {
    if (shuttingDown) reply.header('connection', 'close');
  });
  app.addHook('onClose', async () => {
    await platform.accessLog.flush();
  });
  return app;
}
