/**
 * The authentication routes of the whole application over the REAL registry (LGSP-29, LGSP-21): keys,
 * services and rights made by the registry service; session request and introspection over HTTP with
 * requests signed by the SDK; a key revoked in the registry ends the session at once.
 */

import { KeyObject } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../../sdk/src/canonical.ts';
import { createTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { freshCode, operator, rsaKeys, selfSigned } from '../registry/testing.ts';
import { injectSigned, realRegistryProvince, signAs } from './harness.ts';
import type { TestApplication } from './testing.ts';

let t: TestApp;
const now = () => t.clock.now.getTime();

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('Article 10 through the real registry (LGSP-29)', () => {
  it('is wired into the application: routes mounted, nonce pruning job registered', async () => {
    expect(t.services.scheduler.registered).toContain('lgsp.auth.nonces.prune');
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/lgsp/auth/sessions',
      payload: { unitCode: 'x', service: 'y' },
    });
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('LGSP_SIGNATURE_MISSING');
  });

  it('issues a session to a registered source, confirms its call to the destination, and stops at revocation', async () => {
    const w = await realRegistryProvince(t.services);
    const asked = JSON.stringify({ unitCode: w.unitCode, service: w.service.code, operations: ['POST'] });
    const issued = await t.app.inject(
      injectSigned(w.source.signer, { method: 'POST', url: '/api/lgsp/auth/sessions', body: asked }, now()),
    );
    expect(issued.statusCode, issued.body).toBe(201);
    const session = issued.json();
    expect(session.destination).toMatchObject({
      unitCode: w.unitCode,
      service: w.service.code,
      gatewayPath: `/${w.unitCode}/${w.service.code}`,
    });
    expect(session.operations).toEqual(['POST']);

    const body = '{"hoTen":"Trần Văn Bình"}';
    const call = () => ({
      method: 'POST',
      path: '/ho-so',
      query: '',
      headers: signAs(
        w.source.signer,
        { method: 'POST', url: '/ho-so', body, headers: { 'x-lgsp-session': session.sessionKey } },
        now(),
      ),
      bodySha256: sha256Hex(body),
    });
    const introspect = (request: unknown) =>
      t.app.inject(
        injectSigned(
          w.destination.signer,
          {
            method: 'POST',
            url: '/api/lgsp/auth/introspect',
            body: JSON.stringify({ sessionKey: session.sessionKey, request }),
          },
          now(),
        ),
      );
    const ok = await introspect(call());
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({
      active: true,
      source: { unitCode: w.province.finance.code, applicationCode: w.source.app.code },
      operations: ['POST'],
    });

    await w.registry.revokeKey(operator(), w.source.accessKey, { reason: 'Lộ khóa bí mật' });
    const refused = await introspect(call());
    expect(refused.json()).toMatchObject({ active: false, code: 'LGSP_ACCESS_KEY_REVOKED' });
    const again = await t.app.inject(
      injectSigned(w.source.signer, { method: 'POST', url: '/api/lgsp/auth/sessions', body: asked }, now()),
    );
    expect(again.statusCode).toBe(401);
    expect(again.json().code).toBe('LGSP_ACCESS_KEY_REVOKED');
  });

  it('accepts RSA-PSS-SHA256 and RSA-SHA256 from an application whose certificate the registry holds, within its networks only (LGSP-04, LGSP-32)', async () => {
    const w = await realRegistryProvince(t.services);
    const app = await w.registry.createApplication(operator(), {
      unitId: w.province.finance.id,
      code: freshCode('rsa'),
      name: 'Phần mềm quản lý văn bản',
      kind: 'rsa',
      algorithms: ['RSA-PSS-SHA256', 'RSA-SHA256'],
      allowedNetworks: ['127.0.0.0/8'],
    });
    const keys = await rsaKeys();
    const pem = await selfSigned(keys, new Date(now() - 86_400_000), new Date(now() + 365 * 86_400_000));
    const issued = await w.registry.registerPublicKey(operator(), app.id, { pem });
    await w.registry.setRight(operator(), app.id, w.service.id, { operations: ['GET'] });
    const signer: TestApplication = {
      credential: { accessKey: issued.key.accessKey, kind: 'rsa' } as TestApplication['credential'],
      secretKey: null,
      privateKeyPem: KeyObject.from(keys.privateKey).export({ type: 'pkcs8', format: 'pem' }).toString(),
    };
    const body = JSON.stringify({ unitCode: w.unitCode, service: w.service.code });
    for (const algorithm of ['RSA-PSS-SHA256', 'RSA-SHA256'] as const) {
      const res = await t.app.inject(
        injectSigned(signer, { method: 'POST', url: '/api/lgsp/auth/sessions', body, algorithm }, now()),
      );
      expect(res.statusCode, `${algorithm}: ${res.body}`).toBe(201);
    }
    const outside = await t.app.inject({
      ...injectSigned(signer, { method: 'POST', url: '/api/lgsp/auth/sessions', body }, now()),
      remoteAddress: '192.0.2.10',
    });
    expect(outside.statusCode).toBe(403);
    expect(outside.json().code).toBe('LGSP_NETWORK_NOT_ALLOWED');
  });

  it('answers an application without a right like one asking for a service that does not exist', async () => {
    const w = await realRegistryProvince(t.services);
    const ask = (service: string) =>
      t.app.inject(
        injectSigned(
          w.destination.signer,
          {
            method: 'POST',
            url: '/api/lgsp/auth/sessions',
            body: JSON.stringify({ unitCode: w.unitCode, service }),
          },
          now(),
        ),
      );
    const noRight = await ask(w.service.code);
    const missing = await ask('khong-co-dich-vu-nay');
    expect([noRight.statusCode, missing.statusCode]).toEqual([403, 403]);
    expect([noRight.json().code, missing.json().code]).toEqual(['LGSP_ACCESS_DENIED', 'LGSP_ACCESS_DENIED']);
  });
});
