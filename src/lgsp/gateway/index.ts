/**
 * @module lgsp/gateway
 * The API gateway `/{unitCode}/{service}/…` and the exchange records it writes (LGSP-11/17/33/37).
 * See proxy.ts for the flow of one call, rate-limit.ts for limits that hold across nodes, circuit.ts for
 * the breaker, convert.ts for JSON↔XML.
 *
 * Two ways to call a destination through the gateway, both signed per docs/lgsp/signing.md:
 * - gateway mode (Article 10): `X-Lgsp-Session` from POST /api/lgsp/auth/sessions, among the signed headers;
 *   the session must be for this service, issued to this application, and allow the method;
 * - one-step mode: no session key; the signed call is accepted when the application holds the right on the
 *   service (`registry.allowedOperations`) — one round trip instead of two, same checks otherwise.
 * Either way the destination receives `X-Lgsp-Request-Id`, `X-Lgsp-Source-Unit` and
 * `X-Lgsp-Source-Application` and none of the caller's X-Lgsp-* credentials; it should accept calls only from
 * the gateway's address (or check them through introspection in direct mode).
 */
import { Agent } from 'undici';
import type { App } from '../../core/http/types.ts';
import type { AuthService } from '../auth/index.ts';
import type { AvailabilityTracker, RegistryLookup } from '../contracts.ts';
import type { LgspDeps } from '../deps.ts';
import { ExchangeRecorder, exchangeRetentionJob, exchangeRoutes } from '../exchange/index.ts';
import { CircuitBreakers } from './circuit.ts';
import { createProxy, UNIT_CODE_PATTERN } from './proxy.ts';
import { RateLimiter } from './rate-limit.ts';

export { gatewayErrorCategory } from './errors.ts';

/** The gateway: mounts the proxy at the root and the exchange-record routes under `/api/lgsp`. */
export interface Gateway {
  /** Registers the proxy routes (outside `/api`) on the root server. */
  registerProxy(app: App): Promise<void>;
  /** Routes under `/api/lgsp` (exchange records, statistics). */
  routes(app: App): Promise<void>;
  /** Writes buffered exchange records now (tests, shutdown). */
  flush(): Promise<void>;
  /** The cluster-wide rate limiter of this node. */
  readonly limiter: RateLimiter;
  /** The batched writer of exchange records. */
  readonly recorder: ExchangeRecorder;
  /** Circuit breakers per destination. */
  readonly breakers: CircuitBreakers;
  close(): Promise<void>;
}

/** Tunables of the gateway (defaults suit production; tests shorten them). */
export interface GatewayOptions {
  /** Consecutive failures that open a destination's circuit (default 5). */
  circuitFailures?: number;
  /** How long an open circuit refuses calls before a probe (default 30 s). */
  circuitCooldownMs?: number;
  /** Retries of idempotent calls that could not connect (default 2). */
  retries?: number;
  retryBaseMs?: number;
  /** Rate-limit sync period (default 200 ms). */
  rateSyncMs?: number;
  /** Exchange-record flush period (default 200 ms) and batch size (default 500). */
  recordFlushMs?: number;
  recordBatchSize?: number;
  /** Connect timeout towards destinations (default 5 s). */
  connectTimeoutMs?: number;
}

/** Creates the gateway. */
export function createGateway(
  deps: LgspDeps & { registry: RegistryLookup; auth: AuthService; availability: AvailabilityTracker },
  options: GatewayOptions = {},
): Gateway {
  const { platform } = deps;
  const config = platform.config;
  const limiter = new RateLimiter(platform.db, {
    nodeId: config.nodeId,
    defaultPerMinute: config.lgsp.defaultRateLimitPerMinute,
    syncMs: options.rateSyncMs ?? 200,
    onError: (err) => platform.log.warn({ err }, 'lgsp rate-limit sync failed; enforcing on local counts'),
  });
  const recorder = new ExchangeRecorder(platform.db, {
    flushIntervalMs: options.recordFlushMs ?? 200,
    batchSize: options.recordBatchSize ?? 500,
    onError: (err) =>
      platform.log.error({ err }, 'exchange records flush failed; rows kept for the next flush'),
  });
  const breakers = new CircuitBreakers({
    failures: options.circuitFailures ?? 5,
    cooldownMs: options.circuitCooldownMs ?? 30_000,
  });
  // One pool per destination origin, keep-alive, no pipelining (a slow answer must not hold up others).
  const agent = new Agent({
    keepAliveTimeout: 10_000,
    connect: { timeout: options.connectTimeoutMs ?? 5_000 },
    pipelining: 1,
  });
  const proxy = createProxy({
    registry: deps.registry,
    auth: deps.auth,
    availability: deps.availability,
    limiter,
    breakers,
    recorder,
    accessLog: platform.accessLog,
    agent,
    log: platform.log,
    nodeId: config.nodeId,
    maxBodyBytes: config.lgsp.gatewayMaxBodyBytes,
    retries: options.retries ?? 2,
    retryBaseMs: options.retryBaseMs ?? 50,
    now: () => platform.now(),
  });
  deps.scheduler.register(exchangeRetentionJob(platform));
  let closed = false;

  return {
    limiter,
    recorder,
    breakers,
    async registerProxy(app) {
      void limiter.start();
      await app.register(async (scope: App) => {
        // The body is streamed to the destination as it arrives: no parser may read it first.
        scope.removeAllContentTypeParsers();
        scope.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
        scope.addHook('onResponse', async (request, reply) => proxy.finish(request, reply));
        const route = {
          method: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
          exposeHeadRoute: false,
          config: { auth: 'public' as const, noAccessLog: true },
          schema: { hide: true },
          handler: proxy.handle,
        };
        // The unit code must have the QCVN 102 form, so the console's routes (/org, /accounts…) never match.
        scope.route({ ...route, url: `/:unitCode(${UNIT_CODE_PATTERN})/:service` } as never);
        scope.route({ ...route, url: `/:unitCode(${UNIT_CODE_PATTERN})/:service/*` } as never);
      });
    },
    async routes(app) {
      await app.register(exchangeRoutes({ db: platform.db, org: deps.org }));
    },
    flush: () => recorder.flush(),
    async close() {
      if (closed) return;
      closed = true;
      await limiter.close();
      await recorder.close();
      await agent.close();
    },
  };
}
