/**
 * @module core/http/rate-limit-store
 * A store for @fastify/rate-limit that keeps its counters in PostgreSQL, so a limit holds across all nodes
 * behind a load balancer (the agreed default for shared counters; an in-memory store counts per node).
 */
import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import { type Db, queryRows, sql } from '../db/index.ts';

// Expired counters are removed now and then by the requests themselves rather than by a job.
const PRUNE_EVERY = 1000;

/** Returns a store class bound to the database, for `rateLimit({ store })`. */
export function postgresRateLimitStore(db: Db): FastifyRateLimitStoreCtor {
  let calls = 0;

  class PostgresRateLimitStore implements FastifyRateLimitStore {
    constructor(
      _options?: unknown,
      private readonly prefix = 'global',
    ) {}

    incr(
      key: string,
      callback: (error: Error | null, result?: { current: number; ttl: number }) => void,
      timeWindow: number,
    ): void {
      const id = `${this.prefix}|${key}`;
      const window = Math.max(1, Math.round(timeWindow));
      queryRows<{ current: number; ttl: number }>(
        db,
        sql`insert into rate_limit_counters as c (key, count, window_ends_at)
            values (${id}, 1, now() + ${window} * interval '1 millisecond')
            on conflict (key) do update set
              count = case when c.window_ends_at <= now() then 1 else c.count + 1 end,
              window_ends_at = case when c.window_ends_at <= now()
                                    then now() + ${window} * interval '1 millisecond' else c.window_ends_at end
            returning count as current,
                      greatest(0, ceil(extract(epoch from (window_ends_at - now())) * 1000))::int as ttl`,
      ).then(
        (rows) => {
          const row = rows[0] ?? { current: 1, ttl: window };
          callback(null, { current: row.current, ttl: row.ttl });
          if (++calls % PRUNE_EVERY === 0) {
            db.execute(
              sql`delete from rate_limit_counters where window_ends_at < now() - interval '1 hour'`,
            ).catch(() => {});
          }
        },
        (err: unknown) => callback(err instanceof Error ? err : new Error(String(err))),
      );
    }

    child(routeOptions: { path?: string; url?: string; method?: string | string[] }): FastifyRateLimitStore {
      const route = `${String(routeOptions.method ?? '')} ${routeOptions.url ?? routeOptions.path ?? ''}`;
      return new PostgresRateLimitStore(undefined, route);
    }
  }
  return PostgresRateLimitStore;
}
