/**
 * @module core/scheduler
 * Public surface of the scheduler: lease-based periodic jobs shared by every node, the core's own
 * jobs (log retention, run-history pruning) and their console routes.
 */
import type { Platform } from '../platform.ts';
import { auditRetentionJob } from './audit-retention.ts';
import { pruneRunsJob } from './prune.ts';
import { Scheduler, type SchedulerOptions } from './scheduler.ts';

export {
  AUDIT_RETENTION_JOB,
  type AuditRetention,
  AuditRetentionBody,
  AuditRetentionSchema,
  applyAuditRetention,
  auditRetentionJob,
  auditRetentionSetting,
  getAuditRetention,
  MAX_RETENTION_DAYS,
  MIN_RETENTION_DAYS,
  setAuditRetention,
} from './audit-retention.ts';
export { isTimeOfDay, nextDailyAt, VIETNAM_OFFSET_MS } from './calendar.ts';
export { PRUNE_RUNS_JOB, pruneRunsJob } from './prune.ts';
export { type SchedulerRouteServices, schedulerRoutes } from './routes.ts';
export {
  type JobDefinition,
  type JobRunInfo,
  type JobStatus,
  type Lease,
  type RunResult,
  Scheduler,
  type SchedulerOptions,
} from './scheduler.ts';
export type { JobRow, RunOutcome, RunRow } from './store.ts';

/** A scheduler with the core's own jobs registered (log retention, run-history pruning); call `start()`. */
export function createScheduler(platform: Platform, options: SchedulerOptions = {}): Scheduler {
  const scheduler = new Scheduler(platform, options);
  scheduler.register(auditRetentionJob(platform));
  scheduler.register(pruneRunsJob(platform));
  return scheduler;
}
