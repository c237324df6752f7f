import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/db.ts';
import { searchAudit } from '../audit/index.ts';
import { buildServer } from '../http/server.ts';
import type { App } from '../http/types.ts';
import type { Platform } from '../platform.ts';
import { Scheduler } from '../scheduler/scheduler.ts';
import { grantFromHeader, testClock, testPlatform } from '../scheduler/testing.ts';
import { systemRoutes } from './routes.ts';
import { type BackupService, createBackupService } from './service.ts';

let database: TestDatabase;
let platform: Platform;
let backup: BackupService;
let app: App;
let dir: string;

beforeAll(async () => {
  database = await createTestDatabase();
  dir = mkdtempSync(join(tmpdir(), 'tinhso-backup-routes-'));
  platform = await testPlatform(database, {
    clock: testClock('2026-11-23T00:00:00Z'),
    overrides: { 'backup.dir': dir },
  });
  const scheduler = new Scheduler(platform);
  backup = createBackupService(platform, scheduler);
  app = await buildServer(platform, {
    register: async (root) => {
      grantFromHeader(root);
      await root.register(systemRoutes({ platform, scheduler, backup }), { prefix: '/api/system' });
    },
  });
  await app.ready();
});
afterAll(async () => {
  await app.close();
  await database.close();
});

const as = (...permissions: string[]) => ({ 'x-test-permissions': permissions.join(',') });

describe('/api/system/backup/policy', () => {
  it('GET shows the default policy and the folder in effect', async () => {
    const res = await app.inject({ url: '/api/system/backup/policy', headers: as('backup.read') });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      policy: {
        enabled: true,
        mode: 'daily',
        dailyAt: '02:00',
        intervalHours: 24,
        destination: '',
        keep: 7,
        verifyRestore: true,
      },
      destination: dir,
      nextRunAt: null,
    });
  });

  it('PUT needs backup.policy.write, validates, and schedules the next backup', async () => {
    const denied = await app.inject({
      method: 'PUT',
      url: '/api/system/backup/policy',
      headers: as('backup.read', 'backup.run'),
      payload: { keep: 3 },
    });
    expect(denied.statusCode).toBe(403);

    const invalid = await app.inject({
      method: 'PUT',
      url: '/api/system/backup/policy',
      headers: as('backup.policy.write'),
      payload: { dailyAt: '25:00', surprise: true },
    });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json().code).toBe('VALIDATION_FAILED');

    const res = await app.inject({
      method: 'PUT',
      url: '/api/system/backup/policy',
      headers: as('backup.policy.write'),
      payload: { mode: 'daily', dailyAt: '23:30', keep: 3, verifyRestore: false },
    });
    expect(res.statusCode).toBe(200);
    // 23:30 in Hà Nội is 16:30 UTC.
    expect(res.json()).toMatchObject({
      policy: { dailyAt: '23:30', keep: 3 },
      nextRunAt: '2026-11-23T16:30:00.000Z',
    });
    const [entry] = await searchAudit(platform.db, { categories: ['config'], limit: 1 });
    expect(entry).toMatchObject({ action: 'settings.backup.policy.update', actorName: 'test-admin' });
  });
});

describe('/api/system/backups', () => {
  it('POST starts a backup (202) that then shows in the history as successful', async () => {
    const denied = await app.inject({
      method: 'POST',
      url: '/api/system/backups',
      headers: as('backup.read'),
    });
    expect(denied.statusCode).toBe(403);
    const res = await app.inject({ method: 'POST', url: '/api/system/backups', headers: as('backup.run') });
    expect(res.statusCode).toBe(202);
    const started = res.json();
    expect(started).toMatchObject({ status: 'running', trigger: 'manual', actorName: 'test-admin' });

    const busy = await app.inject({ method: 'POST', url: '/api/system/backups', headers: as('backup.run') });
    expect(busy.statusCode).toBe(409);
    expect(busy.json().code).toBe('BACKUP_RUNNING');

    let latest: { id: string; status: string } | undefined;
    for (let i = 0; i < 200 && latest?.status !== 'success'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      const history = await app.inject({ url: '/api/system/backups?limit=5', headers: as('backup.read') });
      expect(history.statusCode).toBe(200);
      latest = history.json()[0];
    }
    expect(latest).toMatchObject({ id: started.id, status: 'success' });
  });

  it('GET needs backup.read and rejects unknown parameters', async () => {
    expect((await app.inject({ url: '/api/system/backups', headers: as('system.read') })).statusCode).toBe(
      403,
    );
    expect(
      (await app.inject({ url: '/api/system/backups?x=1', headers: as('backup.read') })).statusCode,
    ).toBe(400);
  });

  it('declares the system tag and a permission on every route', async () => {
    await app.inject({ url: '/api/docs/json' });
    const spec = (await app.inject({ url: '/api/docs/json' })).json();
    for (const path of ['/api/system/backups', '/api/system/backup/policy', '/api/system/scheduler/jobs']) {
      for (const op of Object.values(spec.paths[path] as Record<string, { tags: string[] }>)) {
        expect(op.tags).toEqual(['system']);
      }
    }
    const unguarded = await app.inject({ url: '/api/system/scheduler/runs' });
    expect(unguarded.statusCode).toBe(403);
  });
});
