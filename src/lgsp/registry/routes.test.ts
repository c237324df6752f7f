import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type LoggedIn, loginAs, type TestApp } from '../../../test/helpers/app.ts';
import { testDatabaseUrl } from '../../../test/helpers/db.ts';
import { systemCtx } from '../../core/context.ts';
import { queryRows, sql } from '../../core/db/index.ts';
import { buildProvince, type Province } from '../../org/testing.ts';
import type { ApplicationView, IssuedKeyView, KeyView, RightView, ServiceView } from './schema.ts';
import { freshCode, rsaKeys, selfSigned } from './testing.ts';

let t: TestApp;
let p: Province;
let admin: LoggedIn;
let districtAdmin: LoggedIn;
let reader: LoggedIn;

beforeAll(async () => {
  t = await createTestApp();
  p = await buildProvince(t.services.org, systemCtx());
  await t.services.iam.roles.save(systemCtx(), {
    id: 'lgsp_unit_admin',
    nameVi: 'Quản trị kết nối LGSP của đơn vị',
    nameEn: 'Unit LGSP administrator',
    permissions: [
      'org.read',
      'lgsp.registry.read',
      'lgsp.registry.write',
      'lgsp.keys.write',
      'lgsp.rights.write',
    ],
  });
  admin = await loginAs(t, { roles: ['tech_admin'], unitId: p.root.id, scope: 'all' });
  districtAdmin = await loginAs(t, { roles: ['lgsp_unit_admin'], unitId: p.district.id, scope: 'subtree' });
  reader = await loginAs(t, { roles: ['business_admin'], unitId: p.finance.id, scope: 'own' });
});
afterAll(() => t.close());

function call(
  who: LoggedIn,
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
  url: string,
  payload?: object,
) {
  return t.app.inject(
    payload === undefined
      ? { method, url, headers: who.headers }
      : { method, url, headers: who.headers, payload },
  );
}

async function createApp(who: LoggedIn, unitId: string, extra: object = {}): Promise<ApplicationView> {
  const res = await call(who, 'POST', '/api/lgsp/applications', {
    unitId,
    code: freshCode(),
    name: 'Hệ thống quản lý văn bản',
    kind: 'hmac',
    ...extra,
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as ApplicationView;
}

describe('applications and keys over HTTP (LGSP-21, LGSP-29, LGSP-32)', () => {
  it('creates an application, issues a key pair whose secret is shown once and never again', async () => {
    const app = await createApp(admin, p.finance.id, {
      allowedNetworks: ['10.20.0.0/16'],
      contact: { name: 'Trần Thị B', email: 'b@stc.gov.vn' },
    });
    expect(app).toMatchObject({ kind: 'hmac', allowedNetworks: ['10.20.0.0/16'], activeAccessKey: null });

    const issued = await call(admin, 'POST', `/api/lgsp/applications/${app.id}/keys`);
    expect(issued.statusCode, issued.body).toBe(201);
    expect(issued.headers['cache-control']).toBe('no-store');
    const { key, secretKey } = issued.json() as IssuedKeyView;
    expect(secretKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(key).toMatchObject({ status: 'active', kind: 'hmac' });

    for (const url of [
      `/api/lgsp/applications/${app.id}`,
      `/api/lgsp/applications/${app.id}/keys`,
      '/api/lgsp/applications',
      `/api/audit/entries?category=lgsp`,
    ]) {
      const res = await call(admin, 'GET', url);
      expect(res.statusCode, `${url} ${res.body}`).toBe(200);
      expect(res.body, url).not.toContain(secretKey!);
    }
    const keys = (await call(admin, 'GET', `/api/lgsp/applications/${app.id}/keys`)).json() as KeyView[];
    expect(keys.map((k) => k.accessKey)).toEqual([key.accessKey]);
    expect(Object.keys(keys[0]!)).not.toContain('secretKey');

    // At rest: sealed, not the secret.
    const [row] = await queryRows<{ secret_sealed: string }>(
      t.platform.db,
      sql`select secret_sealed from lgsp_keys where access_key = ${key.accessKey}`,
    );
    expect(row!.secret_sealed).not.toContain(secretKey!);

    const again = await call(admin, 'POST', `/api/lgsp/applications/${app.id}/keys`);
    expect(again.json()).toMatchObject({ code: 'LGSP_KEY_ACTIVE_EXISTS' });

    const rotated = await call(admin, 'POST', `/api/lgsp/applications/${app.id}/keys/rotate`, {
      reason: 'Đổi định kỳ',
    });
    expect(rotated.statusCode, rotated.body).toBe(201);
    const r = rotated.json() as IssuedKeyView;
    expect(r.replaced).toMatchObject({ accessKey: key.accessKey, status: 'rotated' });
    expect(r.secretKey).not.toBe(secretKey);

    const revoked = await call(admin, 'POST', `/api/lgsp/keys/${key.accessKey}/revoke`, {
      reason: 'Không dùng nữa',
    });
    expect(revoked.statusCode, revoked.body).toBe(200);
    expect(revoked.json()).toMatchObject({ status: 'revoked', revokedReason: 'Không dùng nữa' });
    expect((await t.services.lgsp.registry.lookup.credentialByAccessKey(key.accessKey))?.keyStatus).toBe(
      'revoked',
    );
  });

  it('refuses invalid input with codes', async () => {
    const bad = await call(admin, 'POST', '/api/lgsp/applications', {
      unitId: p.finance.id,
      code: freshCode(),
      name: 'X',
      kind: 'hmac',
      allowedNetworks: ['999.1.1.1/8'],
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'LGSP_NETWORK_INVALID' });
    const closedSchema = await call(admin, 'POST', '/api/lgsp/applications', {
      unitId: p.finance.id,
      code: freshCode(),
      name: 'X',
      kind: 'hmac',
      secret: 'mine',
    });
    expect(closedSchema.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
    const app = await createApp(admin, p.finance.id);
    const url = await call(admin, 'POST', '/api/lgsp/services', {
      applicationId: app.id,
      code: 'vanban',
      name: 'Văn bản',
      protocol: 'rest-json',
      baseUrl: 'file:///etc/passwd',
    });
    expect(url.json()).toMatchObject({ code: 'LGSP_SERVICE_URL_INVALID' });
    const timeout = await call(admin, 'POST', '/api/lgsp/services', {
      applicationId: app.id,
      code: 'vanban',
      name: 'Văn bản',
      protocol: 'rest-json',
      baseUrl: 'https://vb.local',
      timeoutMs: 50,
    });
    expect(timeout.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
    const revokeUnknown = await call(admin, 'POST', '/api/lgsp/keys/lgsp_zzzzzzzzzzzzzzzzzzzz/revoke', {
      reason: 'x',
    });
    expect(revokeUnknown.json()).toMatchObject({ code: 'LGSP_KEY_NOT_FOUND' });
  });

  it('registers an RSA certificate over HTTP, refusing an expired one', async () => {
    const app = await createApp(admin, p.health.id, { kind: 'rsa' });
    const keys = await rsaKeys();
    const now = t.clock.now.getTime();
    const good = await call(admin, 'POST', `/api/lgsp/applications/${app.id}/public-key`, {
      pem: await selfSigned(keys, new Date(now - 3_600_000), new Date(now + 86_400_000)),
    });
    expect(good.statusCode, good.body).toBe(201);
    expect(good.json()).toMatchObject({
      secretKey: null,
      key: { kind: 'rsa', keyBits: 2048, status: 'active' },
    });
    const expired = await call(admin, 'POST', `/api/lgsp/applications/${app.id}/public-key`, {
      pem: await selfSigned(keys, new Date(now - 86_400_000), new Date(now - 3_600_000)),
    });
    expect(expired.statusCode).toBe(400);
    expect(expired.json()).toMatchObject({ code: 'LGSP_CERTIFICATE_EXPIRED' });
  });
});

describe('scope isolation', () => {
  it('lets a unit administrator manage its subtree only; another unit’s rows answer NOT_FOUND', async () => {
    const own = await createApp(districtAdmin, p.communeA.id);
    const foreign = await createApp(admin, p.health.id);
    const refused = await call(districtAdmin, 'POST', '/api/lgsp/applications', {
      unitId: p.health.id,
      code: freshCode(),
      name: 'X',
      kind: 'hmac',
    });
    expect(refused.statusCode).toBe(404);

    const list = (await call(districtAdmin, 'GET', '/api/lgsp/applications?limit=500')).json() as {
      items: ApplicationView[];
    };
    expect(list.items.map((a) => a.id)).toContain(own.id);
    expect(list.items.map((a) => a.id)).not.toContain(foreign.id);
    for (const [method, url, body] of [
      ['GET', `/api/lgsp/applications/${foreign.id}`, undefined],
      ['PATCH', `/api/lgsp/applications/${foreign.id}`, { name: 'Đổi tên' }],
      ['POST', `/api/lgsp/applications/${foreign.id}/suspend`, {}],
      ['POST', `/api/lgsp/applications/${foreign.id}/keys`, undefined],
      ['GET', `/api/lgsp/applications/${foreign.id}/keys`, undefined],
    ] as const) {
      const res = await call(districtAdmin, method, url, body);
      expect(res.statusCode, `${method} ${url}`).toBe(404);
      expect(res.json(), `${method} ${url}`).toMatchObject({ code: 'LGSP_APPLICATION_NOT_FOUND' });
    }
    // Another unit's application reads exactly like one that does not exist (no id echoed either).
    const outside = await call(districtAdmin, 'GET', `/api/lgsp/applications/${foreign.id}`);
    const missing = await call(
      districtAdmin,
      'GET',
      '/api/lgsp/applications/00000000-0000-4000-8000-000000000404',
    );
    expect({ ...outside.json(), requestId: '' }).toEqual({ ...missing.json(), requestId: '' });
    expect(outside.body).not.toContain(foreign.id);
    // The foreign application is untouched.
    expect((await call(admin, 'GET', `/api/lgsp/applications/${foreign.id}`)).json()).toMatchObject({
      name: foreign.name,
      status: 'active',
      activeAccessKey: null,
    });
  });

  it('refuses writes to a reader (business administrator: lgsp.registry.read only)', async () => {
    const res = await call(reader, 'POST', '/api/lgsp/applications', {
      unitId: p.finance.id,
      code: freshCode(),
      name: 'X',
      kind: 'hmac',
    });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ code: 'IAM_FORBIDDEN' });
  });
});

describe('services, rights and directory over HTTP (LGSP-13, LGSP-30)', () => {
  it('registers a service, grants a right with history and matrix, and the directory finds it', async () => {
    const provider = await createApp(admin, p.communeB.id);
    const consumer = await createApp(admin, p.finance.id);
    const created = await call(admin, 'POST', '/api/lgsp/services', {
      applicationId: provider.id,
      code: 'khaisinh',
      name: 'Đăng ký khai sinh',
      protocol: 'rest-json',
      baseUrl: 'https://hotich.dongxa.local/api',
      healthPath: '/health',
      dataTypes: ['hộ tịch'],
      allowedMethods: ['GET', 'POST'],
    });
    expect(created.statusCode, created.body).toBe(201);
    const service = created.json() as ServiceView;
    expect(service).toMatchObject({ gatewayPath: `/${p.communeB.code}/khaisinh`, timeoutMs: 30_000 });

    // The district administrator (the provider's superior unit) grants the finance department's application.
    const granted = await call(districtAdmin, 'PUT', `/api/lgsp/rights/${consumer.id}/${service.id}`, {
      operations: ['GET'],
      reason: 'Văn bản 15/UBND',
    });
    expect(granted.statusCode, granted.body).toBe(200);
    expect(granted.json()).toMatchObject({
      operations: ['GET'],
      application: { id: consumer.id, unit: { id: p.finance.id } },
      service: { id: service.id, unit: { id: p.communeB.id } },
    } satisfies Partial<Record<keyof RightView, unknown>>);
    const tooMuch = await call(districtAdmin, 'PUT', `/api/lgsp/rights/${consumer.id}/${service.id}`, {
      operations: ['DELETE'],
    });
    expect(tooMuch.json()).toMatchObject({ code: 'LGSP_RIGHT_OPERATION_NOT_ALLOWED' });
    // A unit outside the provider's subtree cannot grant on its service.
    const foreignGrant = await call(reader, 'PUT', `/api/lgsp/rights/${consumer.id}/${service.id}`, {
      operations: ['GET'],
    });
    expect(foreignGrant.statusCode).toBe(403);

    const revoked = await call(districtAdmin, 'DELETE', `/api/lgsp/rights/${consumer.id}/${service.id}`, {
      reason: 'Hết hạn thỏa thuận',
    });
    expect(revoked.statusCode, revoked.body).toBe(204);
    const history = (await call(admin, 'GET', `/api/lgsp/rights/history?serviceId=${service.id}`)).json() as {
      items: { action: string; reason: string }[];
    };
    expect(history.items.map((h) => [h.action, h.reason])).toEqual([
      ['revoke', 'Hết hạn thỏa thuận'],
      ['grant', 'Văn bản 15/UBND'],
    ]);
    await call(districtAdmin, 'PUT', `/api/lgsp/rights/${consumer.id}/${service.id}`, {
      operations: ['GET', 'POST'],
    });
    const matrix = await call(admin, 'GET', `/api/lgsp/rights/matrix?unitId=${p.communeB.id}`);
    expect(matrix.statusCode, matrix.body).toBe(200);
    expect(matrix.json().cells).toEqual([
      { applicationId: consumer.id, serviceId: service.id, operations: ['GET', 'POST'] },
    ]);

    // Any holder of lgsp.registry.read finds the service, whatever its scope, without key material.
    const found = await call(
      reader,
      'GET',
      `/api/lgsp/directory?q=${encodeURIComponent('dang ky khai sinh')}`,
    );
    expect(found.statusCode, found.body).toBe(200);
    const items = found.json().items as { serviceId: string; gatewayPath: string }[];
    expect(items.find((i) => i.serviceId === service.id)?.gatewayPath).toBe(`/${p.communeB.code}/khaisinh`);
    expect(found.body).not.toMatch(/lgsp_[a-z2-7]{20}|secret|hotich\.dongxa\.local/);
    const byType = await call(reader, 'GET', `/api/lgsp/directory?dataType=${encodeURIComponent('Hộ tịch')}`);
    expect((byType.json().items as { serviceId: string }[]).map((i) => i.serviceId)).toContain(service.id);

    const units = await call(admin, 'GET', '/api/lgsp/units?limit=500');
    expect(units.statusCode, units.body).toBe(200);
    const unitIds = (units.json().items as { unit: { id: string } }[]).map((u) => u.unit.id);
    expect(unitIds).toEqual(expect.arrayContaining([p.communeB.id, p.finance.id]));
  });
});

describe.skipIf(!testDatabaseUrl)('two nodes on one PostgreSQL database', () => {
  it('refuses a revoked key at once on the other node (bus invalidation, not the TTL)', async () => {
    const masterKey = randomBytes(32).toString('hex');
    const a = await createTestApp({ 'database.url': testDatabaseUrl, 'security.masterKey': masterKey });
    const b = await createTestApp(
      { 'database.url': testDatabaseUrl, 'security.masterKey': masterKey },
      a.platform.database,
    );
    try {
      await a.services.bus.ready();
      await b.services.bus.ready();
      const q = await buildProvince(a.services.org, systemCtx());
      const svcA = a.services.lgsp.registry.service;
      const appView = await svcA.createApplication(systemCtx('test', ['lgsp.registry.write']), {
        unitId: q.finance.id,
        code: freshCode(),
        name: 'Ứng dụng hai máy',
        kind: 'hmac',
      });
      const { key, secretKey } = await svcA.issueKey(systemCtx(), appView.id);
      // Node B decrypts the secret with the shared master key, and now holds it in its cache.
      const warm = await b.services.lgsp.registry.lookup.credentialByAccessKey(key.accessKey);
      expect(warm?.keyStatus).toBe('active');
      expect(warm?.secret?.toString()).toBe(secretKey);

      // A's earlier announcements (application, key) may reach B while it loads, and a load a change
      // overtakes is not kept: wait until B answers from memory, so the revocation has a cache to clear.
      const nodeB = b.services.lgsp.registry;
      await expect
        .poll(
          async () => {
            const before = nodeB.stats().misses;
            await nodeB.lookup.credentialByAccessKey(key.accessKey);
            return nodeB.stats().misses === before;
          },
          { timeout: 3000, interval: 50 },
        )
        .toBe(true);
      const heard: string[] = [];
      nodeB.lookup.onChange((c) => heard.push(`${c.kind}:${c.id}`));
      await svcA.revokeKey(systemCtx(), key.accessKey, { reason: 'Lộ khóa' });
      // The clocks do not move: without the bus, B would answer from its cache for the whole TTL.
      await expect
        .poll(
          async () => (await b.services.lgsp.registry.lookup.credentialByAccessKey(key.accessKey))?.keyStatus,
          {
            timeout: 3000,
            interval: 20,
          },
        )
        .toBe('revoked');
      expect(heard).toContain(`key:${key.accessKey}`);
    } finally {
      await b.close();
      await a.close();
    }
  });
});
