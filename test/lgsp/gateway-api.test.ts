/**
 * The gateway through the real stack: registry (applications, keys, services, rights), authentication
 * service (signature, nonce once, session keys) and the SDK signing client, to a real destination; the
 * exchange record and access entry each call leaves (LGSP-17, LGSP-33, LGSP-37).
 */
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LgspClient, LgspError } from '../../sdk/src/index.ts';
import { systemCtx } from '../../src/core/context.ts';
import { queryRows, sql } from '../../src/core/db/index.ts';
import { hmacApplication, operator, restService } from '../../src/lgsp/registry/testing.ts';
import type { OrgUnit } from '../../src/org/index.ts';
import { createTestApp, type LoggedIn, loginAs, type TestApp } from '../helpers/app.ts';
import { startDestination } from './gateway-fakes.ts';

let t: TestApp;
let base: string;
let provider: OrgUnit;
let source: OrgUnit;
let dest: Awaited<ReturnType<typeof startDestination>>;
let serviceCode: string;
let client: LgspClient;
let sourceStaff: LoggedIn;

beforeAll(async () => {
  t = await createTestApp();
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  dest = await startDestination((req, res, body) => {
    res.setHeader('content-type', 'application/json');
    res.end(
      JSON.stringify({
        url: req.url,
        sourceUnit: req.headers['x-lgsp-source-unit'] ?? null,
        lgspHeaders: Object.keys(req.headers)
          .filter((h) => h.startsWith('x-lgsp-'))
          .sort(),
        body: body.toString(),
      }),
    );
  });
  const ctx = systemCtx();
  const root = await t.services.org.createUnit(ctx, {
    parentId: null,
    name: 'UBND tỉnh Cổng',
    code: '000.00.00.H96',
  });
  provider = await t.services.org.createUnit(ctx, { parentId: root.id, name: 'Sở Tư pháp' });
  source = await t.services.org.createUnit(ctx, { parentId: root.id, name: 'UBND huyện Một Cửa' });
  const registry = t.services.lgsp.registry.service;
  const op = operator();
  const providerApp = await hmacApplication(registry, provider, {}, op);
  const svc = await restService(
    registry,
    providerApp.app.id,
    { baseUrl: `${dest.url}/api`, allowedMethods: ['GET', 'POST'] },
    op,
  );
  serviceCode = svc.code;
  const sourceApp = await hmacApplication(registry, source, {}, op);
  await registry.setRight(op, sourceApp.app.id, svc.id, { operations: ['GET'] });
  client = new LgspClient({ baseUrl: base, accessKey: sourceApp.accessKey, secretKey: sourceApp.secretKey });
  sourceStaff = await loginAs(t, { roles: ['business_admin'], unitId: source.id });
});
afterAll(async () => {
  await t.close();
  await dest.close();
});

describe('gateway through the real stack', () => {
  it('forwards a call made with a session key (Article 10) to the destination', async () => {
    const res = await client.call(provider.code, serviceCode, { path: '/ho-so/42', query: { so: '7' } });
    expect(res.status).toBe(200);
    const json = (await res.json()) as { url: string; sourceUnit: string; lgspHeaders: string[] };
    expect(json.url).toBe('/api/ho-so/42?so=7');
    expect(json.sourceUnit).toBe(source.code);
    expect(json.lgspHeaders).toEqual([
      'x-lgsp-request-id',
      'x-lgsp-source-application',
      'x-lgsp-source-unit',
    ]);
  });

  it('forwards a signed call without a session key when the application holds the right (one-step)', async () => {
    const res = await client.signedFetch(base, { path: `/${provider.code}/${serviceCode}/tra-cuu` });
    expect(res.status).toBe(200);
  });

  it('refuses a method outside the right, and a replayed request', async () => {
    const post = await client.signedFetch(base, {
      method: 'POST',
      path: `/${provider.code}/${serviceCode}/ho-so`,
      body: '{"a":1}',
    });
    expect(post.status).toBe(403);
    expect(((await post.json()) as { code: string }).code).toBe('LGSP_OPERATION_NOT_ALLOWED');
    // The same signed request sent twice: the nonce is accepted once only.
    let first: Record<string, string> = {};
    const capture = new LgspClient({
      ...(client as unknown as { config: ConstructorParameters<typeof LgspClient>[0] }).config,
      fetch: async (url, init) => {
        first = { ...(init?.headers as Record<string, string>) };
        return fetch(url, init);
      },
    });
    const once = await capture.signedFetch(base, { path: `/${provider.code}/${serviceCode}/x` });
    expect(once.status).toBe(200);
    const again = await fetch(`${base}/${provider.code}/${serviceCode}/x`, { headers: first });
    expect(again.status).toBe(401);
    expect(((await again.json()) as { code: string }).code).toMatch(/^LGSP_/);
  });

  it('answers a service the unit does not have like one without a right (LGSP_ACCESS_DENIED)', async () => {
    await expect(client.call(provider.code, 'khong-co')).rejects.toBeInstanceOf(LgspError);
    const res = await client.signedFetch(base, { path: `/${provider.code}/khong-co/x` });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { code: string }).code).toBe('LGSP_ACCESS_DENIED');
  });

  it('leaves an exchange record the source unit can read, and an access entry (LGSP-33, LGSP-37)', async () => {
    const res = await client.signedFetch(base, {
      path: `/${provider.code}/${serviceCode}/ghi-nhan`,
      query: { cccd: '001099000001' },
    });
    const requestId = res.headers.get('x-lgsp-request-id')!;
    await t.services.lgsp.gateway.flush();
    await t.platform.accessLog.flush();
    const list = await t.app.inject({
      method: 'GET',
      url: '/api/lgsp/exchanges',
      headers: sourceStaff.headers,
    });
    const items = (
      list.json() as { items: { requestId: string; path: string; mode: string; sourceUnitCode: string }[] }
    ).items;
    const mine = items.find((i) => i.requestId === requestId);
    expect(mine).toMatchObject({ path: '/ghi-nhan', mode: 'one-step', sourceUnitCode: source.code });
    expect(JSON.stringify(items)).not.toContain('001099000001');
    const access = await queryRows<{ action: string; unit_id: string }>(
      t.platform.db,
      sql`select action, unit_id from audit_log where category = 'access' and request_id = ${requestId}`,
    );
    expect(access).toEqual([{ action: 'lgsp.exchange', unit_id: source.id }]);
  });
});
