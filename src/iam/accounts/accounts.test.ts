/**
 * SEC-01 and SEC-09: the account management API (create with a one-time password, list and search,
 * edit, lock, disable, reset), per-account grants, data scope by organisation unit, and the audit
 * trail of every change.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestApp,
  type LoggedIn,
  login,
  loginAs,
  sessionHeaders,
  type TestApp,
} from '../../../test/helpers/app.ts';
import { searchAudit } from '../../core/audit/index.ts';
import { systemCtx } from '../../core/context.ts';
import { sql } from '../../core/db/index.ts';
import { buildProvince, type Province } from '../../org/testing.ts';
import type { AccountView } from './schema.ts';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

function call(who: LoggedIn, method: Method, url: string, payload?: object) {
  return t.app.inject({ method, url, headers: who.headers, ...(payload === undefined ? {} : { payload }) });
}

let seq = 0;
const uniq = (prefix = 'tk') => `${prefix}${process.pid}a${++seq}`;

/** Creates an account as the platform (not through the API under test). */
async function seed(
  options: {
    unitId?: string | null;
    fullName?: string;
    roles?: string[];
    scope?: 'own' | 'subtree' | 'all';
  } = {},
) {
  const username = uniq();
  const { account } = await t.services.iam.accounts.create(systemCtx(), {
    username,
    fullName: options.fullName ?? 'Hoàng Thị Lan',
    unitId: options.unitId ?? null,
    roles: options.roles ?? ['user'],
    scope: options.scope ?? 'own',
  });
  return account;
}

const view = (id: string) => t.services.iam.accounts.get(systemCtx(), id);

/** The permissions the gate sees for `who`, after the 2-second session cache has expired. */
async function permissionsOf(who: LoggedIn): Promise<string[]> {
  t.clock.advance(3000);
  const me = await call(who, 'GET', '/api/iam/auth/me');
  expect(me.statusCode).toBe(200);
  return me.json().permissions;
}

async function countAccounts(): Promise<number> {
  const result = (await t.platform.db.execute(
    sql`select count(*)::int as n from iam_accounts`,
  )) as unknown as {
    rows: { n: number }[];
  };
  return result.rows[0]!.n;
}

let t: TestApp;
let p: Province;
let admin: LoggedIn;

beforeAll(async () => {
  t = await createTestApp();
  p = await buildProvince(t.services.org, systemCtx());
  admin = await loginAs(t, { roles: ['tech_admin'], unitId: p.root.id, scope: 'all' });
});
afterAll(() => t.close());

describe('POST /api/iam/accounts', () => {
  it('creates an account and returns its one-time password once', async () => {
    const username = `Tran.Binh${process.pid}`;
    const res = await call(admin, 'POST', '/api/iam/accounts', {
      username,
      fullName: 'Trần Thị Bình',
      email: 'binh@soyte.gov.vn',
      unitId: p.health.id,
    });
    expect(res.statusCode).toBe(201);
    const { account, oneTimePassword } = res.json() as { account: AccountView; oneTimePassword: string };
    expect(account).toMatchObject({
      username: username.toLowerCase(),
      fullName: 'Trần Thị Bình',
      email: 'binh@soyte.gov.vn',
      unitId: p.health.id,
      scope: 'own',
      status: 'active',
      mustChangePassword: true,
      totpEnabled: false,
      roles: ['user'],
      grants: [],
      lastLoginAt: null,
    });
    expect(Object.keys(account)).not.toEqual(expect.arrayContaining(['passwordHash']));
    expect(res.body).not.toMatch(/argon2|passwordHash|totpSecret/);
    expect(oneTimePassword.length).toBeGreaterThanOrEqual(12);
    expect(oneTimePassword).toMatch(/[a-z]/);
    expect(oneTimePassword).toMatch(/[A-Z]/);
    expect(oneTimePassword).toMatch(/[0-9]/);

    // Never shown again: not by GET, not in the list, not stored in clear.
    const again = await call(admin, 'GET', `/api/iam/accounts/${account.id}`);
    expect(again.statusCode).toBe(200);
    expect(again.body).not.toContain(oneTimePassword);
    expect(again.json()).not.toHaveProperty('oneTimePassword');
    const list = await call(admin, 'GET', `/api/iam/accounts?unitId=${p.health.id}`);
    expect(list.body).not.toContain(oneTimePassword);
    const stored = (await t.platform.db.execute(
      sql`select password_hash from iam_accounts where id = ${account.id}`,
    )) as unknown as { rows: { password_hash: string }[] };
    expect(stored.rows[0]!.password_hash).not.toContain(oneTimePassword);
  });

  it('makes the new user change the one-time password at first login (SEC-01, SEC-03 a)', async () => {
    const username = uniq('moi');
    const res = await call(admin, 'POST', '/api/iam/accounts', { username, fullName: 'Vũ Minh Khoa' });
    const { account, oneTimePassword } = res.json() as { account: AccountView; oneTimePassword: string };
    const first = await t.app.inject({
      method: 'POST',
      url: '/api/iam/auth/login',
      payload: { username, password: oneTimePassword },
    });
    expect(first.json()).toMatchObject({ stage: 'password_change', reason: 'first_login' });
    const session = (await login(t, username, oneTimePassword)).headers;
    const blocked = await t.app.inject({ method: 'GET', url: '/api/org/units', headers: session });
    expect(blocked.statusCode).toBe(403);
    expect(blocked.json().code).toBe('IAM_PASSWORD_CHANGE_REQUIRED');
    const changed = await t.app.inject({
      method: 'POST',
      url: '/api/iam/auth/change-password',
      headers: session,
      payload: { currentPassword: oneTimePassword, newPassword: 'Khoa-Mật-Khẩu-2026!' },
    });
    expect(changed.statusCode).toBe(200);
    const renewed = sessionHeaders(changed);
    expect((await t.app.inject({ method: 'GET', url: '/api/org/units', headers: renewed })).statusCode).toBe(
      200,
    );
    expect((await view(account.id)).mustChangePassword).toBe(false);
  });

  it('requires authentication (SEC-01)', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/iam/accounts',
      payload: { username: uniq(), fullName: 'Ẩn Danh' },
    });
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('IAM_UNAUTHENTICATED');
    const list = await t.app.inject({ method: 'GET', url: '/api/iam/accounts' });
    expect(list.json().code).toBe('IAM_UNAUTHENTICATED');
  });

  it('refuses invalid input with field errors, and writes nothing', async () => {
    const before = await countAccounts();
    const cases: [object, number, string][] = [
      [{ fullName: 'Không Tên' }, 400, 'VALIDATION_FAILED'],
      [{ username: 'có dấu', fullName: 'X' }, 400, 'VALIDATION_FAILED'],
      [{ username: uniq(), fullName: '' }, 400, 'VALIDATION_FAILED'],
      [{ username: uniq(), fullName: '   ' }, 400, 'VALIDATION_FAILED'],
      [{ username: uniq(), fullName: 'Lê Văn\nTám' }, 400, 'VALIDATION_FAILED'],
      [{ username: uniq(), fullName: 'Lê\ud800Văn' }, 400, 'VALIDATION_FAILED'],
      // A right-to-left override would show "Lê X\u202Egnp.exe" as "Lê Xexe.png"; a zero-width space hides.
      [{ username: uniq(), fullName: 'Lê X\u202Egnp.exe' }, 400, 'VALIDATION_FAILED'],
      [{ username: uniq(), fullName: 'Lê\u200BVăn' }, 400, 'VALIDATION_FAILED'],
      [{ username: uniq(), fullName: 'X', email: 'không-phải-email' }, 400, 'VALIDATION_FAILED'],
      [{ username: uniq(), fullName: 'X', scope: 'everything' }, 400, 'VALIDATION_FAILED'],
      [{ username: uniq(), fullName: 'X', password: 'tự đặt' }, 400, 'VALIDATION_FAILED'],
      [{ username: uniq(), fullName: 'X', roles: ['khong_ton_tai'] }, 400, 'VALIDATION_FAILED'],
      [{ username: uniq(), fullName: 'X', unitId: randomUUID() }, 404, 'NOT_FOUND'],
    ];
    for (const [payload, status, code] of cases) {
      const res = await call(admin, 'POST', '/api/iam/accounts', payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(status);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json().code).toBe(code);
      if (status === 400 && !('roles' in payload)) expect(res.json().errors.length).toBeGreaterThan(0);
    }
    expect(await countAccounts()).toBe(before);
  });

  it('refuses a username already taken, whatever its case (409)', async () => {
    const username = uniq('trung');
    expect((await call(admin, 'POST', '/api/iam/accounts', { username, fullName: 'A' })).statusCode).toBe(
      201,
    );
    const dup = await call(admin, 'POST', '/api/iam/accounts', {
      username: username.toUpperCase(),
      fullName: 'B',
    });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().code).toBe('IAM_USERNAME_TAKEN');
    expect(dup.json().title).toContain(username);
  });

  it('lets only one of two simultaneous requests for a username succeed; the other gets 409', async () => {
    const username = uniq('cung');
    const before = await countAccounts();
    const results = await Promise.all(
      [username, username.toUpperCase(), username].map((u) =>
        call(admin, 'POST', '/api/iam/accounts', { username: u, fullName: 'Đồng Thời' }),
      ),
    );
    expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409, 409]);
    for (const r of results.filter((x) => x.statusCode === 409))
      expect(r.json().code).toBe('IAM_USERNAME_TAKEN');
    expect(await countAccounts()).toBe(before + 1);
  });

  it('trims the full name and stores it in NFC', async () => {
    const res = await call(admin, 'POST', '/api/iam/accounts', {
      username: uniq(),
      fullName: `  ${'Nguyễn Thị Ánh Tuyết'.normalize('NFD')}  `,
    });
    expect(res.statusCode).toBe(201);
    expect(res.json().account.fullName).toBe('Nguyễn Thị Ánh Tuyết'.normalize('NFC'));
  });
});

describe('GET /api/iam/accounts', () => {
  it('finds full names without diacritics, in any case or normalisation form', async () => {
    const q = await buildProvince(t.services.org, systemCtx());
    const duc = await seed({ unitId: q.health.id, fullName: 'Nguyễn Văn Đức' });
    await seed({ unitId: q.health.id, fullName: 'Nguyễn Thị Mai' });
    const search = async (text: string) => {
      const res = await call(
        admin,
        'GET',
        `/api/iam/accounts?unitId=${q.health.id}&q=${encodeURIComponent(text)}`,
      );
      expect(res.statusCode).toBe(200);
      return (res.json() as { items: AccountView[] }).items.map((a) => a.fullName);
    };
    for (const text of [
      'nguyen van duc',
      'NGUYEN VAN DUC',
      'Nguyễn Văn Đức',
      'Nguyễn Văn Đức'.normalize('NFD'),
      'van  duc',
      'đức',
      'duc',
    ]) {
      expect(await search(text), text).toEqual(['Nguyễn Văn Đức']);
    }
    expect((await search('nguyen')).sort()).toEqual(['Nguyễn Thị Mai', 'Nguyễn Văn Đức']);
    expect(await search(duc.username)).toEqual(['Nguyễn Văn Đức']);
    expect(await search('%')).toEqual([]);
    expect(await search('nguyen_van')).toEqual([]);
  });

  it('pages and sorts', async () => {
    const q = await buildProvince(t.services.org, systemCtx());
    const names = ['Giang Thu', 'An Nhiên', 'Dũng Tiến', 'Bình Minh', 'Chi Lan'];
    for (const fullName of names) await seed({ unitId: q.finance.id, fullName });
    const page = async (query: string) => {
      const res = await call(admin, 'GET', `/api/iam/accounts?unitId=${q.finance.id}&${query}`);
      expect(res.statusCode).toBe(200);
      return res.json() as { items: AccountView[]; total: number };
    };
    const sorted = [...names].sort();
    const pages = [
      await page('sort=fullName&limit=2&offset=0'),
      await page('sort=fullName&limit=2&offset=2'),
      await page('sort=fullName&limit=2&offset=4'),
    ];
    expect(pages.map((x) => x.total)).toEqual([5, 5, 5]);
    expect(pages.map((x) => x.items.length)).toEqual([2, 2, 1]);
    expect(pages.flatMap((x) => x.items.map((a) => a.fullName))).toEqual(sorted);
    const desc = await page('sort=fullName&order=desc');
    expect(desc.items.map((a) => a.fullName)).toEqual([...sorted].reverse());
    const byUsername = (await page('')).items.map((a) => a.username);
    expect(byUsername).toEqual([...byUsername].sort());
    expect((await page('offset=10')).items).toEqual([]);
    for (const bad of [
      'limit=0',
      'limit=501',
      'offset=-1',
      'sort=password',
      'order=up',
      'status=gone',
      'unitId=abc',
      'extra=1',
    ]) {
      const res = await call(admin, 'GET', `/api/iam/accounts?${bad}`);
      expect(res.statusCode, bad).toBe(400);
      expect(res.json().code).toBe('VALIDATION_FAILED');
    }
  });

  it('filters by unit, status and role', async () => {
    const q = await buildProvince(t.services.org, systemCtx());
    const plain = await seed({ unitId: q.communeA.id });
    const boss = await seed({ unitId: q.communeA.id, roles: ['business_admin'] });
    const elsewhere = await seed({ unitId: q.communeB.id });
    await t.services.iam.accounts.setStatus(systemCtx(), plain.id, 'lock', 'nghỉ phép');
    const ids = async (query: string) =>
      ((await call(admin, 'GET', `/api/iam/accounts?${query}`)).json() as { items: AccountView[] }).items.map(
        (a) => a.id,
      );
    expect((await ids(`unitId=${q.communeA.id}`)).sort()).toEqual([plain.id, boss.id].sort());
    expect(await ids(`unitId=${q.communeA.id}&status=locked`)).toEqual([plain.id]);
    expect(await ids(`unitId=${q.communeA.id}&status=active`)).toEqual([boss.id]);
    expect(await ids(`unitId=${q.communeA.id}&role=business_admin`)).toEqual([boss.id]);
    expect(await ids(`unitId=${q.communeB.id}`)).toEqual([elsewhere.id]);
  });
});

describe('GET /api/iam/accounts/:id', () => {
  it('returns the account, or NOT_FOUND for an unknown id and 400 for a malformed one', async () => {
    const a = await seed({ unitId: p.finance.id, fullName: 'Đặng Quốc Huy' });
    const res = await call(admin, 'GET', `/api/iam/accounts/${a.id}`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual(a);
    const unknown = await call(admin, 'GET', `/api/iam/accounts/${randomUUID()}`);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe('NOT_FOUND');
    const malformed = await call(admin, 'GET', '/api/iam/accounts/123');
    expect(malformed.statusCode).toBe(400);
  });
});

describe('PATCH /api/iam/accounts/:id', () => {
  it('edits name, e-mail, unit, scope and language, storing names in NFC and keeping search in step', async () => {
    const a = await seed({ unitId: p.finance.id, fullName: 'Lý Văn Tám' });
    const res = await call(admin, 'PATCH', `/api/iam/accounts/${a.id}`, {
      fullName: 'Lý Thị Thủy'.normalize('NFD'),
      email: 'thuy@taichinh.gov.vn',
      unitId: p.health.id,
      scope: 'subtree',
      lang: 'en',
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      fullName: 'Lý Thị Thủy'.normalize('NFC'),
      email: 'thuy@taichinh.gov.vn',
      unitId: p.health.id,
      scope: 'subtree',
      lang: 'en',
    });
    const find = async (text: string) =>
      (
        (
          await call(admin, 'GET', `/api/iam/accounts?q=${encodeURIComponent(text)}&unitId=${p.health.id}`)
        ).json() as {
          items: AccountView[];
        }
      ).items.map((x) => x.id);
    expect(await find('ly thi thuy')).toContain(a.id);
    expect(await find('ly van tam')).not.toContain(a.id);
    const cleared = await call(admin, 'PATCH', `/api/iam/accounts/${a.id}`, { email: null });
    expect(cleared.json().email).toBeNull();
  });

  it('refuses an empty patch, unknown fields and a username change', async () => {
    const a = await seed();
    for (const payload of [
      {},
      { username: 'doi-ten' },
      { status: 'active' },
      { roles: ['tech_admin'] },
      { fullName: '' },
    ]) {
      const res = await call(admin, 'PATCH', `/api/iam/accounts/${a.id}`, payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().code).toBe('VALIDATION_FAILED');
    }
    expect(await view(a.id)).toEqual(a);
  });
});

describe('POST /api/iam/accounts/:id/status', () => {
  it('locks an account: its sessions end at once and login is refused until unlocked', async () => {
    const u = await loginAs(t, { unitId: p.finance.id });
    expect((await call(u, 'GET', '/api/iam/auth/me')).statusCode).toBe(200);
    const lock = await call(admin, 'POST', `/api/iam/accounts/${u.accountId}/status`, {
      action: 'lock',
      reason: 'Nghi lộ mật khẩu',
    });
    expect(lock.statusCode).toBe(200);
    expect(lock.json()).toMatchObject({ status: 'locked', statusReason: 'Nghi lộ mật khẩu' });
    const after = await call(u, 'GET', '/api/iam/auth/me');
    expect(after.statusCode).toBe(401);
    const refused = await t.app.inject({
      method: 'POST',
      url: '/api/iam/auth/login',
      payload: { username: u.username, password: u.password },
    });
    expect(refused.statusCode).toBe(423);
    expect(refused.json().code).toBe('IAM_ACCOUNT_LOCKED');

    const unlock = await call(admin, 'POST', `/api/iam/accounts/${u.accountId}/status`, { action: 'unlock' });
    expect(unlock.json()).toMatchObject({ status: 'active', statusReason: null });
    expect((await login(t, u.username, u.password)).stage).toBe('full');
  });

  it('disables an account: login answers IAM_ACCOUNT_DISABLED even with the right password', async () => {
    const u = await loginAs(t, { unitId: p.finance.id });
    const disable = await call(admin, 'POST', `/api/iam/accounts/${u.accountId}/status`, {
      action: 'disable',
    });
    expect(disable.json().status).toBe('disabled');
    expect((await call(u, 'GET', '/api/iam/auth/me')).statusCode).toBe(401);
    for (const password of [u.password, 'sai']) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/iam/auth/login',
        payload: { username: u.username, password },
      });
      expect(res.statusCode).toBe(423);
      expect(res.json().code).toBe('IAM_ACCOUNT_DISABLED');
    }
    const enable = await call(admin, 'POST', `/api/iam/accounts/${u.accountId}/status`, { action: 'enable' });
    expect(enable.json().status).toBe('active');
    expect((await login(t, u.username, u.password)).stage).toBe('full');
  });

  it('refuses unknown actions and locking one’s own account', async () => {
    const a = await seed();
    const bad = await call(admin, 'POST', `/api/iam/accounts/${a.id}/status`, { action: 'explode' });
    expect(bad.statusCode).toBe(400);
    const long = await call(admin, 'POST', `/api/iam/accounts/${a.id}/status`, {
      action: 'lock',
      reason: 'x'.repeat(501),
    });
    expect(long.statusCode).toBe(400);
    const self = await call(admin, 'POST', `/api/iam/accounts/${admin.accountId}/status`, { action: 'lock' });
    expect(self.statusCode).toBe(409);
    expect((await view(a.id)).status).toBe('active');
  });
});

describe('POST /api/iam/accounts/:id/reset-password', () => {
  it('replaces the password with a one-time one, ends sessions and forces a change', async () => {
    const u = await loginAs(t, { unitId: p.finance.id });
    const res = await call(admin, 'POST', `/api/iam/accounts/${u.accountId}/reset-password`);
    expect(res.statusCode).toBe(200);
    const { oneTimePassword } = res.json();
    expect(Object.keys(res.json())).toEqual(['oneTimePassword']);
    expect((await call(u, 'GET', '/api/iam/auth/me')).statusCode).toBe(401);
    const old = await t.app.inject({
      method: 'POST',
      url: '/api/iam/auth/login',
      payload: { username: u.username, password: u.password },
    });
    expect(old.json().code).toBe('IAM_INVALID_CREDENTIALS');
    expect((await login(t, u.username, oneTimePassword)).stage).toBe('password_change');
    expect((await view(u.accountId)).mustChangePassword).toBe(true);
  });

  it('unlocks a locked account', async () => {
    const a = await seed();
    await call(admin, 'POST', `/api/iam/accounts/${a.id}/status`, { action: 'lock' });
    const res = await call(admin, 'POST', `/api/iam/accounts/${a.id}/reset-password`);
    expect(res.statusCode).toBe(200);
    expect((await view(a.id)).status).toBe('active');
    expect((await login(t, a.username, res.json().oneTimePassword)).stage).toBe('password_change');
  });
});

describe('PUT /api/iam/accounts/:id/grants (SEC-09)', () => {
  it('an allow grant adds a permission beyond the roles, at the gate and in /auth/me', async () => {
    const u = await loginAs(t, { unitId: p.finance.id });
    expect((await call(u, 'GET', '/api/iam/accounts')).json().code).toBe('IAM_FORBIDDEN');
    const res = await call(admin, 'PUT', `/api/iam/accounts/${u.accountId}/grants`, {
      grants: [{ permission: 'iam.account.read', effect: 'allow' }],
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      roles: ['user'],
      grants: [{ permission: 'iam.account.read', effect: 'allow' }],
    });
    expect((await permissionsOf(u)).sort()).toEqual(['iam.account.read', 'org.read']);
    expect((await call(u, 'GET', '/api/iam/accounts')).statusCode).toBe(200);
    expect(
      (await call(u, 'POST', '/api/iam/accounts', { username: uniq(), fullName: 'X' })).json().code,
    ).toBe('IAM_FORBIDDEN');

    await call(admin, 'PUT', `/api/iam/accounts/${u.accountId}/grants`, { grants: [] });
    expect(await permissionsOf(u)).toEqual(['org.read']);
    expect((await call(u, 'GET', '/api/iam/accounts')).json().code).toBe('IAM_FORBIDDEN');
  });

  it('a deny grant removes a permission the roles give, at the gate and in /auth/me', async () => {
    const b = await loginAs(t, { roles: ['business_admin'], unitId: p.root.id, scope: 'all' });
    expect(await permissionsOf(b)).toContain('iam.account.write');
    const res = await call(admin, 'PUT', `/api/iam/accounts/${b.accountId}/grants`, {
      grants: [{ permission: 'iam.account.write', effect: 'deny' }],
    });
    expect(res.statusCode).toBe(200);
    const held = await permissionsOf(b);
    expect(held).not.toContain('iam.account.write');
    expect(held).toContain('iam.account.read');
    const write = await call(b, 'POST', '/api/iam/accounts', { username: uniq(), fullName: 'Bị Chặn' });
    expect(write.statusCode).toBe(403);
    expect(write.json().code).toBe('IAM_FORBIDDEN');
    expect((await call(b, 'GET', '/api/iam/accounts')).statusCode).toBe(200);
  });

  it('refuses unknown permissions and two grants for one permission, changing nothing', async () => {
    const a = await seed();
    const unknown = await call(admin, 'PUT', `/api/iam/accounts/${a.id}/grants`, {
      grants: [{ permission: 'moi.thu', effect: 'allow' }],
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().code).toBe('VALIDATION_FAILED');
    const twice = await call(admin, 'PUT', `/api/iam/accounts/${a.id}/grants`, {
      grants: [
        { permission: 'audit.read', effect: 'allow' },
        { permission: 'audit.read', effect: 'deny' },
      ],
    });
    expect(twice.statusCode).toBe(400);
    expect(twice.json().code).toBe('VALIDATION_FAILED');
    const badEffect = await call(admin, 'PUT', `/api/iam/accounts/${a.id}/grants`, {
      grants: [{ permission: 'audit.read', effect: 'maybe' }],
    });
    expect(badEffect.statusCode).toBe(400);
    expect((await view(a.id)).grants).toEqual([]);
  });
});

describe('data scope: a business administrator of a district', () => {
  let d: Province;
  let districtAdmin: LoggedIn;
  let inDistrict: AccountView;
  let inCommune: AccountView;
  let inFinance: AccountView;
  let inRoot: AccountView;
  let unitless: AccountView;

  beforeAll(async () => {
    d = await buildProvince(t.services.org, systemCtx());
    districtAdmin = await loginAs(t, { roles: ['business_admin'], unitId: d.district.id, scope: 'subtree' });
    // It may also assign roles and grants, so those routes reach the scope check.
    await call(admin, 'PUT', `/api/iam/accounts/${districtAdmin.accountId}/grants`, {
      grants: [{ permission: 'iam.role.write', effect: 'allow' }],
    });
    t.clock.advance(3000);
    inDistrict = await seed({ unitId: d.district.id, fullName: 'Cán bộ huyện' });
    inCommune = await seed({ unitId: d.communeA.id, fullName: 'Cán bộ xã' });
    inFinance = await seed({ unitId: d.finance.id, fullName: 'Cán bộ sở' });
    inRoot = await seed({ unitId: d.root.id, fullName: 'Cán bộ tỉnh' });
    unitless = await seed({ unitId: null, fullName: 'Tài khoản hệ thống' });
  });

  it('sees only the accounts of the district and its communes', async () => {
    const res = await call(districtAdmin, 'GET', '/api/iam/accounts?limit=500');
    expect(res.statusCode).toBe(200);
    const { items, total } = res.json() as { items: AccountView[]; total: number };
    const units = new Set([d.district.id, d.communeA.id, d.communeB.id]);
    expect(items.every((a) => a.unitId !== null && units.has(a.unitId))).toBe(true);
    expect(total).toBe(items.length);
    const ids = items.map((a) => a.id);
    expect(ids).toEqual(expect.arrayContaining([inDistrict.id, inCommune.id, districtAdmin.accountId]));
    for (const hidden of [inFinance, inRoot, unitless]) expect(ids).not.toContain(hidden.id);
    const foreignUnit = await call(districtAdmin, 'GET', `/api/iam/accounts?unitId=${d.finance.id}`);
    expect(foreignUnit.json()).toEqual({ items: [], total: 0 });
    const searched = await call(districtAdmin, 'GET', `/api/iam/accounts?q=${encodeURIComponent('can bo')}`);
    expect((searched.json() as { items: AccountView[] }).items.map((a) => a.fullName).sort()).toEqual([
      'Cán bộ huyện',
      'Cán bộ xã',
    ]);
  });

  it('manages the accounts of its communes', async () => {
    expect((await call(districtAdmin, 'GET', `/api/iam/accounts/${inCommune.id}`)).statusCode).toBe(200);
    const patch = await call(districtAdmin, 'PATCH', `/api/iam/accounts/${inCommune.id}`, {
      unitId: d.communeB.id,
      scope: 'subtree',
    });
    expect(patch.statusCode).toBe(200);
    expect(patch.json()).toMatchObject({ unitId: d.communeB.id, scope: 'subtree' });
    expect(
      (await call(districtAdmin, 'POST', `/api/iam/accounts/${inCommune.id}/status`, { action: 'lock' }))
        .statusCode,
    ).toBe(200);
    expect(
      (await call(districtAdmin, 'POST', `/api/iam/accounts/${inCommune.id}/reset-password`)).statusCode,
    ).toBe(200);
    expect(
      (await call(districtAdmin, 'PUT', `/api/iam/accounts/${inCommune.id}/roles`, { roles: ['user'] }))
        .statusCode,
    ).toBe(200);
    expect(
      (await call(districtAdmin, 'PUT', `/api/iam/accounts/${inCommune.id}/grants`, { grants: [] }))
        .statusCode,
    ).toBe(200);
  });

  it('gets NOT_FOUND, exactly as for an id that does not exist, for every account outside the district', async () => {
    const requests = (id: string): [Method, string, object?][] => [
      ['GET', `/api/iam/accounts/${id}`],
      ['PATCH', `/api/iam/accounts/${id}`, { fullName: 'Đổi tên' }],
      ['POST', `/api/iam/accounts/${id}/status`, { action: 'lock' }],
      ['POST', `/api/iam/accounts/${id}/reset-password`],
      ['PUT', `/api/iam/accounts/${id}/roles`, { roles: ['user'] }],
      ['PUT', `/api/iam/accounts/${id}/grants`, { grants: [] }],
    ];
    const shape = (body: { status: number; code: string; title: string; title_en: string }) => ({
      status: body.status,
      code: body.code,
      title: body.title,
      title_en: body.title_en,
    });
    const missing = randomUUID();
    for (const target of [inFinance, inRoot, unitless]) {
      const before = await view(target.id);
      for (const [[method, url, payload], [, missingUrl]] of requests(target.id).map(
        (r, i) => [r, requests(missing)[i]!] as const,
      )) {
        const res = await call(districtAdmin, method, url, payload);
        expect(res.statusCode, `${method} ${url}`).toBe(404);
        const absent = await call(districtAdmin, method, missingUrl, payload);
        expect(shape(res.json()), `${method} ${url}`).toEqual(shape(absent.json()));
        expect(res.json().code).toBe('NOT_FOUND');
      }
      expect(await view(target.id)).toEqual(before);
    }
  });

  it('cannot create accounts outside its subtree or wider than its own scope', async () => {
    const before = await countAccounts();
    const outside = await call(districtAdmin, 'POST', '/api/iam/accounts', {
      username: uniq(),
      fullName: 'Ngoài phạm vi',
      unitId: d.finance.id,
    });
    expect(outside.statusCode).toBe(404);
    expect(outside.json().code).toBe('NOT_FOUND');
    const nowhere = await call(districtAdmin, 'POST', '/api/iam/accounts', {
      username: uniq(),
      fullName: 'Không đơn vị',
      unitId: null,
    });
    expect(nowhere.statusCode).toBe(403);
    const wide = await call(districtAdmin, 'POST', '/api/iam/accounts', {
      username: uniq(),
      fullName: 'Phạm vi rộng',
      unitId: d.communeA.id,
      scope: 'all',
    });
    expect(wide.statusCode).toBe(403);
    expect(wide.json().code).toBe('IAM_FORBIDDEN');
    expect(await countAccounts()).toBe(before);

    const ok = await call(districtAdmin, 'POST', '/api/iam/accounts', {
      username: uniq(),
      fullName: 'Cán bộ xã mới',
      unitId: d.communeA.id,
      scope: 'subtree',
    });
    expect(ok.statusCode).toBe(201);
    const defaulted = await call(districtAdmin, 'POST', '/api/iam/accounts', {
      username: uniq(),
      fullName: 'Mặc định',
    });
    expect(defaulted.statusCode).toBe(201);
    expect(defaulted.json().account.unitId).toBe(d.district.id);
  });

  it('cannot move an account out of its subtree or widen its scope', async () => {
    const a = await seed({ unitId: d.communeB.id });
    const move = await call(districtAdmin, 'PATCH', `/api/iam/accounts/${a.id}`, { unitId: d.finance.id });
    expect(move.statusCode).toBe(404);
    const orphan = await call(districtAdmin, 'PATCH', `/api/iam/accounts/${a.id}`, { unitId: null });
    expect(orphan.statusCode).toBe(403);
    const widen = await call(districtAdmin, 'PATCH', `/api/iam/accounts/${a.id}`, { scope: 'all' });
    expect(widen.statusCode).toBe(403);
    expect(await view(a.id)).toEqual(a);
  });
});

describe('audit of account changes', () => {
  it('writes an entry in the account category naming the actor for every change', async () => {
    const created = await call(admin, 'POST', '/api/iam/accounts', {
      username: uniq('nk'),
      fullName: 'Mạc Thị Nhật Ký',
      unitId: p.communeA.id,
    });
    const id = (created.json() as { account: AccountView }).account.id;
    const steps: [Method, string, object?][] = [
      ['PATCH', `/api/iam/accounts/${id}`, { email: 'nk@xa.gov.vn' }],
      ['POST', `/api/iam/accounts/${id}/status`, { action: 'lock', reason: 'kiểm tra' }],
      ['POST', `/api/iam/accounts/${id}/status`, { action: 'unlock' }],
      ['POST', `/api/iam/accounts/${id}/status`, { action: 'disable' }],
      ['POST', `/api/iam/accounts/${id}/status`, { action: 'enable' }],
      ['POST', `/api/iam/accounts/${id}/reset-password`],
      ['PUT', `/api/iam/accounts/${id}/roles`, { roles: ['user', 'business_admin'] }],
      ['PUT', `/api/iam/accounts/${id}/grants`, { grants: [{ permission: 'audit.read', effect: 'deny' }] }],
    ];
    for (const [method, url, payload] of steps) {
      expect((await call(admin, method, url, payload)).statusCode, `${method} ${url}`).toBe(200);
    }
    const entries = (
      await searchAudit(t.platform.db, { categories: ['account'], actorId: admin.accountId, limit: 500 })
    )
      .filter((e) => e.targetId === id)
      .reverse();
    expect(entries.map((e) => e.action)).toEqual([
      'iam.account.create',
      'iam.account.update',
      'iam.account.lock',
      'iam.account.unlock',
      'iam.account.disable',
      'iam.account.enable',
      'iam.account.reset_password',
      'iam.account.roles',
      'iam.account.grants',
    ]);
    for (const e of entries) {
      expect(e).toMatchObject({
        category: 'account',
        actorId: admin.accountId,
        actorName: admin.username,
        sourceIp: '127.0.0.1',
        outcome: 'success',
        targetType: 'account',
        unitId: p.communeA.id,
      });
      expect(e.description.length).toBeGreaterThan(0);
      expect(JSON.stringify(e.details)).not.toMatch(/oneTimePassword|password_hash/);
    }
    expect(entries[7]!.details).toEqual({ before: ['user'], after: ['user', 'business_admin'] });
  });

  it('writes nothing for a refused change', async () => {
    const d = await buildProvince(t.services.org, systemCtx());
    const outsider = await loginAs(t, { roles: ['business_admin'], unitId: d.communeA.id, scope: 'own' });
    const target = await seed({ unitId: d.communeB.id });
    await call(outsider, 'POST', `/api/iam/accounts/${target.id}/status`, { action: 'lock' });
    await call(outsider, 'PATCH', `/api/iam/accounts/${target.id}`, { fullName: 'Không được' });
    const entries = await searchAudit(t.platform.db, {
      categories: ['account'],
      actorId: outsider.accountId,
      limit: 50,
    });
    expect(entries.filter((e) => e.targetId === target.id)).toEqual([]);
  });
});
