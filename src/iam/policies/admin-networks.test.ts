/**
 * SEC-07: remote administration is allowed only from the configured networks; the list is managed
 * through the API, validated, protected against locking out its own editor, audited, and enforced on
 * the client address a trusted reverse proxy reports.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type LoggedIn, loginAs, type TestApp } from '../../../test/helpers/app.ts';
import { searchAudit } from '../../core/audit/index.ts';
import { AdminNetworkPolicy } from './schema.ts';

const DEFAULT_CIDRS = (AdminNetworkPolicy.properties.cidrs as unknown as { default: string[] }).default;
const PUBLIC_IP = '203.0.113.5';

type Method = 'GET' | 'PUT' | 'POST';

function call(
  app: TestApp,
  who: LoggedIn,
  method: Method,
  url: string,
  options: { payload?: object; remoteAddress?: string; forwardedFor?: string } = {},
) {
  return app.app.inject({
    method,
    url,
    headers: {
      ...who.headers,
      ...(options.forwardedFor ? { 'x-forwarded-for': options.forwardedFor } : {}),
    },
    ...(options.payload === undefined ? {} : { payload: options.payload }),
    ...(options.remoteAddress ? { remoteAddress: options.remoteAddress } : {}),
  });
}

const passwordPolicy = {
  minLength: 14,
  requireLower: true,
  requireUpper: true,
  requireDigit: true,
  requireSymbol: true,
  historyCount: 5,
  changeAfterDays: 90,
  validityDays: 180,
};

let t: TestApp;
let admin: LoggedIn;
let clerk: LoggedIn;

beforeAll(async () => {
  t = await createTestApp();
  admin = await loginAs(t, { roles: ['tech_admin'], scope: 'all' });
  clerk = await loginAs(t, { roles: ['user'] });
});
afterAll(() => t.close());

describe('admin routes from an address outside the admin networks', () => {
  it('serves Prometheus /metrics only to the admin networks', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(200);
    const remote = await t.app.inject({ method: 'GET', url: '/metrics', remoteAddress: PUBLIC_IP });
    expect(remote.statusCode).toBe(403);
    expect(remote.json().code).toBe('IAM_ADMIN_NETWORK_DENIED');
  });

  it('refuses GET /api/iam/accounts with IAM_ADMIN_NETWORK_DENIED naming the address', async () => {
    const res = await call(t, admin, 'GET', '/api/iam/accounts', { remoteAddress: PUBLIC_IP });
    expect(res.statusCode).toBe(403);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    const body = res.json();
    expect(body.code).toBe('IAM_ADMIN_NETWORK_DENIED');
    expect(body.title).toContain(PUBLIC_IP);
    expect(body.title_en).toContain(PUBLIC_IP);
  });

  it('refuses PUT /api/iam/policies/password and leaves the policy unchanged', async () => {
    const res = await call(t, admin, 'PUT', '/api/iam/policies/password', {
      remoteAddress: PUBLIC_IP,
      payload: passwordPolicy,
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('IAM_ADMIN_NETWORK_DENIED');
    const now = await call(t, admin, 'GET', '/api/iam/policies');
    expect(now.statusCode).toBe(200);
    expect(now.json().password.minLength).toBe(12);
  });

  it('still serves ordinary-user routes to the same address', async () => {
    for (const who of [admin, clerk]) {
      const me = await call(t, who, 'GET', '/api/iam/auth/me', { remoteAddress: PUBLIC_IP });
      expect(me.statusCode).toBe(200);
      expect(me.json().id).toBe(who.accountId);
      const units = await call(t, who, 'GET', '/api/org/units', { remoteAddress: PUBLIC_IP });
      expect(units.statusCode).toBe(200);
    }
  });

  it('applies to API tokens as well as sessions', async () => {
    const created = await call(t, admin, 'POST', '/api/iam/me/tokens', { payload: { name: 'đồng bộ' } });
    expect(created.statusCode).toBe(200);
    const bearer = { authorization: `Bearer ${created.json().token}` };
    const inside = await t.app.inject({ method: 'GET', url: '/api/iam/accounts', headers: bearer });
    expect(inside.statusCode).toBe(200);
    const outside = await t.app.inject({
      method: 'GET',
      url: '/api/iam/accounts',
      headers: bearer,
      remoteAddress: PUBLIC_IP,
    });
    expect(outside.statusCode).toBe(403);
    expect(outside.json().code).toBe('IAM_ADMIN_NETWORK_DENIED');
  });

  it('checks the permission first: an ordinary user gets IAM_FORBIDDEN wherever it calls from', async () => {
    const res = await call(t, clerk, 'GET', '/api/iam/accounts', { remoteAddress: PUBLIC_IP });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('IAM_FORBIDDEN');
  });
});

describe('PUT /api/iam/policies/admin-networks', () => {
  it('admits a network once an administrator adds it, and only that network', async () => {
    const before = await call(t, admin, 'GET', '/api/iam/accounts', { remoteAddress: '198.51.100.7' });
    expect(before.json().code).toBe('IAM_ADMIN_NETWORK_DENIED');

    const put = await call(t, admin, 'PUT', '/api/iam/policies/admin-networks', {
      payload: { cidrs: [...DEFAULT_CIDRS, '198.51.100.0/24', '2001:db8:abcd::/48'] },
    });
    expect(put.statusCode).toBe(200);
    expect(put.json().cidrs).toContain('198.51.100.0/24');

    const after = await call(t, admin, 'GET', '/api/iam/accounts', { remoteAddress: '198.51.100.7' });
    expect(after.statusCode).toBe(200);
    const v6 = await call(t, admin, 'GET', '/api/iam/accounts', { remoteAddress: '2001:db8:abcd::42' });
    expect(v6.statusCode).toBe(200);
    const neighbour = await call(t, admin, 'GET', '/api/iam/accounts', { remoteAddress: '198.51.101.7' });
    expect(neighbour.json().code).toBe('IAM_ADMIN_NETWORK_DENIED');
    const elsewhere = await call(t, admin, 'GET', '/api/iam/accounts', { remoteAddress: PUBLIC_IP });
    expect(elsewhere.json().code).toBe('IAM_ADMIN_NETWORK_DENIED');

    const listed = await call(t, admin, 'GET', '/api/iam/policies');
    expect(listed.json().adminNetworks.cidrs).toEqual(put.json().cidrs);
  });

  it('stores entries in normal form without duplicates', async () => {
    const put = await call(t, admin, 'PUT', '/api/iam/policies/admin-networks', {
      payload: { cidrs: [...DEFAULT_CIDRS, ' 198.51.100.0/24 ', '198.51.100.0/24', '2001:0db8:abcd:0::/48'] },
    });
    expect(put.statusCode).toBe(200);
    const cidrs = put.json().cidrs as string[];
    expect(cidrs.filter((c) => c === '198.51.100.0/24')).toHaveLength(1);
    expect(cidrs).toContain('2001:db8:abcd::/48');
  });

  it('refuses entries that are not addresses or CIDRs with a field error for each', async () => {
    const before = (await call(t, admin, 'GET', '/api/iam/policies')).json().adminNetworks.cidrs;
    // Shorthand an IP parser would read as some other network ("10/8" as 0.0.0.10/8, "010.0.0.1" as
    // octal 8.0.0.1, "42" as 0.0.0.42) is refused too, rather than admitting what was not meant.
    const bad = [
      'not-an-ip',
      '300.1.1.1/8',
      '10.0.0.0/33',
      '192.168.1.1/',
      '10/8',
      '010.0.0.1',
      '42',
      '10.1',
      '2001:db8::/129',
      'fe80::1%eth0',
    ];
    const res = await call(t, admin, 'PUT', '/api/iam/policies/admin-networks', {
      payload: { cidrs: [...DEFAULT_CIDRS, ...bad] },
    });
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.code).toBe('VALIDATION_FAILED');
    expect(body.errors).toHaveLength(bad.length);
    for (const [i, entry] of bad.entries()) {
      expect(body.errors[i].field).toBe('cidrs');
      expect(body.errors[i].message).toContain(entry);
    }
    const after = (await call(t, admin, 'GET', '/api/iam/policies')).json().adminNetworks.cidrs;
    expect(after).toEqual(before);
  });

  it('refuses a body that is not a list of strings at the schema', async () => {
    for (const payload of [
      { cidrs: [{ net: '10.0.0.0/8' }] },
      { cidrs: [...DEFAULT_CIDRS, 42] },
      { cidrs: [...DEFAULT_CIDRS, '1'.repeat(65)] },
      { cidrs: DEFAULT_CIDRS, extra: true },
      { cidrs: { 0: '10.0.0.0/8' } },
    ]) {
      const res = await call(t, admin, 'PUT', '/api/iam/policies/admin-networks', { payload });
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe('VALIDATION_FAILED');
      expect(res.json().errors.length).toBeGreaterThan(0);
    }
  });

  it('GET /api/iam/policies tells the caller the address the server sees', async () => {
    const res = await call(t, admin, 'GET', '/api/iam/policies', { remoteAddress: '10.1.2.3' });
    expect(res.statusCode).toBe(200);
    expect(res.json().callerIp).toBe('10.1.2.3');
  });

  it('refuses a list that excludes the caller with IAM_SELF_LOCKOUT naming its address', async () => {
    const before = (await call(t, admin, 'GET', '/api/iam/policies')).json().adminNetworks.cidrs;
    const loopback = await call(t, admin, 'PUT', '/api/iam/policies/admin-networks', {
      payload: { cidrs: ['10.0.0.0/8'] },
    });
    expect(loopback.statusCode).toBe(409);
    expect(loopback.json().code).toBe('IAM_SELF_LOCKOUT');
    expect(loopback.json().title).toContain('127.0.0.1');

    const lan = await call(t, admin, 'PUT', '/api/iam/policies/admin-networks', {
      remoteAddress: '10.1.2.3',
      payload: { cidrs: ['127.0.0.0/8', '192.168.0.0/16'] },
    });
    expect(lan.statusCode).toBe(409);
    expect(lan.json().code).toBe('IAM_SELF_LOCKOUT');
    expect(lan.json().title).toContain('10.1.2.3');

    const empty = await call(t, admin, 'PUT', '/api/iam/policies/admin-networks', { payload: { cidrs: [] } });
    expect(empty.json().code).toBe('IAM_SELF_LOCKOUT');

    const after = (await call(t, admin, 'GET', '/api/iam/policies')).json().adminNetworks.cidrs;
    expect(after).toEqual(before);
    expect((await call(t, admin, 'GET', '/api/iam/accounts')).statusCode).toBe(200);
  });

  it('audits each change in the config category with the actor, address and before/after', async () => {
    const cidrs = [...DEFAULT_CIDRS, '192.0.2.0/24'];
    const res = await call(t, admin, 'PUT', '/api/iam/policies/admin-networks', { payload: { cidrs } });
    expect(res.statusCode).toBe(200);
    const entries = await searchAudit(t.platform.db, { categories: ['config'], limit: 50 });
    const entry = entries.find(
      (e) =>
        e.targetId === 'iam.adminNetworks' &&
        (e.details as { after: { cidrs: string[] } }).after.cidrs.includes('192.0.2.0/24'),
    );
    expect(entry).toBeDefined();
    expect(entry!.category).toBe('config');
    expect(entry!.actorId).toBe(admin.accountId);
    expect(entry!.actorName).toBe(admin.username);
    expect(entry!.sourceIp).toBe('127.0.0.1');
    expect(entry!.outcome).toBe('success');
    expect(entry!.description).toContain('mạng quản trị');
    const details = entry!.details as { before: { cidrs: string[] } | null; after: { cidrs: string[] } };
    expect(details.before?.cidrs ?? DEFAULT_CIDRS).not.toContain('192.0.2.0/24');
    expect(details.after.cidrs).toEqual(res.json().cidrs);
  });

  it('is itself an admin route: refused to ordinary users and from outside the list', async () => {
    const byClerk = await call(t, clerk, 'PUT', '/api/iam/policies/admin-networks', {
      payload: { cidrs: DEFAULT_CIDRS },
    });
    expect(byClerk.json().code).toBe('IAM_FORBIDDEN');
    const fromOutside = await call(t, admin, 'PUT', '/api/iam/policies/admin-networks', {
      remoteAddress: PUBLIC_IP,
      payload: { cidrs: [...DEFAULT_CIDRS, `${PUBLIC_IP}/32`] },
    });
    expect(fromOutside.json().code).toBe('IAM_ADMIN_NETWORK_DENIED');
    const still = await call(t, admin, 'GET', '/api/iam/accounts', { remoteAddress: PUBLIC_IP });
    expect(still.json().code).toBe('IAM_ADMIN_NETWORK_DENIED');
  });
});

describe('behind a reverse proxy', () => {
  const PROXY = '10.9.9.9';
  let p: TestApp;
  let padmin: LoggedIn;

  beforeAll(async () => {
    p = await createTestApp({ 'http.trustedProxies': [PROXY] });
    padmin = await loginAs(p, { roles: ['tech_admin'], scope: 'all' });
  });
  afterAll(() => p.close());

  it('checks the client address a trusted proxy reports in X-Forwarded-For', async () => {
    const outside = await call(p, padmin, 'GET', '/api/iam/accounts', {
      remoteAddress: PROXY,
      forwardedFor: PUBLIC_IP,
    });
    expect(outside.statusCode).toBe(403);
    expect(outside.json().code).toBe('IAM_ADMIN_NETWORK_DENIED');
    expect(outside.json().title).toContain(PUBLIC_IP);

    const inside = await call(p, padmin, 'GET', '/api/iam/accounts', {
      remoteAddress: PROXY,
      forwardedFor: '192.168.5.5',
    });
    expect(inside.statusCode).toBe(200);
  });

  it('believes only the hop the trusted proxy added, not addresses the client put before it', async () => {
    // The client sends "X-Forwarded-For: 192.168.5.5"; the proxy appends the address it saw.
    const spoofed = await call(p, padmin, 'GET', '/api/iam/accounts', {
      remoteAddress: PROXY,
      forwardedFor: `192.168.5.5, ${PUBLIC_IP}`,
    });
    expect(spoofed.statusCode).toBe(403);
    expect(spoofed.json().title).toContain(PUBLIC_IP);
  });

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy', async () => {
    for (const app of [p, t]) {
      const who = app === p ? padmin : admin;
      const res = await call(app, who, 'GET', '/api/iam/accounts', {
        remoteAddress: PUBLIC_IP,
        forwardedFor: '127.0.0.1',
      });
      expect(res.statusCode).toBe(403);
      expect(res.json().code).toBe('IAM_ADMIN_NETWORK_DENIED');
      expect(res.json().title).toContain(PUBLIC_IP);
    }
    // Without a configured proxy, a private peer is judged by its own address whatever it forwards.
    const lan = await call(t, admin, 'GET', '/api/iam/accounts', {
      remoteAddress: '10.9.9.9',
      forwardedFor: PUBLIC_IP,
    });
    expect(lan.statusCode).toBe(200);
  });

  it('guards against self-lockout with the forwarded client address', async () => {
    const res = await call(p, padmin, 'PUT', '/api/iam/policies/admin-networks', {
      remoteAddress: PROXY,
      forwardedFor: '192.168.5.5',
      payload: { cidrs: ['127.0.0.0/8', '10.0.0.0/8'] },
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('IAM_SELF_LOCKOUT');
    expect(res.json().title).toContain('192.168.5.5');

    const ok = await call(p, padmin, 'PUT', '/api/iam/policies/admin-networks', {
      remoteAddress: PROXY,
      forwardedFor: '192.168.5.5',
      payload: { cidrs: ['127.0.0.0/8', '192.168.5.0/24'] },
    });
    expect(ok.statusCode).toBe(200);
    const entries = await searchAudit(p.platform.db, { categories: ['config'], limit: 10 });
    expect(entries.find((e) => e.targetId === 'iam.adminNetworks')?.sourceIp).toBe('192.168.5.5');
  });
});
