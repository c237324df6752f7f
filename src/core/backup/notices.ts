/**
 * @module core/backup/notices
 * What the administrators are told when a backup ends (the composition root sends it to the holders of
 * backup.read through the notification service).
 */
import { basename } from 'node:path';
import type { NotificationInput } from '../notifications/index.ts';
import type { BackupRecord } from './store.ts';

/** Where the console shows backups. */
export const BACKUP_PAGE = '/system/backups';

function size(bytes: number | null): string {
  if (bytes === null) return '?';
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} kB`;
}

/** The notification of a finished backup: `backup.completed` or `backup.failed`. */
export function backupNotice(record: BackupRecord): NotificationInput {
  const file = basename(record.file);
  if (record.status === 'success') {
    return {
      kind: 'backup.completed',
      severity: 'info',
      title: { vi: 'Sao lưu hoàn tất', en: 'Backup completed' },
      body: {
        vi: `Đã sao lưu ${record.rowCount ?? 0} bản ghi vào ${file} (${size(record.sizeBytes)})${record.verified ? ', đã kiểm tra bằng khôi phục thử' : ''}.`,
        en: `${record.rowCount ?? 0} rows backed up to ${file} (${size(record.sizeBytes)})${record.verified ? ', verified by a test restore' : ''}.`,
      },
      link: BACKUP_PAGE,
    };
  }
  // The reason is the backup's own message (an AppError's English text or a system error): cut to fit.
  const reason = (record.message ?? '?').slice(0, 1500);
  return {
    kind: 'backup.failed',
    severity: 'error',
    title: { vi: 'Sao lưu không thành công', en: 'Backup failed' },
    body: {
      vi: `Bản sao lưu ${file} không được tạo: ${reason}`,
      en: `The backup ${file} was not made: ${reason}`,
    },
    link: BACKUP_PAGE,
  };
}
