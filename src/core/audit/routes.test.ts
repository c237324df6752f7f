import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type LoggedIn, loginAs, type TestApp } from '../../../test/helpers/app.ts';
import { buildProvince, type Province } from '../../org/testing.ts';
import { systemCtx } from '../context.ts';
import { auditAlone } from './service.ts';

let t: TestApp;
let p: Province;
let admin: LoggedIn;
beforeAll(async () => {
  t = await createTestApp();
  p = await buildProvince(t.services.org, systemCtx());
  admin = await loginAs(t, { roles: ['tech_admin'], scope: 'all', unitId: p.root.id });
});
afterAll(() => t.close());

describe('GET /api/audit/entries', () => {
  it('finds the audit entry of an account creation by category and text', async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/iam/accounts',
      headers: admin.headers,
      payload: { username: 'lethithu', fullName: 'Lê Thị Thu', unitId: p.finance.id },
    });
    expect(created.statusCode).toBe(201);
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/audit/entries?category=account&q=lethithu',
      headers: admin.headers,
    });
    expect(res.statusCode).toBe(200);
    const [entry] = res.json().items;
    expect(entry).toMatchObject({
      category: 'account',
      action: 'iam.account.create',
      actorName: admin.username,
      outcome: 'success',
    });
    expect(entry.hash).toBeUndefined();
  });

  it('finds the entries of one request by the id its answer carried (requestId)', async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/iam/accounts',
      headers: admin.headers,
      payload: { username: 'tranvanba', fullName: 'Trần Văn Ba', unitId: p.finance.id },
    });
    expect(created.statusCode).toBe(201);
    const requestId = String(created.headers['x-request-id']);
    await t.platform.accessLog.flush();
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/audit/entries?requestId=${encodeURIComponent(requestId)}`,
      headers: admin.headers,
    });
    expect(res.statusCode).toBe(200);
    const items = res.json().items as { requestId: string; action: string }[];
    expect(items.map((e) => e.action).sort()).toEqual(['POST /api/iam/accounts', 'iam.account.create']);
    expect(items.every((e) => e.requestId === requestId)).toBe(true);
  });

  it('finds the entries about one object by targetType and targetId, and only those', async () => {
    const create = (username: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/iam/accounts',
        headers: admin.headers,
        payload: { username, fullName: 'Trần Văn Đích', unitId: p.finance.id },
      });
    const target = (await create('tranvandich')).json().account;
    await create('tranvankhac');
    const locked = await t.app.inject({
      method: 'POST',
      url: `/api/iam/accounts/${target.id}/status`,
      headers: admin.headers,
      payload: { action: 'lock', reason: 'Kiểm tra' },
    });
    expect(locked.statusCode).toBe(200);
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/audit/entries?targetType=account&targetId=${target.id}`,
      headers: admin.headers,
    });
    expect(res.statusCode).toBe(200);
    const items = res.json().items as { action: string; targetId: string; targetType: string }[];
    expect(items.map((e) => e.action)).toEqual(['iam.account.lock', 'iam.account.create']);
    expect(items.every((e) => e.targetId === target.id && e.targetType === 'account')).toBe(true);
    const wrongType = await t.app.inject({
      method: 'GET',
      url: `/api/audit/entries?targetType=unit&targetId=${target.id}`,
      headers: admin.headers,
    });
    expect(wrongType.json().items).toEqual([]);
  });

  it('pages newest first with nextBeforeSeq', async () => {
    const first = await t.app.inject({
      method: 'GET',
      url: '/api/audit/entries?limit=2',
      headers: admin.headers,
    });
    const { items, nextBeforeSeq } = first.json();
    expect(items).toHaveLength(2);
    expect(items[0].seq).toBeGreaterThan(items[1].seq);
    const next = await t.app.inject({
      method: 'GET',
      url: `/api/audit/entries?limit=2&beforeSeq=${nextBeforeSeq}`,
      headers: admin.headers,
    });
    expect(next.json().items[0].seq).toBeLessThan(items[1].seq);
  });

  it('shows a subtree-scoped reader only the entries of its units', async () => {
    const district = await loginAs(t, { roles: ['business_admin'], scope: 'subtree', unitId: p.district.id });
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/audit/entries?limit=500',
      headers: district.headers,
    });
    expect(res.statusCode).toBe(200);
    const units = new Set(res.json().items.map((e: { unitId: string | null }) => e.unitId));
    expect(units.has(p.finance.id)).toBe(false);
    expect(units.has(null)).toBe(false);
  });

  it('is refused to an ordinary user', async () => {
    const user = await loginAs(t, { unitId: p.finance.id });
    const res = await t.app.inject({ method: 'GET', url: '/api/audit/entries', headers: user.headers });
    expect(res.statusCode).toBe(403);
  });

  it('rejects unknown categories and malformed dates', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/audit/entries?category=khong&from=hom-qua',
      headers: admin.headers,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('VALIDATION_FAILED');
  });
});

describe('GET /api/audit/stats', () => {
  /** Writes entries at fixed past times, far from the ones the other tests make now. */
  async function seed(entries: { at: string; category: 'org' | 'account'; unitId: string | null }[]) {
    for (const e of entries)
      await auditAlone(
        t.platform.db,
        systemCtx(),
        {
          category: e.category,
          action: `test.stats.${e.category}`,
          description: 'Bản ghi cho biểu đồ',
          unitId: e.unitId,
        },
        new Date(e.at),
      );
  }
  const stats = (who: LoggedIn, query: string) =>
    t.app.inject({ method: 'GET', url: `/api/audit/stats?${query}`, headers: who.headers });

  it('counts the entries of the period per category and day (Vietnam time) in one answer, in the reader’s scope', async () => {
    await seed([
      { at: '2020-03-01T02:00:00Z', category: 'org', unitId: p.finance.id },
      { at: '2020-03-01T03:00:00Z', category: 'org', unitId: p.communeA.id },
      // 18:30 UTC is 01:30 the next day in Vietnam.
      { at: '2020-03-01T18:30:00Z', category: 'account', unitId: p.communeA.id },
      { at: '2020-03-03T01:00:00Z', category: 'account', unitId: p.finance.id },
      { at: '2020-03-03T01:00:00Z', category: 'org', unitId: null },
      // Outside the period.
      { at: '2020-04-15T01:00:00Z', category: 'org', unitId: p.finance.id },
    ]);
    const period = 'from=2020-02-29T17:00:00.000Z&to=2020-03-10T17:00:00.000Z';
    const res = await stats(admin, period);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ bucket: 'day', total: 5, from: '2020-02-29T17:00:00.000Z' });
    expect(body.series).toEqual([
      { bucket: '2020-03-01', category: 'org', n: 2 },
      { bucket: '2020-03-02', category: 'account', n: 1 },
      { bucket: '2020-03-03', category: 'account', n: 1 },
      { bucket: '2020-03-03', category: 'org', n: 1 },
    ]);
    expect(body.byCategory).toEqual([
      { category: 'org', n: 3 },
      { category: 'account', n: 2 },
    ]);
    // The other filters apply too.
    const orgOnly = (await stats(admin, `${period}&category=org`)).json();
    expect(orgOnly.byCategory).toEqual([{ category: 'org', n: 3 }]);

    // A district reader counts only its subtree's entries (no finance, no unit-less entries).
    const district = await loginAs(t, { roles: ['business_admin'], scope: 'subtree', unitId: p.district.id });
    const scoped = (await stats(district, period)).json();
    expect(scoped.byCategory).toEqual([
      { category: 'account', n: 1 },
      { category: 'org', n: 1 },
    ]);
  });

  it('draws short periods by the hour and long ones by the month, and the last 30 days by default', async () => {
    const hours = (await stats(admin, 'from=2020-03-01T00:00:00.000Z&to=2020-03-02T00:00:00.000Z')).json();
    expect(hours.bucket).toBe('hour');
    expect(hours.series).toContainEqual({ bucket: '2020-03-01T09:00', category: 'org', n: 1 });
    const months = (await stats(admin, 'from=2020-01-01T00:00:00.000Z&to=2020-12-31T00:00:00.000Z')).json();
    expect(months.bucket).toBe('month');
    expect(months.series).toContainEqual({ bucket: '2020-04', category: 'org', n: 1 });
    const recent = (await stats(admin, '')).json();
    expect(recent.bucket).toBe('day');
    expect(new Date(recent.to).getTime() - new Date(recent.from).getTime()).toBe(30 * 86_400_000);
    expect(recent.series.some((r: { bucket: string }) => r.bucket.startsWith('2020'))).toBe(false);
    expect(recent.total).toBeGreaterThan(0);
  });

  it('is refused to an ordinary user', async () => {
    const user = await loginAs(t, { unitId: p.finance.id });
    expect((await stats(user, '')).statusCode).toBe(403);
  });
});

describe('GET /api/audit/export', () => {
  it('exports XLSX with Vietnamese headers and dd/MM/yyyy times, and audits the export', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/audit/export?category=account',
      headers: admin.headers,
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toMatch(/attachment; filename="nhat-ky-.*\.xlsx"/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(new Uint8Array(res.rawPayload).buffer);
    const sheet = wb.worksheets[0]!;
    expect(sheet.getRow(1).getCell(2).value).toBe('Thời gian');
    expect(String(sheet.getRow(2).getCell(2).value)).toMatch(/^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}:\d{2}$/);
    const again = await t.app.inject({
      method: 'GET',
      url: '/api/audit/entries?q=audit.export',
      headers: admin.headers,
    });
    expect(again.json().items.length).toBeGreaterThan(0);
  });

  it('exports CSV with a BOM so Excel reads Vietnamese', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/audit/export?format=csv&category=account',
      headers: admin.headers,
    });
    expect(res.headers['content-type']).toContain('text/csv');
    expect(res.body.startsWith('\uFEFF')).toBe(true);
    expect(res.body).toContain('Tạo tài khoản');
  });
});

describe('GET /api/audit/verify', () => {
  it('reports an intact chain', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/audit/verify', headers: admin.headers });
    expect(res.json().ok).toBe(true);
    expect(res.json().checked).toBeGreaterThan(0);
  });
});
