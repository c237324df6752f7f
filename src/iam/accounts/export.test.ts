/**
 * The account list export (console "Xuất Excel"): same filters and unit scope as the list, XLSX and CSV,
 * audited as an export.
 */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type LoggedIn, loginAs, type TestApp } from '../../../test/helpers/app.ts';
import { searchAudit } from '../../core/audit/index.ts';
import { systemCtx } from '../../core/context.ts';
import { buildProvince, type Province } from '../../org/testing.ts';

let t: TestApp;
let p: Province;
let admin: LoggedIn;
beforeAll(async () => {
  t = await createTestApp();
  p = await buildProvince(t.services.org, systemCtx());
  admin = await loginAs(t, { roles: ['tech_admin'], scope: 'all', unitId: p.root.id });
  const accounts = t.services.iam.accounts;
  await accounts.create(systemCtx(), {
    username: 'xuat.taichinh',
    fullName: 'Đỗ Thị Xuân',
    unitId: p.finance.id,
  });
  await accounts.create(systemCtx(), {
    username: 'xuat.huyen',
    fullName: 'Phạm Văn Xuất',
    unitId: p.district.id,
  });
});
afterAll(() => t.close());

async function sheetRows(body: Buffer): Promise<string[][]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(body as unknown as ArrayBuffer);
  const rows: string[][] = [];
  wb.worksheets[0]!.eachRow((row) =>
    rows.push((row.values as unknown[]).slice(1).map((v) => String(v ?? ''))),
  );
  return rows;
}

describe('GET /api/iam/accounts/export', () => {
  it('exports the filtered list as XLSX with Vietnamese headers, the unit code and name, and audits it', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/iam/accounts/export?format=xlsx&q=xuat&sort=username&order=asc',
      headers: admin.headers,
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('spreadsheetml');
    expect(res.headers['content-disposition']).toMatch(/attachment; filename="tai-khoan-.*\.xlsx"/);
    const rows = await sheetRows(res.rawPayload);
    expect(rows[0]!.slice(0, 5)).toEqual([
      'Tên đăng nhập',
      'Họ và tên',
      'Thư điện tử',
      'Mã đơn vị',
      'Tên đơn vị',
    ]);
    expect(rows.slice(1).map((r) => r[0])).toEqual(['xuat.huyen', 'xuat.taichinh']);
    expect(rows[2]![3]).toBe(p.finance.code);
    expect(rows[2]![4]).toBe(p.finance.name);
    const entries = await searchAudit(t.platform.db, { categories: ['access'], limit: 50 });
    const entry = entries.find((e) => e.action === 'iam.account.export');
    expect(entry).toMatchObject({
      action: 'iam.account.export',
      category: 'access',
      actorName: admin.username,
    });
  });

  it('exports CSV with a BOM, keeping the list filters (unit)', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/iam/accounts/export?format=csv&unitId=${p.finance.id}`,
      headers: admin.headers,
    });
    expect(res.statusCode).toBe(200);
    expect(res.body.startsWith('\uFEFFTên đăng nhập,')).toBe(true);
    expect(res.body).toContain('xuat.taichinh');
    expect(res.body).not.toContain('xuat.huyen');
  });

  it('keeps a subtree-scoped reader to its units, and is refused without iam.account.read', async () => {
    const district = await loginAs(t, { roles: ['business_admin'], scope: 'subtree', unitId: p.district.id });
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/iam/accounts/export?format=csv&q=xuat',
      headers: district.headers,
    });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('xuat.huyen');
    expect(res.body).not.toContain('xuat.taichinh');
    const user = await loginAs(t, { unitId: p.finance.id });
    const refused = await t.app.inject({
      method: 'GET',
      url: '/api/iam/accounts/export',
      headers: user.headers,
    });
    expect(refused.statusCode).toBe(403);
  });

  it('rejects an unknown format', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/iam/accounts/export?format=pdf',
      headers: admin.headers,
    });
    expect(res.statusCode).toBe(400);
  });
});
