/**
 * @module test/security/unit-isolation.test
 * Unit scope across every route (SEC-09, STYLE §7.5): an actor of unit A (scope own at a department,
 * and scope subtree at a district) can neither read nor change a row of another unit B through any
 * operation of the OpenAPI document. Each operation that names a row (a path id or code, a unit or
 * account filter, a unit id in the body) is called three times: with a row of B, with an id that does
 * not exist, and with a row of A. B must answer exactly like the missing id (404 NOT_FOUND, or 403 when
 * the actor lacks the permission for A's row too, never a 403 that tells "exists"), and A must succeed,
 * so a broken route cannot pass for a safe one. No response the actor gets, lists and exports included,
 * contains an id, code or name of B's units or accounts; and B's rows are unchanged at the end.
 * LGSP rows (applications, their access keys, services, rights) are walked the same way, one of each per
 * unit. Two LGSP views cross units on purpose and are checked against their own rule instead: the service
 * directory (every active service is meant to be found, without addresses or keys) and the rights views
 * (a right links a provider unit and a consumer unit, and each side's operators see it).
 */

import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditCategoryNames } from '../../src/core/audit/categories.ts';
import { searchAudit } from '../../src/core/audit/index.ts';
import { type Ctx, type DataScope, systemCtx } from '../../src/core/context.ts';
import { ExchangeRecorder } from '../../src/lgsp/exchange/index.ts';
import {
  freshCode,
  hmacApplication,
  lgspPermissions,
  operator,
  publicPem,
  restService,
  rsaKeys,
} from '../../src/lgsp/registry/testing.ts';
import { buildProvince, type Province } from '../../src/org/testing.ts';
import type { OrgUnit } from '../../src/org/types.ts';
import { type SourceRows, sourceRowsOf } from '../../src/soc/sources/testing.ts';
import { createTestApp, type LoggedIn, loginAs, type TestApp } from '../helpers/app.ts';
import { type Operation, readOperations, sampleOf, urlOf, uuidSlots, withValue } from './openapi.ts';
import { Probe } from './probe.ts';

/** What a path parameter names, by route. A route naming rows of another kind must be added here. */
const PATH_KINDS: [RegExp, Kind][] = [
  [/^\/api\/iam\/accounts\/\{id\}/, 'account'],
  [/^\/api\/org\/units\/\{id\}/, 'unit'],
  [/^\/api\/org\/codes\/\{code\}/, 'code'],
  [/^\/api\/iam\/me\/tokens\/\{id\}/, 'token'],
  [/^\/api\/lgsp\/applications\/\{id\}/, 'application'],
  [/^\/api\/lgsp\/services\/\{id\}/, 'service'],
  [/^\/api\/lgsp\/availability\/\{serviceId\}/, 'service'],
  [/^\/api\/lgsp\/keys\/\{accessKey\}/, 'key'],
  [/^\/api\/lgsp\/rights\/\{applicationId\}\/\{serviceId\}/, 'right'],
  [/^\/api\/soc\/sources\/\{id\}/, 'source'],
  [/^\/api\/soc\/systems\/\{id\}/, 'system'],
  [/^\/api\/soc\/ip-ranges\/\{id\}/, 'range'],
  [/^\/api\/soc\/imports\/\{id\}(\/cancel)?$/, 'import'],
  [/^\/api\/soc\/events\/\{id\}$/, 'event'],
  [/^\/api\/soc\/ingest-tokens\/\{id\}/, 'ingestToken'],
];
/** Path parameters that name no row of a unit, and why. */
const NOT_UNIT_BOUND: Record<string, string> = {
  '/api/iam/roles/{id}': 'roles are platform-wide definitions, not rows of a unit',
  '/api/notifications/{id}/read':
    "a notification belongs to its recipient account, not to a unit; another account's answers NOT_FOUND (core/notifications tests)",
  '/api/lgsp/maintenance/{id}/cancel':
    'maintenance windows are platform-wide announcements of the LGSP operator, not rows of a unit',
  '/api/soc/pipelines/{id}': 'SIEM pipelines are province-wide configuration of the SOC operators',
  '/api/soc/inputs/{id}': 'SIEM inputs are the listeners of the platform, not rows of a unit',
  '/api/soc/inputs/{id}/start': 'SIEM inputs are the listeners of the platform, not rows of a unit',
  '/api/soc/inputs/{id}/stop': 'SIEM inputs are the listeners of the platform, not rows of a unit',
  '/api/soc/saved-searches/{id}':
    "a saved search belongs to its owner account; another's unshared one answers NOT_FOUND (src/soc/search/routes.test.ts)",
};
/**
 * SOC rows that belong to a unit but are not yet built by this walk: their unit isolation is proven route by route
 * in the part's own tests, named here. Walking them here too (rows per unit for each kind) is the next step.
 */
const UNIT_BOUND_WALKED_ELSEWHERE: Record<string, string> = {};
/**
 * Operations whose answer on A's row is a state conflict in this walk, which proves the row was found (as a
 * success would): B's row must still answer exactly like a missing one. Why each conflicts, by operation.
 */
const CONFLICT_MEANS_FOUND: Record<string, string> = {
  'POST /api/soc/imports/{id}/cancel':
    "only a queued or running import can be cancelled; the walk's have ended",
};
/** Query parameters that filter by a row, by name. */
const QUERY_KINDS: Record<string, Kind> = {
  unitId: 'unit',
  parentId: 'unit',
  rootId: 'unit',
  actorId: 'account',
  applicationId: 'application',
  serviceId: 'service',
  // The exchange log's source and destination units.
  sourceUnitId: 'unit',
  destinationUnitId: 'unit',
  // The SIEM's information systems and sources.
  systemId: 'system',
  sourceId: 'source',
};

type Kind =
  | 'account'
  | 'unit'
  | 'code'
  | 'token'
  | 'application'
  | 'service'
  | 'key'
  | 'right'
  | 'system'
  | 'source'
  | 'range'
  | 'import'
  | 'ingestToken'
  | 'event';

const MISSING_APPLICATION = '00000000-0000-4000-8000-0000000d0404';
const MISSING_SERVICE = '00000000-0000-4000-8000-0000000e0404';
const MISSING: Record<Kind, string> = {
  account: '00000000-0000-4000-8000-0000000a0404',
  unit: '00000000-0000-4000-8000-0000000b0404',
  code: '000.00.99.Z98',
  token: '00000000-0000-4000-8000-0000000c0404',
  application: MISSING_APPLICATION,
  service: MISSING_SERVICE,
  // Well-formed, never issued.
  key: 'lgsp_aaaaaaaaaaaaaaaaaaaa',
  // A right is named by its application and its service: `applicationId/serviceId` here.
  right: `${MISSING_APPLICATION}/${MISSING_SERVICE}`,
  system: '00000000-0000-4000-8000-0000000f0404',
  source: '00000000-0000-4000-8000-000000100404',
  range: '00000000-0000-4000-8000-000000110404',
  import: '00000000-0000-4000-8000-000000120404',
  ingestToken: '00000000-0000-4000-8000-000000130404',
  // An event is addressed by its id and its time (`id@ts` here): a time events of the walk have.
  event: `00000000-0000-4000-8000-000000140404@${new Date().toISOString()}`,
};

/** The path values of an operation naming a row of `kind` by `v`. */
function valuesOf(op: Operation, kind: Kind, v: string): Record<string, string> {
  if (kind === 'event') return { [op.pathParams[0]!]: v.split('@')[0]! };
  if (kind !== 'right') return { [op.pathParams[0]!]: v };
  const [applicationId, serviceId] = v.split('/');
  return { applicationId: applicationId!, serviceId: serviceId! };
}

/** The query a path needs besides its parameters: an event's time. */
function queryOf(kind: Kind, v: string): Record<string, string> {
  return kind === 'event' ? { ts: v.split('@')[1]! } : {};
}

/** A unit's LGSP rows: an HMAC application with its active key, the service it provides. */
interface LgspRows {
  appId: string;
  appCode: string;
  appName: string;
  accessKey: string;
  serviceId: string;
  serviceCode: string;
  serviceName: string;
  baseUrl: string;
}

/** The actors: role, scope, and the unit they belong to. */
const CASES: { label: string; roles: string[]; scope: DataScope; at: 'finance' | 'district' }[] = [
  {
    label: 'business administrator of a department, scope own',
    roles: ['business_admin'],
    scope: 'own',
    at: 'finance',
  },
  { label: 'ordinary user of a department, scope own', roles: ['user'], scope: 'own', at: 'finance' },
  {
    label: 'technical administrator of a department, scope own',
    roles: ['tech_admin'],
    scope: 'own',
    at: 'finance',
  },
  {
    label: 'business administrator of a district, scope subtree',
    roles: ['business_admin'],
    scope: 'subtree',
    at: 'district',
  },
  { label: 'ordinary user of a district, scope subtree', roles: ['user'], scope: 'subtree', at: 'district' },
];

/** Operations that must succeed on A's rows, by role: the walk proves something only if they do. */
const MUST_SUCCEED: Record<string, string[]> = {
  user: [
    'GET /api/org/units/{id}',
    'GET /api/org/units/{id}/history',
    'GET /api/org/units/{id}/next-code',
    'GET /api/org/codes/{code}',
    'DELETE /api/iam/me/tokens/{id}',
    'GET /api/org/units ?parentId',
    'GET /api/org/tree ?rootId',
  ],
  business_admin: [
    'GET /api/iam/accounts/{id}',
    'PATCH /api/iam/accounts/{id}',
    'POST /api/iam/accounts/{id}/status',
    'POST /api/iam/accounts/{id}/reset-password',
    'PATCH /api/org/units/{id}',
    'GET /api/iam/accounts ?unitId',
    'POST /api/iam/accounts (body)',
    'POST /api/org/units (body)',
    'POST /api/org/reorganisations/preview (body)',
    // lgsp.registry.read and lgsp.exchange.read.
    'GET /api/lgsp/applications/{id}',
    'GET /api/lgsp/applications/{id}/keys',
    'GET /api/lgsp/services/{id}',
    'GET /api/lgsp/availability/{serviceId}/history',
    'GET /api/lgsp/applications ?unitId',
    'GET /api/lgsp/services ?unitId',
    'GET /api/lgsp/services ?applicationId',
    'GET /api/lgsp/rights ?unitId',
    'GET /api/lgsp/rights ?applicationId',
    'GET /api/lgsp/rights ?serviceId',
    'GET /api/lgsp/rights/history ?applicationId',
    'GET /api/lgsp/rights/matrix ?unitId',
    'GET /api/lgsp/exchanges ?sourceUnitId',
    'GET /api/lgsp/exchanges ?destinationUnitId',
    // soc.sources.read.
    'GET /api/soc/sources/{id}',
    'GET /api/soc/systems/{id}',
    'GET /api/soc/ip-ranges/{id}',
    'GET /api/soc/sources ?systemId',
    'GET /api/soc/ip-ranges ?systemId',
    // soc.events.read.
    'GET /api/soc/imports/{id}',
    'POST /api/soc/imports/{id}/cancel',
  ],
  tech_admin: [
    'PUT /api/iam/accounts/{id}/roles',
    'PUT /api/iam/accounts/{id}/grants',
    // lgsp.registry.write, lgsp.keys.write, lgsp.rights.write: business_admin has none of them.
    'PATCH /api/lgsp/applications/{id}',
    'POST /api/lgsp/applications/{id}/suspend',
    'POST /api/lgsp/applications/{id}/resume',
    'POST /api/lgsp/applications/{id}/keys',
    'POST /api/lgsp/applications/{id}/keys/rotate',
    'POST /api/lgsp/applications/{id}/public-key',
    'POST /api/lgsp/keys/{accessKey}/revoke',
    'PATCH /api/lgsp/services/{id}',
    'PUT /api/lgsp/rights/{applicationId}/{serviceId}',
    'DELETE /api/lgsp/rights/{applicationId}/{serviceId}',
    'POST /api/lgsp/availability/{serviceId}/probe',
    'POST /api/lgsp/applications (body)',
    'POST /api/lgsp/services (body)',
    // soc.sources.write: business_admin reads only.
    'PATCH /api/soc/sources/{id}',
    'PATCH /api/soc/systems/{id}',
    'DELETE /api/soc/systems/{id}',
    'PATCH /api/soc/ip-ranges/{id}',
    'DELETE /api/soc/ip-ranges/{id}',
    // soc.config.write.
    'POST /api/soc/ingest-tokens/{id}/revoke',
  ],
};

let t: TestApp;
let p: Province;
let probe: Probe;
let ops: Operation[];
/** A unit below Sở Y tế, so B has a subtree too. */
let healthChild: OrgUnit;
/** One account per unit, with names nobody else has. */
const accountOf = new Map<string, { id: string; username: string; fullName: string }>();
/** A token of the account of Sở Y tế (B for everyone), and one of Sở Tài chính's account. */
let foreignTokens: string[];
let foreignTokenSecret: string;
let healthBefore: OrgUnit;
/** One LGSP application (with a key) and one service per unit; an RSA application of each A unit. */
const lgspOf = new Map<string, LgspRows>();
const rsaOf = new Map<string, string>();
/** One SIEM information system, public IP range and source per unit. */
const socOf = new Map<string, SourceRows>();
/** One SIEM ingest token and one finished forensic import per unit. */
const ingestTokenOf = new Map<string, string>();
const importOf = new Map<string, string>();
/** The event each unit's import stored, as `id@ts`. */
const eventOf = new Map<string, string>();
let cidrCount = 0;
/** A /28 of 198.18.0.0/15 not used before in this file (8,192 of them). */
function freshCidr(): string {
  const n = cidrCount++;
  return `198.${18 + (n >> 12)}.${(n >> 4) & 255}.${(n & 15) * 16}/28`;
}
let rsaPem: string;
/**
 * Sở Y tế (B for every actor) is the other end of rights with A's units: its application may call A's
 * service (granted by A's operator) and A's application may call its service (granted by its operator).
 */
let peer: LgspRows;
/** Stands in for every destination: the availability probe of A's service reaches it and gets 200. */
let destination: Server;

const started = Date.now();
/** Body references answered 2xx for a missing id as for B's (accepted without being looked at). */
const ignored = new Set<string>();

function userCtx(account: { id: string; username: string }, unitId: string, permissions: string[]): Ctx {
  return {
    actor: {
      kind: 'user',
      id: account.id,
      name: account.username,
      unitId,
      permissions: new Set(permissions),
      scope: 'own',
    },
    ip: '10.0.0.9',
    requestId: null,
    lang: 'vi',
  };
}

beforeAll(async () => {
  t = await createTestApp();
  probe = new Probe(t.app, { sent: [] });
  p = await buildProvince(t.services.org, systemCtx());
  healthChild = await t.services.org.createUnit(systemCtx(), {
    parentId: p.health.id,
    name: 'Phòng Nghiệp vụ Dược',
  });
  const units = {
    root: p.root,
    finance: p.finance,
    health: p.health,
    district: p.district,
    communeA: p.communeA,
    communeB: p.communeB,
    healthChild,
  };
  for (const [key, unit] of Object.entries(units)) {
    const username = `cb.${key.toLowerCase()}.${process.pid}`;
    const fullName = `Cán bộ riêng ${key} ${process.pid}`;
    const { account } = await t.services.iam.accounts.create(systemCtx(), {
      username,
      fullName,
      unitId: unit.id,
      roles: ['user'],
    });
    accountOf.set(unit.id, { id: account.id, username, fullName });
  }
  // Audit entries of B with B's account as the actor.
  const health = accountOf.get(p.health.id)!;
  await t.services.org.updateUnit(userCtx(health, p.health.id, ['org.read', 'org.write']), {
    id: p.health.id,
    address: 'Số 9 Hai Bà Trưng',
  });
  const token = await t.services.iam.auth.createToken(userCtx(health, p.health.id, ['org.read']), {
    name: 'Của Sở Y tế',
  });
  const finance = accountOf.get(p.finance.id)!;
  const financeToken = await t.services.iam.auth.createToken(userCtx(finance, p.finance.id, ['org.read']), {
    name: 'Của Sở Tài chính',
  });
  foreignTokens = [token.id, financeToken.id];
  foreignTokenSecret = token.token;

  destination = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok'));
  await new Promise<void>((resolve) => destination.listen(0, '127.0.0.1', resolve));
  const port = (destination.address() as AddressInfo).port;
  const registry = t.services.lgsp.registry.service;
  for (const unit of Object.values(units))
    socOf.set(unit.id, await sourceRowsOf(t.services.soc.sources, unit.id));
  for (const unit of Object.values(units)) {
    const issued = await t.services.soc.ingest.tokens.create(systemCtx('test', ['soc.config.write']), {
      name: `Mã nạp của ${unit.name}`,
      unitId: unit.id,
    });
    ingestTokenOf.set(unit.id, issued.id);
    // Uploaded by the unit's own account, so the job is the unit's.
    const job = await t.services.soc.fileImports.service.upload(
      userCtx(accountOf.get(unit.id)!, unit.id, ['soc.events.read']),
      Readable.from([Buffer.from('{"message":"kiểm tra phạm vi"}\n')]),
      { fileName: 'walk.jsonl', format: 'jsonl', gzip: false, contentLength: null },
    );
    importOf.set(unit.id, job.id);
  }
  await t.services.soc.fileImports.idle();
  for (const unit of Object.values(units)) {
    const found = await t.services.soc.search.service.search(systemCtx('test', ['soc.events.read']), {
      query: `tags:"import:${importOf.get(unit.id)}"`,
      // The events carry the real time of their import, after the test clock's frozen now.
      from: new Date(Date.now() - 86_400_000).toISOString(),
      to: new Date(Date.now() + 86_400_000).toISOString(),
      size: 1,
    });
    expect(found.hits).toHaveLength(1);
    const hit = found.hits[0]!;
    expect(hit.unitId).toBe(unit.id);
    eventOf.set(unit.id, `${hit.id}@${hit.ts}`);
  }
  for (const [key, unit] of Object.entries(units)) {
    const tag = `${key.toLowerCase()}-${process.pid}`;
    const appName = `Ứng dụng riêng ${key} ${process.pid}`;
    const { app, accessKey } = await hmacApplication(registry, unit, { code: `app-${tag}`, name: appName });
    const baseUrl = `http://127.0.0.1:${port}/api/${tag}`;
    const serviceName = `Dịch vụ riêng ${key} ${process.pid}`;
    const service = await restService(registry, app.id, { code: `svc-${tag}`, name: serviceName, baseUrl });
    // Each unit's application may call its own unit's service.
    await registry.setRight(operator(), app.id, service.id, { operations: ['GET'] });
    lgspOf.set(unit.id, {
      appId: app.id,
      appCode: app.code,
      appName,
      accessKey,
      serviceId: service.id,
      serviceCode: service.code,
      serviceName,
      baseUrl,
    });
  }
  // One call per unit through the gateway, from its application to its service, answered with an error,
  // so the exchange log, its export, the daily figures and the error summary have a row of every unit.
  const recorder = new ExchangeRecorder(t.platform.db, {
    flushIntervalMs: 60_000,
    batchSize: 100,
    onError: (err) => {
      throw err;
    },
  });
  const at = new Date();
  for (const unit of Object.values(units)) {
    const l = lgspOf.get(unit.id)!;
    recorder.record({
      id: randomUUID(),
      requestId: randomUUID(),
      timeIn: at,
      timeOut: new Date(at.getTime() + 40),
      sourceApplicationId: l.appId,
      sourceApplicationCode: l.appCode,
      sourceUnitId: unit.id,
      sourceUnitCode: unit.code,
      destinationServiceId: l.serviceId,
      serviceCode: l.serviceCode,
      destinationUnitId: unit.id,
      destinationUnitCode: unit.code,
      method: 'GET',
      path: '/ho-so',
      requestBytes: 0,
      responseBytes: 120,
      status: 504,
      errorCode: 'LGSP_DESTINATION_TIMEOUT',
      latencyMs: 40,
      node: 'kiem-thu',
      mode: 'gateway',
    });
  }
  // And a call of the peer's application to each A unit's service: both ends see it in their exchange log.
  const peerRows = lgspOf.get(p.health.id)!;
  for (const home of [p.finance, p.communeA]) {
    const own = lgspOf.get(home.id)!;
    recorder.record({
      id: randomUUID(),
      requestId: randomUUID(),
      timeIn: at,
      timeOut: new Date(at.getTime() + 25),
      sourceApplicationId: peerRows.appId,
      sourceApplicationCode: peerRows.appCode,
      sourceUnitId: p.health.id,
      sourceUnitCode: p.health.code,
      destinationServiceId: own.serviceId,
      serviceCode: own.serviceCode,
      destinationUnitId: home.id,
      destinationUnitCode: home.code,
      method: 'GET',
      path: '/ho-so',
      requestBytes: 0,
      responseBytes: 300,
      status: 200,
      errorCode: null,
      latencyMs: 25,
      node: 'kiem-thu',
      mode: 'gateway',
    });
  }
  await recorder.close();
  rsaPem = publicPem((await rsaKeys()).publicKey);
  peer = lgspOf.get(p.health.id)!;

  for (const home of [p.finance, p.communeA]) {
    const rsa = await registry.createApplication(operator(), {
      unitId: home.id,
      code: freshCode('rsa'),
      name: 'Ứng dụng ký RSA',
      kind: 'rsa',
    });
    rsaOf.set(home.id, rsa.id);
    const own = lgspOf.get(home.id)!;
    // The provider decides who calls its service, each by its own account (the account must not show
    // through the right to the other side).
    await registry.setRight(
      userCtx(accountOf.get(home.id)!, home.id, lgspPermissions),
      peer.appId,
      own.serviceId,
      { operations: ['GET'], reason: 'Liên thông hồ sơ' },
    );
    await registry.setRight(userCtx(health, p.health.id, lgspPermissions), own.appId, peer.serviceId, {
      operations: ['GET'],
      reason: 'Tra cứu hồ sơ sức khỏe',
    });
  }
  healthBefore = await t.services.org.getUnit(systemCtx(), p.health.id);
  ops = await readOperations(t.app);
  // The walk is only meaningful if B has audit entries to leak.
  expect((await searchAudit(t.platform.db, { unitIds: [p.health.id], limit: 10 })).length).toBeGreaterThan(1);
  // A province, seven accounts, seven LGSP applications with keys, services and rights, an RSA key pair:
  // a few seconds alone, several times that on a loaded shared runner.
}, 180_000);
afterAll(async () => {
  console.info(
    `unit isolation: ${ops.length} operations, ${probe.count} responses checked (${probe.summary()}) in ${((Date.now() - started) / 1000).toFixed(1)} s; references accepted unread: ${[...ignored].join(', ') || 'none'}`,
  );
  await t.close();
  await new Promise((resolve) => destination.close(resolve));
});

describe('the operations that name a row', () => {
  it('are all classified: every path parameter names a known kind of row or is listed as platform-wide', () => {
    for (const op of ops.filter((o) => o.pathParams.length > 0)) {
      const known =
        PATH_KINDS.some(([re]) => re.test(op.path)) ||
        op.path in NOT_UNIT_BOUND ||
        op.path in UNIT_BOUND_WALKED_ELSEWHERE;
      expect(known, `${op.key}: which rows does its path parameter name?`).toBe(true);
    }
    for (const op of ops) {
      for (const q of op.query.filter((q) => q.schema.format === 'uuid')) {
        expect(QUERY_KINDS[q.name], `${op.key} ?${q.name}: which rows does it filter by?`).toBeDefined();
      }
    }
  });
});

describe.each(CASES)('$label', ({ roles, scope, at }) => {
  let who: LoggedIn;
  let mine: OrgUnit;
  /** Units outside the actor's reach; `unrelated` excludes the ancestors, whose id A's rows carry. */
  let foreign: OrgUnit[];
  let unrelated: OrgUnit[];
  let forbidden: string[];
  let inScope: OrgUnit[];
  /**
   * What of B the documented cross-unit views may show: the directory, the rights views (and the audit of
   * A's grants), the exchange log (calls A took part in).
   */
  let directoryShows: string[];
  let rightsShow: string[];
  let exchangesShow: string[];
  let ownToken: string;
  /** An HMAC application of A without a key (to issue its first), and a key of A's to revoke. */
  let keyless: string;
  let revocable: string;
  /** SIEM rows of A's that the walk may delete: a system without ranges, and a range. */
  let spareSystem: string;
  let spareRange: string;
  /** An ingest token of A's that the walk may revoke. */
  let spareIngestToken: string;
  const succeeded = new Set<string>();

  beforeAll(async () => {
    const home = at === 'finance' ? p.finance : p.district;
    who = await loginAs(t, { roles, scope, unitId: home.id });
    const all = [p.root, p.finance, p.health, p.district, p.communeA, p.communeB, healthChild];
    inScope = scope === 'own' ? [home] : [p.district, p.communeA, p.communeB];
    // Under subtree scope, A's row is a commune: the reach below the actor's own unit is what is proven.
    mine = scope === 'own' ? home : p.communeA;
    foreign = all.filter((u) => !inScope.includes(u));
    unrelated = foreign.filter((u) => u !== p.root);
    forbidden = [
      ...unrelated.flatMap((u) => [u.id, u.code, u.name]),
      ...foreign.flatMap((u) => {
        const a = accountOf.get(u.id)!;
        return [a.id, a.username, a.fullName];
      }),
      ...foreign.flatMap((u) => {
        const l = lgspOf.get(u.id)!;
        return [
          l.appId,
          l.appCode,
          l.appName,
          l.accessKey,
          l.serviceId,
          l.serviceCode,
          l.serviceName,
          l.baseUrl,
        ];
      }),
      // The SIEM's systems, ranges and sources of B (ids and addresses: names and codes share prefixes).
      ...foreign.flatMap((u) => {
        const s = socOf.get(u.id)!;
        const event = eventOf.get(u.id)!.split('@')[0]!;
        return [
          s.systemId,
          s.rangeId,
          s.cidr,
          s.sourceId,
          ingestTokenOf.get(u.id)!,
          importOf.get(u.id)!,
          event,
        ];
      }),
    ];
    // The directory: every unit's active services, by unit and provider application code (LGSP-13).
    directoryShows = foreign.flatMap((u) => {
      const l = lgspOf.get(u.id)!;
      return [u.id, u.code, u.name, l.serviceId, l.serviceCode, l.serviceName, l.appCode];
    });
    // The rights between A's rows and the peer's: the other end, as an application or a service of a unit.
    rightsShow = [
      p.health.id,
      p.health.code,
      p.health.name,
      peer.appId,
      peer.appCode,
      peer.appName,
      peer.serviceId,
      peer.serviceCode,
      peer.serviceName,
    ];
    // The exchange log: the other end of a call A took part in, by unit and calling application code.
    exchangesShow = [p.health.id, p.health.code, peer.appCode];
    const registry = t.services.lgsp.registry.service;
    keyless = (
      await registry.createApplication(operator(), {
        unitId: mine.id,
        code: freshCode(),
        name: 'Ứng dụng chưa có khóa',
        kind: 'hmac',
      })
    ).id;
    revocable = (await hmacApplication(registry, mine)).accessKey;
    const sources = t.services.soc.sources;
    spareRange = (await sourceRowsOf(sources, mine.id)).rangeId;
    const bare = await sourceRowsOf(sources, mine.id);
    // A system is deleted only once it has no ranges left.
    await sources.deleteRange(systemCtx('test', ['soc.sources.read', 'soc.sources.write']), bare.rangeId);
    spareSystem = bare.systemId;
    spareIngestToken = (
      await t.services.soc.ingest.tokens.create(systemCtx('test', ['soc.config.write']), {
        name: 'Mã nạp để thu hồi',
        unitId: mine.id,
      })
    ).id;
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/iam/me/tokens',
      headers: who.headers,
      payload: { name: 'Của tôi' },
    });
    expect(created.statusCode).toBe(200);
    ownToken = created.json().id;
  });

  /**
   * Sends as the actor; checks the response carries nothing of B, except what the actor itself sent
   * (`echo`, e.g. a code an import error names). The access log is the exception: it records the paths
   * A's own actors called, B's ids included, so audit reads are checked with the access category left out.
   */
  async function send(
    options: Omit<InjectOptions, 'headers'>,
    label: string,
    echo: string[] = [],
  ): Promise<LightMyRequestResponse> {
    const res = await probe.send({ ...options, headers: who.headers } as InjectOptions, label);
    const url = String(options.url);
    const accessLog = url.startsWith('/api/audit/') && !url.includes('category=');
    // The documented cross-unit views show the other unit's rows they are about, and nothing else of it:
    // never its accounts, keys, base URLs or rows that have nothing to do with A.
    const shows = url.startsWith('/api/lgsp/directory')
      ? directoryShows
      : url.startsWith('/api/lgsp/rights') || url.startsWith('/api/audit/')
        ? rightsShow
        : url.startsWith('/api/lgsp/exchanges')
          ? exchangesShow
          : [];
    const body = res.body;
    if (/json|csv/.test(String(res.headers['content-type'])) && !accessLog) {
      for (const s of forbidden.filter((f) => !echo.includes(f) && !shows.includes(f))) {
        expect(body, `${label} shows ${s}`).not.toContain(s);
      }
    }
    if (res.statusCode === 200) crossUnitRules(url, res, label);
    return res;
  }

  /** A right or a call is shown only when one of its ends (application or service, source or destination) is in reach. */
  function crossUnitRules(url: string, res: LightMyRequestResponse, label: string) {
    const reach = new Set(inScope.map((u) => u.id));
    // A call is shown only when its source or its destination unit is in reach.
    if (/^\/api\/lgsp\/exchanges(\?|$)/.test(url)) {
      for (const x of res.json().items as { sourceUnitId: string; destinationUnitId: string }[]) {
        const ends = [x.sourceUnitId, x.destinationUnitId];
        expect(
          ends.some((id) => reach.has(id)),
          `${label}: a call with neither end in reach`,
        ).toBe(true);
      }
    }
    type End = { id: string; unit: { id: string } };
    if (/^\/api\/lgsp\/rights(\?|$)/.test(url)) {
      for (const r of res.json().items as { application: End; service: End }[]) {
        const ends = [r.application.unit.id, r.service.unit.id];
        expect(
          ends.some((id) => reach.has(id)),
          `${label}: a right with neither end in reach`,
        ).toBe(true);
      }
    }
    if (url.startsWith('/api/lgsp/rights/matrix')) {
      const m = res.json() as {
        applications: End[];
        services: End[];
        cells: { applicationId: string; serviceId: string }[];
      };
      const unitOf = new Map([...m.applications, ...m.services].map((x) => [x.id, x.unit.id]));
      for (const c of m.cells) {
        const ends = [unitOf.get(c.applicationId), unitOf.get(c.serviceId)];
        expect(
          ends.some((id) => id && reach.has(id)),
          `${label}: a cell with neither end in reach`,
        ).toBe(true);
      }
      // The axes hold A's rows and the other ends of A's rights only.
      for (const x of [...m.applications, ...m.services]) {
        const linked = m.cells.some(
          (c) =>
            (c.applicationId === x.id || c.serviceId === x.id) &&
            [unitOf.get(c.applicationId), unitOf.get(c.serviceId)].some((id) => id && reach.has(id)),
        );
        expect(reach.has(x.unit.id) || linked, `${label}: ${x.id} on an axis without a right to A`).toBe(
          true,
        );
      }
    }
  }

  function rowsOf(kind: Kind, op?: Operation): { a: string; b: string[] } {
    const own = lgspOf.get(mine.id)!;
    const theirs = foreign.map((u) => lgspOf.get(u.id)!);
    switch (kind) {
      case 'application':
        // Issuing a first key needs an application without one; registering a public key, an RSA one.
        if (op?.key === 'POST /api/lgsp/applications/{id}/keys')
          return { a: keyless, b: theirs.map((l) => l.appId) };
        if (op?.key === 'POST /api/lgsp/applications/{id}/public-key')
          return { a: rsaOf.get(mine.id)!, b: theirs.map((l) => l.appId) };
        return { a: own.appId, b: theirs.map((l) => l.appId) };
      case 'service':
        return { a: own.serviceId, b: theirs.map((l) => l.serviceId) };
      case 'key':
        // Revoking changes the key for good: a key of A's kept for that.
        return { a: revocable, b: theirs.map((l) => l.accessKey) };
      case 'right':
        // B's own rights, and A's application on B's service: the provider (B) decides, so A cannot.
        // (B's application on A's service is A's to grant: see the test of the rights that cross units.)
        return {
          a: `${own.appId}/${own.serviceId}`,
          b: theirs.flatMap((l) => [`${l.appId}/${l.serviceId}`, `${own.appId}/${l.serviceId}`]),
        };
      case 'account':
        return { a: accountOf.get(mine.id)!.id, b: foreign.map((u) => accountOf.get(u.id)!.id) };
      case 'unit':
        return { a: mine.id, b: foreign.map((u) => u.id) };
      case 'code':
        return { a: mine.code, b: foreign.map((u) => u.code) };
      case 'token':
        // Any other account's token, in another unit or in the actor's own.
        return { a: ownToken, b: foreignTokens };
      case 'system':
        return {
          a: op?.method === 'DELETE' ? spareSystem : socOf.get(mine.id)!.systemId,
          b: foreign.map((u) => socOf.get(u.id)!.systemId),
        };
      case 'range':
        return {
          a: op?.method === 'DELETE' ? spareRange : socOf.get(mine.id)!.rangeId,
          b: foreign.map((u) => socOf.get(u.id)!.rangeId),
        };
      case 'source':
        return { a: socOf.get(mine.id)!.sourceId, b: foreign.map((u) => socOf.get(u.id)!.sourceId) };
      case 'import':
        return { a: importOf.get(mine.id)!, b: foreign.map((u) => importOf.get(u.id)!) };
      case 'ingestToken':
        // The only route naming a token revokes it: A's spare one.
        return { a: spareIngestToken, b: foreign.map((u) => ingestTokenOf.get(u.id)!) };
      case 'event':
        return { a: eventOf.get(mine.id)!, b: foreign.map((u) => eventOf.get(u.id)!) };
    }
  }

  /** Bodies for operations on A's rows that succeed and change nothing that matters. */
  function bodyFor(op: Operation): unknown {
    const bodies: Record<string, unknown> = {
      'PATCH /api/iam/accounts/{id}': { lang: 'vi' },
      'POST /api/iam/accounts/{id}/status': { action: 'unlock' },
      'PUT /api/iam/accounts/{id}/roles': { roles: ['user'] },
      'PUT /api/iam/accounts/{id}/grants': { grants: [] },
      'PATCH /api/org/units/{id}': { address: 'Số 2 Trần Hưng Đạo' },
      'PATCH /api/soc/sources/{id}': { expectedIntervalSeconds: 3600 },
      'PATCH /api/soc/systems/{id}': { description: 'Kiểm tra phạm vi đơn vị' },
      'PATCH /api/soc/ip-ranges/{id}': { description: 'Kiểm tra phạm vi đơn vị' },
      'POST /api/iam/accounts': {
        username: `moi.${scope}.${roles[0]}.${process.pid}.${Math.random().toString(36).slice(2, 8)}`,
        fullName: 'Cán bộ mới',
        unitId: mine.id,
      },
      'POST /api/org/units': { parentId: mine.id, name: 'Tổ công tác mới' },
      // A unit's own ingest token (a province-wide one, without a unit, needs scope 'all').
      'POST /api/soc/ingest-tokens': { name: 'Mã nạp dữ liệu của đơn vị', unitId: mine.id },
      // A fresh /28 of 198.18.0.0/15 (benchmarking space) for A's own information system.
      'POST /api/soc/ip-ranges': {
        cidr: freshCidr(),
        systemId: socOf.get(mine.id)!.systemId,
        unitId: mine.id,
      },
      'PATCH /api/lgsp/applications/{id}': { description: 'Đã kiểm tra phạm vi đơn vị' },
      'POST /api/lgsp/applications/{id}/suspend': { reason: 'Kiểm tra phạm vi đơn vị' },
      'POST /api/lgsp/applications/{id}/resume': {},
      'POST /api/lgsp/applications/{id}/keys/rotate': { reason: 'Kiểm tra phạm vi đơn vị' },
      'POST /api/lgsp/applications/{id}/public-key': { pem: rsaPem },
      'POST /api/lgsp/keys/{accessKey}/revoke': { reason: 'Kiểm tra phạm vi đơn vị' },
      'PATCH /api/lgsp/services/{id}': { description: 'Đã kiểm tra phạm vi đơn vị' },
      'PUT /api/lgsp/rights/{applicationId}/{serviceId}': { operations: ['GET'] },
      'DELETE /api/lgsp/rights/{applicationId}/{serviceId}': { reason: 'Kiểm tra phạm vi đơn vị' },
      'POST /api/lgsp/applications': {
        unitId: mine.id,
        code: freshCode(),
        name: 'Ứng dụng mới',
        kind: 'hmac',
      },
      'POST /api/lgsp/services': {
        applicationId: lgspOf.get(mine.id)!.appId,
        code: freshCode('svc'),
        name: 'Dịch vụ mới',
        protocol: 'rest-json',
        baseUrl: 'http://127.0.0.1:9/api/moi',
      },
      'POST /api/org/reorganisations/preview':
        scope === 'own'
          ? { type: 'dissolve', unitId: mine.id, decisionRef: 'Quyết định số 5/QĐ-UBND' }
          : {
              type: 'merge',
              sourceIds: [p.communeB.id],
              targetId: p.communeA.id,
              decisionRef: 'Quyết định số 5/QĐ-UBND',
            },
    };
    if (op.key in bodies) return bodies[op.key];
    if (op.key === 'POST /api/org/reorganisations') return bodies['POST /api/org/reorganisations/preview'];
    return op.body ? sampleOf(op.body, { uuid: () => mine.id, text: 'Kiểm thử' }) : undefined;
  }

  function call(op: Operation, url: string, payload: unknown): Omit<InjectOptions, 'headers'> {
    return payload === undefined
      ? { method: op.method, url }
      : { method: op.method, url, payload: payload as InjectOptions['payload'] };
  }

  /**
   * B's answer equals the missing row's; both are "not found" (or "forbidden" when A's row is too);
   * A's answer is a success unless the actor lacks the permission. `label` names the check.
   */
  function judge(
    label: string,
    a: LightMyRequestResponse | null,
    bs: LightMyRequestResponse[],
    missing: LightMyRequestResponse,
  ) {
    for (const b of bs) expect(shape(b), `${label}: B answers like a missing row`).toEqual(shape(missing));
    if (a === null) {
      // A reference the operation never looks at (moveChildrenTo of a unit without children) is accepted
      // for B exactly as for a missing id: nothing is learnt, nothing is changed. Listed in the summary.
      if (missing.statusCode < 300) ignored.add(label);
      return;
    }
    if (a.statusCode === 403 && a.json().code === 'IAM_FORBIDDEN') {
      expect(missing.json().code, `${label}: not permitted for A either`).toBe('IAM_FORBIDDEN');
      return;
    }
    if (label in CONFLICT_MEANS_FOUND && a.statusCode === 409) {
      expect(a.json().code, label).not.toMatch(/NOT_FOUND$/);
      expect(missing.statusCode, label).toBe(404);
      succeeded.add(label);
      return;
    }
    expect(a.statusCode, `${label}: A's row → ${a.body.slice(0, 300)}`).toBeLessThan(300);
    succeeded.add(label);
    if (missing.statusCode >= 400) {
      expect(missing.statusCode, label).toBe(404);
      // NOT_FOUND, or the module's own LGSP_…/SOC_…_NOT_FOUND (which never says whether the row exists).
      expect(missing.json().code, label).toMatch(/^(NOT_FOUND|(LGSP|SOC)_[A-Z_]+_NOT_FOUND)$/);
    }
  }

  it('cannot reach a row of another unit through a path parameter, but reaches its own', async () => {
    for (const op of ops.filter(
      (o) =>
        o.pathParams.length > 0 && !(o.path in NOT_UNIT_BOUND) && !(o.path in UNIT_BOUND_WALKED_ELSEWHERE),
    )) {
      const kind = PATH_KINDS.find(([re]) => re.test(op.path))![1];
      const rows = rowsOf(kind, op);
      const url = (v: string) => urlOf(op, valuesOf(op, kind, v), queryOf(kind, v));
      const body = () => bodyFor(op);
      const bs = [];
      for (const b of rows.b) bs.push(await send(call(op, url(b), body()), `${op.key} with B's ${kind}`));
      const missing = await send(call(op, url(MISSING[kind]), body()), `${op.key} with a missing ${kind}`);
      const a = await send(call(op, url(rows.a), body()), `${op.key} with A's ${kind}`);
      judge(op.key, a, bs, missing);
    }
  });

  /** Exports are asked for as CSV, so their text is checked too. */
  const csvOf = (op: Operation): Record<string, string> =>
    op.query.some((x) => x.name === 'format') ? { format: 'csv' } : {};

  it('cannot filter a list by a row of another unit', async () => {
    for (const op of ops) {
      for (const q of op.query.filter((q) => q.name in QUERY_KINDS)) {
        const kind = QUERY_KINDS[q.name]!;
        const rows = rowsOf(kind);
        // Filtering by an ancestor (whose id A's own rows carry as parentId) may list A's rows; `send`
        // checks that nothing of B comes with them. Unrelated units must answer like missing ones.
        if (kind === 'unit') {
          for (const u of foreign.filter((f) => !unrelated.includes(f))) {
            await send(
              { method: op.method, url: urlOf(op, {}, { [q.name]: u.id }) },
              `${op.key} ?${q.name}=ancestor`,
            );
          }
          rows.b = unrelated.map((u) => u.id);
        }
        // Filtering the rights views by the peer's application or service lists the rights it has with A's
        // rows, on purpose (either end in A's units; `send` checks that rule); every other row of B must
        // answer like a missing one.
        const peerRow = kind === 'application' ? peer.appId : kind === 'service' ? peer.serviceId : null;
        if (op.path.startsWith('/api/lgsp/rights') && peerRow) {
          const linked = await send(
            { method: op.method, url: urlOf(op, {}, { [q.name]: peerRow }) },
            `${op.key} ?${q.name}=peer`,
          );
          if (roles[0] !== 'user') {
            expect(linked.statusCode, linked.body.slice(0, 300)).toBe(200);
            expect(linked.json().items.length, `${op.key} ?${q.name}=peer`).toBeGreaterThan(0);
          }
          rows.b = rows.b.filter((b) => b !== peerRow);
        }
        // Likewise the exchange log filtered by the peer's unit lists the peer's calls to A's services.
        if (op.path.startsWith('/api/lgsp/exchanges') && kind === 'unit' && rows.b.includes(p.health.id)) {
          const linked = await send(
            { method: op.method, url: urlOf(op, {}, { ...csvOf(op), [q.name]: p.health.id }) },
            `${op.key} ?${q.name}=peer`,
          );
          if (roles[0] !== 'user') expect(linked.statusCode, linked.body.slice(0, 300)).toBe(200);
          if (roles[0] !== 'user' && op.key === 'GET /api/lgsp/exchanges' && q.name === 'sourceUnitId') {
            expect(linked.json().items.length, `${op.key} ?${q.name}=peer`).toBeGreaterThan(0);
          }
          rows.b = rows.b.filter((b) => b !== p.health.id);
        }
        const format = csvOf(op);
        const url = (v: string) => urlOf(op, {}, { ...format, [q.name]: v });
        const bs = [];
        for (const b of rows.b)
          bs.push(await send({ method: op.method, url: url(b) }, `${op.key} ?${q.name}=B`));
        const missing = await send(
          { method: op.method, url: url(MISSING[kind]) },
          `${op.key} ?${q.name}=missing`,
        );
        // An actor filter by A's account: that account never acted, so only the status is judged.
        const a = await send({ method: op.method, url: url(rows.a) }, `${op.key} ?${q.name}=A`);
        judge(`${op.key} ?${q.name}`, a, bs, missing);
      }
    }
  });

  it('cannot create, move or merge into, or take from another unit through a body', async () => {
    const preview = ops.find((o) => o.key === 'POST /api/org/reorganisations/preview');
    for (const op of ops.filter((o) => o.body && o.pathParams.length === 0)) {
      const base = bodyFor(op);
      const slots = uuidSlots(op.body!, base);
      if (slots.length === 0) continue;
      const label = `${op.key} (body)`;
      if (op.key === 'POST /api/org/reorganisations' && preview) {
        // Applying would change the tree the other cases walk: a body is applied only when its preview (the
        // same planner) is refused, and must then be refused the same way.
        for (const slot of slots) {
          for (const id of [...foreign.map((u) => u.id), MISSING.unit]) {
            const body = withValue(base, slot, id);
            const planned = await send(
              call(preview, preview.path, body),
              `${label} .${slot.join('.')} preview`,
            );
            if (planned.statusCode < 300) continue;
            const applied = await send(call(op, op.path, body), `${label} .${slot.join('.')}`);
            expect(shape(applied), `${label} .${slot.join('.')}`).toEqual(shape(planned));
          }
        }
        continue;
      }
      const a = await send(call(op, op.path, base), `${label} with A's rows`);
      if (op.key === 'POST /api/org/units' && a.statusCode === 201) {
        // Close the new unit again, so A's unit keeps no active child and can still be dissolved in preview.
        await t.services.org.reorganise(systemCtx(), {
          type: 'dissolve',
          unitId: a.json().id,
          decisionRef: 'Quyết định số 6/QĐ-UBND',
        });
      }
      // A body names units, except an LGSP service's providing application.
      const slotKind = (slot: (string | number)[]): Kind =>
        slot.at(-1) === 'applicationId' ? 'application' : slot.at(-1) === 'systemId' ? 'system' : 'unit';
      for (const slot of slots) {
        const bs = [];
        const kind = slotKind(slot);
        // A SIEM range names its information system: B's systems must answer like a missing one.
        const refs = kind === 'unit' ? foreign.map((u) => u.id) : rowsOf(kind).b;
        for (const b of refs) {
          bs.push(await send(call(op, op.path, withValue(base, slot, b)), `${label} .${slot.join('.')}=B`));
        }
        const missing = await send(
          call(op, op.path, withValue(base, slot, MISSING[kind])),
          `${label} .${slot.join('.')}=missing`,
        );
        judge(`${label} .${slot.join('.')}`, null, bs, missing);
      }
      const missing = await send(
        call(op, op.path, withValue(base, slots[0]!, MISSING[slotKind(slots[0]!)])),
        `${label} missing`,
      );
      judge(label, a, [], missing);
    }
    // An account cannot be moved into another unit either.
    const own = accountOf.get(mine.id)!.id;
    const moves = [];
    for (const u of foreign) {
      moves.push(
        await send(
          { method: 'PATCH', url: `/api/iam/accounts/${own}`, payload: { unitId: u.id } },
          'PATCH account into B',
        ),
      );
    }
    const missing = await send(
      { method: 'PATCH', url: `/api/iam/accounts/${own}`, payload: { unitId: MISSING.unit } },
      'PATCH account into a missing unit',
    );
    judge('PATCH /api/iam/accounts/{id} .unitId', null, moves, missing);
  });

  it('cannot rename or re-parent another unit through an import', async () => {
    const csv = (rows: string[]) =>
      Buffer.from(['code,name,parent_code', ...rows].join('\n')).toString('base64');
    for (const u of unrelated) {
      for (const rows of [[`${u.code},Tên bị sửa,`], [`${mine.code},${mine.name},${u.code}`]]) {
        const res = await send(
          {
            method: 'POST',
            url: '/api/org/import',
            payload: { format: 'csv', content: csv(rows), dryRun: false },
          },
          `import touching ${u.code}`,
          [u.code],
        );
        expect(res.statusCode, res.body).toBeGreaterThanOrEqual(400);
        expect(res.statusCode).toBeLessThan(500);
      }
    }
    const ownRow = await send(
      {
        method: 'POST',
        url: '/api/org/import',
        payload: { format: 'csv', content: csv([`${mine.code},${mine.name},`]), dryRun: true },
      },
      'import of A',
    );
    expect([200, 403]).toContain(ownRow.statusCode);
    if (roles[0] !== 'user') expect(ownRow.statusCode).toBe(200);
  });

  it('lists and exports only its own units, accounts and audit entries', async () => {
    // Every list or export without parameters: nothing of B (checked by `send`).
    for (const op of ops.filter((o) => o.method === 'GET' && o.pathParams.length === 0)) {
      await send({ method: 'GET', url: op.path }, op.key);
    }
    // The exchange figures and error summary need a date range: today's, in Vietnam time.
    const today = new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10);
    const exchangeViews = [];
    for (const url of [
      '/api/lgsp/exchanges?limit=500',
      '/api/lgsp/exchanges/export?format=csv',
      `/api/lgsp/statistics?from=${today}&to=${today}`,
      `/api/lgsp/errors?from=${today}&to=${today}`,
    ]) {
      exchangeViews.push(await send({ method: 'GET', url }, url));
    }
    if (roles[0] !== 'user') {
      const [log, exported, figures, errors] = exchangeViews;
      expect(log!.json().items.map((x: { sourceUnitId: string }) => x.sourceUnitId)).toContain(mine.id);
      expect(exported!.body).toContain(lgspOf.get(mine.id)!.appCode);
      expect(figures!.json().items.map((x: { unitId: string }) => x.unitId)).toContain(mine.id);
      expect(errors!.json().items.map((x: { unitId: string }) => x.unitId)).toContain(mine.id);
      // The peer's call to A's service is in A's log; the figures count it for A only.
      const calls = log!.json().items as { sourceUnitId: string; destinationUnitId: string }[];
      expect(calls.some((x) => x.sourceUnitId === p.health.id && x.destinationUnitId === mine.id)).toBe(true);
      for (const res of [figures!, errors!]) {
        for (const x of res.json().items as { unitId: string }[]) {
          expect(
            inScope.map((u) => u.id),
            `${res.body.slice(0, 200)}`,
          ).toContain(x.unitId);
        }
      }
    }
    const reach = new Set([...(scope === 'own' ? [mine.id] : [p.district.id, p.communeA.id, p.communeB.id])]);
    const units = await send({ method: 'GET', url: '/api/org/units?status=all&limit=500' }, 'units');
    expect(units.statusCode).toBe(200);
    const unitIds = units.json().items.map((u: OrgUnit) => u.id) as string[];
    expect(unitIds).toContain(mine.id);
    for (const id of unitIds) expect(reach.has(id) || !foreign.some((u) => u.id === id)).toBe(true);
    const tree = await send({ method: 'GET', url: '/api/org/tree?includeClosed=true' }, 'tree');
    expect(tree.json().map((u: OrgUnit) => u.id)).toContain(mine.id);

    const csv = await send({ method: 'GET', url: '/api/org/export?format=csv' }, 'org export');
    expect(csv.statusCode).toBe(200);
    expect(csv.body).toContain(mine.code);
    const xlsx = await send({ method: 'GET', url: '/api/org/export?format=xlsx' }, 'org export xlsx');
    const sheetText = await xlsxText(xlsx.rawPayload);
    expect(sheetText).toContain(mine.code);
    for (const s of forbidden) expect(sheetText, `org export shows ${s}`).not.toContain(s);

    const accounts = await send({ method: 'GET', url: '/api/iam/accounts?limit=500' }, 'accounts');
    const categories = auditCategoryNames
      .filter((c) => c !== 'access')
      .map((c) => `category=${c}`)
      .join('&');
    const entries = await send(
      { method: 'GET', url: `/api/audit/entries?limit=500&${categories}` },
      'audit entries',
    );
    const auditCsv = await send(
      { method: 'GET', url: `/api/audit/export?format=csv&${categories}` },
      'audit export',
    );
    const auditXlsx = await send(
      { method: 'GET', url: `/api/audit/export?format=xlsx&${categories}` },
      'audit export xlsx',
    );
    // With the access log: only A's units' entries all the same.
    const everything = await send(
      { method: 'GET', url: '/api/audit/entries?limit=500' },
      'all audit entries',
    );
    if (roles[0] === 'user') {
      for (const res of [accounts, entries, auditCsv, auditXlsx, everything])
        expect(res.statusCode).toBe(403);
      return;
    }
    const mineAccount = accountOf.get(mine.id)!;
    expect(accounts.json().items.map((a: { id: string }) => a.id)).toContain(mineAccount.id);
    const seen = [...entries.json().items, ...everything.json().items] as { unitId: string | null }[];
    expect(seen.some((e) => e.unitId === mine.id)).toBe(true);
    for (const e of seen) expect(foreign.map((u) => u.id)).not.toContain(e.unitId);
    expect(auditCsv.body).toContain(mineAccount.username);
    const auditText = await xlsxText(auditXlsx.rawPayload);
    expect(auditText).toContain(mineAccount.username);
    // A's audit records the rights A's operators granted to the peer's application (its id and code).
    for (const s of forbidden.filter((f) => !rightsShow.includes(f)))
      expect(auditText, `audit export shows ${s}`).not.toContain(s);
  });

  it('cannot widen its own reach: no wider scope, no platform-wide account, no permission it lacks', async () => {
    if (roles[0] === 'user') return;
    const own = accountOf.get(mine.id)!.id;
    const attempts: [string, Omit<InjectOptions, 'headers'>][] = [
      ['own scope widened', { method: 'PATCH', url: `/api/iam/accounts/${own}`, payload: { scope: 'all' } }],
      [
        'account outside every unit',
        { method: 'PATCH', url: `/api/iam/accounts/${own}`, payload: { unitId: null } },
      ],
      [
        'account with scope all',
        {
          method: 'POST',
          url: '/api/iam/accounts',
          payload: { username: `rong.${roles[0]}.${scope}`, fullName: 'Rộng', unitId: mine.id, scope: 'all' },
        },
      ],
    ];
    if (roles[0] === 'business_admin') {
      attempts.push([
        'account with a role it cannot give',
        {
          method: 'POST',
          url: '/api/iam/accounts',
          payload: { username: `cao.${scope}`, fullName: 'Cao', unitId: mine.id, roles: ['tech_admin'] },
        },
      ]);
      attempts.push([
        'token with a permission it lacks',
        { method: 'POST', url: '/api/iam/me/tokens', payload: { name: 'x', permissions: ['backup.run'] } },
      ]);
    }
    for (const [what, options] of attempts) {
      const res = await send(options, what);
      expect(res.statusCode, `${what} → ${res.body.slice(0, 200)}`).toBe(403);
      expect(res.json().code).toBe('IAM_FORBIDDEN');
    }
  });

  it('crosses units only where the registry says so: the directory, and rights between a provider and a consumer', async () => {
    const directory = await send({ method: 'GET', url: '/api/lgsp/directory?limit=200' }, 'directory');
    const own = lgspOf.get(mine.id)!;
    const grant = await send(
      {
        method: 'PUT',
        url: `/api/lgsp/rights/${peer.appId}/${own.serviceId}`,
        payload: { operations: ['GET'], reason: 'Liên thông hồ sơ' },
      },
      "a right of the peer's application on A's service",
    );
    const rights = await send({ method: 'GET', url: '/api/lgsp/rights?limit=500' }, 'rights');
    if (roles[0] === 'user') {
      for (const res of [directory, grant, rights]) expect(res.json().code).toBe('IAM_FORBIDDEN');
      return;
    }
    // Every active service is meant to be found, B's too (LGSP-13), by unit and name, never by address
    // (`send` checked that no base URL, key or account of B is in the answer).
    expect(directory.statusCode).toBe(200);
    const listed = (directory.json().items as { serviceId: string }[]).map((i) => i.serviceId);
    for (const u of foreign) expect(listed).toContain(lgspOf.get(u.id)!.serviceId);
    expect(directory.body).not.toContain('baseUrl');
    // The provider decides who calls its service: A's operator grants the peer's application (any unit's).
    if (roles[0] === 'tech_admin') expect(grant.statusCode, grant.body).toBe(200);
    else expect(grant.json().code).toBe('IAM_FORBIDDEN');
    // A sees the rights its service gives and the rights its application holds, not the peer's own ones.
    const pairs = (rights.json().items as { application: { id: string }; service: { id: string } }[]).map(
      (r) => `${r.application.id}/${r.service.id}`,
    );
    expect(pairs).toContain(`${peer.appId}/${own.serviceId}`);
    expect(pairs).toContain(`${own.appId}/${peer.serviceId}`);
    expect(pairs).not.toContain(`${peer.appId}/${peer.serviceId}`);
  });

  it('made the walk meaningful: the operations of its role succeeded on its own rows', () => {
    const expected = [
      ...MUST_SUCCEED.user!,
      ...(roles[0] === 'user' ? [] : MUST_SUCCEED.business_admin!),
      ...(roles[0] === 'tech_admin' ? MUST_SUCCEED.tech_admin! : []),
    ];
    for (const label of expected) expect([...succeeded], label).toContain(label);
  });
});

describe('the rights views across units', () => {
  // The consumer side of a right sees that its application holds it, not which account of the provider unit
  // granted it (`grantedBy` / `actorName` are named only to readers who see the provider's unit).
  it("name no account of the other unit (who granted a right on the peer's service)", async () => {
    const who = await loginAs(t, { roles: ['business_admin'], scope: 'own', unitId: p.finance.id });
    const health = accountOf.get(p.health.id)!;
    for (const url of ['/api/lgsp/rights?limit=500', '/api/lgsp/rights/history?limit=500']) {
      const res = await probe.send({ method: 'GET', url, headers: who.headers });
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain(peer.serviceId);
      for (const s of [health.id, health.username, health.fullName]) {
        expect(res.body, `${url} shows ${s}`).not.toContain(s);
      }
    }
  });
});

describe("B's rows afterwards", () => {
  it('are unchanged: the unit, its account and its token', async () => {
    const health = await t.services.org.getUnit(systemCtx(), p.health.id);
    expect(health).toEqual(healthBefore);
    const account = await t.services.iam.accounts.get(systemCtx(), accountOf.get(p.health.id)!.id);
    expect(account).toMatchObject({
      status: 'active',
      unitId: p.health.id,
      roles: ['user'],
      fullName: accountOf.get(p.health.id)!.fullName,
    });
    const actor = await t.services.iam.auth.resolveToken(foreignTokenSecret);
    expect(actor.id).toBe(accountOf.get(p.health.id)!.id);
    const children = await t.services.org.listUnits(systemCtx(), { parentId: p.health.id, status: 'all' });
    expect(children.items.map((u) => u.name)).toEqual(['Phòng Nghiệp vụ Dược']);
  });

  it('are unchanged: its LGSP application, key, service and the rights on its service', async () => {
    const registry = t.services.lgsp.registry.service;
    const ctx = operator();
    expect(await registry.getApplication(ctx, peer.appId)).toMatchObject({
      status: 'active',
      name: peer.appName,
      description: null,
      activeAccessKey: peer.accessKey,
    });
    const keys = await registry.listKeys(ctx, peer.appId);
    expect(keys.map((k) => [k.accessKey, k.status])).toEqual([[peer.accessKey, 'active']]);
    expect(await registry.getService(ctx, peer.serviceId)).toMatchObject({
      name: peer.serviceName,
      description: null,
      baseUrl: peer.baseUrl,
      active: true,
    });
    const rights = await registry.listRights(ctx, { serviceId: peer.serviceId, limit: 500 });
    const holders = [peer.appId, lgspOf.get(p.finance.id)!.appId, lgspOf.get(p.communeA.id)!.appId];
    expect(rights.items.map((r) => r.application.id).sort()).toEqual(holders.sort());
    expect(rights.items.every((r) => r.operations.join() === 'GET')).toBe(true);
  });
});

/** What an answer tells: status and code, or for a success the number of rows (or lines of a file). */
function shape(r: LightMyRequestResponse) {
  if (!String(r.headers['content-type']).includes('json')) {
    return { status: r.statusCode, lines: r.body.trim().split('\n').length };
  }
  const body = r.json() as Record<string, unknown> & { items?: unknown[] };
  return r.statusCode < 300
    ? { status: r.statusCode, rows: Array.isArray(body) ? body.length : (body.items?.length ?? null) }
    : { status: r.statusCode, code: body.code, title_en: body.title_en };
}

/** All cell texts of the first sheet of an XLSX file, joined. */
async function xlsxText(raw: Buffer): Promise<string> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(new Uint8Array(raw).buffer);
  const cells: string[] = [];
  wb.worksheets[0]?.eachRow((row) => {
    row.eachCell((cell) => {
      cells.push(String(cell.value ?? ''));
    });
  });
  return cells.join('\n');
}
