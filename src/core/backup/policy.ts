/**
 * @module core/backup/policy
 * The backup policy of SEC-17, set in the console: whether automatic backups run, when (every N hours, or
 * daily at a Vietnam time), where the files go, how many are kept, and whether each is test-restored.
 */
import { constants } from 'node:fs';
import { access, mkdir, stat } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { type Static, Type } from 'typebox';
import type { Config } from '../config/index.ts';
import { AppError } from '../errors/index.ts';
import { nextDailyAt } from '../scheduler/index.ts';
import { defineSetting } from '../settings/index.ts';

const properties = {
  enabled: Type.Boolean({ default: true, description: 'Automatic backups run' }),
  mode: Type.Union([Type.Literal('daily'), Type.Literal('interval')], {
    default: 'daily',
    description: 'daily: at dailyAt (Vietnam time); interval: every intervalHours',
  }),
  dailyAt: Type.String({
    pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$',
    default: '02:00',
    description: 'HH:mm in Asia/Ho_Chi_Minh',
  }),
  intervalHours: Type.Integer({ minimum: 1, maximum: 720, default: 24 }),
  destination: Type.String({
    maxLength: 1024,
    default: '',
    description: 'Absolute folder on the server; empty = the configured backup.dir',
  }),
  keep: Type.Integer({ minimum: 1, maximum: 1000, default: 7, description: 'Newest backup files kept' }),
  verifyRestore: Type.Boolean({
    default: true,
    description:
      'Test-restore each backup into a scratch in-memory database (needs memory for the whole database)',
  }),
};

/** A policy change as sent by the console; omitted fields take their default. */
export const BackupPolicyBody = Type.Object(properties, { additionalProperties: false });

/** The stored setting; an absent setting means every default. */
export const BackupPolicySchema = Type.Object(properties, { additionalProperties: false, default: {} });

/** The backup policy. */
export type BackupPolicy = Static<typeof BackupPolicySchema>;

/** The `backup.policy` setting. */
export const backupPolicySetting = defineSetting('backup.policy', BackupPolicySchema, 'Chính sách sao lưu');

/** The folder backups are written to under `policy`. */
export function backupDestination(config: Readonly<Config>, policy: BackupPolicy): string {
  return resolve(policy.destination || config.backup.dir);
}

/** When the next automatic backup is due after `after`; a disabled policy is looked at again daily. */
export function nextBackupAt(policy: BackupPolicy, after: Date): Date {
  if (!policy.enabled) return new Date(after.getTime() + 86_400_000);
  if (policy.mode === 'interval') return new Date(after.getTime() + policy.intervalHours * 3_600_000);
  return nextDailyAt(after, policy.dailyAt);
}

/** Refuses a destination that is relative or cannot be written, creating it when missing. */
export async function checkDestination(destination: string): Promise<void> {
  if (!destination) return;
  const refuse = (message: string) =>
    new AppError('VALIDATION_FAILED', {
      summary: `destination: ${message}`,
      errors: [{ field: 'destination', message }],
    });
  if (!isAbsolute(destination)) throw refuse('must be an absolute folder path');
  try {
    await makeFolder(resolve(destination));
    await access(destination, constants.W_OK);
  } catch {
    throw refuse('the server cannot create or write to this folder');
  }
}

/**
 * Creates a folder and its missing parents one level at a time: Node 20's `mkdir({ recursive: true })`
 * never returns for some paths (under /proc), and an administrator's typo must not hang a request.
 */
async function makeFolder(path: string): Promise<void> {
  const missing: string[] = [];
  for (let p = path; ; p = dirname(p)) {
    const exists = await stat(p).then(
      (s) => s.isDirectory() || Promise.reject(new Error(`${p} is not a folder`)),
      () => false,
    );
    if (exists) break;
    missing.unshift(p);
    if (dirname(p) === p) break;
  }
  for (const p of missing) await mkdir(p);
}
