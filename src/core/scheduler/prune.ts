/**
 * @module core/scheduler/prune
 * Keeps the run history bounded: a job every few minutes would otherwise add a hundred thousand rows a year.
 */
import type { Platform } from '../platform.ts';
import { nextDailyAt } from './calendar.ts';
import type { JobDefinition } from './scheduler.ts';
import { pruneRuns } from './store.ts';

/** Name of the daily history pruning job. */
export const PRUNE_RUNS_JOB = 'core.scheduler.prune';

/** The daily job deleting finished runs older than `keepDays`. */
export function pruneRunsJob(platform: Platform, keepDays = 90): JobDefinition {
  return {
    name: PRUNE_RUNS_JOB,
    intervalMs: 86_400_000,
    nextRunAt: (after) => nextDailyAt(after, '01:15'),
    run: async () => {
      const before = new Date(platform.now().getTime() - keepDays * 86_400_000);
      const n = await pruneRuns(platform.db, before);
      return `removed ${n} runs older than ${keepDays} days`;
    },
  };
}
