/**
 * The platform feeds (LGSP-31): an audit entry made through the real audit path reaches the SIEM once as a
 * RawEvent (kind audit, pipeline tinhso-audit, doc = the entry), the cursor advances, a later run takes only
 * what is new; a reader of LGSP records is fed the same way; a seq gap younger than the settle window waits.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/helpers/app.ts';
import { audit, auditAlone } from '../../../core/audit/index.ts';
import { systemCtx } from '../../../core/context.ts';
import { buildProvince } from '../../../org/testing.ts';
import type { RawEvent } from '../../contracts.ts';
import { recordRawEvents } from '../testing.ts';
import { auditFeedReader } from './audit-reader.ts';
import { type FeedBatch, pollFeeds } from './feed.ts';
import { readCursor } from './store.ts';

let t: TestApp;
let seen: RawEvent[];

beforeAll(async () => {
  t = await createTestApp();
  seen = recordRawEvents(t.services.soc);
});
afterAll(async () => {
  await t.close();
});

describe('the audit feed', () => {
  it('submits each new audit entry once, as read, and moves the cursor', async () => {
    await t.platform.accessLog.flush();
    await t.services.soc.ingest.pollFeeds();
    const start = Number(await readCursor(t.platform.db, 'audit'));
    seen.length = 0;
    await auditAlone(t.platform.db, systemCtx('kiểm thử'), {
      category: 'config',
      action: 'test.feed',
      description: 'Thay đổi cấu hình để kiểm thử nguồn nhật ký nền tảng',
      details: { khoa: 'giá trị' },
    });
    const first = await t.services.soc.ingest.pollFeeds();
    expect(first.audit).toBe(1);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({
      kind: 'audit',
      input: 'audit',
      pipeline: 'tinhso-audit',
      doc: {
        category: 'config',
        action: 'test.feed',
        actorName: 'kiểm thử',
        details: { khoa: 'giá trị' },
        description: 'Thay đổi cấu hình để kiểm thử nguồn nhật ký nền tảng',
      },
    });
    const doc = seen[0]?.doc as { seq: number; at: string; hash: string };
    expect(doc.seq).toBe(start + 1);
    expect(new Date(doc.at).toISOString()).toBe(doc.at);
    expect(await readCursor(t.platform.db, 'audit')).toBe(String(doc.seq));
    const second = await t.services.soc.ingest.pollFeeds();
    expect(second.audit).toBe(0);
    expect(seen).toHaveLength(1);
  });

  it("gives an entry's event the entry's unit, and none to the province's entries", async () => {
    const { finance: unit } = await buildProvince(t.services.org, systemCtx());
    await t.platform.accessLog.flush();
    await t.services.soc.ingest.pollFeeds();
    seen.length = 0;
    const actor = systemCtx('cán bộ');
    await auditAlone(
      t.platform.db,
      { ...actor, actor: { ...actor.actor, unitId: unit.id } },
      {
        category: 'config',
        action: 'test.feed.unit',
        description: 'Thay đổi của một đơn vị',
      },
    );
    await auditAlone(t.platform.db, systemCtx('hệ thống'), {
      category: 'config',
      action: 'test.feed.province',
      description: 'Thay đổi của tỉnh',
    });
    await t.services.soc.ingest.pollFeeds();
    expect(seen.map((e) => [(e.doc as { action: string }).action, e.unitId])).toEqual([
      ['test.feed.unit', unit.id],
      ['test.feed.province', null],
    ]);
  });

  it('is the scheduled job soc.feeds.platform', async () => {
    await auditAlone(t.platform.db, systemCtx(), {
      category: 'config',
      action: 'test.job',
      description: 'Việc định kỳ',
    });
    seen.length = 0;
    const run = await t.services.scheduler.runNow('soc.feeds.platform');
    expect(run.outcome, run.message ?? '').toBe('success');
    expect(seen.map((e) => (e.doc as { action: string }).action)).toContain('test.job');
  });

  it('waits before a young seq gap (an entry maybe still committing), and passes it once settled', async () => {
    await t.services.soc.ingest.pollFeeds();
    const after = await readCursor(t.platform.db, 'audit');
    // A rolled-back change consumed a seq: the next committed entry follows a gap.
    await t.platform.db
      .transaction(async (tx) => {
        await audit(tx, systemCtx(), { category: 'config', action: 'test.rolled_back', description: 'Hủy' });
        throw new Error('rollback');
      })
      .catch(() => undefined);
    await auditAlone(t.platform.db, systemCtx(), {
      category: 'config',
      action: 'test.gap',
      description: 'Sau khoảng trống',
    });
    const now = new Date();
    const young = await auditFeedReader(t.platform.db, () => now, 60_000)(after, 10);
    expect(young.rows).toHaveLength(0);
    expect(young.cursor).toBe(after);
    const later = new Date(now.getTime() + 61_000);
    const settled = await auditFeedReader(t.platform.db, () => later, 60_000)(after, 10);
    expect(settled.rows.map((r) => r.action)).toContain('test.gap');
    expect(settled.rows.map((r) => r.action)).not.toContain('test.rolled_back');
  });
});

describe('a feed read through the owning module’s reader (LGSP)', () => {
  it('submits the rows as kind lgsp with pipeline tinhso-lgsp and keeps the reader’s cursor', async () => {
    const records = [
      { id: 'a', serviceCode: 'dkkd', status: 200 },
      { id: 'b', serviceCode: 'hotich', status: 502 },
      { id: 'c', serviceCode: 'dkkd', status: 200 },
    ];
    // The app's real LGSP feed shares the cursor name and may have run in an earlier test.
    const before = await readCursor(t.platform.db, 'lgsp');
    const calls: (string | null)[] = [];
    const reader = async (after: string | null, limit: number): Promise<FeedBatch> => {
      calls.push(after);
      const from = after ? records.findIndex((r) => r.id === after) + 1 : 0;
      const rows = records.slice(from, from + limit);
      return { rows, cursor: rows.at(-1)?.id ?? after };
    };
    seen.length = 0;
    const counts = await pollFeeds({
      db: t.platform.db,
      sink: t.services.soc.ingestion.sink,
      counters: t.services.soc.counters,
      now: () => t.platform.now(),
      feeds: [{ name: 'lgsp', pipeline: 'tinhso-lgsp', read: reader }],
      batchSize: 2,
    });
    expect(counts.lgsp).toBe(3);
    expect(calls).toEqual([before, 'b']);
    expect(seen.map((e) => [e.kind, e.pipeline, (e.doc as { id: string }).id])).toEqual([
      ['lgsp', 'tinhso-lgsp', 'a'],
      ['lgsp', 'tinhso-lgsp', 'b'],
      ['lgsp', 'tinhso-lgsp', 'c'],
    ]);
    expect(await readCursor(t.platform.db, 'lgsp')).toBe('c');
  });
});

describe('the LGSP feed wired to the LGSP module', () => {
  it('submits each exchange record the gateway wrote once, in write order, with times as ISO strings', async () => {
    await t.services.soc.ingest.pollFeeds();
    seen.length = 0;
    const at = t.platform.now();
    const record = (id: string, status: number) => ({
      id,
      requestId: `req-${id.slice(0, 8)}`,
      timeIn: at,
      timeOut: at,
      sourceApplicationId: null,
      sourceApplicationCode: 'app.motcua',
      sourceUnitId: null,
      sourceUnitCode: '000.00.01.H23',
      destinationServiceId: null,
      serviceCode: 'hotich',
      destinationUnitId: null,
      destinationUnitCode: '000.00.02.H23',
      method: 'GET',
      path: '/khaisinh',
      requestBytes: 0,
      responseBytes: 120,
      status,
      errorCode: status >= 400 ? 'LGSP_ACCESS_DENIED' : null,
      latencyMs: 12,
      node: 'test',
      mode: 'gateway' as const,
    });
    const ids = [randomUUID(), randomUUID()];
    t.services.lgsp.gateway.recorder.record(record(ids[0] as string, 200));
    t.services.lgsp.gateway.recorder.record(record(ids[1] as string, 403));
    await t.services.lgsp.gateway.flush();
    const first = await t.services.soc.ingest.pollFeeds();
    expect(await t.services.lgsp.exchangesAfter(0, 10)).toHaveLength(2);
    expect(first.lgsp).toBe(2);
    expect(seen.map((e) => [e.kind, e.pipeline, (e.doc as { id: string }).id])).toEqual([
      ['lgsp', 'tinhso-lgsp', ids[0]],
      ['lgsp', 'tinhso-lgsp', ids[1]],
    ]);
    expect(seen[1]?.doc).toMatchObject({
      status: 403,
      errorCode: 'LGSP_ACCESS_DENIED',
      timeIn: at.toISOString(),
    });
    const second = await t.services.soc.ingest.pollFeeds();
    expect(second.lgsp).toBe(0);
  });
});
