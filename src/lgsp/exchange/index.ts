/**
 * @module lgsp/exchange
 * Exchange records of the gateway (LGSP-17/33/37): the batched writer, the read routes and retention.
 */

import type { Platform } from '../../core/platform.ts';
import type { JobDefinition } from '../../core/scheduler/index.ts';
import { nextDailyAt } from '../../core/scheduler/index.ts';
import { pruneRateCounters } from '../gateway/rate-limit.ts';
import { pruneExchanges } from './store.ts';

export { type ExchangeRecord, ExchangeRecorder } from './recorder.ts';
export { exchangeRoutes } from './routes.ts';
export {
  type ExchangeFilter,
  type ExchangeRow,
  errorSummary,
  exchangesAfter,
  searchExchanges,
  unitStatistics,
} from './store.ts';

/** Name of the daily retention job of exchange records. */
export const EXCHANGE_RETENTION_JOB = 'lgsp.exchange.retention';

/** The daily job deleting exchange records older than `lgsp.exchangeRetentionDays`, and spent rate counters. */
export function exchangeRetentionJob(platform: Platform): JobDefinition {
  return {
    name: EXCHANGE_RETENTION_JOB,
    intervalMs: 86_400_000,
    nextRunAt: (after) => nextDailyAt(after, '01:30'),
    run: async () => {
      const days = platform.config.lgsp.exchangeRetentionDays;
      const now = platform.now();
      const removed = await pruneExchanges(platform.db, new Date(now.getTime() - days * 86_400_000));
      const counters = await pruneRateCounters(platform.db, now);
      return `removed ${removed} exchange records older than ${days} days and ${counters} rate counters`;
    },
  };
}
