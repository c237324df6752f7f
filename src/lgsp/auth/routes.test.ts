/**
 * The two routes of Article 10 over HTTP (LGSP-29, LGSP-33): a source obtains a session key
 * (POST /api/lgsp/auth/sessions), calls a destination, and the destination has the platform check the call
 * (POST /api/lgsp/auth/introspect). Every refusal has its code, every decision is in the audit log, and an
 * application without a right cannot tell an existing service from a missing one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../../sdk/src/canonical.ts';
import { sql } from '../../core/db/index.ts';
import { type AuthHarness, injectSigned, signAs, startAuthHarness } from './harness.ts';
import type { TestApplication } from './testing.ts';

let h: AuthHarness;
const now = () => h.t.clock.now.getTime();

beforeAll(async () => {
  h = await startAuthHarness();
});
afterAll(async () => {
  await h.close();
});

/** A source, a destination providing `hotich`, and the source's right to GET and POST it. */
function province() {
  const source = h.registry.addApplication({ code: 'mot-cua' });
  const destination = h.registry.addApplication({ code: 'ho-tich', kind: 'rsa' });
  const service = h.registry.addService(destination.credential, 'hotich', ['GET', 'POST', 'DELETE']);
  h.registry.grant(source.credential, service, ['GET', 'POST']);
  return { source, destination, service };
}

async function requestSession(app: TestApplication, body: Record<string, unknown>) {
  return h.server.inject(
    injectSigned(app, { method: 'POST', url: '/api/lgsp/auth/sessions', body: JSON.stringify(body) }, now()),
  );
}

/** What the source sends the destination directly, and the destination's introspection of it. */
function sourceCall(
  source: TestApplication,
  sessionKey: string,
  method = 'POST',
  body = '{"soGiayTo":"123"}',
) {
  const url = '/ho-so/giay-khai-sinh?nam=2026&loai=ban-sao';
  const headers = signAs(source, { method, url, body, headers: { 'x-lgsp-session': sessionKey } }, now());
  return {
    method,
    path: '/ho-so/giay-khai-sinh',
    query: 'nam=2026&loai=ban-sao',
    headers,
    bodySha256: sha256Hex(body),
  };
}

async function introspect(destination: TestApplication, sessionKey: string, request: unknown) {
  const body = JSON.stringify({ sessionKey, request });
  const res = await h.server.inject(
    injectSigned(destination, { method: 'POST', url: '/api/lgsp/auth/introspect', body }, now()),
  );
  return res;
}

async function auditRows(action: string) {
  const res = (await h.t.platform.db.execute(
    sql`select outcome, details, actor_name from audit_log where category = 'lgsp' and action = ${action} order by seq`,
  )) as unknown as { rows: { outcome: string; details: Record<string, unknown>; actor_name: string }[] };
  return res.rows;
}

describe('Article 10, steps 1 to 6 (LGSP-29)', () => {
  it('issues a session key to a signed source, and confirms to the destination the call made with it', async () => {
    const { source, destination, service } = province();
    const res = await requestSession(source, { unitCode: service.unitCode, service: 'hotich' });
    expect(res.statusCode, res.body).toBe(201);
    const issued = res.json();
    expect(issued.sessionKey).toMatch(/^lgsp1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(issued.operations).toEqual(['GET', 'POST']);
    expect(issued.destination).toEqual({
      unitCode: service.unitCode,
      service: 'hotich',
      name: service.name,
      protocol: 'rest-json',
      gatewayPath: `/${service.unitCode}/hotich`,
    });
    // lgsp.sessionTtlSeconds (300) from now, to the second.
    const ttl = new Date(issued.expiresAt).getTime() - now();
    expect(ttl).toBeGreaterThan(299_000);
    expect(ttl).toBeLessThanOrEqual(300_000);

    const call = sourceCall(source, issued.sessionKey);
    const checked = await introspect(destination, issued.sessionKey, call);
    expect(checked.statusCode, checked.body).toBe(200);
    expect(checked.json()).toEqual({
      active: true,
      source: {
        unitCode: source.credential.unitCode,
        applicationCode: 'mot-cua',
        applicationName: source.credential.applicationName,
      },
      operations: ['GET', 'POST'],
      expiresAt: issued.expiresAt,
    });

    // The same call shown again (a replay towards the destination) is refused by the source's nonce.
    const again = await introspect(destination, issued.sessionKey, call);
    expect(again.json()).toMatchObject({ active: false, code: 'LGSP_NONCE_REPLAYED' });
  });

  it('narrows a session to the operations asked for, and refuses operations beyond the right', async () => {
    const { source, service } = province();
    const narrow = await requestSession(source, {
      unitCode: service.unitCode,
      service: 'hotich',
      operations: ['GET'],
    });
    expect(narrow.json().operations).toEqual(['GET']);
    const beyond = await requestSession(source, {
      unitCode: service.unitCode,
      service: 'hotich',
      operations: ['GET', 'DELETE'],
    });
    expect(beyond.statusCode).toBe(403);
    expect(beyond.json().code).toBe('LGSP_ACCESS_DENIED');
  });

  it('answers an unknown service exactly like a service without a right', async () => {
    const { service } = province();
    const stranger = h.registry.addApplication();
    const noRight = await requestSession(stranger, { unitCode: service.unitCode, service: 'hotich' });
    const missing = await requestSession(stranger, { unitCode: service.unitCode, service: 'khong-ton-tai' });
    expect(noRight.statusCode).toBe(403);
    expect(missing.statusCode).toBe(403);
    const strip = (body: Record<string, unknown>) => ({
      ...body,
      requestId: null,
      title: null,
      title_en: null,
    });
    expect(noRight.json().code).toBe('LGSP_ACCESS_DENIED');
    expect(strip(missing.json())).toEqual(strip(noRight.json()));
    // The messages name only what was asked.
    expect(noRight.json().title).toContain('hotich');
    expect(missing.json().title).toContain('khong-ton-tai');
  });

  it('refuses what the destination shows when it does not match the session or the signature', async () => {
    const { source, destination, service } = province();
    const key = (
      await requestSession(source, { unitCode: service.unitCode, service: 'hotich', operations: ['POST'] })
    ).json().sessionKey as string;

    // The body received differs from the one the source signed.
    const call = sourceCall(source, key);
    expect(
      (await introspect(destination, key, { ...call, bodySha256: sha256Hex('khác') })).json(),
    ).toMatchObject({
      active: false,
      code: 'LGSP_BODY_DIGEST_MISMATCH',
    });
    // Another path than the one signed.
    const moved = sourceCall(source, key);
    expect((await introspect(destination, key, { ...moved, path: '/ho-so/khac' })).json().code).toBe(
      'LGSP_SIGNATURE_INVALID',
    );
    // An operation outside the session.
    const get = sourceCall(source, key, 'GET', '');
    expect((await introspect(destination, key, get)).json().code).toBe('LGSP_ACCESS_DENIED');
    // A session for another destination's service.
    const other = h.registry.addApplication();
    expect((await introspect(other, key, sourceCall(source, key))).json().code).toBe('LGSP_SESSION_INVALID');
    // A forged or altered session key.
    const forged = `${key.slice(0, -2)}xx`;
    expect((await introspect(destination, forged, sourceCall(source, forged))).json().code).toBe(
      'LGSP_SESSION_INVALID',
    );
    // The call shows one session key in its headers and another in the question.
    const key2 = (await requestSession(source, { unitCode: service.unitCode, service: 'hotich' })).json()
      .sessionKey;
    expect((await introspect(destination, key2, sourceCall(source, key))).json().code).toBe(
      'LGSP_SESSION_INVALID',
    );
  });

  it('ends sessions when they expire, and at once when the source key is revoked, the application suspended or the right withdrawn', async () => {
    const { source, destination, service } = province();
    const key = (await requestSession(source, { unitCode: service.unitCode, service: 'hotich' })).json()
      .sessionKey as string;
    await expect(h.auth.verifySession(key)).resolves.toMatchObject({
      sourceApplicationId: source.credential.applicationId,
    });

    h.registry.update(source.credential.accessKey, { applicationActive: false });
    await expect(h.auth.verifySession(key)).rejects.toMatchObject({ code: 'LGSP_APPLICATION_SUSPENDED' });
    h.registry.update(source.credential.accessKey, { applicationActive: true, keyStatus: 'revoked' });
    await expect(h.auth.verifySession(key)).rejects.toMatchObject({ code: 'LGSP_ACCESS_KEY_REVOKED' });
    // The destination hears the same.
    const refused = await introspect(destination, key, { ...sourceCall(source, key) });
    expect(refused.json()).toMatchObject({ active: false, code: 'LGSP_ACCESS_KEY_REVOKED' });

    // A right withdrawn after issue: the session keeps only what is still allowed, then ends.
    const narrowed = province();
    const key3 = (
      await requestSession(narrowed.source, { unitCode: narrowed.service.unitCode, service: 'hotich' })
    ).json().sessionKey as string;
    h.registry.grant(narrowed.source.credential, narrowed.service, ['GET']);
    await expect(h.auth.verifySession(key3)).resolves.toMatchObject({ operations: ['GET'] });
    h.registry.grant(narrowed.source.credential, narrowed.service, []);
    await expect(h.auth.verifySession(key3)).rejects.toMatchObject({ code: 'LGSP_ACCESS_DENIED' });

    const fresh = province();
    const key2 = (
      await requestSession(fresh.source, { unitCode: fresh.service.unitCode, service: 'hotich' })
    ).json().sessionKey as string;
    h.t.clock.advance(300_000);
    await expect(h.auth.verifySession(key2)).rejects.toMatchObject({ code: 'LGSP_SESSION_EXPIRED' });
  });

  it('refuses an introspection the destination did not sign properly, with the error envelope', async () => {
    const { source, service } = province();
    const key = (await requestSession(source, { unitCode: service.unitCode, service: 'hotich' })).json()
      .sessionKey;
    const res = await h.server.inject({
      method: 'POST',
      url: '/api/lgsp/auth/introspect',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ sessionKey: key, request: sourceCall(source, key) }),
    });
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json().code).toBe('LGSP_SIGNATURE_MISSING');
  });
});

describe('HTTP details of the authentication routes', () => {
  it('verifies a signed header sent twice as its values joined with "," (signing.md §3), not as Node joins them', async () => {
    const { source, service } = province();
    const body = JSON.stringify({ unitCode: service.unitCode, service: 'hotich' });
    // Signed as the protocol says: the two values, trimmed, joined with "," and no space.
    const signed = signAs(
      source,
      { method: 'POST', url: '/api/lgsp/auth/sessions', body, headers: { 'x-trace': 'one,two' } },
      now(),
    );
    const res = await h.server.inject({
      method: 'POST',
      url: '/api/lgsp/auth/sessions',
      headers: { ...signed, 'x-trace': ['one', ' two '] },
      payload: body,
    });
    expect(res.statusCode, res.body).toBe(201);
    // A protocol header sent twice stays refused: which one was signed cannot be told.
    const twice = signAs(source, { method: 'POST', url: '/api/lgsp/auth/sessions', body }, now());
    const refused = await h.server.inject({
      method: 'POST',
      url: '/api/lgsp/auth/sessions',
      headers: { ...twice, 'x-lgsp-nonce': [twice['x-lgsp-nonce']!, 'nonce-khac-0000000001'] },
      payload: body,
    });
    expect(refused.json()).toMatchObject({ code: 'LGSP_SIGNATURE_MALFORMED' });
  });

  it('hashes the body as received: a body changed after signing is LGSP_BODY_DIGEST_MISMATCH', async () => {
    const { source, service } = province();
    const signed = injectSigned(
      source,
      {
        method: 'POST',
        url: '/api/lgsp/auth/sessions',
        body: JSON.stringify({ unitCode: service.unitCode, service: 'hotich' }),
      },
      now(),
    );
    // Same JSON meaning, different bytes (a space): the digest no longer matches.
    const res = await h.server.inject({
      ...signed,
      payload: JSON.stringify({ unitCode: service.unitCode, service: 'hotich' }, null, 1),
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('LGSP_BODY_DIGEST_MISMATCH');
  });

  it('answers malformed JSON with MALFORMED_REQUEST and a body over 64 KB with PAYLOAD_TOO_LARGE', async () => {
    const { source } = province();
    const bad = await h.server.inject(
      injectSigned(source, { method: 'POST', url: '/api/lgsp/auth/sessions', body: '{"unitCode": ' }, now()),
    );
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('MALFORMED_REQUEST');
    const big = await h.server.inject(
      injectSigned(
        source,
        {
          method: 'POST',
          url: '/api/lgsp/auth/sessions',
          body: JSON.stringify({ unitCode: 'x'.repeat(70_000) }),
        },
        now(),
      ),
    );
    expect(big.statusCode).toBe(413);
    expect(big.json().code).toBe('PAYLOAD_TOO_LARGE');
  });
});

describe('audit of authentication decisions (LGSP-33)', () => {
  it('records each session issued and refused, and each introspection, with its outcome and reason code', async () => {
    const { source, destination, service } = province();
    const key = (await requestSession(source, { unitCode: service.unitCode, service: 'hotich' })).json()
      .sessionKey;
    await requestSession(source, { unitCode: service.unitCode, service: 'khong-co' });
    await introspect(destination, key, sourceCall(source, key));
    await introspect(destination, key, { ...sourceCall(source, key), bodySha256: sha256Hex('x') });

    const issued = (await auditRows('lgsp.auth.session.issue')).filter(
      (r) => r.details.accessKey === source.credential.accessKey,
    );
    expect(issued.length).toBeGreaterThanOrEqual(1);
    expect(issued[0]).toMatchObject({ outcome: 'success', actor_name: 'lgsp:mot-cua' });
    const denied = (await auditRows('lgsp.auth.session.deny')).filter(
      (r) => r.details.service === 'khong-co',
    );
    expect(denied).toHaveLength(1);
    expect(denied[0]).toMatchObject({ outcome: 'failure', details: { code: 'LGSP_ACCESS_DENIED' } });
    const checks = (await auditRows('lgsp.auth.introspect')).filter((r) => r.actor_name === 'lgsp:ho-tich');
    expect(checks.map((r) => [r.outcome, r.details.code])).toEqual(
      expect.arrayContaining([
        ['success', null],
        ['failure', 'LGSP_BODY_DIGEST_MISMATCH'],
      ]),
    );
  });
});
