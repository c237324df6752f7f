import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/db.ts';
import { audit, auditCategories, searchAudit, verifyChain } from '../audit/index.ts';
import { systemCtx } from '../context.ts';
import { isAppError } from '../errors/index.ts';
import type { Platform } from '../platform.ts';
import {
  AUDIT_RETENTION_JOB,
  auditRetentionJob,
  getAuditRetention,
  setAuditRetention,
} from './audit-retention.ts';
import { Scheduler } from './scheduler.ts';
import { type TestClock, testClock, testPlatform } from './testing.ts';

let database: TestDatabase;
let platform: Platform;
let clock: TestClock;
const admin = { ...systemCtx('quantri'), ip: '10.0.0.5' };

beforeAll(async () => {
  database = await createTestDatabase();
  clock = testClock('2026-11-23T00:00:00Z');
  platform = await testPlatform(database, { clock });
});
afterAll(() => database.close());

describe('audit retention policy', () => {
  it('defaults to each category’s retention', async () => {
    const policy = await getAuditRetention(platform);
    expect(policy.access).toBe(auditCategories.access.defaultRetentionDays);
    expect(policy.org).toBe(auditCategories.org.defaultRetentionDays);
  });

  it('refuses a retention shorter than 30 days or an unknown category', async () => {
    await expect(setAuditRetention(platform, admin, { access: 7 })).rejects.toSatisfy((e: unknown) =>
      isAppError(e, 'VALIDATION_FAILED'),
    );
    await expect(setAuditRetention(platform, admin, { nonsense: 100 })).rejects.toSatisfy((e: unknown) =>
      isAppError(e, 'VALIDATION_FAILED'),
    );
  });

  it('stores a new policy and audits it as a configuration change', async () => {
    const saved = await setAuditRetention(platform, admin, { access: 90 });
    expect(saved.access).toBe(90);
    expect(saved.account).toBe(auditCategories.account.defaultRetentionDays);
    const [entry] = await searchAudit(platform.db, { categories: ['config'], limit: 1 });
    expect(entry).toMatchObject({
      action: 'settings.audit.retention.update',
      actorName: 'quantri',
      sourceIp: '10.0.0.5',
    });
  });
});

describe('audit retention job', () => {
  it('removes entries past the policy, records what it removed in each category, and the chain verifies', async () => {
    await setAuditRetention(platform, admin, { access: 60, org: 400 });
    const now = clock.now().getTime();
    const day = 86_400_000;
    const writer = systemCtx('nguoi-dung');
    await database.db.transaction(async (tx) => {
      for (const age of [100, 90, 70, 10]) {
        await audit(
          tx,
          writer,
          { category: 'access', action: 'GET /api/x', description: `truy cập ${age} ngày trước` },
          new Date(now - age * day),
        );
      }
      for (const age of [500, 300]) {
        await audit(
          tx,
          writer,
          { category: 'org', action: 'org.unit.update', description: `sửa đơn vị ${age} ngày trước` },
          new Date(now - age * day),
        );
      }
    });

    const scheduler = new Scheduler(platform);
    scheduler.register(auditRetentionJob(platform));
    const result = await scheduler.runNow(AUDIT_RETENTION_JOB);
    expect(result).toMatchObject({ outcome: 'success', message: 'removed access: 3, org: 1' });

    const access = await searchAudit(platform.db, { categories: ['access'], limit: 10 });
    expect(access.map((e) => e.description)).toEqual([
      'Xóa 3 bản ghi nhật ký quá thời hạn lưu giữ 60 ngày',
      'truy cập 10 ngày trước',
    ]);
    expect(access[0]).toMatchObject({ action: 'audit.retention.apply', actorName: 'scheduler' });
    expect(access[0]?.details).toMatchObject({ removed: 3, retentionDays: 60 });
    const org = await searchAudit(platform.db, { categories: ['org'], limit: 10 });
    expect(org.map((e) => e.description)).toEqual([
      'Xóa 1 bản ghi nhật ký quá thời hạn lưu giữ 400 ngày',
      'sửa đơn vị 300 ngày trước',
    ]);
    expect((await verifyChain(platform.db)).ok).toBe(true);

    const again = await scheduler.runNow(AUDIT_RETENTION_JOB);
    expect(again.message).toBe('nothing to remove');
  });

  it('is scheduled daily at 01:00 Vietnam time', () => {
    const job = auditRetentionJob(platform);
    expect(job.nextRunAt?.(new Date('2026-11-23T12:00:00Z'))).toEqual(new Date('2026-11-23T18:00:00Z'));
  });
});
