/**
 * @module core/backup
 * Public surface of backups (SEC-17, LGSP-34): the service and policy for the app, plain functions for
 * the CLI (`tinhso backup`, `tinhso restore`), and the file format's reader for inspection.
 */
export { type DumpOptions, type DumpResult, writeBackupFile } from './dump.ts';
export {
  BACKUP_FORMAT,
  BACKUP_VERSION,
  type BackupManifest,
  type BackupReadSummary,
  type BackupTrailer,
  verifyBackupFile,
} from './format.ts';
export { BACKUP_PAGE, backupNotice } from './notices.ts';
export {
  type BackupPolicy,
  BackupPolicyBody,
  BackupPolicySchema,
  backupDestination,
  backupPolicySetting,
  nextBackupAt,
} from './policy.ts';
export {
  type BackupPhase,
  type ProgressFn,
  type RestoreResult,
  restoreBackupFile,
} from './restore.ts';
export { type BackupRouteServices, backupRoutes, systemRoutes } from './routes.ts';
export {
  applyBackupRetention,
  BACKUP_JOB,
  type BackupOptions,
  type BackupService,
  backupFileName,
  createBackupService,
  type RestoreOptions,
  restoreBackup,
  runBackup,
  type StartedBackup,
} from './service.ts';
export type { BackupRecord, BackupStatus, BackupTrigger } from './store.ts';
