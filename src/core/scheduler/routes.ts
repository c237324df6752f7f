/**
 * @module core/scheduler/routes
 * HTTP for the console's system pages: scheduled jobs and their runs, and the log retention policy
 * (SEC-11). Register with the prefix `/api/system`.
 */
import { type Static, Type } from 'typebox';
import { auditCategories, auditCategoryNames } from '../audit/index.ts';
import type { App } from '../http/types.ts';
import type { Platform } from '../platform.ts';
import {
  AuditRetentionBody,
  getAuditRetention,
  MAX_RETENTION_DAYS,
  MIN_RETENTION_DAYS,
  setAuditRetention,
} from './audit-retention.ts';
import type { JobStatus, Scheduler } from './scheduler.ts';
import type { RunRow } from './store.ts';

/** What the scheduler routes need. */
export interface SchedulerRouteServices {
  platform: Platform;
  scheduler: Scheduler;
}

const DateTime = Type.String({ format: 'date-time' });
const NullableDateTime = Type.Union([DateTime, Type.Null()]);

const Run = Type.Object(
  {
    id: Type.Integer(),
    job: Type.String(),
    node: Type.String(),
    startedAt: DateTime,
    finishedAt: NullableDateTime,
    outcome: Type.Union([
      Type.Literal('running'),
      Type.Literal('success'),
      Type.Literal('failure'),
      Type.Null(),
    ]),
    message: Type.Union([Type.String(), Type.Null()]),
  },
  { additionalProperties: false },
);

const Job = Type.Object(
  {
    name: Type.String(),
    intervalMs: Type.Integer(),
    nextRunAt: DateTime,
    enabled: Type.Boolean(),
    leaseOwner: Type.Union([Type.String(), Type.Null()]),
    leaseUntil: NullableDateTime,
    registeredHere: Type.Boolean({ description: 'The node answering knows this job' }),
    lastRun: Type.Union([Run, Type.Null()]),
  },
  { additionalProperties: false },
);

const RunsQuery = Type.Object(
  {
    job: Type.Optional(Type.String({ maxLength: 200 })),
    limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
  },
  { additionalProperties: false },
);

const RetentionView = Type.Object(
  {
    days: AuditRetentionBody,
    categories: Type.Array(
      Type.Object(
        {
          category: Type.String(),
          vi: Type.String(),
          en: Type.String(),
          defaultDays: Type.Integer(),
        },
        { additionalProperties: false },
      ),
    ),
    minDays: Type.Integer(),
    maxDays: Type.Integer(),
  },
  { additionalProperties: false },
);

function presentRun(r: RunRow): Static<typeof Run> {
  return {
    id: r.id,
    job: r.job,
    node: r.node,
    startedAt: r.startedAt.toISOString(),
    finishedAt: r.finishedAt?.toISOString() ?? null,
    outcome: r.outcome,
    message: r.message,
  };
}

function presentJob(j: JobStatus): Static<typeof Job> {
  return {
    name: j.name,
    intervalMs: j.intervalMs,
    nextRunAt: j.nextRunAt.toISOString(),
    enabled: j.enabled,
    leaseOwner: j.leaseOwner,
    leaseUntil: j.leaseUntil?.toISOString() ?? null,
    registeredHere: j.registeredHere,
    lastRun: j.lastRun ? presentRun(j.lastRun) : null,
  };
}

async function presentRetention(platform: Platform): Promise<Static<typeof RetentionView>> {
  return {
    days: await getAuditRetention(platform),
    categories: auditCategoryNames.map((c) => ({
      category: c,
      vi: auditCategories[c].vi,
      en: auditCategories[c].en,
      defaultDays: auditCategories[c].defaultRetentionDays,
    })),
    minDays: MIN_RETENTION_DAYS,
    maxDays: MAX_RETENTION_DAYS,
  };
}

/** Routes of the scheduler and the log retention policy. */
export function schedulerRoutes(services: SchedulerRouteServices): (app: App) => Promise<void> {
  const { platform, scheduler } = services;
  return async (app) => {
    app.get(
      '/scheduler/jobs',
      {
        config: { permission: 'system.read' },
        schema: {
          tags: ['system'],
          summary: 'Scheduled jobs, their next run, lease and last run',
          response: { 200: Type.Array(Job) },
        },
      },
      async () => (await scheduler.jobStatus()).map(presentJob),
    );

    app.get(
      '/scheduler/runs',
      {
        config: { permission: 'system.read' },
        schema: {
          tags: ['system'],
          summary: 'Recent runs of scheduled jobs, newest first',
          querystring: RunsQuery,
          response: { 200: Type.Array(Run) },
        },
      },
      async (request) => (await scheduler.recentRuns(request.query.job, request.query.limit)).map(presentRun),
    );

    app.get(
      '/audit/retention',
      {
        config: { permission: 'audit.read' },
        schema: {
          tags: ['system'],
          summary: 'Log retention policy: days kept per audit category (SEC-11)',
          response: { 200: RetentionView },
        },
      },
      async () => presentRetention(platform),
    );

    app.put(
      '/audit/retention',
      {
        config: { permission: 'audit.policy.write' },
        schema: {
          tags: ['system'],
          summary: 'Set the log retention policy; audited as a configuration change',
          body: AuditRetentionBody,
          response: { 200: RetentionView },
        },
      },
      async (request) => {
        await setAuditRetention(platform, request.ctx, request.body);
        return presentRetention(platform);
      },
    );
  };
}
