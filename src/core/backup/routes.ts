/**
 * @module core/backup/routes
 * HTTP for the console's backup page (SEC-17): the policy, the history, and "back up now". Restores are
 * not offered over HTTP: they need an empty database, so they are done with `tinhso restore` before the
 * server starts. Register with the prefix `/api/system`; `systemRoutes` registers these and the
 * scheduler's together.
 */
import { type Static, Type } from 'typebox';
import { Nullable } from '../http/schema.ts';
import type { App } from '../http/types.ts';
import type { Platform } from '../platform.ts';
import type { Scheduler } from '../scheduler/index.ts';
import { schedulerRoutes } from '../scheduler/index.ts';
import { type BackupPolicy, BackupPolicyBody } from './policy.ts';
import type { BackupService } from './service.ts';
import type { BackupRecord } from './store.ts';

/** What the backup routes need. */
export interface BackupRouteServices {
  backup: BackupService;
}

const DateTime = Type.String({ format: 'date-time' });

const PolicyView = Type.Object(
  {
    policy: BackupPolicyBody,
    /** The folder in effect (the policy's, or the configured default). */
    destination: Type.String(),
    nextRunAt: Nullable(DateTime),
  },
  { additionalProperties: false },
);

const Backup = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    file: Type.String(),
    trigger: Type.Union([Type.Literal('manual'), Type.Literal('scheduled'), Type.Literal('cli')]),
    status: Type.Union([Type.Literal('running'), Type.Literal('success'), Type.Literal('failure')]),
    startedAt: DateTime,
    finishedAt: Nullable(DateTime),
    sizeBytes: Nullable(Type.Integer()),
    sha256: Nullable(Type.String()),
    verified: Type.Boolean(),
    rowCount: Nullable(Type.Integer()),
    message: Nullable(Type.String()),
    actorName: Nullable(Type.String()),
    deletedAt: Nullable(DateTime),
  },
  { additionalProperties: false },
);

const HistoryQuery = Type.Object(
  { limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }) },
  { additionalProperties: false },
);

function presentBackup(b: BackupRecord): Static<typeof Backup> {
  return {
    id: b.id,
    file: b.file,
    trigger: b.trigger,
    status: b.status,
    startedAt: b.startedAt.toISOString(),
    finishedAt: b.finishedAt?.toISOString() ?? null,
    sizeBytes: b.sizeBytes,
    sha256: b.sha256,
    verified: b.verified,
    rowCount: b.rowCount,
    message: b.message,
    actorName: b.actorName,
    deletedAt: b.deletedAt?.toISOString() ?? null,
  };
}

async function presentPolicy(
  backup: BackupService,
  policy?: BackupPolicy,
): Promise<Static<typeof PolicyView>> {
  return {
    policy: policy ?? (await backup.getPolicy()),
    destination: await backup.destination(),
    nextRunAt: (await backup.nextRunAt())?.toISOString() ?? null,
  };
}

/** Routes of the backup policy, history and manual backups. */
export function backupRoutes(services: BackupRouteServices): (app: App) => Promise<void> {
  const { backup } = services;
  return async (app) => {
    app.get(
      '/backup/policy',
      {
        config: { permission: 'backup.read' },
        schema: {
          tags: ['system'],
          summary: 'Backup policy, the folder in effect and the next automatic backup',
          response: { 200: PolicyView },
        },
      },
      async () => presentPolicy(backup),
    );

    app.put(
      '/backup/policy',
      {
        config: { permission: 'backup.policy.write' },
        schema: {
          tags: ['system'],
          summary: 'Set the backup policy; audited as a configuration change',
          body: BackupPolicyBody,
          response: { 200: PolicyView },
        },
      },
      async (request) => presentPolicy(backup, await backup.setPolicy(request.ctx, request.body)),
    );

    app.get(
      '/backups',
      {
        config: { permission: 'backup.read' },
        schema: {
          tags: ['system'],
          summary: 'Backup history, newest first',
          querystring: HistoryQuery,
          response: { 200: Type.Array(Backup) },
        },
      },
      async (request) => (await backup.history(request.query.limit)).map(presentBackup),
    );

    app.post(
      '/backups',
      {
        config: { permission: 'backup.run' },
        schema: {
          tags: ['system'],
          summary: 'Start a backup now; it runs in the background (poll the history). 409 if one is running.',
          response: { 202: Backup },
        },
      },
      async (request, reply) => {
        const { record, done } = await backup.startBackup(request.ctx, { trigger: 'manual' });
        // The outcome is recorded and audited by the service; nothing is left to await here, but a failure
        // after the answer (the node shutting down under it) is logged rather than left unhandled.
        done.catch((err: unknown) => request.log.error({ err }, 'manual backup ended with an error'));
        reply.code(202);
        return presentBackup(record);
      },
    );
  };
}

/** The console's system routes: backups, scheduled jobs and the log retention policy. */
export function systemRoutes(services: {
  platform: Platform;
  scheduler: Scheduler;
  backup: BackupService;
}): (app: App) => Promise<void> {
  return async (app) => {
    await backupRoutes(services)(app);
    await schedulerRoutes(services)(app);
  };
}
