import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { searchAudit } from '../../core/audit/index.ts';
import { systemCtx } from '../../core/context.ts';
import { queryRows, sql } from '../../core/db/index.ts';
import { open } from '../../core/security/secret-box.ts';
import { buildProvince, type Province } from '../../org/testing.ts';
import type { RegistryChange } from '../contracts.ts';
import type { Registry } from './index.ts';
import {
  freshCode,
  hmacApplication,
  operator,
  publicPem,
  restService,
  rsaKeys,
  selfSigned,
} from './testing.ts';

let t: TestApp;
let registry: Registry;
let p: Province;

beforeAll(async () => {
  t = await createTestApp();
  registry = t.services.lgsp.registry;
  p = await buildProvince(t.services.org, systemCtx());
});
afterAll(() => t.close());

const svc = () => registry.service;
const HOUR = 3_600_000;

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    return (err as { code?: string }).code ?? String(err);
  }
  return 'no error';
}

describe('applications (LGSP-21)', () => {
  it('registers an application with NFC name, normalised networks and default algorithms, audited', async () => {
    const code = freshCode();
    const app = await svc().createApplication(operator(), {
      unitId: p.finance.id,
      code,
      name: '  Phần mềm  quản lý văn bản '.normalize('NFD'),
      kind: 'hmac',
      allowedNetworks: ['10.10.0.0/16', '192.168.1.5', '10.10.0.0/16'],
      contact: { name: 'Nguyễn Văn A', email: 'a@stc.gov.vn', phone: '0220 3851 234' },
    });
    expect(app).toMatchObject({
      code,
      name: 'Phần mềm quản lý văn bản',
      kind: 'hmac',
      algorithms: ['HMAC-SHA256'],
      allowedNetworks: ['10.10.0.0/16', '192.168.1.5'],
      status: 'active',
      unit: { id: p.finance.id, code: p.finance.code, name: p.finance.name },
      activeAccessKey: null,
    });
    expect(app.name).toBe(app.name.normalize('NFC'));
    const [entry] = await searchAudit(t.platform.db, {
      categories: ['lgsp'],
      unitIds: [p.finance.id],
      limit: 1,
    });
    expect(entry).toMatchObject({ action: 'lgsp.application.create', targetId: app.id });

    expect(
      await codeOf(
        svc().createApplication(operator(), { unitId: p.health.id, code, name: 'Trùng mã', kind: 'hmac' }),
      ),
    ).toBe('LGSP_APPLICATION_CODE_TAKEN');
  });

  it('refuses bad networks, wrong-family algorithms, and takes HMAC-SHA1 only when named', async () => {
    const base = { unitId: p.finance.id, name: 'Ứng dụng', kind: 'hmac' as const };
    expect(
      await codeOf(
        svc().createApplication(operator(), { ...base, code: freshCode(), allowedNetworks: ['10/8'] }),
      ),
    ).toBe('LGSP_NETWORK_INVALID');
    expect(
      await codeOf(
        svc().createApplication(operator(), { ...base, code: freshCode(), allowedNetworks: ['010.0.0.1'] }),
      ),
    ).toBe('LGSP_NETWORK_INVALID');
    expect(
      await codeOf(
        svc().createApplication(operator(), { ...base, code: freshCode(), algorithms: ['RSA-SHA256'] }),
      ),
    ).toBe('LGSP_ALGORITHM_NOT_ALLOWED');
    const legacy = await svc().createApplication(operator(), {
      ...base,
      code: freshCode(),
      algorithms: ['HMAC-SHA256', 'HMAC-SHA1'],
    });
    expect(legacy.algorithms).toEqual(['HMAC-SHA256', 'HMAC-SHA1']);
    expect(await codeOf(svc().createApplication(operator(), { ...base, code: 'Bad Code' }))).toBe(
      'VALIDATION_FAILED',
    );
  });

  it('refuses a closed unit (LGSP_UNIT_NOT_CONNECTABLE)', async () => {
    const q = await buildProvince(t.services.org, systemCtx());
    await t.services.org.reorganise(systemCtx(), {
      type: 'merge',
      sourceIds: [q.communeB.id],
      targetId: q.communeA.id,
      decisionRef: 'Nghị quyết 01/NQ-HĐND',
    });
    expect(
      await codeOf(
        svc().createApplication(operator(), {
          unitId: q.communeB.id,
          code: freshCode(),
          name: 'X',
          kind: 'hmac',
        }),
      ),
    ).toBe('LGSP_UNIT_NOT_CONNECTABLE');
  });

  it('updates, suspends and resumes, and the lookup follows at once', async () => {
    const { app, accessKey } = await hmacApplication(svc(), p.finance);
    expect((await registry.lookup.credentialByAccessKey(accessKey))?.applicationActive).toBe(true);
    const updated = await svc().updateApplication(operator(), app.id, {
      allowedNetworks: ['172.16.0.0/12'],
      rateLimitPerMinute: 600,
      quotaPerDay: 100_000,
    });
    expect(updated).toMatchObject({ allowedNetworks: ['172.16.0.0/12'], rateLimitPerMinute: 600 });
    const [entry] = await searchAudit(t.platform.db, {
      categories: ['lgsp'],
      unitIds: [p.finance.id],
      limit: 1,
    });
    expect(entry).toMatchObject({
      action: 'lgsp.application.update',
      details: {
        before: { allowedNetworks: [], rateLimitPerMinute: null, quotaPerDay: null },
        after: { allowedNetworks: ['172.16.0.0/12'], rateLimitPerMinute: 600, quotaPerDay: 100_000 },
      },
    });
    // The same values again change nothing and record nothing.
    await svc().updateApplication(operator(), app.id, { rateLimitPerMinute: 600 });
    const [still] = await searchAudit(t.platform.db, {
      categories: ['lgsp'],
      unitIds: [p.finance.id],
      limit: 1,
    });
    expect(still!.seq).toBe(entry!.seq);
    expect(await registry.lookup.credentialByAccessKey(accessKey)).toMatchObject({
      allowedNetworks: ['172.16.0.0/12'],
      rateLimitPerMinute: 600,
      quotaPerDay: 100_000,
    });
    const service = await restService(svc(), app.id);
    expect((await registry.lookup.destination(p.finance.code, service.code))?.active).toBe(true);
    expect((await registry.lookup.destinationById(service.id))?.active).toBe(true);
    await svc().setApplicationStatus(operator(), app.id, { active: false, reason: 'Bảo trì' });
    expect((await registry.lookup.credentialByAccessKey(accessKey))?.applicationActive).toBe(false);
    // A suspended provider's services are off too: it could not confirm a caller's session.
    expect((await registry.lookup.destination(p.finance.code, service.code))?.active).toBe(false);
    expect((await registry.lookup.destinationById(service.id))?.active).toBe(false);
    expect((await registry.listDestinations()).map((d) => d.serviceId)).not.toContain(service.id);
    const resumed = await svc().setApplicationStatus(operator(), app.id, { active: true });
    expect(resumed.status).toBe('active');
    expect((await registry.lookup.credentialByAccessKey(accessKey))?.applicationActive).toBe(true);
    expect((await registry.lookup.destination(p.finance.code, service.code))?.active).toBe(true);
  });
});

describe('keys (LGSP-29)', () => {
  it('shows the secret once, stores it sealed, and the lookup decrypts it', async () => {
    const { app, accessKey, secretKey } = await hmacApplication(svc(), p.finance);
    expect(accessKey).toMatch(/^lgsp_[a-z2-7]{20}$/);
    expect(Buffer.from(secretKey, 'base64url')).toHaveLength(32);

    const keys = await svc().listKeys(operator(), app.id);
    expect(keys).toHaveLength(1);
    expect(JSON.stringify(keys)).not.toContain(secretKey);
    expect(JSON.stringify(await svc().getApplication(operator(), app.id))).not.toContain(secretKey);

    const [row] = await queryRows<{ secret_sealed: string }>(
      t.platform.db,
      sql`select secret_sealed from lgsp_keys where access_key = ${accessKey}`,
    );
    expect(row!.secret_sealed).not.toContain(secretKey);
    expect(row!.secret_sealed.startsWith('v1.')).toBe(true);
    expect(open(t.platform.masterKey, row!.secret_sealed)).toBe(secretKey);

    const credential = await registry.lookup.credentialByAccessKey(accessKey);
    expect(credential).toMatchObject({
      applicationId: app.id,
      applicationCode: app.code,
      unitId: p.finance.id,
      unitCode: p.finance.code,
      keyStatus: 'active',
      kind: 'hmac',
      algorithms: ['HMAC-SHA256'],
      publicKeyPem: null,
    });
    expect(credential!.secret!.toString('utf8')).toBe(secretKey);

    // Never in the audit log either.
    const entries = await searchAudit(t.platform.db, {
      categories: ['lgsp'],
      unitIds: [p.finance.id],
      limit: 50,
    });
    expect(JSON.stringify(entries)).not.toContain(secretKey);
    expect(await codeOf(svc().issueKey(operator(), app.id))).toBe('LGSP_KEY_ACTIVE_EXISTS');
  });

  it('rotates: the old key works during the overlap, then is expired', async () => {
    const { app, accessKey: oldKey, secretKey: oldSecret } = await hmacApplication(svc(), p.health);
    const rotated = await svc().rotateKey(operator(), app.id, { reason: 'Định kỳ' });
    expect(rotated.secretKey).not.toBe(oldSecret);
    expect(rotated.replaced).toMatchObject({ accessKey: oldKey, status: 'rotated' });
    const expectedUntil = t.clock.now.getTime() + t.platform.config.lgsp.keyOverlapHours * HOUR;
    expect(new Date(rotated.replaced!.validUntil!).getTime()).toBe(expectedUntil);

    const old = await registry.lookup.credentialByAccessKey(oldKey);
    expect(old).toMatchObject({ keyStatus: 'rotated' });
    expect(old!.secret!.toString()).toBe(oldSecret);
    expect((await registry.lookup.credentialByAccessKey(rotated.key.accessKey))?.keyStatus).toBe('active');

    t.clock.advance(t.platform.config.lgsp.keyOverlapHours * HOUR + 1000);
    try {
      // Expiry needs no write: it is derived from validUntil on every call.
      expect((await registry.lookup.credentialByAccessKey(oldKey))?.keyStatus).toBe('expired');
      const keys = await svc().listKeys(operator(), app.id);
      expect(keys.map((k) => [k.accessKey, k.status])).toEqual([
        [rotated.key.accessKey, 'active'],
        [oldKey, 'expired'],
      ]);
    } finally {
      t.clock.advance(-(t.platform.config.lgsp.keyOverlapHours * HOUR + 1000));
    }
    const [entry] = await searchAudit(t.platform.db, {
      categories: ['lgsp'],
      unitIds: [p.health.id],
      limit: 1,
    });
    expect(entry).toMatchObject({ action: 'lgsp.key.rotate' });
  });

  it('revokes at once, with a reason, once', async () => {
    const { accessKey } = await hmacApplication(svc(), p.finance);
    expect((await registry.lookup.credentialByAccessKey(accessKey))?.keyStatus).toBe('active');
    const revoked = await svc().revokeKey(operator(), accessKey, { reason: 'Lộ khóa bí mật' });
    expect(revoked).toMatchObject({ status: 'revoked', revokedReason: 'Lộ khóa bí mật' });
    const credential = await registry.lookup.credentialByAccessKey(accessKey);
    expect(credential?.keyStatus).toBe('revoked');
    expect(credential?.secret).toBeNull();
    expect(await codeOf(svc().revokeKey(operator(), accessKey, { reason: 'lần nữa' }))).toBe(
      'LGSP_KEY_ALREADY_REVOKED',
    );
    expect(await codeOf(svc().revokeKey(operator(), 'lgsp_aaaaaaaaaaaaaaaaaaaa', { reason: 'x' }))).toBe(
      'LGSP_KEY_NOT_FOUND',
    );
    const [entry] = await searchAudit(t.platform.db, {
      categories: ['lgsp'],
      unitIds: [p.finance.id],
      limit: 1,
    });
    expect(entry).toMatchObject({ action: 'lgsp.key.revoke', severity: 'warning' });
  });

  it('registers an RSA certificate, and refuses expired, not-yet-valid and weak keys', async () => {
    const app = await svc().createApplication(operator(), {
      unitId: p.district.id,
      code: freshCode(),
      name: 'Cổng dịch vụ công',
      kind: 'rsa',
    });
    expect(app.algorithms).toEqual(['RSA-PSS-SHA256', 'RSA-SHA256']);
    const now = t.clock.now;
    const keys = await rsaKeys();
    const pem = await selfSigned(
      keys,
      new Date(now.getTime() - HOUR),
      new Date(now.getTime() + 365 * 24 * HOUR),
    );
    const issued = await svc().registerPublicKey(operator(), app.id, { pem });
    expect(issued.secretKey).toBeNull();
    expect(issued.key).toMatchObject({ status: 'active', kind: 'rsa', keyBits: 2048 });
    expect(issued.key.certificate?.subject).toContain('CN=ung-dung-mot-cua');
    const credential = await registry.lookup.credentialByAccessKey(issued.key.accessKey);
    expect(credential).toMatchObject({ kind: 'rsa', secret: null, keyStatus: 'active' });
    expect(credential!.publicKeyPem).toBe(publicPem(keys.publicKey));

    const expired = await selfSigned(
      keys,
      new Date(now.getTime() - 48 * HOUR),
      new Date(now.getTime() - HOUR),
    );
    expect(await codeOf(svc().registerPublicKey(operator(), app.id, { pem: expired }))).toBe(
      'LGSP_CERTIFICATE_EXPIRED',
    );
    const future = await selfSigned(
      keys,
      new Date(now.getTime() + HOUR),
      new Date(now.getTime() + 48 * HOUR),
    );
    expect(await codeOf(svc().registerPublicKey(operator(), app.id, { pem: future }))).toBe(
      'LGSP_CERTIFICATE_NOT_YET_VALID',
    );
    const weak = await rsaKeys(1024);
    expect(
      await codeOf(svc().registerPublicKey(operator(), app.id, { pem: publicPem(weak.publicKey) })),
    ).toBe('LGSP_KEY_TOO_WEAK');
    expect(
      await codeOf(
        svc().registerPublicKey(operator(), app.id, {
          pem: await selfSigned(weak, new Date(now.getTime() - HOUR), new Date(now.getTime() + HOUR)),
        }),
      ),
    ).toBe('LGSP_KEY_TOO_WEAK');
    expect(await codeOf(svc().registerPublicKey(operator(), app.id, { pem: 'not a key' }))).toBe(
      'LGSP_PUBLIC_KEY_INVALID',
    );

    // A bare public key registered next rotates the certificate's key.
    const next = await rsaKeys();
    const second = await svc().registerPublicKey(operator(), app.id, { pem: publicPem(next.publicKey) });
    expect(second.key.certificate).toBeNull();
    expect(second.replaced).toMatchObject({ accessKey: issued.key.accessKey, status: 'rotated' });
    // HMAC operations do not apply to RSA applications.
    expect(await codeOf(svc().rotateKey(operator(), app.id))).toBe('LGSP_KEY_KIND_MISMATCH');
  });
});

describe('certificate validity', () => {
  it('expires a key with its certificate', async () => {
    const app = await svc().createApplication(operator(), {
      unitId: p.health.id,
      code: freshCode(),
      name: 'Hệ thống ký số',
      kind: 'rsa',
    });
    const now = t.clock.now.getTime();
    const keys = await rsaKeys();
    const pem = await selfSigned(keys, new Date(now - HOUR), new Date(now + 30_000));
    const { key } = await svc().registerPublicKey(operator(), app.id, { pem });
    expect((await registry.lookup.credentialByAccessKey(key.accessKey))?.keyStatus).toBe('active');
    // Within the cache's lifetime: the expiry is derived from the cached certificate end, no reload.
    const misses = registry.stats().misses;
    t.clock.advance(31_000);
    try {
      expect((await registry.lookup.credentialByAccessKey(key.accessKey))?.keyStatus).toBe('expired');
      expect(registry.stats().misses).toBe(misses);
      expect((await svc().listKeys(operator(), app.id))[0]?.status).toBe('expired');
    } finally {
      t.clock.advance(-31_000);
    }
  });
});

describe('services and destination lookup', () => {
  it('validates URLs and codes per unit, and finds a service by unit code and id', async () => {
    const { app } = await hmacApplication(svc(), p.finance);
    const base = {
      applicationId: app.id,
      code: freshCode('svc'),
      name: 'Tra cứu',
      protocol: 'rest-json' as const,
    };
    for (const baseUrl of [
      'ftp://x/',
      'http://user:pw@host/',
      'javascript:alert(1)',
      'http://h/#x',
      'nope',
      'http://169.254.169.254/latest/meta-data',
      'http://0.0.0.0:8080/',
      'http://[fe80::1]/',
    ]) {
      expect(await codeOf(svc().createService(operator(), { ...base, baseUrl }))).toBe(
        'LGSP_SERVICE_URL_INVALID',
      );
    }
    const service = await restService(svc(), app.id, {
      code: 'hotich',
      baseUrl: 'https://hotich.local/api/',
    });
    expect(service).toMatchObject({
      baseUrl: 'https://hotich.local/api',
      timeoutMs: 30_000,
      gatewayPath: `/${p.finance.code}/hotich`,
      allowedMethods: ['GET', 'POST'],
    });
    expect(await codeOf(restService(svc(), app.id, { code: 'hotich' }))).toBe('LGSP_SERVICE_CODE_TAKEN');
    // The same code in another unit is another service.
    const other = await hmacApplication(svc(), p.health);
    await restService(svc(), other.app.id, { code: 'hotich' });

    const destination = await registry.lookup.destination(p.finance.code, 'hotich');
    expect(destination).toMatchObject({
      serviceId: service.id,
      unitId: p.finance.id,
      unitCode: p.finance.code,
      providerApplicationId: app.id,
      baseUrl: 'https://hotich.local/api',
      active: true,
    });
    expect(await registry.lookup.destinationById(service.id)).toEqual(destination);
    expect(await registry.lookup.destination(p.finance.code, 'khong-co')).toBeNull();
    expect(await registry.lookup.destination('not-a-code', 'hotich')).toBeNull();
  });

  it('follows an old code after a merge to the successor (LGSP-13), the closed unit’s own service as fallback', async () => {
    const q = await buildProvince(t.services.org, systemCtx());
    const a = await hmacApplication(svc(), q.communeA);
    const b = await hmacApplication(svc(), q.communeB);
    const targetService = await restService(svc(), a.app.id, { code: 'hotich' });
    const onlyOld = await restService(svc(), b.app.id, { code: 'dat-dai' });
    await restService(svc(), b.app.id, { code: 'hotich' });
    const oldCode = q.communeB.code;
    await t.services.org.reorganise(systemCtx(), {
      type: 'merge',
      sourceIds: [q.communeB.id],
      targetId: q.communeA.id,
      decisionRef: 'Nghị quyết 02/NQ-HĐND',
    });
    expect(await registry.lookup.destination(oldCode, 'hotich')).toMatchObject({
      serviceId: targetService.id,
      unitCode: q.communeA.code,
    });
    expect(await registry.lookup.destination(oldCode, 'dat-dai')).toMatchObject({
      serviceId: onlyOld.id,
      unitCode: oldCode,
    });
  });

  it('follows a moved unit’s old code and accepts short code forms', async () => {
    const q = await buildProvince(t.services.org, systemCtx());
    const a = await hmacApplication(svc(), q.communeA);
    const service = await restService(svc(), a.app.id, { code: 'hotich' });
    const district2 = await t.services.org.createUnit(systemCtx(), {
      parentId: q.root.id,
      code: `000.00.32.${q.group}`,
      name: 'Ủy ban nhân dân huyện Tiền Hải',
      kind: 'district',
    });
    const oldCode = q.communeA.code;
    await t.services.org.reorganise(systemCtx(), {
      type: 'move',
      unitId: q.communeA.id,
      newParentId: district2.id,
      decisionRef: 'Quyết định 9/QĐ-UBND',
    });
    const moved = await t.services.org.getUnit(systemCtx(), q.communeA.id);
    expect(moved.code).not.toBe(oldCode);
    for (const code of [oldCode, moved.code, moved.code.replace(/^000\./, '')]) {
      expect(await registry.lookup.destination(code, 'hotich'), code).toMatchObject({
        serviceId: service.id,
        unitCode: moved.code,
      });
    }
  });

  it('answers warm calls from memory and drops entries on a change', async () => {
    const { app, accessKey } = await hmacApplication(svc(), p.finance);
    const service = await restService(svc(), app.id);
    await registry.lookup.credentialByAccessKey(accessKey);
    await registry.lookup.destination(p.finance.code, service.code);
    const before = registry.stats();
    for (let i = 0; i < 100; i++) {
      await registry.lookup.credentialByAccessKey(accessKey);
      await registry.lookup.destination(p.finance.code, service.code);
    }
    expect(registry.stats().misses).toBe(before.misses);
    expect(registry.stats().hits).toBe(before.hits + 200);

    // A change made behind the registry's back is not seen: the answer comes from memory...
    await queryRows(t.platform.db, sql`update lgsp_services set timeout_ms = 999 where id = ${service.id}`);
    expect((await registry.lookup.destination(p.finance.code, service.code))?.timeoutMs).toBe(30_000);
    // ...and a change through the registry is seen at once, with listeners told.
    const seen: RegistryChange[] = [];
    const stop = registry.lookup.onChange((c) => seen.push(c));
    await svc().updateService(operator(), service.id, { timeoutMs: 5000 });
    stop();
    expect(seen).toEqual([{ kind: 'service', id: service.id }]);
    expect((await registry.lookup.destination(p.finance.code, service.code))?.timeoutMs).toBe(5000);
    expect((await registry.lookup.destinationById(service.id))?.timeoutMs).toBe(5000);
  });

  it('deactivates a service: the lookup says inactive and grants no operation', async () => {
    const provider = await hmacApplication(svc(), p.finance);
    const consumer = await hmacApplication(svc(), p.health);
    const service = await restService(svc(), provider.app.id);
    await svc().setRight(operator(), consumer.app.id, service.id, { operations: ['GET'] });
    expect(await registry.lookup.allowedOperations(consumer.app.id, service.id)).toEqual(['GET']);
    await svc().updateService(operator(), service.id, { active: false });
    expect((await registry.lookup.destinationById(service.id))?.active).toBe(false);
    expect(await registry.lookup.allowedOperations(consumer.app.id, service.id)).toEqual([]);
  });
});

describe('access rights (LGSP-30)', () => {
  it('grants, changes and revokes with history, and the lookup follows', async () => {
    const provider = await hmacApplication(svc(), p.finance);
    const consumer = await hmacApplication(svc(), p.communeA);
    const service = await restService(svc(), provider.app.id, { allowedMethods: ['GET', 'POST', 'PUT'] });
    expect(await registry.lookup.allowedOperations(consumer.app.id, service.id)).toEqual([]);

    const who = operator();
    const granted = await svc().setRight(who, consumer.app.id, service.id, {
      operations: ['POST', 'GET'],
      reason: 'Công văn 12/STC',
    });
    expect(granted.operations).toEqual(['GET', 'POST']);
    expect(await registry.lookup.allowedOperations(consumer.app.id, service.id)).toEqual(['GET', 'POST']);

    expect(await codeOf(svc().setRight(who, consumer.app.id, service.id, { operations: ['DELETE'] }))).toBe(
      'LGSP_RIGHT_OPERATION_NOT_ALLOWED',
    );

    await svc().setRight(who, consumer.app.id, service.id, { operations: ['GET'], reason: 'Thu hẹp' });
    expect(await registry.lookup.allowedOperations(consumer.app.id, service.id)).toEqual(['GET']);
    await svc().revokeRight(who, consumer.app.id, service.id, { reason: 'Hết nhu cầu' });
    expect(await registry.lookup.allowedOperations(consumer.app.id, service.id)).toEqual([]);
    expect(await codeOf(svc().revokeRight(who, consumer.app.id, service.id, { reason: 'x' }))).toBe(
      'LGSP_RIGHT_NOT_FOUND',
    );

    const history = await svc().rightsHistory(operator(), { serviceId: service.id });
    expect(
      history.items.map((h) => [h.action, h.operationsBefore, h.operationsAfter, h.reason, h.actorName]),
    ).toEqual([
      ['revoke', ['GET'], null, 'Hết nhu cầu', who.actor.name],
      ['change', ['GET', 'POST'], ['GET'], 'Thu hẹp', who.actor.name],
      ['grant', null, ['GET', 'POST'], 'Công văn 12/STC', who.actor.name],
    ]);
    const audits = await searchAudit(t.platform.db, {
      categories: ['lgsp'],
      unitIds: [p.finance.id],
      limit: 3,
    });
    expect(audits.map((a) => a.action)).toEqual([
      'lgsp.right.revoke',
      'lgsp.right.change',
      'lgsp.right.grant',
    ]);
  });

  it('shows the matrix of applications × services with operations, by unit', async () => {
    const q = await buildProvince(t.services.org, systemCtx());
    const provider = await hmacApplication(svc(), q.finance);
    const consumer = await hmacApplication(svc(), q.health);
    const service = await restService(svc(), provider.app.id);
    await svc().setRight(operator(), consumer.app.id, service.id, { operations: ['GET'] });
    const matrix = await svc().rightsMatrix(operator(), { unitId: q.finance.id });
    expect(matrix.services.map((s) => s.id)).toEqual([service.id]);
    expect(matrix.applications.map((a) => a.id).sort()).toEqual([provider.app.id, consumer.app.id].sort());
    expect(matrix.cells).toEqual([
      { applicationId: consumer.app.id, serviceId: service.id, operations: ['GET'] },
    ]);
    expect(matrix.truncated).toBe(false);
  });
});

describe('lists for availability', () => {
  it('lists active destinations with their unit codes, and the units holding rights on a service', async () => {
    const q = await buildProvince(t.services.org, systemCtx());
    const provider = await hmacApplication(svc(), q.finance);
    const consumerA = await hmacApplication(svc(), q.communeA);
    const consumerB = await hmacApplication(svc(), q.communeB);
    const live = await restService(svc(), provider.app.id);
    const stopped = await restService(svc(), provider.app.id);
    await svc().updateService(operator(), stopped.id, { active: false });
    const all = await registry.listDestinations();
    expect(all.find((d) => d.serviceId === live.id)).toMatchObject({
      unitCode: q.finance.code,
      active: true,
    });
    expect(all.map((d) => d.serviceId)).not.toContain(stopped.id);

    expect(await registry.unitsWithRightsTo(live.id)).toEqual([]);
    await svc().setRight(operator(), consumerA.app.id, live.id, { operations: ['GET'] });
    await svc().setRight(operator(), consumerB.app.id, live.id, { operations: ['GET'] });
    expect((await registry.unitsWithRightsTo(live.id)).sort()).toEqual([q.communeA.id, q.communeB.id].sort());
  });
});

describe('row scope', () => {
  it('lets a unit operator see and change only its own subtree', async () => {
    const q = await buildProvince(t.services.org, systemCtx());
    const own = await hmacApplication(svc(), q.district);
    const commune = await hmacApplication(svc(), q.communeA);
    const foreign = await hmacApplication(svc(), q.health);
    const districtAdmin = operator({ unitId: q.district.id, scope: 'subtree' });

    const list = await svc().listApplications(districtAdmin, {});
    expect(list.items.map((a) => a.id).sort()).toEqual([own.app.id, commune.app.id].sort());
    expect(await codeOf(svc().getApplication(districtAdmin, foreign.app.id))).toBe(
      'LGSP_APPLICATION_NOT_FOUND',
    );
    expect(await codeOf(svc().updateApplication(districtAdmin, foreign.app.id, { name: 'Chiếm' }))).toBe(
      'LGSP_APPLICATION_NOT_FOUND',
    );
    expect(await codeOf(svc().rotateKey(districtAdmin, foreign.app.id))).toBe('LGSP_APPLICATION_NOT_FOUND');
    expect(await codeOf(svc().revokeKey(districtAdmin, foreign.accessKey, { reason: 'x' }))).toBe(
      'LGSP_KEY_NOT_FOUND',
    );
    expect(
      await codeOf(
        svc().createApplication(districtAdmin, {
          unitId: q.health.id,
          code: freshCode(),
          name: 'X',
          kind: 'hmac',
        }),
      ),
    ).toBe('NOT_FOUND');
    const units = await svc().connectedUnits(districtAdmin);
    expect(units.items.map((u) => u.unit.id).sort()).toEqual([q.district.id, q.communeA.id].sort());

    const reader = operator({ unitId: q.district.id, scope: 'own', permissions: ['lgsp.registry.read'] });
    expect(
      await codeOf(
        svc().createApplication(reader, {
          unitId: q.district.id,
          code: freshCode(),
          name: 'X',
          kind: 'hmac',
        }),
      ),
    ).toBe('IAM_FORBIDDEN');
  });
});

describe('connected units (LGSP-17)', () => {
  it('lists units having applications, with counts and since when, in Vietnamese order', async () => {
    const q = await buildProvince(t.services.org, systemCtx());
    t.clock.advance(1000);
    const first = await hmacApplication(svc(), q.communeB);
    await restService(svc(), first.app.id);
    await hmacApplication(svc(), q.communeA);
    await hmacApplication(svc(), q.communeA);
    const all = await svc().connectedUnits(operator());
    const mine = all.items.filter((u) => [q.communeA.id, q.communeB.id, q.root.id].includes(u.unit.id));
    expect(mine.map((u) => [u.unit.name, u.applications, u.services, u.activeKeys])).toEqual([
      [q.communeA.name, 2, 0, 2],
      [q.communeB.name, 1, 1, 1],
    ]);
    expect(mine[1]!.connectedSince).toBe(t.clock.now.toISOString());
  });
});

describe('directory (LGSP-13)', () => {
  it('finds services by name or unit name without diacritics, by data type, and by an old code', async () => {
    const q = await buildProvince(t.services.org, systemCtx());
    const a = await hmacApplication(svc(), q.communeA);
    const b = await hmacApplication(svc(), q.communeB);
    const birth = await restService(svc(), a.app.id, {
      code: 'hotich',
      name: 'Đăng ký khai sinh điện tử',
      dataTypes: ['hộ tịch'],
    });
    const land = await restService(svc(), b.app.id, {
      code: 'datdai',
      name: 'Tra cứu đất đai',
      dataTypes: ['đất đai'],
    });
    const reader = operator({ unitId: q.communeB.id, scope: 'own', permissions: ['lgsp.registry.read'] });

    const byName = await svc().directory(reader, { q: 'dang ky khai sinh' });
    expect(byName.items.map((i) => i.serviceId)).toContain(birth.id);
    // Another unit's service is found although the reader's scope is its own unit: the directory is public.
    expect(byName.items.find((i) => i.serviceId === birth.id)).toMatchObject({
      unit: { id: q.communeA.id, code: q.communeA.code },
      gatewayPath: `/${q.communeA.code}/hotich`,
    });
    expect(JSON.stringify(byName)).not.toMatch(/secret|lgsp_[a-z2-7]{20}|baseUrl/);

    // Every test province has a "xã Đông La": this one's service is among those found, the other commune's not.
    const byUnit = await svc().directory(reader, { q: 'xa dong la' });
    expect(byUnit.items.map((i) => i.serviceId)).toContain(birth.id);
    expect(byUnit.items.map((i) => i.serviceId)).not.toContain(land.id);

    const byType = await svc().directory(reader, { dataType: 'ho tich' });
    expect(byType.items.map((i) => i.serviceId)).toContain(birth.id);
    expect(byType.items.map((i) => i.serviceId)).not.toContain(land.id);

    const oldCode = q.communeB.code;
    await t.services.org.reorganise(systemCtx(), {
      type: 'merge',
      sourceIds: [q.communeB.id],
      targetId: q.communeA.id,
      decisionRef: 'Nghị quyết 03/NQ-HĐND',
    });
    const byOld = await svc().directory(reader, { q: oldCode });
    expect(byOld.notes).toEqual([`Mã cũ ${oldCode} nay là ${q.communeA.code} (${q.communeA.name})`]);
    expect(byOld.items.map((i) => i.serviceId).sort()).toEqual([birth.id, land.id].sort());
  });

  it('sorts in Vietnamese order', async () => {
    const q = await buildProvince(t.services.org, systemCtx());
    const a = await hmacApplication(svc(), q.health);
    const tag = `loai-${process.pid}-${Date.now()}`;
    for (const name of ['Ước tính chi phí', 'Đăng ký', 'Dịch vụ', 'An toàn']) {
      await restService(svc(), a.app.id, { name, dataTypes: [tag] });
    }
    const found = await svc().directory(operator(), { dataType: tag });
    expect(found.items.map((i) => i.name)).toEqual(['An toàn', 'Dịch vụ', 'Đăng ký', 'Ước tính chi phí']);
  });
});
