import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type LoggedIn, loginAs, type TestApp } from '../../../test/helpers/app.ts';
import { type Ctx, systemCtx } from '../context.ts';

let t: TestApp;
let admin: LoggedIn;
let user: LoggedIn;

const ctxOf = (accountId: string): Ctx => ({
  actor: { kind: 'user', id: accountId, name: 'x', unitId: null, permissions: new Set(), scope: 'all' },
  ip: null,
  requestId: null,
  lang: 'vi',
});

beforeAll(async () => {
  t = await createTestApp();
  admin = await loginAs(t, { roles: ['tech_admin'], scope: 'all' });
  user = await loginAs(t, { roles: ['user'] });
});
afterAll(async () => {
  await t.close();
});

describe('notifications of backups', () => {
  it('tells the holders of backup.read that a backup completed, with a link to the backup page', async () => {
    const record = await t.services.backup.backupNow(systemCtx());
    const page = await t.services.notifications.list(ctxOf(admin.accountId), {});
    const n = page.items.find((i) => i.kind === 'backup.completed');
    expect(n).toMatchObject({ severity: 'info', titleVi: 'Sao lưu hoàn tất', link: '/system/backups' });
    expect(n!.bodyEn).toContain(record.file.split('/').pop());
    const others = await t.services.notifications.list(ctxOf(user.accountId), {});
    expect(others.items.some((i) => i.kind.startsWith('backup.'))).toBe(false);
  });

  it('tells them when a backup failed, with the reason', async () => {
    const folder = join(t.platform.config.dataDir, 'elsewhere');
    mkdirSync(folder, { recursive: true });
    const policy = await t.services.backup.getPolicy();
    await t.services.backup.setPolicy(systemCtx(), { ...policy, destination: folder });
    // The folder becomes a file after the policy accepted it: the next backup cannot be written.
    rmSync(folder, { recursive: true });
    writeFileSync(folder, 'không phải thư mục');
    await expect(t.services.backup.backupNow(systemCtx())).rejects.toThrow();
    const page = await t.services.notifications.list(ctxOf(admin.accountId), {});
    const n = page.items.find((i) => i.kind === 'backup.failed');
    expect(n).toMatchObject({ severity: 'error', titleEn: 'Backup failed', link: '/system/backups' });
    expect(n!.bodyVi).toContain('không được tạo');
  });
});
