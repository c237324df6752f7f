import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/db.ts';
import { systemCtx } from '../context.ts';
import { sql } from '../db/index.ts';
import { AccessLog, applyRetention, audit, auditAlone, searchAudit, verifyChain } from './index.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.close());

const ctx = { ...systemCtx('tester'), ip: '10.1.2.3', requestId: 'req-1' };

describe('audit()', () => {
  it('writes the entry in the caller transaction and rolls back with it', async () => {
    await expect(
      database.db.transaction(async (tx) => {
        await audit(tx, ctx, { category: 'config', action: 'test.rollback', description: 'sẽ bị hủy' });
        throw new Error('change failed');
      }),
    ).rejects.toThrow('change failed');
    const rows = await searchAudit(database.db, { text: 'sẽ bị hủy', limit: 10 });
    expect(rows).toHaveLength(0);
  });

  it('records time, category, description, actor, severity, source IP and outcome', async () => {
    await auditAlone(database.db, ctx, {
      category: 'account',
      action: 'iam.account.lock',
      description: 'Khóa tài khoản nguyenvana',
      severity: 'warning',
      outcome: 'success',
      target: { type: 'account', id: 'a1' },
    });
    const [row] = await searchAudit(database.db, { categories: ['account'], limit: 1 });
    expect(row).toMatchObject({
      category: 'account',
      description: 'Khóa tài khoản nguyenvana',
      actorName: 'tester',
      severity: 'warning',
      sourceIp: '10.1.2.3',
      outcome: 'success',
      requestId: 'req-1',
    });
    expect(row!.at).toBeInstanceOf(Date);
  });

  it('detects an altered, a deleted and an inserted entry', async () => {
    for (let i = 0; i < 5; i++) {
      await auditAlone(database.db, ctx, {
        category: 'org',
        action: 'org.test',
        description: `thay đổi ${i}`,
      });
    }
    expect((await verifyChain(database.db)).ok).toBe(true);
    const [target] = await searchAudit(database.db, { categories: ['org'], text: 'thay đổi 2', limit: 1 });
    await database.db.execute(sql`update audit_log set description = 'sửa lén' where seq = ${target!.seq}`);
    const result = await verifyChain(database.db);
    expect(result.ok).toBe(false);
    expect(result.categories.find((c) => c.category === 'org')?.brokenAtSeq).toBe(target!.seq);
    await database.db.execute(
      sql`update audit_log set description = 'thay đổi 2' where seq = ${target!.seq}`,
    );
    expect((await verifyChain(database.db)).ok).toBe(true);
    await database.db.execute(sql`delete from audit_log where seq = ${target!.seq}`);
    expect((await verifyChain(database.db)).ok).toBe(false);
  });
});

describe('AccessLog', () => {
  it('batches entries into one write and keeps the chain valid', async () => {
    const log = new AccessLog(database.db, { flushIntervalMs: 60_000, batchSize: 1000, onError: () => {} });
    for (let i = 0; i < 50; i++) log.record(ctx, { action: 'GET /api/x', description: `GET /api/x ${i}` });
    expect(log.pending).toBe(50);
    expect(await searchAudit(database.db, { categories: ['access'], limit: 100 })).toHaveLength(0);
    await log.close();
    expect(await searchAudit(database.db, { categories: ['access'], limit: 100 })).toHaveLength(50);
    const v = await verifyChain(database.db);
    expect(v.categories.find((c) => c.category === 'access')).toMatchObject({
      checked: 50,
      brokenAtSeq: null,
    });
  });
});

describe('applyRetention', () => {
  it('removes old entries per category and the remaining chain still verifies', async () => {
    const old = new Date(Date.now() - 40 * 86_400_000);
    await database.db.transaction(async (tx) => {
      await audit(tx, ctx, { category: 'backup', action: 'b.old', description: 'cũ 1' }, old);
      await audit(tx, ctx, { category: 'backup', action: 'b.old', description: 'cũ 2' }, old);
      await audit(tx, ctx, { category: 'backup', action: 'b.new', description: 'mới' });
    });
    const removed = await applyRetention(database.db, { backup: 30 });
    expect(removed.backup).toBe(2);
    const left = await searchAudit(database.db, { categories: ['backup'], limit: 10 });
    expect(left.map((r) => r.description)).toEqual(['mới']);
    const v = await verifyChain(database.db);
    expect(v.categories.find((c) => c.category === 'backup')?.brokenAtSeq).toBeNull();
  });
});
