/**
 * The `tinhso` command end to end on an embedded database: admin rescue, backup, restore into an empty
 * data folder, and audit verification — each a real process, as an operator would run it.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/core/db/index.ts';

const run = promisify(execFile);
const bin = join(import.meta.dirname, '..', '..', 'bin', 'tinhso.js');

async function tinhso(dataDir: string, ...args: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env, TINHSO_DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
  delete env.DATABASE_URL;
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { env, timeout: 120_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('tinhso command', () => {
  it('creates and rescues an administrator, backs up, restores into an empty folder and verifies the log', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tinhso-cli-'));
    const created = await tinhso(dir, 'admin', 'create', 'quantri', '--name', 'Quản trị viên');
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/Đã tạo quantri\. Mật khẩu dùng một lần: \S{16,}/);

    const reset = await tinhso(dir, 'admin', 'reset-password', 'quantri');
    expect(reset.stdout).toMatch(/Mật khẩu dùng một lần của quantri: \S{16,}/);
    expect((await tinhso(dir, 'admin', 'unlock', 'quantri')).stdout).toContain('Đã mở khóa quantri');
    const unknown = await tinhso(dir, 'admin', 'unlock', 'khong-co');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('NOT_FOUND');

    const backup = await tinhso(dir, 'backup');
    expect(backup.code).toBe(0);
    expect(backup.stdout).toContain('đã kiểm tra khôi phục: có');
    const [file] = readdirSync(join(dir, 'backups')).filter((f) => f.endsWith('.gz'));
    // The command's backup ends like a console or scheduled one: the holders of backup.read are told.
    const db = await openDatabase({ dataDir: dir });
    try {
      const notices = await db.rawTransaction((tx) =>
        tx.query<{ username: string; kind: string }>(
          `select a.username, n.kind from core_notifications n
             join iam_accounts a on a.id = n.recipient_id where n.kind like 'backup.%'`,
        ),
      );
      expect(notices).toEqual([{ username: 'quantri', kind: 'backup.completed' }]);
    } finally {
      await db.close();
    }

    const target = mkdtempSync(join(tmpdir(), 'tinhso-cli-restore-'));
    const restored = await tinhso(target, 'restore', join(dir, 'backups', file!));
    expect(restored.code).toBe(0);
    expect(restored.stdout).toMatch(/Đã khôi phục \d+ bản ghi/);
    const verified = await tinhso(target, 'audit', 'verify');
    expect(verified.code).toBe(0);
    expect(verified.stdout).toContain('Nhật ký toàn vẹn.');
    // The restored accounts are there: the administrator can be rescued on the new data folder.
    expect((await tinhso(target, 'admin', 'reset-password', 'quantri')).code).toBe(0);
  }, 300_000);

  it('refuses to touch an embedded database another process holds, and says to stop the server first', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tinhso-cli-lock-'));
    expect((await tinhso(dir, 'admin', 'create', 'quantri', '--name', 'Quản trị viên')).code).toBe(0);
    // This test process holds the folder, as a running `tinhso serve` would.
    const held = await openDatabase({ dataDir: dir });
    try {
      const refused = await tinhso(dir, 'admin', 'unlock', 'quantri');
      expect(refused.code).toBe(1);
      expect(refused.stdout).not.toContain('Đã mở khóa');
      expect(refused.stderr).toContain('DATABASE_IN_USE');
      expect(refused.stderr).toContain(`tiến trình ${process.pid}`);
      expect(refused.stderr).toContain('Hãy dừng máy chủ');
    } finally {
      await held.close();
    }
    // Once the holder has closed it, the command runs.
    expect((await tinhso(dir, 'admin', 'unlock', 'quantri')).stdout).toContain('Đã mở khóa quantri');
  }, 120_000);

  it('reports every configuration problem at once and exits with 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tinhso-cli-'));
    const env = { ...process.env, TINHSO_DATA_DIR: dir, TINHSO_HTTP_PORT: 'tám', TINHSO_TLS: 'có' };
    const result = await run(process.execPath, [bin, 'migrate'], { env }).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect((result as { code: number }).code).toBe(2);
    expect((result as { stderr: string }).stderr).toContain('http.port (TINHSO_HTTP_PORT): expected integer');
    expect((result as { stderr: string }).stderr).toContain('expected one of off, files, self-signed');
  }, 60_000);
});
