/**
 * @module core/health/routes
 * GET /api/system/health: this node's figures now and its last hour of samples, as JSON for the
 * console's charts (the Prometheus /metrics endpoint stays for monitoring systems). Register with the
 * prefix `/api/system`.
 */
import { type Static, Type } from 'typebox';
import type { BackupService } from '../backup/index.ts';
import type { BusStatus } from '../bus/index.ts';
import { Nullable } from '../http/schema.ts';
import type { App } from '../http/types.ts';
import type { Platform } from '../platform.ts';
import type { Scheduler } from '../scheduler/index.ts';
import type { HealthSampler } from './sampler.ts';

/** What the health route reads. */
export interface HealthRouteServices {
  platform: Platform;
  sampler: HealthSampler;
  scheduler: Scheduler;
  backup: BackupService;
  bus: { status(): BusStatus };
  /** Notification streams open on this node. */
  streams?: () => number;
}

const DateTime = Type.String({ format: 'date-time' });
const Num = Type.Number();
const NullableNum = Nullable(Type.Number());

const Sample = Type.Object(
  {
    at: DateTime,
    rssMb: Num,
    heapUsedMb: Num,
    eventLoopLagP99Ms: NullableNum,
    requestsPerMinute: Num,
    errorRate: Type.Number({ minimum: 0, maximum: 1, description: 'Share of requests answered 5xx' }),
    accessLogPending: Type.Integer(),
    dbPoolTotal: Nullable(Type.Integer()),
    dbPoolIdle: Nullable(Type.Integer()),
    dbPoolWaiting: Nullable(Type.Integer()),
  },
  { additionalProperties: false },
);

const Outcome = Type.Union([
  Type.Literal('running'),
  Type.Literal('success'),
  Type.Literal('failure'),
  Type.Null(),
]);

const HealthView = Type.Object(
  {
    node: Type.String({ description: 'The node answering: figures and history are per node' }),
    at: DateTime,
    startedAt: DateTime,
    uptimeSeconds: Type.Integer(),
    memory: Type.Object({ rssMb: Num, heapUsedMb: Num, heapTotalMb: Num }, { additionalProperties: false }),
    eventLoopLagP99Ms: NullableNum,
    http: Type.Object(
      {
        requestsPerMinute: Type.Number({ description: 'Over the last minute' }),
        errorRate: Type.Number({ minimum: 0, maximum: 1, description: 'Share answered 5xx, last minute' }),
        requestsTotal: Type.Integer({ description: 'Since this node started' }),
        errorsTotal: Type.Integer(),
      },
      { additionalProperties: false },
    ),
    database: Type.Object(
      {
        // 'embedded' rather than the engine's name: the figure is for operators, not a fingerprint of internals.
        kind: Type.Union([Type.Literal('embedded'), Type.Literal('postgres')]),
        pool: Nullable(
          Type.Object(
            { total: Type.Integer(), idle: Type.Integer(), waiting: Type.Integer() },
            { additionalProperties: false },
          ),
        ),
      },
      { additionalProperties: false },
    ),
    accessLog: Type.Object(
      { pending: Type.Integer(), written: Type.Integer() },
      { additionalProperties: false },
    ),
    bus: Type.Object(
      { transport: Type.String(), listening: Type.Boolean(), reconnects: Type.Integer() },
      { additionalProperties: false },
    ),
    notificationStreams: Type.Integer({ description: 'Notification streams open on this node' }),
    lastBackup: Nullable(
      Type.Object(
        {
          id: Type.String({ format: 'uuid' }),
          status: Type.Union([Type.Literal('running'), Type.Literal('success'), Type.Literal('failure')]),
          trigger: Type.String(),
          startedAt: DateTime,
          finishedAt: Nullable(DateTime),
          verified: Type.Boolean(),
          message: Nullable(Type.String()),
        },
        { additionalProperties: false },
      ),
    ),
    jobs: Type.Array(
      Type.Object(
        {
          name: Type.String(),
          enabled: Type.Boolean(),
          nextRunAt: DateTime,
          lastRun: Nullable(
            Type.Object(
              {
                node: Type.String(),
                startedAt: DateTime,
                finishedAt: Nullable(DateTime),
                outcome: Outcome,
                message: Nullable(Type.String()),
              },
              { additionalProperties: false },
            ),
          ),
        },
        { additionalProperties: false },
      ),
    ),
    sampleIntervalSeconds: Type.Integer(),
    history: Type.Array(Sample, { description: 'Samples of this node, oldest first, up to one hour' }),
  },
  { additionalProperties: false },
);

/** The console's health route. */
export function healthRoutes(services: HealthRouteServices): (app: App) => Promise<void> {
  const { platform, sampler, scheduler, backup, bus } = services;
  return async (app) => {
    app.get(
      '/health',
      {
        config: { permission: 'system.read' },
        schema: {
          tags: ['system'],
          summary: "This node's health now and sampled every 10 s over the last hour, for charts",
          response: { 200: HealthView },
        },
      },
      async (): Promise<Static<typeof HealthView>> => {
        const [now, jobs, [last]] = await Promise.all([
          sampler.current(),
          scheduler.jobStatus(),
          backup.history(1),
        ]);
        const at = platform.now();
        const uptime = process.uptime();
        return {
          node: platform.config.nodeId,
          at: at.toISOString(),
          startedAt: new Date(Date.now() - uptime * 1000).toISOString(),
          uptimeSeconds: Math.floor(uptime),
          memory: now.memory,
          eventLoopLagP99Ms: now.eventLoopLagP99Ms,
          http: now.http,
          database: { kind: platform.database.kind === 'pglite' ? 'embedded' : 'postgres', pool: now.pool },
          accessLog: {
            pending: platform.accessLog.pending,
            written: platform.accessLog.stats.entriesWritten,
          },
          bus: bus.status(),
          notificationStreams: services.streams?.() ?? 0,
          lastBackup: last
            ? {
                id: last.id,
                status: last.status,
                trigger: last.trigger,
                startedAt: last.startedAt.toISOString(),
                finishedAt: last.finishedAt?.toISOString() ?? null,
                verified: last.verified,
                message: last.message,
              }
            : null,
          jobs: jobs.map((j) => ({
            name: j.name,
            enabled: j.enabled,
            nextRunAt: j.nextRunAt.toISOString(),
            lastRun: j.lastRun
              ? {
                  node: j.lastRun.node,
                  startedAt: j.lastRun.startedAt.toISOString(),
                  finishedAt: j.lastRun.finishedAt?.toISOString() ?? null,
                  outcome: j.lastRun.outcome,
                  message: j.lastRun.message,
                }
              : null,
          })),
          sampleIntervalSeconds: Math.round(sampler.intervalMs / 1000),
          history: sampler.history(),
        };
      },
    );
  };
}
