import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { Type } from 'typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../test/helpers/db.ts';
import { searchAudit } from '../audit/index.ts';
import { loadConfig } from '../config/index.ts';
import { AppError } from '../errors/index.ts';
import { createLogger, redactPaths } from '../log/logger.ts';
import { type Platform, startPlatform, stopPlatform } from '../platform.ts';
import { buildServer } from './server.ts';
import { generateSelfSigned } from './tls.ts';
import type { App } from './types.ts';

function testConfig(overrides: Record<string, unknown> = {}) {
  return loadConfig({
    env: {},
    file: '',
    overrides: {
      dataDir: mkdtempSync(join(tmpdir(), 'tinhso-http-')),
      'security.masterKey': randomBytes(32).toString('hex'),
      'http.bodyLimit': 2048,
      ...overrides,
    },
  });
}

async function routes(app: App) {
  app.post(
    '/api/echo',
    {
      config: { auth: 'public' },
      schema: {
        body: Type.Object({ name: Type.String({ maxLength: 20 }) }, { additionalProperties: false }),
      },
    },
    async (request) => ({ name: request.body.name }),
  );
  app.post('/api/credentials', { config: { auth: 'public', credentials: true } }, async () => ({ ok: true }));
  app.get('/api/boom', { config: { auth: 'public' } }, async () => {
    throw new Error('secret internal detail: password=hunter2');
  });
  app.get('/api/conflict', { config: { auth: 'public' } }, async () => {
    throw new AppError('CONFLICT', { reason: 'đã tồn tại' });
  });
  app.get('/api/slow', { config: { auth: 'public' } }, async () => {
    await new Promise((r) => setTimeout(r, 300));
    return { done: true };
  });
}

let platform: Platform;
let app: App;
beforeAll(async () => {
  platform = await startPlatform(testConfig(), {
    database: await createTestDatabase(),
    migrate: false,
    log: createLogger('silent'),
  });
  app = await buildServer(platform, { register: routes });
  await app.ready();
});
afterAll(async () => {
  await app.close();
  await stopPlatform(platform);
});

describe('errors as problem+json (SEC-12, SEC-14)', () => {
  it('rejects a body failing its schema with field-level problems', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/echo',
      payload: { name: 'x'.repeat(30), extra: 1 },
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    const body = res.json();
    expect(body.code).toBe('VALIDATION_FAILED');
    expect(body.title).toMatch(/^Dữ liệu gửi lên không hợp lệ/);
    expect(body.title_en).toMatch(/^The submitted data is invalid/);
    expect(body.errors.length).toBeGreaterThanOrEqual(2);
    expect(body.requestId).toBe(res.headers['x-request-id']);
  });

  it('answers malformed JSON, oversized bodies and wrong media types with their own codes', async () => {
    const bad = await app.inject({
      method: 'POST',
      url: '/api/echo',
      headers: { 'content-type': 'application/json' },
      payload: '{"name": ',
    });
    expect(bad.json().code).toBe('MALFORMED_REQUEST');
    const big = await app.inject({ method: 'POST', url: '/api/echo', payload: { name: 'x'.repeat(5000) } });
    expect(big.statusCode).toBe(413);
    expect(big.json().code).toBe('PAYLOAD_TOO_LARGE');
    const media = await app.inject({
      method: 'POST',
      url: '/api/echo',
      headers: { 'content-type': 'application/x-unknown' },
      payload: 'abc',
    });
    expect(media.statusCode).toBe(415);
  });

  it('refuses text that PostgreSQL cannot store: NUL and unpaired surrogates', async () => {
    for (const name of ['a\u0000b', 'a\ud800b']) {
      const res = await app.inject({ method: 'POST', url: '/api/echo', payload: { name } });
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe('VALIDATION_FAILED');
    }
    const ok = await app.inject({ method: 'POST', url: '/api/echo', payload: { name: 'Hà Nội 😀' } });
    expect(ok.statusCode).toBe(200);
  });

  it('never shows an internal error, only a reference', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/boom' });
    expect(res.statusCode).toBe(500);
    const body = res.json();
    expect(body.code).toBe('INTERNAL');
    expect(res.body).not.toContain('hunter2');
    expect(res.body).not.toContain('secret internal');
    expect(res.body).not.toMatch(/at .*\.ts/);
    expect(body.title).toContain(body.requestId);
    await new Promise((r) => setTimeout(r, 100));
    const logged = await searchAudit(platform.db, { categories: ['error'], limit: 5 });
    expect(logged.some((e) => (e.details as { requestId: string }).requestId === body.requestId)).toBe(true);
  });

  it('fills catalogue placeholders for controlled errors and unknown routes', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/conflict' })).json().title).toContain('đã tồn tại');
    const missing = await app.inject({ method: 'GET', url: '/api/khong-co?x=1' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().title_en).toBe('There is no route GET /api/khong-co.');
  });
});

describe('edges of the server', () => {
  it('keeps a safe incoming request id and replaces an unsafe one', async () => {
    const kept = await app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'abc-123' } });
    expect(kept.headers['x-request-id']).toBe('abc-123');
    const replaced = await app.inject({
      method: 'GET',
      url: '/healthz',
      headers: { 'x-request-id': '<script>' },
    });
    expect(replaced.headers['x-request-id']).not.toBe('<script>');
  });

  it('sends security headers', async () => {
    const res = await app.inject({ method: 'GET', url: '/healthz' });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.headers['strict-transport-security']).toBeUndefined();
  });

  it('reports health, readiness and Prometheus metrics', async () => {
    expect((await app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await app.inject({ method: 'GET', url: '/readyz' })).json()).toEqual({ status: 'ready' });
    const metrics = await app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toContain('tinhso_http_request_duration_seconds');
  });

  it('serves the OpenAPI document built from the route schemas', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/docs/json' });
    expect(res.statusCode).toBe(200);
    expect(res.json().paths['/api/echo']).toBeDefined();
  });

  it('refuses credentials over plain HTTP except from loopback (SEC-05)', async () => {
    const local = await app.inject({ method: 'POST', url: '/api/credentials' });
    expect(local.statusCode).toBe(200);
    const remote = await app.inject({
      method: 'POST',
      url: '/api/credentials',
      remoteAddress: '203.0.113.9',
    });
    expect(remote.statusCode).toBe(403);
    expect(remote.json().code).toBe('INSECURE_TRANSPORT');
    expect(remote.json().title).toContain('HTTPS');
  });

  it('batches access-log entries for API requests', async () => {
    await app.inject({ method: 'POST', url: '/api/echo', payload: { name: 'Hà Nội' } });
    await platform.accessLog.flush();
    const entries = await searchAudit(platform.db, { categories: ['access'], text: '/api/echo', limit: 10 });
    expect(entries.length).toBeGreaterThan(0);
    expect(entries[0]!.sourceIp).toBe('127.0.0.1');
  });
});

describe('behind a trusted TLS proxy', () => {
  it('believes X-Forwarded-For/-Proto only from configured proxies', async () => {
    const p = await startPlatform(testConfig({ 'http.trustedProxies': ['10.0.0.1'] }), {
      database: await createTestDatabase(),
      migrate: false,
      log: createLogger('silent'),
    });
    const proxied = await buildServer(p, { register: routes });
    const viaProxy = await proxied.inject({
      method: 'POST',
      url: '/api/credentials',
      remoteAddress: '10.0.0.1',
      headers: { 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.9' },
    });
    expect(viaProxy.statusCode).toBe(200);
    const spoofed = await proxied.inject({
      method: 'POST',
      url: '/api/credentials',
      remoteAddress: '203.0.113.50',
      headers: { 'x-forwarded-proto': 'https', 'x-forwarded-for': '127.0.0.1' },
    });
    expect(spoofed.json().code).toBe('INSECURE_TRANSPORT');
    await proxied.close();
    await stopPlatform(p);
  });
});

describe('HTTPS (SEC-05, SEC-16)', () => {
  it('serves HTTPS with HSTS using a generated self-signed certificate', async () => {
    const p = await startPlatform(testConfig({ 'tls.mode': 'self-signed' }), {
      database: await createTestDatabase(),
      migrate: false,
      log: createLogger('silent'),
    });
    const secure = await buildServer(p, { register: routes });
    await secure.listen({ host: '127.0.0.1', port: 0 });
    const port = (secure.server.address() as AddressInfo).port;
    const res = await new Promise<{ status: number; hsts: string | undefined; body: string }>(
      (resolve, reject) => {
        https
          .get({ host: '127.0.0.1', port, path: '/healthz', rejectUnauthorized: false }, (r) => {
            let body = '';
            r.on('data', (c) => {
              body += c;
            });
            r.on('end', () =>
              resolve({
                status: r.statusCode ?? 0,
                hsts: r.headers['strict-transport-security'] as string,
                body,
              }),
            );
          })
          .on('error', reject);
      },
    );
    expect(res.status).toBe(200);
    expect(res.hsts).toContain('max-age=31536000');
    await secure.close();
    await stopPlatform(p);
  });
});

describe('certificate files', () => {
  it('serves HTTPS from a PKCS#12 bundle with its passphrase', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tinhso-p12-'));
    const { cert, key } = await generateSelfSigned(['localhost']);
    writeFileSync(join(dir, 'c.pem'), cert);
    writeFileSync(join(dir, 'k.pem'), key);
    execFileSync('openssl', [
      'pkcs12',
      '-export',
      '-in',
      join(dir, 'c.pem'),
      '-inkey',
      join(dir, 'k.pem'),
      '-out',
      join(dir, 'b.p12'),
      '-passout',
      'pass:mat-khau-p12',
    ]);
    const p = await startPlatform(
      testConfig({
        'tls.mode': 'files',
        'tls.pfxFile': join(dir, 'b.p12'),
        'tls.pfxPassphrase': 'mat-khau-p12',
      }),
      { database: await createTestDatabase(), migrate: false, log: createLogger('silent') },
    );
    const secure = await buildServer(p, { register: routes });
    await secure.listen({ host: '127.0.0.1', port: 0 });
    const port = (secure.server.address() as AddressInfo).port;
    const status = await new Promise<number>((resolve, reject) => {
      https
        .get({ host: '127.0.0.1', port, path: '/healthz', rejectUnauthorized: false }, (r) => {
          r.resume();
          resolve(r.statusCode ?? 0);
        })
        .on('error', reject);
    });
    expect(status).toBe(200);
    await secure.close();
    await stopPlatform(p);
  });
});

describe('logs', () => {
  it('redact passwords, tokens and cookies at the logger', () => {
    const lines: string[] = [];
    const logger = pino(
      { redact: { paths: redactPaths, censor: '[redacted]' } },
      { write: (line: string) => lines.push(line) },
    );
    logger.info({
      body: { password: 'hunter2', secretKey: 's3cr3t' },
      req: { headers: { cookie: 'tinhso_session=abc', authorization: 'Bearer tsk_x' } },
    });
    expect(lines.join('')).not.toMatch(/hunter2|s3cr3t|tinhso_session=abc|tsk_x/);
    expect(lines.join('')).toContain('[redacted]');
  });
});

describe('graceful shutdown', () => {
  it('finishes an in-flight request before closing', async () => {
    const p = await startPlatform(testConfig(), {
      database: await createTestDatabase(),
      migrate: false,
      log: createLogger('silent'),
    });
    const s = await buildServer(p, { register: routes });
    await s.listen({ host: '127.0.0.1', port: 0 });
    const port = (s.server.address() as AddressInfo).port;
    const inflight = fetch(`http://127.0.0.1:${port}/api/slow`).then((r) => r.json());
    await new Promise((r) => setTimeout(r, 50));
    const closing = s.close();
    expect(await inflight).toEqual({ done: true });
    await closing;
    await stopPlatform(p);
  });
});
