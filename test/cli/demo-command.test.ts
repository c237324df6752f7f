/**
 * `tinhso demo` as a visitor runs it, a real process: it fills an empty database with the demo province and
 * prints the accounts with their one-time passwords, and refuses a database that already has units. On the
 * embedded database always; on PostgreSQL (through DATABASE_URL) too when TEST_DATABASE_URL is set.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { demoAccounts } from '../../src/demo/province.ts';
import { testDatabaseUrl } from '../helpers/db.ts';

const run = promisify(execFile);
const bin = join(import.meta.dirname, '..', '..', 'bin', 'tinhso.js');

async function tinhso(env: NodeJS.ProcessEnv, ...args: string[]) {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { env, timeout: 240_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** Runs the demo twice on one database: the first run fills it, the second is refused. */
async function demoTwice(env: NodeJS.ProcessEnv) {
  const first = await tinhso(env, 'demo');
  expect(first.code, first.stderr).toBe(0);
  expect(first.stdout).toMatch(
    /Đã tạo tỉnh mô phỏng Ủy ban nhân dân tỉnh Sơn Hà \(000\.00\.00\.H99\): \d{3} đơn vị/,
  );
  // One table row per account: username, role, scope, unit, and a one-time password.
  for (const a of demoAccounts) {
    expect(first.stdout).toMatch(
      new RegExp(`^  ${a.username.replace('.', '\\.')} +${a.role} +${a.scope} +.+ \\S{16,}$`, 'm'),
    );
  }
  const second = await tinhso(env, 'demo');
  expect(second.code).toBe(1);
  expect(second.stderr).toContain('DEMO_DATABASE_NOT_EMPTY');
  expect(second.stderr).toContain('chỉ được tạo trên cơ sở dữ liệu chưa có cơ cấu tổ chức');
  // The accounts exist: one can be rescued from the shell like any other.
  expect((await tinhso(env, 'admin', 'reset-password', 'demo.canbo')).code).toBe(0);
  // The demo's LGSP keys are managed from the shell too: listed, rotated (the secret shown once), revoked.
  expect(first.stdout).toMatch(/LGSP: \d+ ứng dụng kết nối, \d+ dịch vụ, \d+ quyền truy xuất/);
  const list = await tinhso(env, 'keys', 'list');
  expect(list.stdout).toMatch(/\tmotcua-tp\thmac\tactive\tlgsp_\S+\t/);
  const rotated = await tinhso(env, 'keys', 'rotate', 'motcua-tp', '--reason', 'Bàn giao cho đơn vị');
  expect(rotated.code, rotated.stderr).toBe(0);
  const secret = /secret_key: (\S+)/.exec(rotated.stdout)?.[1];
  const accessKey = /access_key: (\S+)/.exec(rotated.stdout)?.[1];
  expect(secret?.length).toBeGreaterThanOrEqual(40);
  expect((await tinhso(env, 'keys', 'list')).stdout).not.toContain(secret!);
  const revoked = await tinhso(env, 'keys', 'revoke', accessKey!, '--reason', 'Lộ khóa');
  expect(revoked.stdout).toContain(`Đã thu hồi ${accessKey}`);
  const unknown = await tinhso(env, 'keys', 'rotate', 'khong-co-ung-dung');
  expect(unknown.code).toBe(1);
  expect(unknown.stderr).toContain('LGSP_APPLICATION_NOT_FOUND');
}

describe('tinhso demo', () => {
  it('fills an empty embedded database with the demo province and refuses a second run', async () => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      TINHSO_DATA_DIR: mkdtempSync(join(tmpdir(), 'tinhso-demo-')),
      LOG_LEVEL: 'warn',
    };
    delete env.DATABASE_URL;
    await demoTwice(env);
  }, 600_000);

  it.skipIf(!testDatabaseUrl)(
    'does the same on PostgreSQL through DATABASE_URL',
    async () => {
      const schema = `t_demo_${randomBytes(6).toString('hex')}`;
      const admin = new pg.Client({ connectionString: testDatabaseUrl });
      await admin.connect();
      await admin.query(`create schema ${schema}`);
      try {
        const url = new URL(testDatabaseUrl);
        url.searchParams.set('options', `-c search_path=${schema}`);
        await demoTwice({
          ...process.env,
          TINHSO_DATA_DIR: mkdtempSync(join(tmpdir(), 'tinhso-demo-pg-')),
          DATABASE_URL: url.toString(),
          TINHSO_SECURITY_MASTER_KEY: randomBytes(32).toString('hex'),
          LOG_LEVEL: 'warn',
        });
      } finally {
        await admin.query(`drop schema ${schema} cascade`);
        await admin.end();
      }
    },
    600_000,
  );
});
