/**
 * @module soc/ingest
 * The SIEM's HTTP inputs and platform feeds: ingest tokens (machine credentials of shippers), the HTTP JSON
 * input (`/api/soc/ingest/events`), the Elasticsearch-compatible endpoint (`/api/soc/ingest/es`: handshake
 * and `_bulk`) and the scheduled feeds of the platform's audit log and LGSP exchange records (LGSP-31).
 */
import type { App } from '../../core/http/types.ts';
import type { IngestSink, SiemCounters } from '../contracts.ts';
import type { SocDeps, SocPart } from '../deps.ts';
import { BULK_INPUT, bulkInputRoutes } from './bulk/routes.ts';
import { auditFeedReader } from './feeds/audit-reader.ts';
import { type Feed, type FeedReader, feedsJob, pollFeeds } from './feeds/feed.ts';
import type { ParseLimits } from './http/parse.ts';
import { HTTP_INPUT, httpInputRoutes } from './http/routes.ts';
import { passBodiesThrough } from './http/scope.ts';
import { ingestGuard } from './tokens/guard.ts';
import { tokenRoutes } from './tokens/routes.ts';
import { createTokenService, type TokenService } from './tokens/service.ts';
import { TokenVerifier } from './tokens/verifier.ts';

export { BULK_INPUT } from './bulk/routes.ts';
export { FEEDS_JOB, type FeedBatch, type FeedReader } from './feeds/feed.ts';
export { JSON_INVALID_TAG } from './http/parse.ts';
export { HTTP_INPUT } from './http/routes.ts';
export { TOKENS_CHANGED } from './tokens/verifier.ts';

/** What the ingest part needs besides the SOC's platform services. */
export interface IngestDeps extends SocDeps {
  sink: IngestSink;
  counters: SiemCounters;
  /** The SIEM's input switch (`http`, `bulk`): stopped inputs answer 503. */
  isInputRunning: (id: string) => boolean;
  /** Reader of LGSP exchange records after a cursor (exported by the LGSP module); no LGSP feed without it. */
  lgspReader?: FeedReader;
  /** JSON bomb limits: nesting depth (default 64) and keys/elements per document (default 100 000). */
  maxJsonDepth?: number;
  maxJsonElements?: number;
}

/** The ingest part: its routes, token service and feed poller. */
export interface Ingest extends SocPart {
  readonly tokens: TokenService;
  readonly verifier: TokenVerifier;
  /** Runs the platform feeds once (what the scheduled job does); returns the events per feed. */
  pollFeeds(): Promise<Record<string, number>>;
}

/** Creates the ingest part. */
export function createIngest(deps: IngestDeps): Ingest {
  const { platform } = deps;
  const cfg = platform.config.soc.ingest;
  const verifier = new TokenVerifier({
    db: platform.db,
    bus: deps.bus,
    now: () => platform.now().getTime(),
    onError: (err, what) => platform.log.error({ err }, `SIEM ingest: could not ${what}`),
  });
  const tokens = createTokenService({ platform, org: deps.org, bus: deps.bus, verifier });
  const limits: ParseLimits = {
    maxDepth: deps.maxJsonDepth ?? 64,
    maxElements: deps.maxJsonElements ?? 100_000,
    maxEventBytes: cfg.maxEventBytes,
  };
  const feeds: Feed[] = [
    {
      name: 'audit',
      pipeline: 'tinhso-audit',
      read: auditFeedReader(platform.db, () => platform.now()),
      // An entry of a unit's actions is that unit's, as in the audit log itself; LGSP records join two
      // units, and the province's platform is watched as a whole.
      unitOf: (row) => (typeof row.unitId === 'string' ? row.unitId : null),
    },
  ];
  if (deps.lgspReader) feeds.push({ name: 'lgsp', pipeline: 'tinhso-lgsp', read: deps.lgspReader });
  const feedDeps = {
    db: platform.db,
    sink: deps.sink,
    counters: deps.counters,
    now: () => platform.now(),
    feeds,
  };
  deps.scheduler.register(feedsJob(feedDeps));
  const now = () => platform.now().getTime();
  const guard = { verifier, counters: deps.counters, isInputRunning: deps.isInputRunning, log: platform.log };
  let started: Promise<void> | null = null;
  const ensureStarted = () => {
    started ??= verifier.start();
    return started;
  };

  return {
    tokens,
    verifier,
    pollFeeds: () => pollFeeds(feedDeps),
    async routes(app: App) {
      // The verifier must know the tokens before the first shipper calls; routes are registered at start-up.
      await ensureStarted();
      await app.register(tokenRoutes(tokens));
      await app.register(async (scope: App) => {
        passBodiesThrough(scope);
        scope.addHook('onRequest', ingestGuard(guard, HTTP_INPUT));
        await scope.register(
          httpInputRoutes({
            sink: deps.sink,
            counters: deps.counters,
            limits,
            maxBodyBytes: cfg.maxBulkBytes,
            now,
          }),
        );
      });
      await app.register(
        async (scope: App) => {
          passBodiesThrough(scope);
          // Clients check the product on every answer, refusals included.
          scope.addHook('onRequest', async (_request, reply) => {
            reply.header('x-elastic-product', 'Elasticsearch');
          });
          scope.addHook('onRequest', ingestGuard(guard, BULK_INPUT));
          await scope.register(
            bulkInputRoutes({
              sink: deps.sink,
              counters: deps.counters,
              limits,
              maxBodyBytes: cfg.maxBulkBytes,
              nodeName: platform.config.nodeId,
              now,
            }),
          );
        },
        { prefix: '/ingest/es' },
      );
    },
    start: ensureStarted,
    async close() {
      await verifier.close();
    },
  };
}
