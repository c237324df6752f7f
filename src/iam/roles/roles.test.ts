/**
 * SEC-08: role-based least privilege. Three built-in groups (ordinary user, business administrator,
 * technical administrator) enforced on every route; custom roles; no privilege escalation; the last
 * technical administrator is protected.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type LoggedIn, login, loginAs, type TestApp } from '../../../test/helpers/app.ts';
import { searchAudit } from '../../core/audit/index.ts';
import { systemCtx } from '../../core/context.ts';
import { isAppError } from '../../core/errors/index.ts';
import { allPermissions, builtinRoles, permissions } from '../permissions.ts';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

function call(app: TestApp, who: LoggedIn, method: Method, url: string, payload?: object) {
  return app.app.inject({
    method,
    url,
    headers: who.headers,
    ...(payload === undefined ? {} : { payload }),
  });
}

let seq = 0;
const uniq = (prefix: string) => `${prefix}${process.pid}r${++seq}`;

/** The permissions the gate sees for `who`, after the 2-second session cache has expired. */
async function permissionsOf(app: TestApp, who: LoggedIn): Promise<string[]> {
  app.clock.advance(3000);
  const me = await call(app, who, 'GET', '/api/iam/auth/me');
  expect(me.statusCode).toBe(200);
  return me.json().permissions;
}

const passwordPolicy = {
  minLength: 12,
  requireLower: true,
  requireUpper: true,
  requireDigit: true,
  requireSymbol: true,
  historyCount: 5,
  changeAfterDays: 90,
  validityDays: 180,
};

let t: TestApp;
let tech: LoggedIn;
let business: LoggedIn;
let clerk: LoggedIn;
/** An ordinary account the tests act on. */
let target: string;

beforeAll(async () => {
  t = await createTestApp();
  tech = await loginAs(t, { roles: ['tech_admin'], scope: 'all' });
  business = await loginAs(t, { roles: ['business_admin'], scope: 'all' });
  clerk = await loginAs(t, { roles: ['user'] });
  target = (await loginAs(t, { roles: ['user'] })).accountId;
});
afterAll(() => t.close());

describe('built-in roles', () => {
  it('are the three groups of SEC-08 with Vietnamese names', async () => {
    const res = await call(t, tech, 'GET', '/api/iam/roles');
    expect(res.statusCode).toBe(200);
    const roles = res.json() as {
      id: string;
      nameVi: string;
      nameEn: string;
      builtin: boolean;
      permissions: string[];
    }[];
    for (const id of ['user', 'business_admin', 'tech_admin'] as const) {
      const role = roles.find((r) => r.id === id);
      expect(role, id).toBeDefined();
      expect(role!.builtin).toBe(true);
      expect(role!.nameVi).toBe(builtinRoles[id].vi);
      expect(role!.permissions.sort()).toEqual([...builtinRoles[id].permissions].sort());
    }
    expect(roles.find((r) => r.id === 'user')!.nameVi).toBe('Người sử dụng thông thường');
    expect(roles.find((r) => r.id === 'business_admin')!.nameVi).toMatch(/^Quản trị nghiệp vụ/);
    expect(roles.find((r) => r.id === 'tech_admin')!.nameVi).toMatch(/^Quản trị kỹ thuật/);
    expect(roles.find((r) => r.id === 'tech_admin')!.permissions.sort()).toEqual([...allPermissions].sort());
  });

  it('give each group exactly its permissions at the gate', async () => {
    expect((await permissionsOf(t, clerk)).sort()).toEqual([...builtinRoles.user.permissions].sort());
    expect((await permissionsOf(t, business)).sort()).toEqual(
      [...builtinRoles.business_admin.permissions].sort(),
    );
    expect((await permissionsOf(t, tech)).sort()).toEqual([...allPermissions].sort());
  });

  it('cannot be changed or deleted (409)', async () => {
    for (const id of ['user', 'business_admin', 'tech_admin']) {
      const put = await call(t, tech, 'PUT', `/api/iam/roles/${id}`, {
        nameVi: 'Đổi tên',
        nameEn: 'Renamed',
        permissions: ['org.read'],
      });
      expect(put.statusCode).toBe(409);
      expect(put.json().code).toBe('CONFLICT');
      const del = await call(t, tech, 'DELETE', `/api/iam/roles/${id}`);
      expect(del.statusCode).toBe(409);
      expect(del.json().code).toBe('CONFLICT');
    }
    const roles = (await call(t, tech, 'GET', '/api/iam/roles')).json() as { id: string; nameVi: string }[];
    expect(roles.find((r) => r.id === 'user')!.nameVi).toBe(builtinRoles.user.vi);
  });
});

describe('GET /api/iam/permissions', () => {
  it('lists the whole catalogue with Vietnamese and English names and the admin flag', async () => {
    const res = await call(t, tech, 'GET', '/api/iam/permissions');
    expect(res.statusCode).toBe(200);
    const list = res.json() as { id: string; vi: string; en: string; admin: boolean }[];
    expect(list.map((p) => p.id).sort()).toEqual([...allPermissions].sort());
    for (const p of list) {
      const def = permissions[p.id as keyof typeof permissions];
      expect(p).toEqual({ id: p.id, vi: def.vi, en: def.en, admin: def.admin });
    }
    expect(list.find((p) => p.id === 'org.read')!.admin).toBe(false);
    expect(list.find((p) => p.id === 'iam.policy.write')!.admin).toBe(true);
  });
});

describe('an ordinary user', () => {
  it('is refused every account, role and policy route with IAM_FORBIDDEN', async () => {
    const routes: [Method, string, object?][] = [
      ['GET', '/api/iam/accounts'],
      ['GET', `/api/iam/accounts/${target}`],
      ['POST', '/api/iam/accounts', { username: uniq('x'), fullName: 'X' }],
      ['PATCH', `/api/iam/accounts/${target}`, { fullName: 'Đổi' }],
      ['POST', `/api/iam/accounts/${target}/status`, { action: 'lock' }],
      ['POST', `/api/iam/accounts/${target}/reset-password`],
      ['PUT', `/api/iam/accounts/${target}/roles`, { roles: ['tech_admin'] }],
      [
        'PUT',
        `/api/iam/accounts/${target}/grants`,
        { grants: [{ permission: 'iam.policy.write', effect: 'allow' }] },
      ],
      ['GET', '/api/iam/roles'],
      ['GET', '/api/iam/permissions'],
      ['PUT', '/api/iam/roles/tu_cap', { nameVi: 'Tự cấp', nameEn: 'Self', permissions: ['iam.role.write'] }],
      ['DELETE', '/api/iam/roles/tu_cap'],
      ['GET', '/api/iam/policies'],
      ['PUT', '/api/iam/policies/password', passwordPolicy],
      ['PUT', '/api/iam/policies/lockout', { maxFailures: 100, windowMinutes: 1 }],
      ['PUT', '/api/iam/policies/session', { idleTimeoutMinutes: 1440, absoluteHours: 720 }],
      ['PUT', '/api/iam/policies/admin-networks', { cidrs: ['0.0.0.0/0'] }],
    ];
    for (const [method, url, payload] of routes) {
      const res = await call(t, clerk, method, url, payload);
      expect(res.statusCode, `${method} ${url}`).toBe(403);
      expect(res.json().code, `${method} ${url}`).toBe('IAM_FORBIDDEN');
    }
    const policies = (await call(t, tech, 'GET', '/api/iam/policies')).json();
    expect(policies.lockout.maxFailures).toBe(5);
    expect(policies.session.idleTimeoutMinutes).toBe(15);
    const account = (await call(t, tech, 'GET', `/api/iam/accounts/${target}`)).json();
    expect(account.status).toBe('active');
    expect(account.roles).toEqual(['user']);
  });

  it('still uses the ordinary routes', async () => {
    expect((await call(t, clerk, 'GET', '/api/iam/auth/me')).statusCode).toBe(200);
    expect((await call(t, clerk, 'GET', '/api/org/units')).statusCode).toBe(200);
    expect((await call(t, clerk, 'GET', '/api/iam/me/tokens')).statusCode).toBe(200);
  });
});

describe('a business administrator', () => {
  it('manages accounts', async () => {
    const list = await call(t, business, 'GET', '/api/iam/accounts');
    expect(list.statusCode).toBe(200);
    const created = await call(t, business, 'POST', '/api/iam/accounts', {
      username: uniq('nv'),
      fullName: 'Lê Thị Hoa',
      roles: ['user'],
    });
    expect(created.statusCode).toBe(201);
    const id = created.json().account.id;
    expect((await call(t, business, 'GET', `/api/iam/accounts/${id}`)).statusCode).toBe(200);
    expect(
      (await call(t, business, 'PATCH', `/api/iam/accounts/${id}`, { fullName: 'Lê Thị Hòa' })).statusCode,
    ).toBe(200);
    expect(
      (await call(t, business, 'POST', `/api/iam/accounts/${id}/status`, { action: 'lock' })).statusCode,
    ).toBe(200);
    expect(
      (await call(t, business, 'POST', `/api/iam/accounts/${id}/status`, { action: 'unlock' })).statusCode,
    ).toBe(200);
    expect((await call(t, business, 'POST', `/api/iam/accounts/${id}/reset-password`)).statusCode).toBe(200);
    const peer = await call(t, business, 'POST', '/api/iam/accounts', {
      username: uniq('qt'),
      fullName: 'Phạm Văn Nam',
      roles: ['business_admin'],
      scope: 'all',
    });
    expect(peer.statusCode).toBe(201);
  });

  it('cannot read or change policies, nor change roles or grants', async () => {
    const refused: [Method, string, object?][] = [
      ['GET', '/api/iam/policies'],
      ['PUT', '/api/iam/policies/password', passwordPolicy],
      ['PUT', '/api/iam/policies/lockout', { maxFailures: 100, windowMinutes: 1 }],
      ['PUT', '/api/iam/policies/session', { idleTimeoutMinutes: 1440, absoluteHours: 720 }],
      ['PUT', '/api/iam/policies/admin-networks', { cidrs: ['0.0.0.0/0'] }],
      [
        'PUT',
        '/api/iam/roles/nghiep_vu',
        { nameVi: 'Nghiệp vụ', nameEn: 'Business', permissions: ['org.read'] },
      ],
      ['DELETE', '/api/iam/roles/nghiep_vu'],
      ['PUT', `/api/iam/accounts/${target}/roles`, { roles: ['user'] }],
      ['PUT', `/api/iam/accounts/${target}/grants`, { grants: [] }],
    ];
    for (const [method, url, payload] of refused) {
      const res = await call(t, business, method, url, payload);
      expect(res.statusCode, `${method} ${url}`).toBe(403);
      expect(res.json().code, `${method} ${url}`).toBe('IAM_FORBIDDEN');
    }
  });

  it('cannot create an account holding permissions it lacks (no privilege escalation)', async () => {
    const username = uniq('leo');
    for (const roles of [['tech_admin'], ['user', 'tech_admin']]) {
      const res = await call(t, business, 'POST', '/api/iam/accounts', {
        username,
        fullName: 'Leo Thang',
        roles,
      });
      expect(res.statusCode).toBe(403);
      expect(res.json().code).toBe('IAM_FORBIDDEN');
    }
    const found = await call(t, tech, 'GET', `/api/iam/accounts?q=${username}`);
    expect(found.json().total).toBe(0);
  });

  it('cannot take over or disable an account more powerful than itself', async () => {
    const admin2 = await loginAs(t, { roles: ['tech_admin'], scope: 'all' });
    const reset = await call(t, business, 'POST', `/api/iam/accounts/${admin2.accountId}/reset-password`);
    expect(reset.statusCode).toBe(403);
    expect(reset.json().code).toBe('IAM_FORBIDDEN');
    expect(reset.body).not.toContain('oneTimePassword');
    for (const action of ['lock', 'disable']) {
      const res = await call(t, business, 'POST', `/api/iam/accounts/${admin2.accountId}/status`, { action });
      expect(res.statusCode).toBe(403);
      expect(res.json().code).toBe('IAM_FORBIDDEN');
    }
    const patch = await call(t, business, 'PATCH', `/api/iam/accounts/${admin2.accountId}`, { scope: 'own' });
    expect(patch.statusCode).toBe(403);
    // It may still look at the account, and its owner can still log in with the old password.
    const seen = await call(t, business, 'GET', `/api/iam/accounts/${admin2.accountId}`);
    expect(seen.statusCode).toBe(200);
    expect(seen.json()).toMatchObject({ status: 'active', scope: 'all', mustChangePassword: false });
    expect((await login(t, admin2.username, admin2.password)).stage).toBe('full');
  });
});

describe('a technical administrator', () => {
  it('can do all of it', async () => {
    const policies = await call(t, tech, 'GET', '/api/iam/policies');
    expect(policies.statusCode).toBe(200);
    const current = policies.json();
    for (const [url, body] of [
      ['/api/iam/policies/password', current.password],
      ['/api/iam/policies/lockout', current.lockout],
      ['/api/iam/policies/session', current.session],
      ['/api/iam/policies/admin-networks', current.adminNetworks],
    ] as const) {
      const res = await call(t, tech, 'PUT', url, body);
      expect(res.statusCode, url).toBe(200);
    }
    const role = await call(t, tech, 'PUT', '/api/iam/roles/van_thu', {
      nameVi: 'Văn thư',
      nameEn: 'Clerk',
      permissions: ['org.read'],
    });
    expect(role.statusCode).toBe(200);
    expect(
      (await call(t, tech, 'PUT', `/api/iam/accounts/${target}/roles`, { roles: ['user', 'van_thu'] }))
        .statusCode,
    ).toBe(200);
    const grants = await call(t, tech, 'PUT', `/api/iam/accounts/${target}/grants`, {
      grants: [{ permission: 'audit.read', effect: 'allow' }],
    });
    expect(grants.statusCode).toBe(200);
    expect(
      (await call(t, tech, 'PUT', `/api/iam/accounts/${target}/grants`, { grants: [] })).statusCode,
    ).toBe(200);
    expect(
      (await call(t, tech, 'PUT', `/api/iam/accounts/${target}/roles`, { roles: ['user'] })).statusCode,
    ).toBe(200);
    expect((await call(t, tech, 'DELETE', '/api/iam/roles/van_thu')).statusCode).toBe(200);
  });
});

describe('custom roles', () => {
  it('PUT /api/iam/roles/:id creates a role that gives exactly its permissions', async () => {
    const id = `tra_cuu_${process.pid}`;
    const put = await call(t, tech, 'PUT', `/api/iam/roles/${id}`, {
      nameVi: 'Tra cứu tài khoản',
      nameEn: 'Account lookup',
      permissions: ['org.read', 'iam.account.read'],
    });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toEqual({
      id,
      nameVi: 'Tra cứu tài khoản',
      nameEn: 'Account lookup',
      builtin: false,
      permissions: ['iam.account.read', 'org.read'],
    });
    const holder = await loginAs(t, { roles: [id] });
    expect((await permissionsOf(t, holder)).sort()).toEqual(['iam.account.read', 'org.read']);
    expect((await call(t, holder, 'GET', '/api/iam/accounts')).statusCode).toBe(200);
    const write = await call(t, holder, 'POST', '/api/iam/accounts', { username: uniq('k'), fullName: 'K' });
    expect(write.json().code).toBe('IAM_FORBIDDEN');
    expect((await call(t, holder, 'GET', '/api/iam/policies')).json().code).toBe('IAM_FORBIDDEN');

    const audited = await searchAudit(t.platform.db, {
      categories: ['account'],
      actorId: tech.accountId,
      limit: 50,
    });
    expect(audited.some((e) => e.action === 'iam.role.create' && e.targetId === id)).toBe(true);
  });

  it('assigned to an existing account through PUT /api/iam/accounts/:id/roles, applies after the session cache', async () => {
    const id = `ho_so_${process.pid}`;
    await call(t, tech, 'PUT', `/api/iam/roles/${id}`, {
      nameVi: 'Quản lý hồ sơ',
      nameEn: 'Records',
      permissions: ['org.read', 'org.write', 'audit.read'],
    });
    const holder = await loginAs(t, { roles: ['user'] });
    expect(await permissionsOf(t, holder)).toEqual(['org.read']);
    const assign = await call(t, tech, 'PUT', `/api/iam/accounts/${holder.accountId}/roles`, { roles: [id] });
    expect(assign.statusCode).toBe(200);
    expect(assign.json().roles).toEqual([id]);
    expect((await permissionsOf(t, holder)).sort()).toEqual(['audit.read', 'org.read', 'org.write']);

    // Editing the role changes what every holder may do.
    const edit = await call(t, tech, 'PUT', `/api/iam/roles/${id}`, {
      nameVi: 'Quản lý hồ sơ',
      nameEn: 'Records',
      permissions: ['org.read'],
    });
    expect(edit.statusCode).toBe(200);
    expect(await permissionsOf(t, holder)).toEqual(['org.read']);

    // Deleting it removes it from its holders.
    expect((await call(t, tech, 'DELETE', `/api/iam/roles/${id}`)).statusCode).toBe(200);
    expect(await permissionsOf(t, holder)).toEqual([]);
    const account = (await call(t, tech, 'GET', `/api/iam/accounts/${holder.accountId}`)).json();
    expect(account.roles).toEqual([]);
    const roles = (await call(t, tech, 'GET', '/api/iam/roles')).json() as { id: string }[];
    expect(roles.map((r) => r.id)).not.toContain(id);
  });

  it('refuses unknown permissions, bad ids and unknown roles', async () => {
    const unknown = await call(t, tech, 'PUT', '/api/iam/roles/sai_quyen', {
      nameVi: 'Sai',
      nameEn: 'Wrong',
      permissions: ['org.read', 'everything'],
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().code).toBe('VALIDATION_FAILED');
    expect(unknown.json().title).toContain('everything');
    for (const bad of ['Hoa-Thuong', 'x', '1abc']) {
      const res = await call(t, tech, 'PUT', `/api/iam/roles/${bad}`, {
        nameVi: 'A',
        nameEn: 'A',
        permissions: [],
      });
      expect(res.statusCode, bad).toBe(400);
    }
    const missing = await call(t, tech, 'DELETE', '/api/iam/roles/khong_co_vai_tro');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe('NOT_FOUND');
    const assign = await call(t, tech, 'PUT', `/api/iam/accounts/${target}/roles`, {
      roles: ['khong_co_vai_tro'],
    });
    expect(assign.statusCode).toBe(400);
    expect(assign.json().code).toBe('VALIDATION_FAILED');
  });
});

describe('delegation by a holder of iam.role.write who is not a technical administrator', () => {
  let delegate: LoggedIn;
  const roleId = `phan_quyen_${process.pid}`;

  beforeAll(async () => {
    const put = await call(t, tech, 'PUT', `/api/iam/roles/${roleId}`, {
      nameVi: 'Phân quyền',
      nameEn: 'Delegate',
      permissions: ['org.read', 'iam.account.read', 'iam.account.write', 'iam.role.write'],
    });
    expect(put.statusCode).toBe(200);
    delegate = await loginAs(t, { roles: [roleId], scope: 'all' });
  });

  it('can hand out roles and grants it holds itself', async () => {
    const grants = await call(t, delegate, 'PUT', `/api/iam/accounts/${target}/grants`, {
      grants: [{ permission: 'iam.account.read', effect: 'allow' }],
    });
    expect(grants.statusCode).toBe(200);
    expect(grants.json().grants).toEqual([{ permission: 'iam.account.read', effect: 'allow' }]);
    expect(
      (await call(t, delegate, 'PUT', `/api/iam/accounts/${target}/grants`, { grants: [] })).statusCode,
    ).toBe(200);
  });

  it('cannot give a grant, a role or a custom role with a permission it lacks (403)', async () => {
    const attempts: [Method, string, object][] = [
      [
        'PUT',
        `/api/iam/accounts/${target}/grants`,
        { grants: [{ permission: 'iam.policy.write', effect: 'allow' }] },
      ],
      ['PUT', `/api/iam/accounts/${target}/roles`, { roles: ['tech_admin'] }],
      ['PUT', `/api/iam/accounts/${target}/roles`, { roles: ['business_admin'] }],
      [
        'PUT',
        `/api/iam/accounts/${delegate.accountId}/grants`,
        { grants: [{ permission: 'backup.run', effect: 'allow' }] },
      ],
      [
        'PUT',
        '/api/iam/roles/leo_thang',
        { nameVi: 'Leo thang', nameEn: 'Escalate', permissions: ['iam.policy.write'] },
      ],
      [
        'PUT',
        `/api/iam/roles/${roleId}`,
        {
          nameVi: 'Phân quyền',
          nameEn: 'Delegate',
          permissions: ['org.read', 'iam.role.write', 'backup.run'],
        },
      ],
      ['POST', '/api/iam/accounts', { username: uniq('leo'), fullName: 'Leo', roles: ['business_admin'] }],
    ];
    for (const [method, url, payload] of attempts) {
      const res = await call(t, delegate, method, url, payload);
      expect(res.statusCode, `${method} ${url} ${JSON.stringify(payload)}`).toBe(403);
      expect(res.json().code).toBe('IAM_FORBIDDEN');
    }
    expect((await permissionsOf(t, delegate)).sort()).toEqual([
      'iam.account.read',
      'iam.account.write',
      'iam.role.write',
      'org.read',
    ]);
    const account = (await call(t, tech, 'GET', `/api/iam/accounts/${target}`)).json();
    expect(account.roles).toEqual(['user']);
    expect(account.grants).toEqual([]);
  });

  it('cannot demote or take over a technical administrator', async () => {
    const admin2 = await loginAs(t, { roles: ['tech_admin'], scope: 'all' });
    const demote = await call(t, delegate, 'PUT', `/api/iam/accounts/${admin2.accountId}/roles`, {
      roles: ['user'],
    });
    expect(demote.statusCode).toBe(403);
    const deny = await call(t, delegate, 'PUT', `/api/iam/accounts/${admin2.accountId}/grants`, {
      grants: [{ permission: 'iam.policy.write', effect: 'deny' }],
    });
    expect(deny.statusCode).toBe(403);
    const reset = await call(t, delegate, 'POST', `/api/iam/accounts/${admin2.accountId}/reset-password`);
    expect(reset.statusCode).toBe(403);
    expect((await permissionsOf(t, admin2)).sort()).toEqual([...allPermissions].sort());
  });
});

describe('the last technical administrator', () => {
  // A platform of its own, so the number of administrators is known: createTestApp makes none.
  let p: TestApp;
  let sole: LoggedIn;

  beforeAll(async () => {
    p = await createTestApp();
    sole = await loginAs(p, { roles: ['tech_admin'], scope: 'all' });
  });
  afterAll(() => p.close());

  it('cannot demote itself by roles or by a deny grant (409 IAM_LAST_ADMIN)', async () => {
    const roles = await call(p, sole, 'PUT', `/api/iam/accounts/${sole.accountId}/roles`, {
      roles: ['business_admin'],
    });
    expect(roles.statusCode).toBe(409);
    expect(roles.json().code).toBe('IAM_LAST_ADMIN');
    const none = await call(p, sole, 'PUT', `/api/iam/accounts/${sole.accountId}/roles`, { roles: [] });
    expect(none.json().code).toBe('IAM_LAST_ADMIN');
    const deny = await call(p, sole, 'PUT', `/api/iam/accounts/${sole.accountId}/grants`, {
      grants: [{ permission: 'iam.policy.write', effect: 'deny' }],
    });
    expect(deny.statusCode).toBe(409);
    expect(deny.json().code).toBe('IAM_LAST_ADMIN');
    expect((await permissionsOf(p, sole)).sort()).toEqual([...allPermissions].sort());
  });

  it('cannot lock or disable its own account', async () => {
    for (const action of ['lock', 'disable']) {
      const res = await call(p, sole, 'POST', `/api/iam/accounts/${sole.accountId}/status`, { action });
      expect(res.statusCode).toBe(409);
    }
  });

  it('cannot be locked or disabled from the command line either', async () => {
    for (const action of ['lock', 'disable'] as const) {
      const attempt = p.services.iam.accounts.setStatus(systemCtx('tinhso-cli'), sole.accountId, action);
      await expect(attempt).rejects.toSatisfy((e) => isAppError(e, 'IAM_LAST_ADMIN'));
    }
    expect((await p.services.iam.accounts.get(systemCtx(), sole.accountId)).status).toBe('active');
  });

  it('cannot lose the role by editing or deleting the custom role that makes it one', async () => {
    const roleId = 'van_hanh';
    const put = await call(p, sole, 'PUT', `/api/iam/roles/${roleId}`, {
      nameVi: 'Vận hành',
      nameEn: 'Operations',
      permissions: [...allPermissions],
    });
    expect(put.statusCode).toBe(200);
    const ops = await loginAs(p, { roles: [roleId], scope: 'all' });
    // ops now holds every permission through the custom role; the sole tech_admin steps down.
    expect(
      (await call(p, ops, 'PUT', `/api/iam/accounts/${sole.accountId}/roles`, { roles: ['user'] }))
        .statusCode,
    ).toBe(200);
    const narrowed = await call(p, ops, 'PUT', `/api/iam/roles/${roleId}`, {
      nameVi: 'Vận hành',
      nameEn: 'Operations',
      permissions: ['org.read'],
    });
    expect(narrowed.statusCode).toBe(409);
    expect(narrowed.json().code).toBe('IAM_LAST_ADMIN');
    const deleted = await call(p, ops, 'DELETE', `/api/iam/roles/${roleId}`);
    expect(deleted.statusCode).toBe(409);
    expect(deleted.json().code).toBe('IAM_LAST_ADMIN');
    expect((await permissionsOf(p, ops)).sort()).toEqual([...allPermissions].sort());
    // Restore: ops gives the tech_admin role back, then may drop its own.
    expect(
      (await call(p, ops, 'PUT', `/api/iam/accounts/${sole.accountId}/roles`, { roles: ['tech_admin'] }))
        .statusCode,
    ).toBe(200);
    expect((await call(p, ops, 'DELETE', `/api/iam/roles/${roleId}`)).statusCode).toBe(200);
  });

  it('can be demoted or locked once another administrator exists', async () => {
    const second = await loginAs(p, { roles: ['tech_admin'], scope: 'all' });
    const lock = await call(p, sole, 'POST', `/api/iam/accounts/${second.accountId}/status`, {
      action: 'lock',
    });
    expect(lock.statusCode).toBe(200);
    // With second locked, sole is the last active one again.
    const selfDemote = await call(p, sole, 'PUT', `/api/iam/accounts/${sole.accountId}/roles`, {
      roles: ['user'],
    });
    expect(selfDemote.json().code).toBe('IAM_LAST_ADMIN');
    const unlock = await call(p, sole, 'POST', `/api/iam/accounts/${second.accountId}/status`, {
      action: 'unlock',
    });
    expect(unlock.statusCode).toBe(200);
    // Locking ended second's sessions; it logs in again.
    const again = { ...second, headers: (await login(p, second.username, second.password)).headers };
    const demote = await call(p, again, 'PUT', `/api/iam/accounts/${sole.accountId}/roles`, {
      roles: ['user'],
    });
    expect(demote.statusCode).toBe(200);
    const back = await call(p, again, 'PUT', `/api/iam/accounts/${sole.accountId}/roles`, {
      roles: ['tech_admin'],
    });
    expect(back.statusCode).toBe(200);
    const other = await call(p, sole, 'PUT', `/api/iam/accounts/${second.accountId}/roles`, {
      roles: ['user'],
    });
    expect(other.statusCode).toBe(200);
  });
});

describe('the last administrator under races and lockouts', () => {
  // Exactly two administrators on a platform of their own.
  let q: TestApp;
  let a: LoggedIn;
  let b: LoggedIn;

  beforeAll(async () => {
    q = await createTestApp();
    a = await loginAs(q, { roles: ['tech_admin'], scope: 'all' });
    b = await loginAs(q, { roles: ['tech_admin'], scope: 'all' });
  });
  afterAll(() => q.close());

  it('lets only one of two administrators demoting each other at the same moment succeed', async () => {
    // Both administrators again, should this run be a retry after an earlier attempt demoted one.
    for (const x of [a, b]) await q.services.iam.accounts.setRoles(systemCtx(), x.accountId, ['tech_admin']);
    const [ra, rb] = await Promise.all([
      call(q, a, 'PUT', `/api/iam/accounts/${b.accountId}/roles`, { roles: ['user'] }),
      call(q, b, 'PUT', `/api/iam/accounts/${a.accountId}/roles`, { roles: ['user'] }),
    ]);
    const [won, lost] = ra.statusCode === 200 ? [ra, rb] : [rb, ra];
    expect(won.statusCode, won.body).toBe(200);
    // The loser is refused either by the last-administrator rule, or, when the winner committed before the
    // loser's request was authorised, because it is no longer an administrator: both leave one.
    expect([409, 403], lost.body).toContain(lost.statusCode);
    expect(['IAM_LAST_ADMIN', 'IAM_FORBIDDEN']).toContain(lost.json().code);
    const left = await Promise.all(
      [a, b].map(async (x) => (await q.services.iam.accounts.get(systemCtx(), x.accountId)).roles),
    );
    expect(left.filter((roles) => roles.includes('tech_admin'))).toHaveLength(1);
  });

  it('does not block changes to other accounts once no administrator is active', async () => {
    // The remaining administrator is locked by failed logins (SEC-04); business administrators must
    // still be able to lock, disable and re-enable ordinary accounts until the CLI unlocks it.
    const [remaining] = await Promise.all(
      [a, b].map(async (x) => ({
        x,
        roles: (await q.services.iam.accounts.get(systemCtx(), x.accountId)).roles,
      })),
    ).then((all) => all.filter((r) => r.roles.includes('tech_admin')).map((r) => r.x));
    const manager = await loginAs(q, { roles: ['business_admin'], scope: 'all' });
    const worker = await loginAs(q, { roles: ['user'] });
    for (let i = 0; i < 5; i++) {
      await q.app.inject({
        method: 'POST',
        url: '/api/iam/auth/login',
        payload: { username: remaining!.username, password: 'sai mật khẩu' },
      });
    }
    expect((await q.services.iam.accounts.get(systemCtx(), remaining!.accountId)).status).toBe('locked');
    for (const action of ['lock', 'unlock', 'disable', 'enable']) {
      const res = await call(q, manager, 'POST', `/api/iam/accounts/${worker.accountId}/status`, { action });
      expect(res.statusCode, action).toBe(200);
    }
  });
});
