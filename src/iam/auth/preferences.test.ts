import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type LoggedIn, login, loginAs, type TestApp } from '../../../test/helpers/app.ts';
import { createTestDatabase } from '../../../test/helpers/db.ts';
import { searchAudit } from '../../core/audit/index.ts';
import { systemCtx } from '../../core/context.ts';
import { buildProvince, type Province } from '../../org/testing.ts';
import { passwordPolicySetting } from '../policies/schema.ts';

let t: TestApp;
let p: Province;
beforeAll(async () => {
  t = await createTestApp();
  p = await buildProvince(t.services.org, systemCtx());
});
afterAll(() => t.close());

const me = (who: { headers: LoggedIn['headers'] }) =>
  t.app.inject({ method: 'GET', url: '/api/iam/auth/me', headers: who.headers });
const setPreferences = (who: { headers: Record<string, string> }, payload: unknown, app = t) =>
  app.app.inject({
    method: 'PATCH',
    url: '/api/iam/auth/me/preferences',
    headers: who.headers,
    payload: payload as object,
  });

describe('GET /api/iam/auth/me', () => {
  it("adds the user's full name, unit, theme and password expiry to the fields it had", async () => {
    const u = await loginAs(t, { unitId: p.finance.id, scope: 'own' });
    const res = await me(u);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({
      id: u.accountId,
      username: u.username,
      unitId: p.finance.id,
      scope: 'own',
      permissions: ['org.read'],
      stage: 'full',
      csrfToken: u.headers['x-csrf-token'],
      lang: 'vi',
      idleTimeoutMinutes: 15,
      fullName: expect.stringMatching(/^Người dùng \d+$/),
      theme: 'light',
      unitName: 'Sở Tài chính',
      unitCode: p.finance.code,
    });
    // The password was just changed; the default policy keeps it valid for 180 days.
    const account = await t.services.iam.accounts.get(systemCtx(), u.accountId);
    expect(body.passwordExpiresAt).toBe(
      new Date(Date.parse(account.passwordChangedAt) + 180 * 86_400_000).toISOString(),
    );
  });

  it('gives no unit for an account outside every unit, and no expiry when the policy sets none', async () => {
    const u = await loginAs(t, { unitId: null, scope: 'all', roles: ['tech_admin'] });
    const policy = await t.platform.settings.get(passwordPolicySetting);
    await t.platform.db.transaction((tx) =>
      t.platform.settings.set(tx, systemCtx(), passwordPolicySetting, { ...policy, validityDays: 0 }),
    );
    t.platform.settings.invalidate();
    try {
      expect((await me(u)).json()).toMatchObject({ unitName: null, unitCode: null, passwordExpiresAt: null });
    } finally {
      await t.platform.db.transaction((tx) =>
        t.platform.settings.set(tx, systemCtx(), passwordPolicySetting, policy),
      );
      t.platform.settings.invalidate();
    }
  });
});

describe('PATCH /api/iam/auth/me/preferences', () => {
  it('remembers the theme and language across logins, and audits the change', async () => {
    const u = await loginAs(t, { unitId: p.health.id });
    const res = await setPreferences(u, { theme: 'dark' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ lang: 'vi', theme: 'dark' });
    expect((await setPreferences(u, { lang: 'en' })).json()).toEqual({ lang: 'en', theme: 'dark' });

    const again = await login(t, u.username, u.password);
    expect((await me(again)).json()).toMatchObject({ lang: 'en', theme: 'dark' });
    const [entry] = await searchAudit(t.platform.db, { categories: ['account'], text: 'tùy chọn', limit: 50 })
      .then((all) => all.filter((e) => e.targetId === u.accountId))
      .then((mine) => mine.slice(0, 1));
    expect(entry).toMatchObject({ action: 'iam.account.preferences', unitId: p.health.id });
  });

  it('serves the new language at once on the node that changed it, despite the session cache', async () => {
    const u = await loginAs(t);
    // Warm the cache: the session is now trusted for 2 s without reading the database.
    expect((await me(u)).json().lang).toBe('vi');
    expect((await setPreferences(u, { lang: 'en' })).statusCode).toBe(200);
    expect((await me(u)).json().lang).toBe('en');
    expect((await setPreferences(u, { lang: 'vi' })).statusCode).toBe(200);
    expect((await me(u)).json().lang).toBe('vi');
  });

  it('reaches another node within the session cache time', async () => {
    const database = await createTestDatabase();
    const nodeA = await createTestApp({}, database);
    const nodeB = await createTestApp({}, database);
    try {
      const u = await loginAs(nodeA);
      const onB = () => nodeB.app.inject({ method: 'GET', url: '/api/iam/auth/me', headers: u.headers });
      expect((await onB()).json().lang).toBe('vi');
      expect((await setPreferences(u, { lang: 'en' }, nodeA)).statusCode).toBe(200);
      nodeB.clock.advance(2_001);
      expect((await onB()).json().lang).toBe('en');
    } finally {
      await nodeA.close();
      await nodeB.close();
      await database.close();
    }
  });

  it('refuses a request without the CSRF token, an empty or unknown value, and an API token', async () => {
    const u = await loginAs(t);
    const noCsrf = await setPreferences({ headers: { cookie: u.headers.cookie } }, { theme: 'dark' });
    expect(noCsrf.statusCode).toBe(403);
    expect(noCsrf.json().code).toBe('CSRF_TOKEN_INVALID');
    for (const body of [{}, { theme: 'blue' }, { lang: 'fr' }, { theme: 'dark', font: 'large' }]) {
      const res = await setPreferences(u, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().code).toBe('VALIDATION_FAILED');
    }
    const token = await t.app.inject({
      method: 'POST',
      url: '/api/iam/me/tokens',
      headers: u.headers,
      payload: { name: 'Máy chủ' },
    });
    const bearer = { headers: { authorization: `Bearer ${token.json().token}` } };
    const res = await setPreferences(bearer, { theme: 'dark' });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('IAM_FORBIDDEN');
    expect((await me(u)).json().theme).toBe('light');
  });

  it('is refused before the first-login password change', async () => {
    const { account, oneTimePassword } = await t.services.iam.accounts.create(systemCtx(), {
      username: `moi.${process.pid}`,
      fullName: 'Lê Văn Mới',
      unitId: null,
    });
    const first = await login(t, account.username, oneTimePassword);
    expect(first.stage).toBe('password_change');
    const res = await setPreferences(first, { theme: 'dark' });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('IAM_PASSWORD_CHANGE_REQUIRED');
    // The current user is still readable in that stage, with the new fields.
    expect((await me(first)).json()).toMatchObject({ stage: 'password_change', fullName: 'Lê Văn Mới' });
  });
});
