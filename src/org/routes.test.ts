import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type LoggedIn, loginAs, type TestApp } from '../../test/helpers/app.ts';
import { systemCtx } from '../core/context.ts';
import { buildProvince, type Province } from './testing.ts';
import { parseCsv, readXlsx } from './transfer.ts';
import type { OrgUnit } from './types.ts';

let t: TestApp;
let p: Province;
let admin: LoggedIn;
let clerk: LoggedIn;

beforeAll(async () => {
  t = await createTestApp();
  p = await buildProvince(t.services.org, systemCtx());
  admin = await loginAs(t, { roles: ['business_admin'], unitId: p.root.id, scope: 'all' });
  clerk = await loginAs(t, { roles: ['user'], unitId: p.finance.id, scope: 'own' });
});
afterAll(() => t.close());

function call(who: LoggedIn, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) {
  return t.app.inject(
    payload === undefined
      ? { method, url, headers: who.headers }
      : { method, url, headers: who.headers, payload },
  );
}

describe('GET /api/org/units and /api/org/tree', () => {
  it('lists and searches without diacritics within the actor scope', async () => {
    const res = await call(admin, 'GET', `/api/org/units?q=${encodeURIComponent('dong la')}`);
    expect(res.statusCode).toBe(200);
    expect((res.json() as { items: OrgUnit[] }).items.map((u) => u.id)).toContain(p.communeA.id);

    const own = await call(clerk, 'GET', '/api/org/units?status=all');
    expect((own.json() as { items: OrgUnit[]; total: number }).items.map((u) => u.id)).toEqual([
      p.finance.id,
    ]);

    const tree = await call(admin, 'GET', `/api/org/tree?rootId=${p.district.id}`);
    expect((tree.json() as OrgUnit[]).map((u) => u.code)).toEqual([
      p.district.code,
      p.communeA.code,
      p.communeB.code,
    ]);
  });

  it('answers a unit outside the scope exactly like a missing one', async () => {
    const outside = await call(clerk, 'GET', `/api/org/units/${p.health.id}`);
    const missing = await call(clerk, 'GET', '/api/org/units/00000000-0000-4000-8000-000000000404');
    expect(outside.statusCode).toBe(404);
    expect(missing.statusCode).toBe(404);
    expect(outside.json()).toMatchObject({ code: 'NOT_FOUND' });
    expect({ ...outside.json(), requestId: '' }).toEqual({ ...missing.json(), requestId: '' });
  });

  it('validates the query with closed schemas', async () => {
    const res = await call(admin, 'GET', '/api/org/units?bogus=1');
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});

describe('writes over HTTP', () => {
  it('creates, renames, shows history, and refuses a reader', async () => {
    const next = await call(admin, 'GET', `/api/org/units/${p.root.id}/next-code`);
    expect(next.json()).toEqual({ code: `000.00.32.${p.group}` });

    const created = await call(admin, 'POST', '/api/org/units', {
      parentId: p.root.id,
      name: 'Sở Khoa học và Công nghệ',
      kind: 'department',
      decisionRef: 'Quyết định số 10/QĐ-UBND',
    });
    expect(created.statusCode).toBe(201);
    const unit = created.json() as OrgUnit;
    expect(unit.code).toBe(`000.00.32.${p.group}`);

    const renamed = await call(admin, 'PATCH', `/api/org/units/${unit.id}`, {
      name: 'Sở Khoa học, Công nghệ',
    });
    expect(renamed.statusCode).toBe(200);
    expect(renamed.json()).toMatchObject({ name: 'Sở Khoa học, Công nghệ', code: unit.code });

    const history = await call(admin, 'GET', `/api/org/units/${unit.id}/history`);
    expect(history.statusCode).toBe(200);
    const events = (history.json() as { events: { eventType: string; recordedAt: string }[] }).events;
    expect(events.map((e) => e.eventType)).toEqual(['rename', 'create']);
    expect(Number.isNaN(Date.parse(events[0]!.recordedAt))).toBe(false);

    const denied = await call(clerk, 'POST', '/api/org/units', { parentId: p.finance.id, name: 'Phòng' });
    expect(denied.statusCode).toBe(403);

    const extra = await call(admin, 'POST', '/api/org/units', {
      parentId: p.root.id,
      name: 'X',
      status: 'closed',
    });
    expect(extra.statusCode).toBe(400);
  });

  it('refuses a name with a bidi override or a zero-width space, which would disguise it', async () => {
    for (const name of ['Sở X\u202Egnp.exe', 'Sở\u200BTư pháp']) {
      const res = await call(admin, 'POST', '/api/org/units', { parentId: p.root.id, name });
      expect(res.statusCode, name).toBe(400);
      expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
    }
  });

  it('previews and applies a reorganisation, then resolves the old code', async () => {
    const body = {
      type: 'merge',
      sourceIds: [p.communeB.id],
      targetId: p.communeA.id,
      decisionRef: 'Quyết định số 77/QĐ-UBND',
    };
    const preview = await call(admin, 'POST', '/api/org/reorganisations/preview', body);
    expect(preview.statusCode).toBe(200);
    expect(preview.json()).toMatchObject({
      type: 'merge',
      operationId: null,
      changes: [{ action: 'close' }],
    });
    const done = await call(admin, 'POST', '/api/org/reorganisations', body);
    expect(done.statusCode).toBe(200);
    expect((done.json() as { operationId: string }).operationId).toMatch(/^[0-9a-f-]{36}$/);

    const resolved = await call(admin, 'GET', `/api/org/codes/${encodeURIComponent(p.communeB.code)}`);
    expect(resolved.json()).toMatchObject({ status: 'succeeded', current: [{ id: p.communeA.id }] });

    const unknown = await call(admin, 'POST', '/api/org/reorganisations', {
      type: 'explode',
      unitId: p.root.id,
    });
    expect(unknown.statusCode).toBe(400);
    const blocked = await call(admin, 'POST', '/api/org/reorganisations', {
      type: 'dissolve',
      unitId: p.district.id,
      decisionRef: 'QĐ',
    });
    expect(blocked.statusCode).toBe(409);
    expect(blocked.json()).toMatchObject({ code: 'ORG_UNIT_HAS_CHILDREN' });
  });
});

describe('import and export over HTTP', () => {
  it('exports CSV and XLSX as attachments and imports them back (base64 in JSON)', async () => {
    const csv = await call(admin, 'GET', '/api/org/export?format=csv');
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers['content-disposition']).toMatch(/^attachment; filename="don-vi-.*\.csv"$/);
    expect(csv.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const rows = parseCsv(csv.rawPayload.toString('utf8'));

    const xlsx = await call(admin, 'GET', '/api/org/export?format=xlsx');
    expect(xlsx.headers['content-type']).toContain('spreadsheetml');
    expect((await readXlsx(xlsx.rawPayload)).length).toBe(rows.length);

    for (const [format, file] of [
      ['csv', csv.rawPayload],
      ['xlsx', xlsx.rawPayload],
    ] as const) {
      const res = await call(admin, 'POST', '/api/org/import', { format, content: file.toString('base64') });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({
        rows: rows.length - 1,
        created: 0,
        updated: 0,
        unchanged: rows.length - 1,
        dryRun: false,
      });
    }
  });

  it('answers a bad file with every row error', async () => {
    const file = `code,name\r\nH55.242,Sai\r\n000.00.90.${p.group},\r\n`;
    const res = await call(admin, 'POST', '/api/org/import', {
      format: 'csv',
      content: Buffer.from(file).toString('base64'),
    });
    expect(res.statusCode).toBe(400);
    const problem = res.json() as { code: string; errors: { row: number; field: string }[] };
    expect(problem.code).toBe('ORG_IMPORT_INVALID');
    expect(problem.errors.map((e) => [e.row, e.field])).toEqual([
      [2, 'row 2: code'],
      [3, 'row 3: name'],
    ]);
    const notBase64 = await call(admin, 'POST', '/api/org/import', { format: 'csv', content: '%%%' });
    expect(notBase64.statusCode).toBe(400);
  });

  it('documents every route under the org tag in OpenAPI', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/docs/json' });
    const spec = res.json() as { paths: Record<string, Record<string, { tags?: string[] }>> };
    const orgPaths = Object.entries(spec.paths).filter(([path]) => path.startsWith('/api/org/'));
    expect(orgPaths.map(([path]) => path).sort()).toEqual([
      '/api/org/codes/{code}',
      '/api/org/export',
      '/api/org/import',
      '/api/org/reorganisations',
      '/api/org/reorganisations/preview',
      '/api/org/tree',
      '/api/org/units',
      '/api/org/units/{id}',
      '/api/org/units/{id}/history',
      '/api/org/units/{id}/next-code',
    ]);
    for (const [, ops] of orgPaths) for (const op of Object.values(ops)) expect(op.tags).toEqual(['org']);
  });
});
