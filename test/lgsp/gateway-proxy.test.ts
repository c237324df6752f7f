/**
 * The gateway's flow with fakes of the registry, authentication and availability: forwarding, headers,
 * refusals before forwarding, destination failures, circuit breaker, retries, exchange records (LGSP-17/33).
 */
import http from 'node:http';
import net from 'node:net';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows, sql } from '../../src/core/db/index.ts';
import { type Harness, service, signedHeaders, startDestination, startGateway } from './gateway-fakes.ts';

let h: Harness;
let dest: Awaited<ReturnType<typeof startDestination>>;

beforeAll(async () => {
  h = await startGateway({ circuitFailures: 2, circuitCooldownMs: 300 });
  dest = await startDestination();
});
afterAll(async () => {
  await h.close();
  await dest.close();
});

async function call(
  path: string,
  headers: Record<string, string>,
  options: { method?: string; body?: string | Buffer } = {},
) {
  const res = await request(`${h.base}${path}`, {
    method: (options.method ?? 'GET') as 'GET',
    headers,
    body: options.body,
  });
  const text = await res.body.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {}
  return { status: res.statusCode, headers: res.headers, text, json };
}

describe('forwarding', () => {
  it('forwards a signed one-step GET below the base path with the query, adding the source headers', async () => {
    const svc = h.fakes.add(service(`${dest.url}/api/v1`, { serviceCode: 'hotich-a' }));
    const cred = h.fakes.source(svc, ['GET']);
    const before = dest.seen.length;
    const res = await call('/000.00.01.H99/hotich-a/giay-khai-sinh/12?so=7&ten=An', signedHeaders(cred));
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ method: 'GET', url: '/api/v1/giay-khai-sinh/12?so=7&ten=An' });
    const seen = dest.seen[before]!;
    expect(seen.headers['x-lgsp-source-unit']).toBe(cred.unitCode);
    expect(seen.headers['x-lgsp-source-application']).toBe(cred.applicationCode);
    expect(seen.headers['x-lgsp-request-id']).toBe(res.headers['x-lgsp-request-id']);
    // The caller's credentials never reach the destination.
    expect(
      Object.keys(seen.headers).filter(
        (k) => k.startsWith('x-lgsp-') && !k.startsWith('x-lgsp-source') && k !== 'x-lgsp-request-id',
      ),
    ).toEqual([]);
  });

  it('strips hop-by-hop headers, those the Connection header names, and forwarding headers', async () => {
    const svc = h.fakes.add(service(dest.url, { serviceCode: 'hop' }));
    const cred = h.fakes.source(svc, ['GET']);
    const before = dest.seen.length;
    const url = new URL(`${h.base}/000.00.01.H99/hop/x`);
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          headers: {
            ...signedHeaders(cred),
            connection: 'keep-alive, x-private-hop',
            'x-private-hop': 'secret',
            'keep-alive': 'timeout=5',
            'proxy-authorization': 'Basic eDp5',
            'x-forwarded-for': '10.9.8.7',
            'x-kept': 'yes',
          },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(200);
    const seen = dest.seen[before]!.headers;
    expect(seen['x-kept']).toBe('yes');
    expect(seen['x-private-hop']).toBeUndefined();
    expect(seen['proxy-authorization']).toBeUndefined();
    expect(seen['x-forwarded-for']).toBeUndefined();
    expect(seen['keep-alive']).toBeUndefined();
  });

  it('forwards a small POST body whole and passes the destination status and headers back', async () => {
    const answer = await startDestination((_req, res, body) => {
      res.statusCode = 201;
      res.setHeader('content-type', 'application/json');
      res.setHeader('x-dest', 'ok');
      res.end(JSON.stringify({ got: body.toString() }));
    });
    const svc = h.fakes.add(service(answer.url, { serviceCode: 'post' }));
    const cred = h.fakes.source(svc, ['POST']);
    const body = JSON.stringify({ hoTen: 'Nguyễn Văn An' });
    const res = await call(
      '/000.00.01.H99/post/ho-so',
      signedHeaders(cred, body, { 'content-type': 'application/json' }),
      {
        method: 'POST',
        body,
      },
    );
    expect(res.status).toBe(201);
    expect(res.headers['x-dest']).toBe('ok');
    expect(res.json).toEqual({ got: body });
    await answer.close();
  });

  it('strips hop-by-hop headers of the answer too, and lets a right to GET cover HEAD', async () => {
    const answer = await startDestination((_req, res) => {
      res.setHeader('connection', 'keep-alive, x-answer-hop');
      res.setHeader('x-answer-hop', 'private');
      res.setHeader('keep-alive', 'timeout=5');
      res.setHeader('x-answer-kept', 'yes');
      res.end('{}');
    });
    const svc = h.fakes.add(service(answer.url, { serviceCode: 'answer-hop' }));
    const cred = h.fakes.source(svc, ['GET']);
    const res = await call('/000.00.01.H99/answer-hop/x', signedHeaders(cred));
    expect(res.status).toBe(200);
    expect(res.headers['x-answer-kept']).toBe('yes');
    expect(res.headers['x-answer-hop']).toBeUndefined();
    const head = await call('/000.00.01.H99/answer-hop/x', signedHeaders(cred), { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(answer.seen.at(-1)!.method).toBe('HEAD');
    await answer.close();
  });

  it('does not capture console routes or paths whose first segment is not a QCVN 102 code', async () => {
    const res = await call('/org/units', {});
    expect(res.json.code).toBe('ROUTE_NOT_FOUND');
    const res2 = await call('/000.00.01.h99/hotich-a/x', {});
    expect(res2.json.code).toBe('ROUTE_NOT_FOUND');
  });

  it('refuses a dot segment that would climb out of the base path', async () => {
    const svc = h.fakes.add(service(`${dest.url}/api`, { serviceCode: 'dots' }));
    const cred = h.fakes.source(svc, ['GET']);
    // Sent raw: a WHATWG URL client would resolve the dot segment before sending.
    const url = new URL(h.base);
    for (const path of ['/000.00.01.H99/dots/a/%2e%2e/admin', '/000.00.01.H99/dots/a/../../admin']) {
      const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = http.request(
          { host: url.hostname, port: url.port, path, headers: signedHeaders(cred) },
          (res) => {
            let text = '';
            res.on('data', (c: Buffer) => {
              text += c.toString();
            });
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
          },
        );
        req.on('error', reject);
        req.end();
      });
      expect(status).toBe(400);
      expect(JSON.parse(body).code).toBe('LGSP_PATH_DOT_SEGMENT');
    }
  });
});

describe('refusals before forwarding', () => {
  it('answers an unknown service exactly like an existing one the caller holds no right to', async () => {
    const svc = service(dest.url, { serviceCode: 'nowhere' });
    const cred = h.fakes.source(svc, ['GET']);
    const missing = await call('/000.00.01.H99/nowhere/x', signedHeaders(cred));
    expect(missing.status).toBe(403);
    expect(missing.json.code).toBe('LGSP_ACCESS_DENIED');
    expect(missing.headers['content-type']).toContain('application/problem+json');
    h.fakes.add(service(dest.url, { serviceCode: 'someone-elses' }));
    const existing = await call('/000.00.01.H99/someone-elses/x', signedHeaders(cred));
    expect(existing.status).toBe(403);
    expect({ ...existing.json, requestId: null, title: null, title_en: null }).toEqual({
      ...missing.json,
      requestId: null,
      title: null,
      title_en: null,
    });
  });

  it('refuses a bad signature with the authentication service’s code', async () => {
    const svc = h.fakes.add(service(dest.url, { serviceCode: 'sig' }));
    const cred = h.fakes.source(svc, ['GET']);
    const res = await call('/000.00.01.H99/sig/x', { ...signedHeaders(cred), 'x-test-signature': 'bad' });
    expect(res.status).toBe(401);
    expect(res.json.code).toBe('LGSP_SIGNATURE_INVALID');
  });

  it('answers LGSP_ACCESS_DENIED without a right, and LGSP_OPERATION_NOT_ALLOWED for a method outside it', async () => {
    const svc = h.fakes.add(service(dest.url, { serviceCode: 'noright' }));
    const other = h.fakes.add(service(dest.url, { serviceCode: 'other' }));
    const cred = h.fakes.source(other, ['GET']);
    const before = dest.seen.length;
    expect((await call('/000.00.01.H99/noright/x', signedHeaders(cred))).json.code).toBe(
      'LGSP_ACCESS_DENIED',
    );
    const body = '{}';
    const post = await call(
      '/000.00.01.H99/other/x',
      signedHeaders(cred, body, { 'content-type': 'application/json' }),
      {
        method: 'POST',
        body,
      },
    );
    expect(post.status).toBe(403);
    expect(post.json.code).toBe('LGSP_OPERATION_NOT_ALLOWED');
    expect(dest.seen.length).toBe(before);
    void svc;
  });

  it('checks a session key: signed, for this service, of this application, with the method', async () => {
    const svc = h.fakes.add(service(dest.url, { serviceCode: 'sess' }));
    const other = h.fakes.add(service(dest.url, { serviceCode: 'sess2' }));
    // No right: only the session key lets this application through (gateway mode).
    const cred = h.fakes.source(other, []);
    const key = `fake.${cred.applicationId}.${svc.serviceId}.GET`;
    const unsigned = { ...signedHeaders(cred), 'x-lgsp-session': key };
    expect((await call('/000.00.01.H99/sess/x', unsigned)).json.code).toBe('LGSP_SESSION_NOT_SIGNED');
    const ok = await call('/000.00.01.H99/sess/x', signedHeaders(cred, '', { 'x-lgsp-session': key }));
    expect(ok.status).toBe(200);
    // Used on another service the application holds no right to: refused as any call without a right, so a
    // session does not reveal which other services exist.
    const wrong = await call('/000.00.01.H99/sess2/x', signedHeaders(cred, '', { 'x-lgsp-session': key }));
    expect(wrong.json.code).toBe('LGSP_ACCESS_DENIED');
    // With a right to that other service, the session's own mistake is named.
    h.fakes.rights.set(`${cred.applicationId}/${other.serviceId}`, ['GET']);
    const misused = await call('/000.00.01.H99/sess2/x', signedHeaders(cred, '', { 'x-lgsp-session': key }));
    expect(misused.json.code).toBe('LGSP_SESSION_WRONG_SERVICE');
    const stolen = `fake.${crypto.randomUUID()}.${svc.serviceId}.GET`;
    expect(
      (await call('/000.00.01.H99/sess/x', signedHeaders(cred, '', { 'x-lgsp-session': stolen }))).json.code,
    ).toBe('LGSP_SESSION_NOT_YOURS');
    const del = await call('/000.00.01.H99/sess/x', signedHeaders(cred, '', { 'x-lgsp-session': key }), {
      method: 'DELETE',
    });
    expect(del.json.code).toBe('LGSP_OPERATION_NOT_ALLOWED');
  });

  it('answers LGSP_DESTINATION_OFFLINE with the time it went offline, without contacting it', async () => {
    const svc = h.fakes.add(service(dest.url, { serviceCode: 'off' }));
    const cred = h.fakes.source(svc, ['GET']);
    h.fakes.availability.set(svc.serviceId, { online: false, since: new Date('2026-11-20T01:02:03Z') });
    const before = dest.seen.length;
    const res = await call('/000.00.01.H99/off/x', signedHeaders(cred));
    expect(res.status).toBe(503);
    expect(res.json.code).toBe('LGSP_DESTINATION_OFFLINE');
    expect(res.json.title).toContain('20/11/2026 08:02:03');
    expect(dest.seen.length).toBe(before);
  });

  it('applies the per-minute rate limit and the daily quota with Retry-After', async () => {
    const svc = h.fakes.add(service(dest.url, { serviceCode: 'rate' }));
    const cred = h.fakes.source(svc, ['GET'], { rateLimitPerMinute: 3 });
    const statuses: number[] = [];
    let last: Awaited<ReturnType<typeof call>> | null = null;
    for (let i = 0; i < 4; i++) {
      last = await call('/000.00.01.H99/rate/x', signedHeaders(cred));
      statuses.push(last.status);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(last!.json.code).toBe('LGSP_RATE_LIMITED');
    expect(Number(last!.headers['retry-after'])).toBeGreaterThan(0);
    const quota = h.fakes.source(svc, ['GET'], { quotaPerDay: 2 });
    await call('/000.00.01.H99/rate/x', signedHeaders(quota));
    await call('/000.00.01.H99/rate/x', signedHeaders(quota));
    const over = await call('/000.00.01.H99/rate/x', signedHeaders(quota));
    expect(over.json.code).toBe('LGSP_QUOTA_EXCEEDED');
  });
});

describe('destination failures', () => {
  it('answers LGSP_DESTINATION_TIMEOUT when the destination hangs', async () => {
    const hang = await startDestination(() => {}, { consume: true });
    const svc = h.fakes.add(service(hang.url, { serviceCode: 'hang', timeoutMs: 300 }));
    const cred = h.fakes.source(svc, ['GET']);
    const started = Date.now();
    const res = await call('/000.00.01.H99/hang/x', signedHeaders(cred));
    expect(res.status).toBe(504);
    expect(res.json.code).toBe('LGSP_DESTINATION_TIMEOUT');
    expect(Date.now() - started).toBeLessThan(2500);
    expect(h.fakes.outcomes).toContainEqual({ serviceId: svc.serviceId, ok: false });
    await hang.close();
  });

  it('answers LGSP_DESTINATION_BAD_RESPONSE when the destination answers garbage', async () => {
    const garbage = net.createServer((socket) => {
      socket.once('data', () => socket.end('THIS IS NOT HTTP\r\n\r\n'));
    });
    await new Promise<void>((r) => garbage.listen(0, '127.0.0.1', r));
    const port = (garbage.address() as net.AddressInfo).port;
    const svc = h.fakes.add(service(`http://127.0.0.1:${port}`, { serviceCode: 'garbage' }));
    const cred = h.fakes.source(svc, ['GET']);
    const res = await call('/000.00.01.H99/garbage/x', signedHeaders(cred));
    expect(res.status).toBe(502);
    expect(res.json.code).toBe('LGSP_DESTINATION_BAD_RESPONSE');
    garbage.close();
  });

  it('opens the circuit after consecutive failures, then lets one probe through after the cool-down', async () => {
    const port = await freePort();
    const svc = h.fakes.add(service(`http://127.0.0.1:${port}`, { serviceCode: 'circuit' }));
    const cred = h.fakes.source(svc, ['POST']);
    const post = () => call('/000.00.01.H99/circuit/x', signedHeaders(cred), { method: 'POST' });
    expect((await post()).json.code).toBe('LGSP_DESTINATION_UNREACHABLE');
    expect((await post()).json.code).toBe('LGSP_DESTINATION_UNREACHABLE');
    const open = await post();
    expect(open.status).toBe(503);
    expect(open.json.code).toBe('LGSP_DESTINATION_CIRCUIT_OPEN');
    expect(open.headers['retry-after']).toBeDefined();
    // After the cool-down the destination is back: the probe succeeds and closes the circuit.
    const back = http.createServer((_q, s) => s.end('{}'));
    await new Promise<void>((r) => back.listen(port, '127.0.0.1', r));
    await new Promise((r) => setTimeout(r, 350));
    expect((await post()).status).toBe(200);
    expect((await post()).status).toBe(200);
    back.closeAllConnections();
    back.close();
  });

  it('retries idempotent calls that could not connect, never a POST', async () => {
    const port = await freePort();
    const svc = h.fakes.add(service(`http://127.0.0.1:${port}`, { serviceCode: 'retry' }));
    const cred = h.fakes.source(svc, ['GET', 'POST']);
    let hits = 0;
    const late = http.createServer((_q, s) => {
      hits++;
      s.end('{}');
    });
    // The destination comes up while the first attempt's refusal is being retried.
    setTimeout(() => late.listen(port, '127.0.0.1'), 5);
    const get = await call('/000.00.01.H99/retry/x', signedHeaders(cred));
    expect(get.status).toBe(200);
    expect(hits).toBe(1);
    late.closeAllConnections();
    await new Promise<void>((r) => late.close(() => r()));
    const post = await call(
      '/000.00.01.H99/retry/x',
      signedHeaders(cred, 'x', { 'content-type': 'text/plain' }),
      {
        method: 'POST',
        body: 'x',
      },
    );
    expect(post.json.code).toBe('LGSP_DESTINATION_UNREACHABLE');
  });
});

describe('exchange records and access log (LGSP-17, LGSP-33)', () => {
  it('writes one record per call, without query values or content, and an access entry', async () => {
    const svc = h.fakes.add(service(dest.url, { serviceCode: 'rec' }));
    const cred = h.fakes.source(svc, ['GET']);
    const ok = await call('/000.00.01.H99/rec/ho-so/9?cccd=001099012345', signedHeaders(cred));
    const refused = await call('/000.00.01.H99/rec/ho-so/9', {
      ...signedHeaders(cred),
      'x-test-signature': 'bad',
    });
    await h.gateway.flush();
    await h.platform.accessLog.flush();
    const rows = await queryRows<Record<string, unknown>>(
      h.platform.db,
      sql`select * from lgsp_exchange where request_id in (${ok.headers['x-lgsp-request-id'] as string}, ${refused.headers['x-request-id'] as string}) order by time_in`,
    );
    expect(rows).toHaveLength(2);
    const [a, b] = rows;
    expect(a).toMatchObject({
      source_application_id: cred.applicationId,
      source_unit_code: cred.unitCode,
      destination_service_id: svc.serviceId,
      destination_unit_code: '000.00.01.H99',
      service_code: 'rec',
      method: 'GET',
      path: '/ho-so/9',
      status: 200,
      error_code: null,
      mode: 'one-step',
      node: h.platform.config.nodeId,
    });
    expect(Number(a!.response_bytes)).toBeGreaterThan(0);
    expect(JSON.stringify(rows)).not.toContain('001099012345');
    // Refused before the signature was accepted: shown to the unit of the key it named (LGSP-37), no application.
    expect(b).toMatchObject({
      status: 401,
      error_code: 'LGSP_SIGNATURE_INVALID',
      mode: 'refused',
      source_unit_id: cred.unitId,
      source_application_id: null,
    });
    const access = await queryRows<{ action: string; description: string; details: { code?: string } }>(
      h.platform.db,
      sql`select action, description, details from audit_log where category = 'access' and request_id = ${refused.headers['x-request-id'] as string}`,
    );
    expect(access).toHaveLength(1);
    expect(access[0]!.action).toBe('lgsp.exchange');
    expect(access[0]!.details.code).toBe('LGSP_SIGNATURE_INVALID');
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}
