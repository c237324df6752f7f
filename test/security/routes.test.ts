/**
 * @module test/security/routes.test
 * The cross-module security walk (SEC-12, SEC-13, SEC-14): every operation of the served OpenAPI
 * document, so a route added later is walked too, is called without credentials, as an ordinary user
 * and as a business administrator, without and with a forged CSRF token, with a bearer token, with
 * SQL injection, path traversal, LFI/RFI and NUL payloads in each path parameter, query parameter and
 * string body field, with stored XSS payloads, and with oversized, malformed, mistyped and over-full
 * bodies. Every response of the file goes through `Probe.check`: never a 5xx, errors as problem+json
 * with a catalogue code, never HTML, always CSP and nosniff, and no stack trace, dependency path,
 * database message or password hash in any body.
 */
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemCtx } from '../../src/core/context.ts';
import { sql } from '../../src/core/db/index.ts';
import { hmacApplication, restService } from '../../src/lgsp/registry/testing.ts';
import { buildProvince, type Province } from '../../src/org/testing.ts';
import type { OrgUnit } from '../../src/org/types.ts';
import { insertEvents } from '../../src/soc/search/testing.ts';
import { sourceRowsOf } from '../../src/soc/sources/testing.ts';
import {
  createTestApp,
  type LoggedIn,
  login,
  loginAs,
  sessionHeaders,
  type TestApp,
} from '../helpers/app.ts';
import { type Operation, readOperations, sampleOf, stringSlots, urlOf, withValue } from './openapi.ts';
import { Probe } from './probe.ts';

/** Operations anyone may call, and why. Everything else under /api needs a session or a token. */
const PUBLIC: Record<string, string> = {
  'POST /api/iam/auth/login': 'signing in is how a session starts',
  'POST /api/iam/auth/change-expired-password':
    'an expired password blocks login, so it is changed with the old password instead of a session (SEC-03 e)',
  'GET /healthz': 'liveness probe of the load balancer; answers only {"status":"ok"}',
  'GET /readyz': 'readiness probe of the load balancer; answers only {"status":"ready"}',
  'POST /api/lgsp/auth/sessions':
    'Article 10 step 1: a source application authenticates by its request signature (X-Lgsp-*), not a session',
  'POST /api/lgsp/auth/introspect':
    'Article 10 step 4: a destination application authenticates by its request signature (X-Lgsp-*), not a session',
  'GET /api/lgsp/maintenance/upcoming':
    'agency systems poll upcoming maintenance windows (LGSP-34); titles and times only, no names of staff',
};

/**
 * Operations a machine calls with its own credential instead of a session: public to the session gate,
 * refused with 401 and the route's own code without that credential.
 */
const MACHINE_CREDENTIAL: Record<string, { code: string; why: string }> = {
  'POST /api/soc/ingest/events': {
    code: 'SOC_INGEST_TOKEN_INVALID',
    why: 'log shippers authenticate with an ingest token (Bearer, ApiKey or Basic), not an account session',
  },
};

/**
 * Operations whose body is a file streamed to disk as it arrives, not a JSON document: any content type is
 * the file's bytes (malformed JSON or XML is a file like any other), and the size limit is the route's own
 * (soc.ingest.maxImportBytes, a gigabyte by default), so the JSON body walks do not apply. The oversized
 * walk checks the route's own limit instead: a declared length over it is refused before a byte is read.
 */
const RAW_BODY: Record<string, { query: string; code: string; why: string }> = {
  'POST /api/soc/imports': {
    query: 'name=lon.log&format=lines',
    code: 'SOC_IMPORT_TOO_LARGE',
    why: 'forensic import: the request body is the log file itself (plain, gzip, UTF-16), streamed unread',
  },
};

/** No session involved: public, or authenticated by a machine credential. */
const sessionless = (key: string) => key in PUBLIC || key in MACHINE_CREDENTIAL;

/** Operations an ordinary user (role `user`, permission org.read only) may call. */
const USER_LEVEL = new Set([
  // The caller's own session, password, second factor and API tokens: no permission needed.
  'POST /api/iam/auth/totp',
  'POST /api/iam/auth/logout',
  'GET /api/iam/auth/me',
  'POST /api/iam/auth/change-password',
  'POST /api/iam/me/totp/setup',
  'POST /api/iam/me/totp/enable',
  'GET /api/iam/me/tokens',
  'POST /api/iam/me/tokens',
  'DELETE /api/iam/me/tokens/{id}',
  // org.read: the organisation tree within the user's scope.
  'GET /api/org/units',
  'GET /api/org/tree',
  'GET /api/org/units/{id}',
  'GET /api/org/units/{id}/history',
  'GET /api/org/units/{id}/next-code',
  'GET /api/org/codes/{code}',
  'GET /api/org/export',
  // The caller's own notifications: no permission, and only their own rows (core/notifications tests).
  'GET /api/notifications',
  'POST /api/notifications/{id}/read',
  'POST /api/notifications/read-all',
  // The global search: each module's results follow its own permission and the user's scope.
  'GET /api/search',
  // The user's own console preferences.
  'PATCH /api/iam/auth/me/preferences',
  // The home page's figures (org.read; the account count and activity follow their own permissions).
  'GET /api/console/summary',
]);

/** Query parameters an operation requires, for the walks that call every operation with a valid request. */
const REQUIRED_QUERY: Record<string, Record<string, string>> = {
  'GET /api/search': { q: 'so tai chinh' },
  // The exchange figures and error summary cover a date range the caller names.
  'GET /api/lgsp/statistics': { from: '2026-11-01', to: '2026-11-23' },
  'GET /api/lgsp/errors': { from: '2026-11-01', to: '2026-11-23' },
  // The SOC's field sidebar samples the events of a time range the caller names.
  'GET /api/soc/search/fields': { last: '24h' },
};

/** Operations a business administrator may call besides the user's: org.write, accounts, audit.read. */
const BUSINESS_LEVEL = new Set([
  // lgsp.registry.read: the LGSP registry read in the actor's scope (connected units, applications, their
  // keys without secrets, services, rights and their history and matrix), the service directory, the
  // availability views and the maintenance calendar. Writes (lgsp.registry.write, lgsp.keys.write,
  // lgsp.rights.write) stay with the technical administrator.
  'GET /api/lgsp/units',
  'GET /api/lgsp/applications',
  'GET /api/lgsp/applications/{id}',
  'GET /api/lgsp/applications/{id}/keys',
  'GET /api/lgsp/services',
  'GET /api/lgsp/services/{id}',
  'GET /api/lgsp/rights',
  'GET /api/lgsp/rights/history',
  'GET /api/lgsp/rights/matrix',
  'GET /api/lgsp/directory',
  'GET /api/lgsp/availability',
  'GET /api/lgsp/availability/{serviceId}/history',
  'GET /api/lgsp/availability/statistics',
  'GET /api/lgsp/maintenance',
  // lgsp.exchange.read: the exchange log, its export, the daily figures and the error summary.
  'GET /api/lgsp/exchanges',
  'GET /api/lgsp/exchanges/export',
  'GET /api/lgsp/statistics',
  'GET /api/lgsp/errors',
  // soc.events.read: the event search (search, histogram, top values, field sidebar, one event, export),
  // the caller's own saved searches, the shipped and operator pipelines (read and simulate, which changes
  // nothing), and forensic file imports (upload, progress, cancel), all in the actor's scope.
  'POST /api/soc/search',
  'POST /api/soc/search/histogram',
  'POST /api/soc/search/terms',
  'GET /api/soc/search/fields',
  'GET /api/soc/events/{id}',
  'POST /api/soc/search/export',
  'GET /api/soc/saved-searches',
  'GET /api/soc/saved-searches/{id}',
  'POST /api/soc/saved-searches',
  'PUT /api/soc/saved-searches/{id}',
  'DELETE /api/soc/saved-searches/{id}',
  'GET /api/soc/pipelines',
  'POST /api/soc/pipelines/simulate',
  'POST /api/soc/imports',
  'GET /api/soc/imports',
  'GET /api/soc/imports/{id}',
  'POST /api/soc/imports/{id}/cancel',
  // soc.sources.read: the source inventory and its silence alerts, information systems, IP ranges, the
  // inputs' state, the SIEM's health and the event store's report. Changing any of them (soc.sources.write,
  // soc.config.write: sources, systems, ranges, inputs, ingest tokens, pipelines) stays with the technical
  // administrator.
  'GET /api/soc/sources',
  'GET /api/soc/sources/alerts',
  'GET /api/soc/sources/{id}',
  'GET /api/soc/systems',
  'GET /api/soc/systems/{id}',
  'GET /api/soc/ip-ranges',
  'GET /api/soc/ip-ranges/{id}',
  'GET /api/soc/inputs',
  'GET /api/soc/health',
  'GET /api/soc/store/report',
  ...USER_LEVEL,
  'POST /api/org/units',
  'PATCH /api/org/units/{id}',
  'POST /api/org/reorganisations/preview',
  'POST /api/org/reorganisations',
  'POST /api/org/import',
  'GET /api/iam/accounts',
  'GET /api/iam/accounts/export',
  'POST /api/iam/accounts',
  'GET /api/iam/accounts/{id}',
  'PATCH /api/iam/accounts/{id}',
  'POST /api/iam/accounts/{id}/status',
  'POST /api/iam/accounts/{id}/reset-password',
  'GET /api/iam/permissions',
  'GET /api/iam/roles',
  'GET /api/audit/categories',
  'GET /api/audit/entries',
  'GET /api/audit/export',
  'GET /api/audit/stats',
  'GET /api/audit/verify',
  'GET /api/system/audit/retention',
]);

const SQLI = [
  `' OR '1'='1`,
  '1; DROP TABLE iam_accounts;--',
  `' UNION SELECT password_hash FROM iam_accounts--`,
  String.raw`\'`,
  '%27',
];
const TRAVERSAL = [
  '../../etc/passwd',
  '..%2f..%2fetc%2fpasswd',
  'file:///etc/passwd',
  'http://evil.example/x',
];
/** PostgreSQL text cannot hold U+0000; a NUL must be refused as invalid input, not fail in the database. */
const NUL = 'a\u0000b';
const HOSTILE = [...SQLI, ...TRAVERSAL, NUL];
/** Numbers a query parameter cannot hold: beyond 64 bits, beyond a double, fractional, hexadecimal. */
const NUMBERS = ['99999999999999999999', '-99999999999999999999', '1e400', '1.5', '0x10'];
const XSS = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>'];

const MISSING_ID = '00000000-0000-4000-8000-000000000404';

let t: TestApp;
let p: Province;
let probe: Probe;
let ops: Operation[];
let admin: LoggedIn;
let fuzzer: LoggedIn;
let user: LoggedIn;
let business: LoggedIn;
/** An account and units the walks may change freely. */
let victimId: string;
let victimUnit: OrgUnit;
let mover: OrgUnit;
let tablesBefore: string[];
let accountsBefore: number;

/** Which row a path parameter names, by route. */
interface Ids {
  account: string;
  unit: string;
  code: string;
  role: string;
  token: string;
  /** An LGSP application of the victim unit (with a key) and a service it provides. */
  application: string;
  service: string;
  /** SOC rows of the victim unit: an information system, its IP range, a source, an event, an import; and
   * a saved search of the business administrator (saved searches belong to their owner). */
  socSystem: string;
  socRange: string;
  socSource: string;
  socEvent: string;
  socImport: string;
  socSavedSearch: string;
}
let ids: Ids;

/** SOC path prefixes and the row of `Ids` each names. */
const SOC_PATHS: [string, keyof Ids][] = [
  ['/api/soc/systems/', 'socSystem'],
  ['/api/soc/ip-ranges/', 'socRange'],
  ['/api/soc/sources/', 'socSource'],
  ['/api/soc/events/', 'socEvent'],
  ['/api/soc/imports/', 'socImport'],
  ['/api/soc/saved-searches/', 'socSavedSearch'],
];

function pathValues(op: Operation, of: Ids): Record<string, string> {
  const values: Record<string, string> = {};
  for (const name of op.pathParams) {
    if (name === 'code') values[name] = of.code;
    else if (op.path.startsWith('/api/iam/accounts/')) values[name] = of.account;
    else if (op.path.startsWith('/api/org/units/')) values[name] = of.unit;
    else if (op.path.startsWith('/api/iam/roles/')) values[name] = of.role;
    else if (op.path.startsWith('/api/iam/me/tokens/')) values[name] = of.token;
    else if (op.path.startsWith('/api/lgsp/applications/')) values[name] = of.application;
    else if (op.path.startsWith('/api/lgsp/services/')) values[name] = of.service;
    else if (op.path.startsWith('/api/lgsp/availability/')) values[name] = of.service;
    else {
      const soc = SOC_PATHS.find(([prefix]) => op.path.startsWith(prefix));
      values[name] = soc ? of[soc[1]] : MISSING_ID;
    }
  }
  return values;
}

let serial = 0;
/** Valid bodies where the generic sampler cannot guess one (unique names, real ids, a real password). */
function fixtures(): Record<string, () => unknown> {
  const move = () => ({
    type: 'move',
    unitId: mover.id,
    newParentId: p.district.id,
    decisionRef: 'Quyết định số 12/QĐ-UBND',
  });
  return {
    'POST /api/iam/auth/login': () => ({ username: 'khong.ton.tai', password: 'Sai-mat-khau-1' }),
    'POST /api/iam/auth/change-expired-password': () => ({
      username: 'khong.ton.tai',
      currentPassword: 'Sai-mat-khau-1',
      newPassword: 'Mật-khẩu-Mới-2026!',
    }),
    'POST /api/iam/auth/change-password': () => ({
      currentPassword: fuzzer.password,
      newPassword: 'Mật-khẩu-Mới-2026!',
    }),
    'POST /api/iam/auth/totp': () => ({ code: '000000' }),
    'POST /api/iam/me/totp/enable': () => ({ code: '000000' }),
    'POST /api/iam/me/tokens': () => ({ name: 'Mã kiểm thử' }),
    'POST /api/iam/accounts': () => ({
      username: `kiemthu${process.pid}x${++serial}`,
      fullName: 'Nguyễn Văn Kiểm',
      unitId: p.health.id,
      roles: ['user'],
    }),
    'PATCH /api/iam/accounts/{id}': () => ({ fullName: 'Trần Thị Bình' }),
    'POST /api/iam/accounts/{id}/status': () => ({ action: 'unlock', reason: 'Kiểm thử' }),
    'PUT /api/iam/accounts/{id}/roles': () => ({ roles: ['user'] }),
    'PUT /api/iam/accounts/{id}/grants': () => ({ grants: [{ permission: 'org.read', effect: 'allow' }] }),
    'PUT /api/iam/roles/{id}': () => ({
      nameVi: 'Vai trò kiểm thử',
      nameEn: 'Test role',
      permissions: ['org.read'],
    }),
    'PUT /api/iam/policies/admin-networks': () => ({ cidrs: ['127.0.0.0/8', '::1/128'] }),
    'POST /api/org/units': () => ({ parentId: p.health.id, name: 'Phòng Kiểm thử' }),
    'PATCH /api/org/units/{id}': () => ({ address: 'Số 1 Lê Lợi' }),
    'POST /api/org/reorganisations/preview': move,
    'POST /api/org/reorganisations': move,
    'POST /api/org/import': () => ({
      format: 'csv',
      content: Buffer.from(`code,name\n${victimUnit.code},${victimUnit.name}\n`).toString('base64'),
      dryRun: true,
    }),
  };
}
let fixture: Record<string, () => unknown>;

/** A valid body for `op` (a fixture, or sampled from its schema); undefined when it takes none. */
function bodyOf(op: Operation): unknown {
  const make = fixture[op.key];
  if (make) return make();
  if (!op.body) return undefined;
  return sampleOf(op.body, {
    uuid: (field) =>
      field === 'actorId'
        ? victimId
        : /unit|parent|target|source|successor|children|root/i.test(field)
          ? victimUnit.id
          : MISSING_ID,
    text: 'Kiểm thử an toàn',
  });
}

/** Inject options for `op` with the given headers, URL and body. */
function call(op: Operation, headers: Record<string, string>, url: string, payload: unknown): InjectOptions {
  return payload === undefined
    ? { method: op.method, url, headers }
    : { method: op.method, url, headers, payload: payload as InjectOptions['payload'] };
}

async function tableNames(): Promise<string[]> {
  const res = (await t.platform.db.execute(
    sql`select table_name from information_schema.tables where table_schema = current_schema() order by 1`,
  )) as unknown as { rows: { table_name: string }[] };
  return res.rows.map((r) => r.table_name);
}

async function accountCount(): Promise<number> {
  const res = (await t.platform.db.execute(sql`select count(*)::int as n from iam_accounts`)) as unknown as {
    rows: { n: number }[];
  };
  return res.rows[0]!.n;
}

const started = Date.now();

beforeAll(async () => {
  t = await createTestApp();
  probe = new Probe(t.app, { sent: [...HOSTILE, ...XSS] });
  p = await buildProvince(t.services.org, systemCtx());
  // The walk sends every hostile value as the current password of its own password change: each is a
  // failed credential check, and the default limit (5) would lock the walker out half-way.
  await t.services.iam.policies.setLockout(systemCtx(), { maxFailures: 100, windowMinutes: 1 });
  admin = await loginAs(t, { roles: ['tech_admin'], scope: 'all', unitId: p.root.id });
  fuzzer = await loginAs(t, { roles: ['tech_admin'], scope: 'all', unitId: p.root.id });
  user = await loginAs(t, { roles: ['user'], scope: 'own', unitId: p.finance.id });
  business = await loginAs(t, { roles: ['business_admin'], scope: 'subtree', unitId: p.root.id });
  const victim = await t.services.iam.accounts.create(systemCtx(), {
    username: `nannhan${process.pid}`,
    fullName: 'Tài khoản thử nghiệm',
    unitId: p.health.id,
    roles: ['user'],
  });
  victimId = victim.account.id;
  victimUnit = await t.services.org.createUnit(systemCtx(), {
    parentId: p.health.id,
    name: 'Phòng Thử nghiệm',
    kind: 'unit',
  });
  mover = await t.services.org.createUnit(systemCtx(), { parentId: p.health.id, name: 'Phòng Chuyển' });
  await t.services.iam.roles.save(systemCtx(), {
    id: 'kiem_thu',
    nameVi: 'Vai trò kiểm thử',
    nameEn: 'Test role',
    permissions: ['org.read'],
  });
  // Real LGSP rows, so the read routes answer 2xx to the business administrator and the hostile values
  // in the write bodies reach the database through an existing application.
  const registry = t.services.lgsp.registry.service;
  const lgspApp = await hmacApplication(registry, victimUnit);
  const lgspService = await restService(registry, lgspApp.app.id);
  // Real SOC rows of the victim unit, and a saved search and an import of the business administrator, so
  // the SOC reads answer 2xx and the hostile values reach real rows.
  const socRows = await sourceRowsOf(t.services.soc.sources, victimUnit.id);
  const [socEvent] = await insertEvents(t.platform.db, [
    {
      ts: new Date(),
      unitId: victimUnit.id,
      doc: { message: 'Kiểm thử an toàn', event: { action: 'logon' } },
    },
  ]);
  REQUIRED_QUERY['GET /api/soc/events/{id}'] = { ts: socEvent!.ts };
  const saved = await t.app.inject({
    method: 'POST',
    url: '/api/soc/saved-searches',
    headers: business.headers,
    payload: { name: 'Đăng nhập thất bại', query: 'event.action:logon', timeRange: { last: '24h' } },
  });
  expect(saved.statusCode, saved.body).toBe(201);
  const upload = await t.app.inject({
    method: 'POST',
    url: '/api/soc/imports?name=auth.log&format=auth-log',
    headers: { ...business.headers, 'content-type': 'text/plain' },
    payload: 'Dec  7 08:00:01 web01 sshd[123]: Failed password for root from 203.0.113.9 port 22 ssh2\n',
  });
  expect(upload.statusCode, upload.body).toBe(202);
  ids = {
    account: victimId,
    unit: victimUnit.id,
    code: victimUnit.code,
    role: 'kiem_thu',
    token: MISSING_ID,
    application: lgspApp.app.id,
    service: lgspService.id,
    socSystem: socRows.systemId,
    socRange: socRows.rangeId,
    socSource: socRows.sourceId,
    socEvent: socEvent!.id,
    socImport: upload.json().id,
    socSavedSearch: saved.json().id,
  };
  fixture = fixtures();
  ops = await readOperations(t.app);
  tablesBefore = await tableNames();
  accountsBefore = await accountCount();
});
afterAll(async () => {
  console.info(
    `security walk: ${ops.length} operations, ${probe.count} responses checked (${probe.summary()}) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  await t.close();
});

describe('the OpenAPI document', () => {
  it('lists the operations of every module, and every allow-listed operation exists', () => {
    const keys = ops.map((o) => o.key);
    for (const prefix of ['/api/iam/', '/api/org/', '/api/audit/', '/api/system/']) {
      expect(keys.some((k) => k.includes(prefix))).toBe(true);
    }
    for (const key of [...Object.keys(PUBLIC), ...BUSINESS_LEVEL]) expect(keys).toContain(key);
    expect(ops.length).toBeGreaterThanOrEqual(50);
  });
});

describe('authentication and permissions on every operation (SEC-08, SEC-13)', () => {
  it('refuses a caller without credentials, or with forged ones, with 401 and a code, except the public routes', async () => {
    const ways: [string, Record<string, string>][] = [
      ['no credentials', {}],
      ['forged session cookie', { cookie: 'tinhso_session=gia-mao' }],
      ['forged bearer token', { authorization: `Bearer ${SQLI[0]}` }],
    ];
    for (const op of ops) {
      const url = urlOf(op, pathValues(op, ids));
      for (const [how, headers] of ways) {
        const res = await probe.send(call(op, headers, url, undefined), `${op.key} (${how})`);
        if (op.key in PUBLIC) {
          expect(res.statusCode, `${op.key} is public: ${PUBLIC[op.key]}`).not.toBe(401);
        } else if (op.key in MACHINE_CREDENTIAL) {
          expect(res.statusCode, `${op.key}: ${MACHINE_CREDENTIAL[op.key]?.why}`).toBe(401);
          expect(res.json().code, op.key).toBe(MACHINE_CREDENTIAL[op.key]?.code);
        } else {
          expect(res.statusCode, `${op.key} (${how})`).toBe(401);
          const code = res.json().code;
          expect(['IAM_UNAUTHENTICATED', 'IAM_SESSION_EXPIRED', 'IAM_TOKEN_INVALID'], `${op.key}`).toContain(
            code,
          );
          if (how === 'no credentials') expect(code).toBe('IAM_UNAUTHENTICATED');
        }
      }
    }
  });

  async function walkAs(who: LoggedIn, allowed: Set<string>, of: Ids) {
    for (const op of ops.filter((o) => !sessionless(o.key))) {
      // Logging out ends the session the rest of the walk uses: log out a second session instead.
      const headers =
        op.key === 'POST /api/iam/auth/logout'
          ? (await login(t, who.username, who.password)).headers
          : who.headers;
      const url = urlOf(op, pathValues(op, of), REQUIRED_QUERY[op.key]);
      const res = await probe.send(call(op, headers, url, undefined), op.key);
      if (!allowed.has(op.key)) {
        expect(res.statusCode, `${op.key} must be forbidden`).toBe(403);
        expect(res.json().code, op.key).toBe('IAM_FORBIDDEN');
      } else if (op.method === 'GET') {
        expect(res.statusCode, `${op.key} → ${res.body.slice(0, 200)}`).toBeLessThan(300);
      } else {
        // Called without a body: refused by validation or answered, never by the gate.
        expect([401, 403], `${op.key} → ${res.body.slice(0, 200)}`).not.toContain(res.statusCode);
      }
    }
  }

  it('lets an ordinary user call only the user-level operations; every other one answers 403 IAM_FORBIDDEN', async () => {
    await walkAs(user, USER_LEVEL, {
      ...ids,
      account: user.accountId,
      unit: p.finance.id,
      code: p.finance.code,
      role: 'user',
      token: MISSING_ID,
      application: ids.application,
      service: ids.service,
    });
  });

  it('refuses a business administrator the technical administration (roles, policies, backups, system)', async () => {
    await walkAs(business, BUSINESS_LEVEL, ids);
  });
});

describe('CSRF (SEC-13)', () => {
  it('refuses every cookie-authenticated state change without the CSRF header, or with a wrong one', async () => {
    const real = admin.headers['x-csrf-token'];
    const wrong: [string, string | undefined][] = [
      ['no header', undefined],
      ['wrong token of the right length', 'x'.repeat(real.length)],
      ['short token', 'x'],
      ["another session's token", user.headers['x-csrf-token']],
    ];
    for (const op of ops.filter((o) => o.changesState && !sessionless(o.key))) {
      const url = urlOf(op, pathValues(op, ids));
      for (const [how, token] of wrong) {
        const headers: Record<string, string> = { cookie: admin.headers.cookie };
        if (token !== undefined) headers['x-csrf-token'] = token;
        const res = await probe.send(call(op, headers, url, bodyOf(op)), `${op.key} (${how})`);
        expect(res.statusCode, `${op.key} (${how})`).toBe(403);
        expect(res.json().code, `${op.key} (${how})`).toBe('CSRF_TOKEN_INVALID');
      }
    }
  });

  it('does not apply CSRF to a request authenticated by a bearer API token', async () => {
    const limited = await t.app.inject({
      method: 'POST',
      url: '/api/iam/me/tokens',
      headers: admin.headers,
      payload: { name: 'Chỉ đọc', permissions: ['org.read'] },
    });
    expect(limited.statusCode).toBe(200);
    // A token limited to org.read: every state change answers from its permission, none from CSRF,
    // and nothing is changed.
    const bearer = { authorization: `Bearer ${limited.json().token}` };
    let answered = 0;
    for (const op of ops.filter((o) => o.changesState && !sessionless(o.key))) {
      const res = await probe.send(
        call(op, bearer, urlOf(op, pathValues(op, ids)), bodyOf(op)),
        `${op.key} (bearer)`,
      );
      expect(['IAM_UNAUTHENTICATED', 'IAM_TOKEN_INVALID', 'CSRF_TOKEN_INVALID'], op.key).not.toContain(
        res.json().code,
      );
      if (res.statusCode < 300) answered++;
    }
    expect(answered).toBeGreaterThan(0);

    const full = await t.app.inject({
      method: 'POST',
      url: '/api/iam/me/tokens',
      headers: admin.headers,
      payload: { name: 'Toàn quyền' },
    });
    const res = await probe.send({
      method: 'PATCH',
      url: `/api/org/units/${victimUnit.id}`,
      headers: { authorization: `Bearer ${full.json().token}` },
      payload: { phone: '0227 3831 123' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().phone).toBe('0227 3831 123');
  });
});

describe('injection, path traversal, LFI and RFI (SEC-13)', () => {
  /** Slots that store or search text: a payload there must reach the database and come back 2xx. */
  const REACHES_SQL = [
    'GET /api/iam/accounts ?q',
    'GET /api/org/units ?q',
    'GET /api/audit/entries ?q',
    'GET /api/audit/stats ?q',
    'GET /api/search ?q',
    'GET /api/system/scheduler/runs ?job',
    'POST /api/iam/accounts .fullName',
    'PATCH /api/iam/accounts/{id} .fullName',
    'POST /api/iam/accounts/{id}/status .reason',
    'PUT /api/iam/roles/{id} .nameVi',
    'POST /api/iam/me/tokens .name',
    'POST /api/org/units .name',
    'PATCH /api/org/units/{id} .address',
    'GET /api/lgsp/applications ?q',
    'GET /api/lgsp/services ?q',
    'GET /api/lgsp/directory ?q',
    'PATCH /api/lgsp/applications/{id} .name',
    'PATCH /api/lgsp/services/{id} .name',
  ];

  it('answers each hostile value in every path parameter, query parameter and string body field with 2xx or 4xx, leaking nothing', async () => {
    const reached = new Map<string, number>();
    const as = (label: string, status: number, payload: string) => {
      if (status < 300 && payload !== NUL) reached.set(label, (reached.get(label) ?? 0) + 1);
    };
    /** Sends as the walker; a password change that went through renews its session, so it follows. */
    const send = async (op: Operation, url: string, body: unknown, label: string) => {
      const options = call(op, fuzzer.headers, url, body);
      const res = await probe.send(options, label);
      if (op.key === 'POST /api/iam/auth/change-password' && res.statusCode === 200) {
        const sent = (
          typeof options.payload === 'string' ? JSON.parse(options.payload) : options.payload
        ) as { newPassword: string };
        fuzzer = { ...fuzzer, headers: sessionHeaders(res), password: sent.newPassword };
      }
      return res;
    };
    for (const op of ops) {
      const values = pathValues(op, ids);
      for (const name of op.pathParams) {
        for (const payload of HOSTILE) {
          const urls = [urlOf(op, { ...values, [name]: payload })];
          if (TRAVERSAL.includes(payload))
            urls.push(urlOf(op, { ...values, [name]: payload }, {}, { raw: true }));
          for (const url of urls) {
            const res = await send(op, url, bodyOf(op), `${op.key} {${name}}=${JSON.stringify(payload)}`);
            as(`${op.key} {${name}}`, res.statusCode, payload);
          }
        }
      }
      for (const q of op.query) {
        const numeric = ['integer', 'number'].includes(String(q.schema.type));
        for (const payload of numeric ? [...HOSTILE, ...NUMBERS] : HOSTILE) {
          const url = urlOf(op, values, { [q.name]: payload });
          const res = await send(op, url, bodyOf(op), `${op.key} ?${q.name}=${JSON.stringify(payload)}`);
          as(`${op.key} ?${q.name}`, res.statusCode, payload);
        }
      }
      const base = bodyOf(op);
      if (!op.body || base === undefined) continue;
      for (const slot of stringSlots(op.body, base)) {
        for (const payload of HOSTILE) {
          const body = withValue(bodyOf(op), slot, payload);
          const res = await send(
            op,
            urlOf(op, values),
            body,
            `${op.key} .${slot.join('.')}=${JSON.stringify(payload)}`,
          );
          as(`${op.key} .${slot.join('.')}`, res.statusCode, payload);
        }
      }
    }
    for (const label of REACHES_SQL)
      expect(reached.get(label), `${label} never reached the database`).toBeGreaterThan(0);
    // The walker's own session survived (a payload did not lock or log it out).
    expect(
      (await probe.send({ method: 'GET', url: '/api/iam/auth/me', headers: fuzzer.headers })).statusCode,
    ).toBe(200);
    // About 2 300 requests over every operation (~100 with the LGSP routes): 17 s on an idle machine, so the
    // default 30 s is too close on a shared CI runner. Skipping operations to fit would defeat the walk.
  }, 180_000);

  it('stored the payloads verbatim, left every table in place and the audit chain intact', async () => {
    const units = await probe.send({
      method: 'GET',
      url: `/api/org/units?status=all&limit=500&q=${encodeURIComponent('union select')}`,
      headers: admin.headers,
    });
    expect(units.json().items.map((u: OrgUnit) => u.name)).toContain(SQLI[2]);
    const accounts = await probe.send({
      method: 'GET',
      url: `/api/iam/accounts?limit=500&q=${encodeURIComponent('drop table')}`,
      headers: admin.headers,
    });
    expect(accounts.json().items.map((a: { fullName: string }) => a.fullName)).toContain(SQLI[1]);
    // Every table is still there; the only new ones may be the SIEM's day partitions, which ingest creates
    // for the days its events fall on (an event of yesterday, posted just after midnight UTC, makes one).
    const tablesAfter = await tableNames();
    expect(tablesAfter).toEqual(expect.arrayContaining(tablesBefore));
    expect(tablesAfter.filter((n) => !tablesBefore.includes(n) && !/^soc_events_p\d{8}$/.test(n))).toEqual(
      [],
    );
    expect(await accountCount()).toBeGreaterThanOrEqual(accountsBefore);
    await t.platform.accessLog.flush();
    const verify = await probe.send({ method: 'GET', url: '/api/audit/verify', headers: admin.headers });
    expect(verify.json()).toMatchObject({ ok: true });
  });

  it('refuses traversal and remote locations as the backup folder, and keeps the folder it had', async () => {
    const before = await probe.send({
      method: 'GET',
      url: '/api/system/backup/policy',
      headers: admin.headers,
    });
    for (const destination of [...TRAVERSAL, '/etc/passwd', '/proc/self/environ']) {
      const res = await probe.send({
        method: 'PUT',
        url: '/api/system/backup/policy',
        headers: admin.headers,
        payload: { ...before.json().policy, destination },
      });
      expect(res.statusCode, destination).toBe(400);
      expect(res.json().code).toBe('VALIDATION_FAILED');
    }
    const after = await probe.send({
      method: 'GET',
      url: '/api/system/backup/policy',
      headers: admin.headers,
    });
    expect(after.json().destination).toBe(before.json().destination);
  });

  it('reads an org import as data: traversal and remote locations in cells or as the file are never opened', async () => {
    const csv = [
      'code,name,short_name,kind,parent_code,address,email,phone',
      ...TRAVERSAL.map((v, i) => `${p.root.code}.${i},${v},${v},unit,${v},${v},${v},${v}`),
      `${victimUnit.code},${TRAVERSAL[0]},,,${p.health.code},${TRAVERSAL[2]},,`,
    ].join('\n');
    const bodies = [
      { format: 'csv', content: Buffer.from(csv).toString('base64'), dryRun: true },
      { format: 'csv', content: Buffer.from(csv).toString('base64'), dryRun: false },
      // A NUL inside the file: the database cannot store it, so the import must refuse it, not fail.
      { format: 'csv', content: Buffer.from(`code,name\n${victimUnit.code},a\u0000b\n`).toString('base64') },
      ...TRAVERSAL.flatMap((v) => [
        { format: 'csv', content: Buffer.from(v).toString('base64') },
        { format: 'xlsx', content: Buffer.from(v).toString('base64') },
      ]),
    ];
    for (const payload of bodies) {
      const res = await probe.send({
        method: 'POST',
        url: '/api/org/import',
        headers: admin.headers,
        payload,
      });
      expect(res.statusCode, res.body).toBeLessThan(500);
      expect(res.body).not.toContain('root:x:0:0');
    }
  });

  it('serves no file outside the documentation through the documentation routes', async () => {
    for (const url of [
      '/api/docs/static/../../../../etc/passwd',
      '/api/docs/static/..%2f..%2f..%2f..%2fetc%2fpasswd',
      '/api/docs/static/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
      '/api/docs/..%2f..%2fpackage.json',
      '/api/docs/static/file:%2f%2f%2fetc%2fpasswd',
    ]) {
      const res = await t.app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBeGreaterThanOrEqual(400);
      expect(res.body, url).not.toContain('root:x:0:0');
      expect(res.body, url).not.toContain('"dependencies"');
    }
  });
});

describe('stored XSS (SEC-13)', () => {
  it('returns script in an account name and a unit name only as JSON strings, under a CSP and nosniff', async () => {
    for (const [i, text] of XSS.entries()) {
      const created = await probe.send({
        method: 'POST',
        url: '/api/iam/accounts',
        headers: admin.headers,
        payload: { username: `xss${process.pid}x${i}`, fullName: text, unitId: p.health.id },
      });
      expect(created.statusCode).toBe(201);
      expect(created.headers['content-type']).toMatch(/^application\/json/);
      const id = created.json().account.id as string;
      const read = await probe.send({
        method: 'GET',
        url: `/api/iam/accounts/${id}`,
        headers: admin.headers,
      });
      expect(read.json().fullName).toBe(text);
      expect(read.headers['content-type']).toMatch(/^application\/json/);

      const unit = await probe.send({
        method: 'POST',
        url: '/api/org/units',
        headers: admin.headers,
        payload: { parentId: p.health.id, name: text, address: text },
      });
      expect(unit.statusCode).toBe(201);
      const listed = await probe.send({
        method: 'GET',
        url: `/api/org/units?parentId=${p.health.id}&limit=500`,
        headers: admin.headers,
      });
      expect(listed.headers['content-type']).toMatch(/^application\/json/);
      expect(listed.json().items.map((u: OrgUnit) => u.name)).toContain(text);
    }
    const exported = await probe.send({
      method: 'GET',
      url: '/api/org/export?format=csv',
      headers: admin.headers,
    });
    expect(exported.headers['content-type']).toMatch(/^text\/csv/);
    expect(exported.headers['content-disposition']).toMatch(/^attachment;/);
  });

  it('answers script in a URL or a refused value as problem+json, never as a page', async () => {
    for (const url of [
      `/api/${encodeURIComponent(XSS[0]!)}`,
      `/api/org/codes/${encodeURIComponent(XSS[1]!)}`,
      `/api/org/units?kind=${encodeURIComponent(XSS[0]!)}`,
    ]) {
      const res = await probe.send({ method: 'GET', url, headers: admin.headers });
      expect(res.statusCode, url).toBeGreaterThanOrEqual(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
  });
});

describe('malformed requests (SEC-12)', () => {
  const withBody = () =>
    ops.filter(
      (o) =>
        o.changesState &&
        !sessionless(o.key) &&
        !(o.key in RAW_BODY) &&
        o.key !== 'POST /api/iam/auth/logout',
    );

  it('answers a body over the limit with 413 PAYLOAD_TOO_LARGE on every operation that changes state', async () => {
    // The import route takes an 8 MiB file in base64 and has its own, larger limit.
    const limits: Record<string, number> = {
      'POST /api/org/import': 12 * 1024 * 1024,
      // The signed authentication routes hash their raw body and take at most 64 KB.
      'POST /api/lgsp/auth/sessions': 65_536,
      'POST /api/lgsp/auth/introspect': 65_536,
      // A SIEM configuration file with the schema's maximum of sources.
      'POST /api/soc/config/import': 32 * 1024 * 1024,
    };
    const sizes = new Map<number, string>();
    for (const op of [...withBody(), ...ops.filter((o) => o.key in PUBLIC && o.changesState)]) {
      const limit = limits[op.key] ?? t.platform.config.http.bodyLimit;
      if (!sizes.has(limit)) sizes.set(limit, JSON.stringify({ name: 'x'.repeat(limit) }));
      const res = await probe.send(
        {
          method: op.method,
          url: urlOf(op, pathValues(op, ids)),
          headers: { ...admin.headers, 'content-type': 'application/json' },
          payload: sizes.get(limit)!,
        },
        `${op.key} (oversized)`,
      );
      expect(res.statusCode, op.key).toBe(413);
      expect(res.json().code).toBe('PAYLOAD_TOO_LARGE');
    }
    for (const op of ops.filter((o) => o.key in RAW_BODY)) {
      const raw = RAW_BODY[op.key]!;
      const res = await probe.send(
        {
          method: op.method,
          url: `${urlOf(op, pathValues(op, ids))}?${raw.query}`,
          headers: {
            ...admin.headers,
            'content-type': 'application/octet-stream',
            'content-length': String(t.platform.config.soc.ingest.maxImportBytes + 1),
          },
          payload: 'x'.repeat(1024),
        },
        `${op.key} (declared oversized: ${raw.why})`,
      );
      expect(res.statusCode, op.key).toBe(413);
      expect(res.json().code, op.key).toBe(raw.code);
    }
  });

  it('answers malformed JSON with 400 MALFORMED_REQUEST and a foreign content type with 415', async () => {
    for (const op of withBody()) {
      const url = urlOf(op, pathValues(op, ids));
      for (const payload of ['{"name": ', '{"a":1,}', "{'a':1}", '\u0000']) {
        const res = await probe.send(
          {
            method: op.method,
            url,
            headers: { ...admin.headers, 'content-type': 'application/json' },
            payload,
          },
          `${op.key} ${JSON.stringify(payload)}`,
        );
        expect(res.statusCode, `${op.key} ${JSON.stringify(payload)}`).toBe(400);
        expect(res.json().code).toBe('MALFORMED_REQUEST');
      }
      for (const [type, payload] of [
        ['application/xml', '<a>1</a>'],
        ['text/plain', '{"name":"x"}'],
        ['application/x-www-form-urlencoded', 'name=x'],
        ['multipart/form-data; boundary=x', '--x--'],
      ] as const) {
        const res = await probe.send(
          { method: op.method, url, headers: { ...admin.headers, 'content-type': type }, payload },
          `${op.key} as ${type}`,
        );
        expect(res.statusCode, `${op.key} as ${type}`).toBe(415);
        expect(res.json().code).toBe('UNSUPPORTED_MEDIA_TYPE');
      }
    }
  });

  it('refuses an unexpected property in any body or query with 400 VALIDATION_FAILED', async () => {
    let checked = 0;
    for (const op of ops) {
      const url = urlOf(op, pathValues(op, ids));
      const base = bodyOf(op);
      if (op.body && base && typeof base === 'object' && !Array.isArray(base)) {
        const res = await probe.send(
          call(op, admin.headers, url, { ...base, khongCoTruongNay: 1 }),
          `${op.key} (extra property)`,
        );
        expect(res.statusCode, `${op.key} → ${res.body.slice(0, 200)}`).toBe(400);
        expect(res.json().code).toBe('VALIDATION_FAILED');
        // The extra property is the only problem (allErrors is on), so the base body the other walks
        // build on is valid; a union reports the other variants' mismatches too.
        const errors = res.json().errors as { message: string }[];
        expect(errors.map((e) => e.message).join('; '), op.key).toContain('khongCoTruongNay');
        if (!op.body.anyOf && !op.body.oneOf) expect(errors, op.key).toHaveLength(1);
        checked++;
      }
      if (op.query.length > 0) {
        const res = await probe.send(
          call(op, admin.headers, `${url}?khongCoThamSoNay=1`, base),
          `${op.key} (extra query parameter)`,
        );
        expect(res.statusCode, op.key).toBe(400);
        expect(res.json().code).toBe('VALIDATION_FAILED');
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(20);
  });

  it('refuses a prototype-polluting body without letting it through', async () => {
    const res = await probe.send({
      method: 'PATCH',
      url: `/api/org/units/${victimUnit.id}`,
      headers: { ...admin.headers, 'content-type': 'application/json' },
      payload: '{"address":"x","__proto__":{"isAdmin":true}}',
    });
    expect(res.statusCode).toBe(400);
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  });
});

describe('errors shown to users (SEC-14)', () => {
  it('checked every response of this file for 5xx, stack traces, dependency paths and internal messages', () => {
    expect(probe.count).toBeGreaterThan(ops.length * 10);
    expect(probe.statuses.has(500)).toBe(false);
  });
});
