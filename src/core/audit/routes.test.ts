import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type LoggedIn, loginAs, type TestApp } from '../../../test/helpers/app.ts';
import { buildProvince, type Province } from '../../org/testing.ts';
import { systemCtx } from '../context.ts';

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
