/**
 * @module core/backup/service
 * Backups of the database and configuration (SEC-17, LGSP-34): automatic per the policy through the
 * scheduler, on demand from the console or the CLI. Every attempt is recorded and audited; every file is
 * re-read against its checksum and (by default) test-restored before it counts as verified; the retention
 * policy then keeps the newest files. A backup and a scheduled backup never overlap on any node: both
 * hold the lease of the `core.backup` job.
 */
import { readdir, rm, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { eq } from 'drizzle-orm';
import { auditAlone } from '../audit/index.ts';
import { redactedConfig } from '../config/index.ts';
import { type Ctx, systemCtx } from '../context.ts';
import { type Database, type Db, openDatabase } from '../db/index.ts';
import { AppError, isAppError } from '../errors/index.ts';
import type { Platform } from '../platform.ts';
import { type JobDefinition, Scheduler } from '../scheduler/index.ts';
import { schedulerJobs, schedulerRuns } from '../scheduler/store.ts';
import { writeBackupFile } from './dump.ts';
import { verifyBackupFile } from './format.ts';
import {
  type BackupPolicy,
  backupDestination,
  backupPolicySetting,
  checkDestination,
  nextBackupAt,
} from './policy.ts';
import { type ProgressFn, type RestoreResult, restoreBackupFile } from './restore.ts';
import {
  type BackupRecord,
  type BackupTrigger,
  failAbandonedBackups,
  finishBackup,
  insertBackup,
  listBackups,
  markDeleted,
} from './store.ts';

/** Name of the scheduled backup job, and of the lease every backup holds. */
export const BACKUP_JOB = 'core.backup';

/** Names of backup files: the UTC start time to the millisecond, so names sort by age. */
const FILE_PATTERN = /^tinhso-backup-\d{8}T\d{9}Z\.ndjson\.gz$/;
const PARTIAL_PATTERN = /^\.tinhso-backup-.*\.partial$/;

/** The file name of a backup started at `at`. */
export function backupFileName(at: Date): string {
  const stamp = at.toISOString().replace(/[-:]/g, '').replace('.', '');
  return `tinhso-backup-${stamp}.ndjson.gz`;
}

/** Options of one backup. */
export interface BackupOptions {
  trigger?: BackupTrigger;
  onProgress?: ProgressFn;
}

/** A backup that has started: its history row, and its completion (which never rejects). */
export interface StartedBackup {
  record: BackupRecord;
  done: Promise<BackupRecord>;
}

/** The backup service of one platform. */
export interface BackupService {
  /** The scheduled job (registered on the scheduler given to the factory). */
  readonly job: JobDefinition;
  /** The current policy, defaults filled in. */
  getPolicy(): Promise<BackupPolicy>;
  /** Validates, stores and audits a new policy, and moves the next automatic backup accordingly. */
  setPolicy(ctx: Ctx, input: unknown): Promise<BackupPolicy>;
  /** The folder backups go to under the current policy. */
  destination(): Promise<string>;
  /** When the next automatic backup is due, if the job is scheduled. */
  nextRunAt(): Promise<Date | null>;
  /** Backup attempts, newest first. */
  history(limit?: number): Promise<BackupRecord[]>;
  /** Starts a backup and returns once it is recorded as running; `BACKUP_RUNNING` if one runs anywhere. */
  startBackup(ctx: Ctx, options?: BackupOptions): Promise<StartedBackup>;
  /** Runs a backup to its end; throws `BACKUP_FAILED` (the attempt is recorded either way). */
  backupNow(ctx: Ctx, options?: BackupOptions): Promise<BackupRecord>;
  /** Restores a file into this platform's database, which must be empty. */
  restore(file: string, options?: { ctx?: Ctx; onProgress?: ProgressFn }): Promise<RestoreResult>;
  /**
   * Calls `listener` when a backup of this service ends, successful or not (notifications), before its
   * completion resolves; returns the function that stops it. A failing listener is logged and ignored.
   */
  onFinished(listener: (record: BackupRecord) => Promise<void> | void): () => void;
}

/**
 * Creates the backup service. With a scheduler, the automatic backup job is registered on it and manual
 * backups take the same lease; without one (the CLI) a scheduler is made only for the lease.
 */
export function createBackupService(platform: Platform, scheduler?: Scheduler): BackupService {
  const leases = scheduler ?? new Scheduler(platform);
  const getPolicy = () => platform.settings.get(backupPolicySetting);
  const listeners = new Set<(record: BackupRecord) => Promise<void> | void>();
  const announce = async (record: BackupRecord): Promise<BackupRecord> => {
    for (const listener of listeners) {
      try {
        await listener(record);
      } catch (err) {
        platform.log.error({ err, backupId: record.id }, 'a backup listener failed');
      }
    }
    return record;
  };

  const job: JobDefinition = {
    name: BACKUP_JOB,
    intervalMs: 86_400_000,
    nextRunAt: async (after) => nextBackupAt(await getPolicy(), after),
    run: async (ctx, { signal }) => {
      const policy = await getPolicy();
      if (!policy.enabled) return 'automatic backups are disabled by the policy';
      const record = await beginBackup(platform, ctx, 'scheduled');
      const done = await announce(await completeBackup(platform, ctx, record, policy, { signal }));
      if (done.status !== 'success') throw new AppError('BACKUP_FAILED', { reason: done.message ?? '?' });
      return `${basename(done.file)}: ${done.rowCount} rows, ${done.sizeBytes} bytes${done.verified ? ', verified' : ''}`;
    },
  };
  scheduler?.register(job);

  const startBackup = async (ctx: Ctx, options: BackupOptions = {}): Promise<StartedBackup> => {
    let lease: Awaited<ReturnType<Scheduler['acquire']>>;
    try {
      lease = await leases.acquire(BACKUP_JOB, job);
    } catch (err) {
      if (isAppError(err, 'SCHEDULER_JOB_BUSY')) throw new AppError('BACKUP_RUNNING', {}, { cause: err });
      throw err;
    }
    try {
      const policy = await getPolicy();
      const record = await beginBackup(platform, ctx, options.trigger ?? 'manual');
      const done = completeBackup(platform, ctx, record, policy, {
        onProgress: options.onProgress,
        signal: lease.signal,
      })
        .then(announce)
        .finally(() => lease.release());
      return { record, done };
    } catch (err) {
      await lease.release();
      throw err;
    }
  };

  return {
    job,
    getPolicy,
    async setPolicy(ctx, input) {
      const policy = await platform.db.transaction(async (tx) => {
        const value = await platform.settings.set(tx, ctx, backupPolicySetting, input);
        // Inside the transaction: a folder the server cannot write to leaves the old policy in place.
        await checkDestination(value.destination);
        return value;
      });
      if (scheduler) await scheduler.reschedule(BACKUP_JOB, nextBackupAt(policy, platform.now()));
      return policy;
    },
    destination: async () => backupDestination(platform.config, await getPolicy()),
    async nextRunAt() {
      const [row] = await platform.db
        .select({ at: schedulerJobs.nextRunAt })
        .from(schedulerJobs)
        .where(eq(schedulerJobs.name, BACKUP_JOB));
      return row?.at ?? null;
    },
    history: (limit = 50) => listBackups(platform.db, limit),
    startBackup,
    async backupNow(ctx, options = {}) {
      const { done } = await startBackup(ctx, options);
      const record = await done;
      if (record.status !== 'success') {
        throw new AppError('BACKUP_FAILED', { reason: record.message ?? '?', backupId: record.id });
      }
      return record;
    },
    restore: (file, options = {}) => restoreBackup(platform, file, options),
    onFinished(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** Records a new attempt (after closing any left running by a dead process; the caller holds the lease). */
async function beginBackup(platform: Platform, ctx: Ctx, trigger: BackupTrigger): Promise<BackupRecord> {
  const policy = await platform.settings.get(backupPolicySetting);
  const startedAt = platform.now();
  const file = join(backupDestination(platform.config, policy), backupFileName(startedAt));
  await failAbandonedBackups(platform.db, startedAt);
  return insertBackup(platform.db, { file, trigger, startedAt, actorName: ctx.actor.name });
}

/** Writes, verifies, records and audits one backup, then applies retention. Never throws. */
async function completeBackup(
  platform: Platform,
  ctx: Ctx,
  record: BackupRecord,
  policy: BackupPolicy,
  options: { onProgress?: ProgressFn; signal?: AbortSignal },
): Promise<BackupRecord> {
  const { db, log } = platform;
  const dir = backupDestination(platform.config, policy);
  const file = record.file;
  const target = { type: 'backup', id: record.id };
  try {
    await checkDestination(dir);
    await removeStalePartials(dir);
    const dump = await writeBackupFile(platform.database, file, {
      config: redactedConfig(platform.config),
      node: platform.config.nodeId,
      now: record.startedAt,
      onProgress: (done, total) => options.onProgress?.(done, total, 'dump'),
      signal: options.signal,
    });
    // Read back what reached the disk, not what was meant to.
    const check = await verifyBackupFile(file, (done, total) => options.onProgress?.(done, total, 'check'));
    if (check.trailer.sha256 !== dump.contentSha256) {
      throw new AppError('BACKUP_INVALID', { reason: 'the file read back differs from what was written' });
    }
    if (policy.verifyRestore) await verifyByRestore(file, options.onProgress);
    const { size } = await stat(file);
    const finishedAt = platform.now();
    const done = await finishBackup(db, record.id, {
      status: 'success',
      finishedAt,
      sizeBytes: size,
      sha256: check.fileSha256,
      verified: policy.verifyRestore,
      rowCount: dump.rows,
      message: null,
    });
    await auditAlone(
      db,
      ctx,
      {
        category: 'backup',
        action: 'backup.create',
        description: `Sao lưu cơ sở dữ liệu và cấu hình: ${basename(file)} (${dump.rows} bản ghi)`,
        target,
        details: {
          file,
          trigger: record.trigger,
          sizeBytes: size,
          sha256: check.fileSha256,
          rows: dump.rows,
          verified: policy.verifyRestore,
        },
      },
      finishedAt,
    );
    try {
      await applyBackupRetention(platform, ctx, dir, policy.keep);
    } catch (err) {
      // The backup itself is good; a file that cannot be deleted is tried again after the next backup.
      log.error({ err, dir }, 'backup retention failed');
    }
    return done;
  } catch (err) {
    await rm(file, { force: true }).catch(() => {});
    const message = describe(err);
    log.error({ err, file }, 'backup failed');
    const finishedAt = platform.now();
    try {
      const failed = await finishBackup(db, record.id, { status: 'failure', finishedAt, message });
      await auditAlone(
        db,
        ctx,
        {
          category: 'backup',
          action: 'backup.create',
          description: `Sao lưu không thành công: ${basename(file)}`,
          severity: 'error',
          outcome: 'failure',
          target,
          details: { file, trigger: record.trigger, reason: message },
        },
        finishedAt,
      );
      return failed;
    } catch (recordErr) {
      log.error({ err: recordErr }, 'could not record a failed backup');
      return { ...record, status: 'failure', finishedAt, message };
    }
  }
}

/**
 * Restores the file into a scratch in-memory database and compares every table's row count with the
 * manifest: a backup counts as verified only when it has been shown to restore.
 */
async function verifyByRestore(file: string, onProgress?: ProgressFn): Promise<void> {
  const scratch = await openDatabase();
  try {
    const result = await restoreBackupFile(scratch, file, (done, total, phase) =>
      onProgress?.(done, total, phase === 'restore' ? 'verify' : phase),
    );
    const restored = new Map(result.tables.map((t) => [t.name, t.rows]));
    for (const t of result.manifest.tables) {
      if (t.name === 'schema_migrations') continue;
      const n = restored.get(t.name) ?? 0;
      if (n !== t.rows) {
        throw new AppError('BACKUP_INVALID', {
          reason: `test restore: table ${t.name} has ${n} rows, the manifest ${t.rows}`,
        });
      }
    }
  } finally {
    await scratch.close();
  }
}

/** Keeps the `keep` newest backup files of `dir` (only files named as backups are ever touched). */
export async function applyBackupRetention(
  platform: Platform,
  ctx: Ctx,
  dir: string,
  keep: number,
): Promise<string[]> {
  const names = (await readdir(dir))
    .filter((n) => FILE_PATTERN.test(n))
    .sort()
    .reverse();
  const doomed = names.slice(keep).map((n) => join(dir, n));
  if (doomed.length === 0) return [];
  const deleted: string[] = [];
  for (const f of doomed) {
    try {
      await rm(f);
      deleted.push(f);
    } catch (err) {
      platform.log.error({ err, file: f }, 'could not delete an old backup');
    }
  }
  const now = platform.now();
  await markDeleted(platform.db, deleted, now);
  await auditAlone(
    platform.db,
    ctx,
    {
      category: 'backup',
      action: 'backup.retention',
      description: `Xóa ${deleted.length} bản sao lưu cũ theo chính sách giữ ${keep} bản mới nhất`,
      severity: 'notice',
      details: { dir, keep, deleted: deleted.map((f) => basename(f)) },
    },
    now,
  );
  return deleted;
}

/** Temporary files of a backup that died mid-write (the caller holds the lease, so none is live). */
async function removeStalePartials(dir: string): Promise<void> {
  for (const name of await readdir(dir)) {
    if (PARTIAL_PATTERN.test(name)) await rm(join(dir, name), { force: true });
  }
}

/** Options of a restore. */
export interface RestoreOptions {
  /** Who restores (audited); default the CLI. */
  ctx?: Ctx;
  onProgress?: ProgressFn;
}

/**
 * Restores a backup file into an empty database (a platform's, or one opened by the CLI), then clears
 * the run-time state the file carried (leases and runs of the nodes that were alive at backup time) and
 * audits the restore in the restored log, where its chain continues.
 */
export async function restoreBackup(
  target: Platform | Database,
  file: string,
  options: RestoreOptions = {},
): Promise<RestoreResult> {
  const platform = 'rawTransaction' in target ? null : target;
  const database = platform ? platform.database : (target as Database);
  const result = await restoreBackupFile(database, file, options.onProgress);
  const now = platform ? platform.now() : new Date();
  await clearRuntimeState(database.db, now);
  await auditAlone(
    database.db,
    options.ctx ?? systemCtx('cli'),
    {
      category: 'backup',
      action: 'backup.restore',
      description: `Khôi phục dữ liệu từ bản sao lưu ${basename(file)} (tạo lúc ${result.manifest.createdAt})`,
      severity: 'warning',
      details: {
        file,
        createdAt: result.manifest.createdAt,
        sourceDatabase: result.manifest.database,
        rows: result.rows,
        migrationsApplied: result.migrationsApplied,
      },
    },
    now,
  );
  platform?.settings.invalidate();
  return result;
}

async function clearRuntimeState(db: Db, now: Date): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.update(schedulerJobs).set({ leaseOwner: null, leaseUntil: null });
    await tx
      .update(schedulerRuns)
      .set({
        outcome: 'failure',
        finishedAt: now,
        message: 'interrupted: the database was restored from a backup',
      })
      .where(eq(schedulerRuns.outcome, 'running'));
    await failAbandonedBackups(
      tx,
      now,
      'interrupted: the database was restored from a backup taken meanwhile',
    );
  });
}

/**
 * Runs one backup to its end without the composed services (no listeners, so no notification: `tinhso
 * backup` goes through the services instead), under the same lease as the servers' backups;
 * throws `BACKUP_FAILED` or `BACKUP_RUNNING`.
 */
export function runBackup(
  platform: Platform,
  options: BackupOptions & { ctx?: Ctx } = {},
): Promise<BackupRecord> {
  return createBackupService(platform).backupNow(options.ctx ?? systemCtx('cli'), {
    trigger: 'cli',
    ...options,
  });
}

function describe(err: unknown): string {
  if (isAppError(err)) return err.message;
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}
