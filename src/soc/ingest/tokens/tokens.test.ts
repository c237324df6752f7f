/**
 * Ingest tokens: created by an operator (secret shown once, audited), accepted in the three header forms
 * shippers use, refused when wrong or revoked (401 with its own code, counted), and followed by the
 * verifier's in-memory cache when another node announces a change on the bus.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type LoggedIn, loginAs, type TestApp } from '../../../../test/helpers/app.ts';
import { testDatabaseUrl } from '../../../../test/helpers/db.ts';
import { searchAudit } from '../../../core/audit/index.ts';
import { systemCtx } from '../../../core/context.ts';
import { issueToken } from '../testing.ts';
import { TOKENS_CHANGED } from './verifier.ts';

let t: TestApp;
let admin: LoggedIn;

beforeAll(async () => {
  t = await createTestApp();
  admin = await loginAs(t, { roles: ['tech_admin'], scope: 'all' });
});
afterAll(async () => {
  await t.close();
});

async function createToken(app: TestApp, name: string) {
  const res = await app.app.inject({
    method: 'POST',
    url: '/api/soc/ingest-tokens',
    headers: admin.headers,
    payload: { name },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as {
    id: string;
    token: string;
    apiKey: string;
    username: string;
    password: string;
    prefix: string;
  };
}

function send(app: TestApp, authorization?: string) {
  return app.app.inject({
    method: 'POST',
    url: '/api/soc/ingest/events',
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
    payload: { message: 'kiểm thử' },
  });
}

const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('ingest tokens', () => {
  it('shows the secret once, lists tokens without it, and audits the creation as a configuration change', async () => {
    const issued = await createToken(t, 'Filebeat máy chủ một cửa');
    expect(issued.token).toBe(`tsi.${issued.id}.${issued.password}`);
    expect(issued.apiKey).toBe(`${issued.id}:${issued.password}`);
    expect(issued.prefix).toBe(issued.password.slice(0, 6));
    const list = await t.app.inject({ method: 'GET', url: '/api/soc/ingest-tokens', headers: admin.headers });
    expect(list.statusCode).toBe(200);
    expect(list.body).not.toContain(issued.password);
    expect(list.json().map((x: { id: string }) => x.id)).toContain(issued.id);
    const entries = await searchAudit(t.platform.db, {
      categories: ['config'],
      targetId: issued.id,
      limit: 5,
    });
    expect(entries.map((e) => e.action)).toEqual(['soc.ingest_token.create']);
    expect(JSON.stringify(entries[0]?.details)).not.toContain(issued.password);
  });

  it('accepts Bearer, ApiKey base64(id:secret) and Basic (id, secret)', async () => {
    const issued = await createToken(t, 'Ba dạng');
    for (const header of [
      `Bearer ${issued.token}`,
      `ApiKey ${b64(issued.apiKey)}`,
      `Basic ${b64(`${issued.username}:${issued.password}`)}`,
    ]) {
      const res = await send(t, header);
      expect(res.statusCode, `${header.split(' ')[0]}: ${res.body}`).toBe(202);
      expect(res.json()).toEqual({ accepted: 1, invalidLines: [] });
    }
  });

  it('refuses a missing, malformed, unknown, wrong or revoked token with 401 SOC_INGEST_TOKEN_INVALID, counted', async () => {
    const issued = await createToken(t, 'Sẽ thu hồi');
    const before = t.services.soc.counters.inputs.get('http')?.dropReasons.token_invalid ?? 0;
    const wrong = [
      undefined,
      'Bearer khong-phai-ma',
      `Bearer tsi.00000000-0000-4000-8000-000000000000.${issued.password}`,
      `Bearer tsi.${issued.id}.${issued.password}x`,
      `Basic ${b64(`${issued.id}:sai`)}`,
      `ApiKey ${b64('khong-co-dau-hai-cham')}`,
    ];
    for (const header of wrong) {
      const res = await send(t, header);
      expect(res.statusCode, String(header)).toBe(401);
      expect(res.json().code).toBe('SOC_INGEST_TOKEN_INVALID');
    }
    const revoke = await t.app.inject({
      method: 'POST',
      url: `/api/soc/ingest-tokens/${issued.id}/revoke`,
      headers: admin.headers,
    });
    expect(revoke.statusCode, revoke.body).toBe(200);
    expect(revoke.json().revokedAt).not.toBeNull();
    const after = await send(t, `Bearer ${issued.token}`);
    expect(after.statusCode).toBe(401);
    expect(after.json().code).toBe('SOC_INGEST_TOKEN_INVALID');
    const again = await t.app.inject({
      method: 'POST',
      url: `/api/soc/ingest-tokens/${issued.id}/revoke`,
      headers: admin.headers,
    });
    expect(again.json().code).toBe('SOC_INGEST_TOKEN_ALREADY_REVOKED');
    const now = t.services.soc.counters.inputs.get('http')?.dropReasons.token_invalid ?? 0;
    expect(now - before).toBe(wrong.length + 1);
    expect(t.services.soc.ingest.verifier.refusals.revoked).toBeGreaterThanOrEqual(1);
  });

  it('needs soc.config.write to manage tokens', async () => {
    const business = await loginAs(t, { roles: ['business_admin'], scope: 'all' });
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/soc/ingest-tokens',
      headers: business.headers,
    });
    expect(res.statusCode).toBe(403);
  });

  it('writes last_used_at in a batch, not per request', async () => {
    const issued = await createToken(t, 'Lần dùng cuối');
    await send(t, `Bearer ${issued.token}`);
    const listed = async () =>
      (await t.app.inject({ method: 'GET', url: '/api/soc/ingest-tokens', headers: admin.headers }))
        .json()
        .find((x: { id: string }) => x.id === issued.id);
    expect((await listed()).lastUsedAt).toBeNull();
    await t.services.soc.ingest.verifier.flushUsage();
    expect((await listed()).lastUsedAt).not.toBeNull();
  });

  it('a second node follows a revocation made on the first when the change reaches it on the bus', async () => {
    // Two nodes on one database; on PostgreSQL their buses talk through LISTEN/NOTIFY (which needs the URL).
    const overrides = testDatabaseUrl ? { 'database.url': testDatabaseUrl } : {};
    const first = await createTestApp(overrides);
    const second = await createTestApp(overrides, first.platform.database);
    try {
      const issued = await issueToken(first.services.soc, 'Hai máy chủ');
      // Unknown ids reload the table at most every 5 s (a flood of invented ids is not a flood of queries),
      // so without a bus message the second node finds the new token only once that has passed.
      if (!testDatabaseUrl) expect((await send(second, issued.bearer)).statusCode).toBe(401);
      second.clock.advance(6000);
      expect((await send(second, issued.bearer)).statusCode).toBe(202);
      await first.services.soc.ingest.tokens.revoke(systemCtx('test'), issued.id);
      if (!testDatabaseUrl) {
        // One PGlite database has no cross-node bus: the second node still trusts its memory…
        expect((await send(second, issued.bearer)).statusCode).toBe(202);
        // …until the change message arrives, as LISTEN/NOTIFY delivers it on PostgreSQL.
        await second.services.bus.publish(TOKENS_CHANGED, { id: issued.id });
      }
      await expect
        .poll(async () => (await send(second, issued.bearer)).statusCode, { timeout: 5000 })
        .toBe(401);
    } finally {
      await second.close();
      await first.close();
    }
  });
});
