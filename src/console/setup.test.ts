import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type LoggedIn, loginAs, type TestApp } from '../../test/helpers/app.ts';
import { systemCtx } from '../core/context.ts';
import { buildProvince, type Province } from '../org/testing.ts';

let t: TestApp;
let admin: LoggedIn;

beforeAll(async () => {
  t = await createTestApp();
  admin = await loginAs(t, { roles: ['tech_admin'], scope: 'all' });
});
afterAll(() => t.close());

async function setup() {
  const res = await t.app.inject({ method: 'GET', url: '/api/console/setup', headers: admin.headers });
  expect(res.statusCode).toBe(200);
  const body = res.json() as { provinceName: string; steps: { key: string; done: boolean }[]; done: number };
  return { ...body, step: (k: string) => body.steps.find((s) => s.key === k)?.done };
}

describe('first-run checklist', () => {
  it('marks each step done only after an administrator actually took it', async () => {
    const before = await setup();
    expect(before.step('province')).toBe(false);
    expect(before.step('org')).toBe(false);
    expect(before.step('policies')).toBe(false);
    expect(before.step('backup')).toBe(false);
    expect(before.step('accounts')).toBe(false); // only the administrator so far

    const named = await t.app.inject({
      method: 'PUT',
      url: '/api/console/province',
      headers: admin.headers,
      payload: { name: 'Tỉnh Thử Nghiệm' },
    });
    expect(named.statusCode).toBe(200);
    await buildProvince(t.services.org, systemCtx());
    await loginAs(t, { roles: ['user'] });
    const policy = await t.app.inject({
      method: 'PUT',
      url: '/api/iam/policies/session',
      headers: admin.headers,
      payload: { idleTimeoutMinutes: 20 },
    });
    expect(policy.statusCode).toBe(200);

    const after = await setup();
    expect(after.provinceName).toBe('Tỉnh Thử Nghiệm');
    expect(after.step('province')).toBe(true);
    expect(after.step('org')).toBe(true);
    expect(after.step('policies')).toBe(true);
    expect(after.step('accounts')).toBe(true);
    expect(after.done).toBeGreaterThanOrEqual(4);
  });

  it('naming the province is a configuration change in the audit log', async () => {
    await t.app.inject({
      method: 'PUT',
      url: '/api/console/province',
      headers: admin.headers,
      payload: { name: 'Tinh Kiem Tra' },
    });
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/audit/entries?category=config&q=T%C3%AAn%20t%E1%BB%89nh',
      headers: admin.headers,
    });
    expect(res.statusCode).toBe(200);
    const items = (res.json() as { items: { action: string }[] }).items;
    expect(items.some((e) => e.action === 'settings.platform.province.update')).toBe(true);
  });

  it('is refused to an ordinary user', async () => {
    const user = await loginAs(t, { roles: ['user'] });
    const res = await t.app.inject({ method: 'GET', url: '/api/console/setup', headers: user.headers });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('IAM_FORBIDDEN');
  });
});

describe('home summary', () => {
  let p: Province;
  beforeAll(async () => {
    p = await buildProvince(t.services.org, systemCtx());
  });

  it('counts only what the reader may see and charts the activity of their scope', async () => {
    const district = await loginAs(t, { roles: ['business_admin'], scope: 'subtree', unitId: p.district.id });
    const res = await t.app.inject({ method: 'GET', url: '/api/console/summary', headers: district.headers });
    expect(res.statusCode).toBe(200);
    const body = res.json() as { units: number; accounts: number; activity: { n: number }[] };
    expect(body.units).toBe(3); // the district and its two communes
    expect(body.accounts).toBe(1); // the district administrator alone
    expect(Array.isArray(body.activity)).toBe(true);
  });

  it('leaves out the figures a plain user has no permission for', async () => {
    const user = await loginAs(t, { roles: ['user'], unitId: p.finance.id });
    const res = await t.app.inject({ method: 'GET', url: '/api/console/summary', headers: user.headers });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ units: 1, accounts: null, activity: null });
  });
});
