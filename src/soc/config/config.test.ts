/**
 * The SIEM configuration document (SOC-16, configuration backup): exported by stable keys, restored after
 * changes, previewed without effect, carried to an empty platform (units resolved by identifier code), and
 * refused or reported entry by entry when it cannot apply, never deleting anything.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type LoggedIn, loginAs, type TestApp } from '../../../test/helpers/app.ts';
import { searchAudit } from '../../core/audit/index.ts';
import { systemCtx } from '../../core/context.ts';
import { buildProvince, type Province } from '../../org/testing.ts';
import { type SourceRows, sourceRowsOf } from '../sources/testing.ts';
import type { ImportResult, SocConfigDocument } from './schema.ts';

let t: TestApp;
let p: Province;
let admin: LoggedIn;
let rows: SourceRows;
const pipeline = (id: string, team: string) => `id: ${id}
name: Ứng dụng một cửa ${id}
priority: 300
match: { field: log.syslog.appname, equals: ${id} }
processors:
  - set: { field: labels.team, value: ${team} }
`;

beforeAll(async () => {
  t = await createTestApp();
  p = await buildProvince(t.services.org, systemCtx());
  admin = await loginAs(t, { roles: ['tech_admin'], scope: 'all' });
  rows = await sourceRowsOf(t.services.soc.sources, p.finance.id);
  const created = await t.app.inject({
    method: 'POST',
    url: '/api/soc/pipelines',
    headers: admin.headers,
    payload: { source: pipeline('mot-cua', 'ha-tang') },
  });
  expect(created.statusCode, created.body).toBe(201);
});
afterAll(() => t.close());

async function exported(): Promise<SocConfigDocument> {
  const res = await t.app.inject({ method: 'GET', url: '/api/soc/config/export', headers: admin.headers });
  expect(res.statusCode, res.body).toBe(200);
  expect(res.headers['content-disposition']).toMatch(
    /^attachment; filename="tinhso-soc-config-\d{8}\.json"$/,
  );
  return res.json();
}

/** A configuration document of this format with only the given parts filled. */
function documentOf(parts: Partial<SocConfigDocument>): SocConfigDocument {
  return {
    format: 'tinhso-soc-config',
    version: 1,
    exportedAt: new Date().toISOString(),
    inputs: [],
    pipelines: [],
    systems: [],
    sources: [],
    ...parts,
  };
}

async function imported(doc: unknown, dryRun = false, who = admin) {
  return t.app.inject({
    method: 'POST',
    url: `/api/soc/config/import${dryRun ? '?dryRun=true' : ''}`,
    headers: who.headers,
    payload: doc as object,
  });
}

describe('SIEM configuration export and import', () => {
  it('exports inputs, operator pipelines, systems with their ranges and source settings by stable keys, audited', async () => {
    const doc = await exported();
    expect(doc).toMatchObject({ format: 'tinhso-soc-config', version: 1 });
    expect(doc.inputs.map((i) => i.id)).toContain('syslog-tcp');
    // Only the operators' pipelines: the shipped ones come with the platform.
    expect(doc.pipelines).toEqual([{ id: 'mot-cua', enabled: true, source: pipeline('mot-cua', 'ha-tang') }]);
    expect(doc.systems.find((s) => s.code === rows.systemCode)).toEqual({
      code: rows.systemCode,
      name: expect.any(String),
      unitCode: p.finance.code,
      securityLevel: 2,
      description: null,
      ranges: [{ cidr: rows.cidr, description: null }],
    });
    expect(doc.sources.find((s) => s.key === `syslog|host:${rows.sourceName}`)).toMatchObject({
      unitCode: p.finance.code,
      systemCode: rows.systemCode,
      expectedIntervalSeconds: null,
    });
    const entries = await searchAudit(t.platform.db, { limit: 5 });
    expect(entries.map((e) => e.action)).toContain('soc.config.export');
  });

  it('restores what was changed since an export, then finds nothing left to change', async () => {
    const doc = await exported();
    const ctx = systemCtx('test', ['soc.sources.read', 'soc.sources.write', 'soc.config.write']);
    const sources = t.services.soc.sources;
    await sources.updateSystem(ctx, rows.systemId, { name: 'Tên đã bị sửa nhầm', securityLevel: 4 });
    await sources.updateSource(ctx, rows.sourceId, { expectedIntervalSeconds: 60 });
    await t.services.soc.inputs.service.update(ctx, 'syslog-tcp', { charset: 'windows-1258' });
    const list = await t.services.soc.pipelines.admin.list(ctx);
    const version =
      list.items.find((x) => x.id === 'mot-cua' && x.origin === 'operator')?.version ?? undefined;
    await t.services.soc.pipelines.admin.update(ctx, 'mot-cua', {
      source: pipeline('mot-cua', 'sai'),
      enabled: false,
      version,
    });

    const res = await imported(doc);
    expect(res.statusCode, res.body).toBe(200);
    const result = res.json() as ImportResult;
    expect(result.dryRun).toBe(false);
    expect(result.changes.filter((c) => c.action === 'error')).toEqual([]);
    expect(result.changes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'input', key: 'syslog-tcp', action: 'update', fields: ['charset'] }),
        expect.objectContaining({
          kind: 'pipeline',
          key: 'mot-cua',
          action: 'update',
          fields: ['source', 'enabled'],
        }),
        expect.objectContaining({
          kind: 'system',
          key: rows.systemCode,
          action: 'update',
          fields: ['name', 'securityLevel'],
        }),
        expect.objectContaining({ kind: 'source', action: 'update', fields: ['expectedIntervalSeconds'] }),
      ]),
    );
    expect((await sources.getSystem(ctx, rows.systemId)).securityLevel).toBe(2);
    expect((await sources.getSource(ctx, rows.sourceId)).expectedIntervalSeconds).toBeNull();
    const inputs = await t.services.soc.inputs.service.list(ctx);
    expect(inputs.find((i) => i.id === 'syslog-tcp')?.settings.charset).toBeUndefined();
    const restored = (await t.services.soc.pipelines.admin.list(ctx)).items.find(
      (x) => x.id === 'mot-cua' && x.origin === 'operator',
    );
    expect(restored).toMatchObject({ enabled: true, source: pipeline('mot-cua', 'ha-tang') });
    // Each change went through its part's own audit; the import adds its summary.
    const actions = (await searchAudit(t.platform.db, { limit: 20 })).map((e) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining(['soc.config.import', 'soc.pipeline.update', 'soc.input.update']),
    );

    const again = (await imported(doc)).json() as ImportResult;
    expect(again.changes).toEqual([]);
    expect(again.counts.system?.unchanged).toBeGreaterThan(0);
  });

  it('previews the changes of a file without making any (dryRun)', async () => {
    const doc = await exported();
    const edited: SocConfigDocument = {
      ...doc,
      systems: doc.systems.map((s) => (s.code === rows.systemCode ? { ...s, name: 'Tên trong tệp' } : s)),
    };
    const res = await imported(edited, true);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      dryRun: true,
      changes: [{ kind: 'system', key: rows.systemCode, action: 'update', fields: ['name'], reason: null }],
    });
    const ctx = systemCtx('test', ['soc.sources.read']);
    expect((await t.services.soc.sources.getSystem(ctx, rows.systemId)).name).not.toBe('Tên trong tệp');
  });

  it("creates another platform's systems, ranges and pipelines, finding units by identifier code", async () => {
    const doc: SocConfigDocument = {
      format: 'tinhso-soc-config',
      version: 1,
      exportedAt: new Date().toISOString(),
      inputs: [],
      pipelines: [{ id: 'van-thu', enabled: true, source: pipeline('van-thu', 'van-thu') }],
      systems: [
        {
          code: 'cong-dich-vu-cong',
          name: 'Cổng dịch vụ công',
          unitCode: p.health.code,
          securityLevel: 3,
          description: 'Nhận hồ sơ trực tuyến',
          ranges: [{ cidr: '198.51.100.0/26', description: 'Cụm máy chủ web' }],
        },
        {
          code: 'khong-co-don-vi',
          name: 'Hệ thống của đơn vị không có',
          unitCode: '000.00.99.Z98',
          securityLevel: 2,
          description: null,
          ranges: [],
        },
      ],
      sources: [
        {
          key: 'bulk|host:chua-gui-bao-gio',
          name: 'Chưa gửi',
          kind: 'host',
          unitCode: null,
          systemCode: null,
          expectedIntervalSeconds: 300,
          retentionDays: null,
        },
      ],
    };
    const result = (await imported(doc)).json() as ImportResult;
    expect(result.changes).toEqual([
      { kind: 'pipeline', key: 'van-thu', action: 'create', fields: [], reason: null },
      { kind: 'system', key: 'cong-dich-vu-cong', action: 'create', fields: [], reason: null },
      { kind: 'range', key: 'cong-dich-vu-cong/198.51.100.0/26', action: 'create', fields: [], reason: null },
      expect.objectContaining({ kind: 'system', key: 'khong-co-don-vi', action: 'skip' }),
      expect.objectContaining({ kind: 'source', key: 'bulk|host:chua-gui-bao-gio', action: 'skip' }),
    ]);
    const ctx = systemCtx('test', ['soc.sources.read']);
    const { items } = await t.services.soc.sources.listSystems(ctx, { q: 'cong-dich-vu-cong' });
    expect(items[0]).toMatchObject({ unitId: p.health.id, securityLevel: 3, ranges: 1 });
  });

  it('reads ranges as the registry stores them: a hand-edited 198.51.101.7/26 is 198.51.101.0/26, unchanged on re-import', async () => {
    const doc = (ranges: { cidr: string; description: string | null }[]): SocConfigDocument =>
      documentOf({
        systems: [
          {
            code: 'mot-cua',
            name: 'Một cửa',
            unitCode: p.health.code,
            securityLevel: 2,
            description: null,
            ranges,
          },
        ],
      });
    const first = (
      await imported(doc([{ cidr: ' 198.51.101.7/26', description: null }]))
    ).json() as ImportResult;
    expect(first.changes).toContainEqual(
      expect.objectContaining({ kind: 'range', key: 'mot-cua/198.51.101.0/26', action: 'create' }),
    );
    const again = (
      await imported(
        doc([
          { cidr: '198.51.101.63/26', description: null },
          { cidr: '198.51.101.300/26', description: null },
        ]),
      )
    ).json() as ImportResult;
    // The same network written another way is no change; a range that is not one is refused with why.
    expect(again.changes).toEqual([
      expect.objectContaining({ kind: 'range', key: 'mot-cua/198.51.101.300/26', action: 'error' }),
    ]);
    expect(again.counts.range).toMatchObject({ unchanged: 1, create: 0, error: 1 });
  });

  it('reports a system of a unit outside the actor’s scope as an error and applies the rest', async () => {
    const district = await loginAs(t, { roles: ['tech_admin'], scope: 'own', unitId: p.district.id });
    const doc = documentOf({
      systems: [
        {
          code: 'ngoai-pham-vi',
          name: 'Của Sở Y tế',
          unitCode: p.health.code,
          securityLevel: 2,
          description: null,
          ranges: [],
        },
        {
          code: 'cua-huyen',
          name: 'Của huyện',
          unitCode: p.district.code,
          securityLevel: 2,
          description: null,
          ranges: [],
        },
      ],
    });
    const result = (await imported(doc, false, district)).json() as ImportResult;
    expect(result.changes.map((c) => [c.key, c.action])).toEqual([
      ['ngoai-pham-vi', 'error'],
      ['cua-huyen', 'create'],
    ]);
    expect(result.changes[0]?.reason).toBeTruthy();
  });

  it('refuses a file that is not a SIEM configuration, and an actor without soc.config.write', async () => {
    const bad = await imported({ format: 'something-else', version: 1 });
    expect(bad.statusCode).toBe(400);
    const wrongKind = await imported({
      ...(await exported()),
      sources: [{ key: 'k', name: 'n', kind: 'toaster' }],
    });
    expect(wrongKind.statusCode).toBe(400);
    const reader = await loginAs(t, { roles: ['user'], scope: 'all' });
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/soc/config/export', headers: reader.headers }))
        .statusCode,
    ).toBe(403);
    expect((await imported(await exported(), false, reader)).statusCode).toBe(403);
  });
});
