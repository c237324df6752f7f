/**
 * LgspClient and DestinationVerifier against a fake platform (a fetch function): what is sent is what is
 * signed (the platform's verifier accepts it), session keys are cached and shared, an expired session is
 * renewed once, and a destination refuses locally what needs no round trip.
 */
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { sha256Hex, splitTarget } from './canonical.ts';
import { buildQuery, gatewayPath, LgspClient } from './client.ts';
import { DestinationVerifier } from './destination.ts';
import { isLgspError } from './errors.ts';
import { canonicalOf, parseSignatureHeaders, verifySignature } from './verify.ts';

const SECRET = 'bi-mat-cua-ung-dung-thu';
const ACCESS = 'lgsp_abcdefghijklmnopqrst';

interface Seen {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: Buffer;
}

/** A fake platform: checks every signature like the real one, answers sessions and calls by script. */
function fakePlatform(answer: (seen: Seen, n: number) => Response) {
  const seen: Seen[] = [];
  const fetchImpl = (async (url: string | URL | Request, init?: RequestInit) => {
    const headers = Object.fromEntries(
      Object.entries((init?.headers ?? {}) as Record<string, string>).map(([k, v]) => [k.toLowerCase(), v]),
    );
    let body = Buffer.alloc(0);
    const b = init?.body;
    if (typeof b === 'string') body = Buffer.from(b);
    else if (b instanceof Uint8Array) body = Buffer.from(b);
    else if (b instanceof ReadableStream) {
      const chunks: Buffer[] = [];
      for await (const c of b as unknown as AsyncIterable<Uint8Array>) chunks.push(Buffer.from(c));
      body = Buffer.concat(chunks);
    }
    const target = new URL(String(url));
    const s = { url: target.pathname + target.search, method: init?.method ?? 'GET', headers, body };
    seen.push(s);
    // The platform's own check: the SDK's verifier over what arrived.
    const parsed = parseSignatureHeaders(headers);
    if (!parsed.ok) return problem(401, parsed.code);
    const { path, query } = splitTarget(s.url);
    const canonical = canonicalOf({ method: s.method, path, query, headers }, parsed.value);
    if (!verifySignature(parsed.value.algorithm, canonical, parsed.value.signature, { secretKey: SECRET })) {
      return problem(401, 'LGSP_SIGNATURE_INVALID');
    }
    if (sha256Hex(body) !== parsed.value.contentSha256) return problem(400, 'LGSP_BODY_DIGEST_MISMATCH');
    return answer(s, seen.length);
  }) as typeof fetch;
  return { seen, fetchImpl };
}

function problem(status: number, code: string): Response {
  return new Response(JSON.stringify({ code, title: 'vi', title_en: `en ${code}`, requestId: 'r-1' }), {
    status,
    headers: { 'content-type': 'application/problem+json' },
  });
}

let sessionSerial = 0;
function session(ttlMs = 300_000): Response {
  return new Response(
    JSON.stringify({
      sessionKey: `lgsp1.session${++sessionSerial}.mac`,
      expiresAt: new Date(Date.now() + ttlMs).toISOString(),
      destination: {
        unitCode: '000.00.01.H23',
        service: 'hotich',
        name: 'Hộ tịch',
        protocol: 'rest-json',
        gatewayPath: '/000.00.01.H23/hotich',
      },
      operations: ['GET', 'POST'],
    }),
    { status: 201, headers: { 'content-type': 'application/json' } },
  );
}

const ok = () =>
  new Response('{"ok":true}', { status: 200, headers: { 'content-type': 'application/json' } });

describe('LgspClient', () => {
  it('builds queries in canonical form: repeated names, Vietnamese NFC, RFC 3986 reserved characters', () => {
    expect(buildQuery({ b: 2, a: ['y', 'x'], q: 'Trần Thị*(!)' })).toBe(
      'a=x&a=y&b=2&q=Tr%E1%BA%A7n%20Th%E1%BB%8B%2A%28%21%29',
    );
    expect(buildQuery('z=1&a=+')).toBe('a=%2B&z=1');
    expect(buildQuery({ ten: 'Tra\u0300n' })).toBe(buildQuery({ ten: 'Tràn' }));
    expect(gatewayPath('000.00.01.H23', 'hotich')).toBe('/000.00.01.H23/hotich');
    expect(gatewayPath('000.00.01.H23', 'hotich', '//ho-so/1')).toBe('/000.00.01.H23/hotich/ho-so/1');
  });

  it('signs what it sends: the gateway path, query, session key and body verify on the platform side', async () => {
    const { seen, fetchImpl } = fakePlatform((s) =>
      s.url.startsWith('/api/lgsp/auth/sessions') ? session() : ok(),
    );
    const client = new LgspClient({
      baseUrl: 'http://lgsp.test/',
      accessKey: ACCESS,
      secretKey: SECRET,
      fetch: fetchImpl,
    });
    const res = await client.call('000.00.01.H23', 'hotich', {
      method: 'post',
      path: '/hồ-sơ/42',
      query: { nam: 2026 },
      body: '{"hoTen":"Lê Văn Lợi"}',
    });
    expect(res.status).toBe(200);
    const call = seen[1] as Seen;
    expect(call.url).toBe('/000.00.01.H23/hotich/h%E1%BB%93-s%C6%A1/42?nam=2026');
    expect(call.headers['x-lgsp-session']).toMatch(/^lgsp1\.session/);
    expect(call.headers['x-lgsp-signed-headers']).toBe('x-lgsp-session;content-type');
    expect(call.body.toString()).toBe('{"hoTen":"Lê Văn Lợi"}');
  });

  it('caches a session until shortly before it expires and shares one request between concurrent callers', async () => {
    let ttl = 300_000;
    const { seen, fetchImpl } = fakePlatform(() => session(ttl));
    const client = new LgspClient({
      baseUrl: 'http://lgsp.test',
      accessKey: ACCESS,
      secretKey: SECRET,
      fetch: fetchImpl,
    });
    const [a, b] = await Promise.all([
      client.requestSession('000.00.01.H23', 'hotich'),
      client.requestSession('000.00.01.H23', 'hotich'),
    ]);
    expect(a.sessionKey).toBe(b.sessionKey);
    expect(seen).toHaveLength(1);
    await client.requestSession('000.00.01.H23', 'hotich');
    expect(seen).toHaveLength(1);
    // Other operations are another session.
    await client.requestSession('000.00.01.H23', 'hotich', ['get']);
    expect(seen).toHaveLength(2);
    expect(JSON.parse((seen[1] as Seen).body.toString())).toEqual({
      unitCode: '000.00.01.H23',
      service: 'hotich',
      operations: ['GET'],
    });
    // A session with less than renewBeforeSeconds left is renewed.
    ttl = 10_000;
    client.forgetSessions();
    const short = await client.requestSession('000.00.01.H23', 'hotich');
    const renewed = await client.requestSession('000.00.01.H23', 'hotich');
    expect(renewed.sessionKey).not.toBe(short.sessionKey);
  });

  it('renews an expired session once and retries; a second refusal is thrown with its code', async () => {
    let calls = 0;
    const { fetchImpl } = fakePlatform((s) => {
      if (s.url.startsWith('/api/lgsp/auth/sessions')) return session();
      calls++;
      return calls === 1 ? problem(401, 'LGSP_SESSION_EXPIRED') : ok();
    });
    const client = new LgspClient({
      baseUrl: 'http://lgsp.test',
      accessKey: ACCESS,
      secretKey: SECRET,
      fetch: fetchImpl,
    });
    expect((await client.call('000.00.01.H23', 'hotich', { path: '/x' })).status).toBe(200);
    expect(calls).toBe(2);

    const { fetchImpl: always } = fakePlatform((s) =>
      s.url.startsWith('/api/lgsp/auth/sessions') ? session() : problem(401, 'LGSP_SESSION_INVALID'),
    );
    const stubborn = new LgspClient({
      baseUrl: 'http://lgsp.test',
      accessKey: ACCESS,
      secretKey: SECRET,
      fetch: always,
    });
    const err = await stubborn.call('000.00.01.H23', 'hotich').catch((e: unknown) => e);
    expect(isLgspError(err, 'LGSP_SESSION_INVALID')).toBe(true);
  });

  it('streams a body with the digest the caller gives, and refuses a stream without one', async () => {
    const { seen, fetchImpl } = fakePlatform((s) =>
      s.url.startsWith('/api/lgsp/auth/sessions') ? session() : ok(),
    );
    const client = new LgspClient({
      baseUrl: 'http://lgsp.test',
      accessKey: ACCESS,
      secretKey: SECRET,
      fetch: fetchImpl,
    });
    const data = Buffer.alloc(200_000, 7);
    const res = await client.call('000.00.01.H23', 'hotich', {
      method: 'PUT',
      path: '/tep',
      body: Readable.from([data]),
      bodySha256: sha256Hex(data),
    });
    expect(res.status).toBe(200);
    expect((seen[1] as Seen).body.equals(data)).toBe(true);
    const err = await client
      .call('000.00.01.H23', 'hotich', { method: 'PUT', body: Readable.from([data]) })
      .catch((e: unknown) => e);
    expect(isLgspError(err, 'LGSP_BODY_DIGEST_MISMATCH')).toBe(true);
  });
});

describe('DestinationVerifier', () => {
  it('refuses locally a call without signature headers, without a session key, or whose body was changed', async () => {
    const { seen, fetchImpl } = fakePlatform(() => ok());
    const verifier = new DestinationVerifier({
      baseUrl: 'http://lgsp.test',
      accessKey: ACCESS,
      secretKey: SECRET,
      fetch: fetchImpl,
    });
    const bare = await verifier.verifyIncoming({ method: 'GET', url: '/x', headers: {}, body: '' });
    expect(bare).toMatchObject({ ok: false, code: 'LGSP_SIGNATURE_MISSING', status: 401 });
    // A call signed by a source (here with the SDK's signer) but its body swapped on the way.
    let checked = 0;
    const source = new LgspClient({
      baseUrl: 'http://dest.test',
      accessKey: ACCESS,
      secretKey: SECRET,
      fetch: (async (_u: string | URL | Request, init?: RequestInit) => {
        const headers = init?.headers as Record<string, string>;
        if (headers['x-lgsp-session']) {
          const swapped = await verifier.verifyIncoming({
            method: 'POST',
            url: '/x',
            headers,
            body: '{"a":2}',
          });
          expect(swapped).toMatchObject({ ok: false, code: 'LGSP_BODY_DIGEST_MISMATCH', status: 400 });
        } else {
          const noSession = await verifier.verifyIncoming({
            method: 'POST',
            url: '/x',
            headers,
            body: '{"a":1}',
          });
          expect(noSession).toMatchObject({ ok: false, code: 'LGSP_SESSION_INVALID' });
        }
        checked++;
        return ok();
      }) as typeof fetch,
    });
    await source.signedFetch('http://dest.test', {
      method: 'POST',
      path: '/x',
      body: '{"a":1}',
      sessionKey: 'lgsp1.s.m',
    });
    await source.signedFetch('http://dest.test', { method: 'POST', path: '/x', body: '{"a":1}' });
    expect(checked).toBe(2);
    expect(seen).toHaveLength(0);
  });

  it('asks the platform with its own signature and passes on its verdict', async () => {
    const verdicts = [
      new Response(
        JSON.stringify({
          active: true,
          source: { unitCode: 'U', applicationCode: 'a', applicationName: 'A' },
          operations: ['GET'],
          expiresAt: 'x',
        }),
        { status: 200 },
      ),
      new Response(JSON.stringify({ active: false, code: 'LGSP_ACCESS_DENIED', message: 'no' }), {
        status: 200,
      }),
    ];
    const { seen, fetchImpl } = fakePlatform((_s, n) => verdicts[n - 1] as Response);
    const verifier = new DestinationVerifier({
      baseUrl: 'http://lgsp.test',
      accessKey: ACCESS,
      secretKey: SECRET,
      fetch: fetchImpl,
    });
    const incoming = new LgspClient({
      baseUrl: 'http://x',
      accessKey: ACCESS,
      secretKey: SECRET,
      fetch: (async (_u: string | URL | Request, init?: RequestInit) => {
        const headers = init?.headers as Record<string, string>;
        const yes = await verifier.verifyIncoming({ method: 'GET', url: '/ho-so?a=1', headers, body: '' });
        expect(yes).toMatchObject({ ok: true, source: { unitCode: 'U' }, operations: ['GET'] });
        const no = await verifier.verifyIncoming({ method: 'GET', url: '/ho-so?a=1', headers, body: '' });
        expect(no).toMatchObject({ ok: false, code: 'LGSP_ACCESS_DENIED', status: 403 });
        return ok();
      }) as typeof fetch,
    });
    await incoming.signedFetch('http://x', { path: '/ho-so', query: 'a=1', sessionKey: 'lgsp1.s.m' });
    const asked = JSON.parse((seen[0] as Seen).body.toString());
    expect(asked).toMatchObject({
      sessionKey: 'lgsp1.s.m',
      request: { method: 'GET', path: '/ho-so', query: 'a=1', bodySha256: sha256Hex('') },
    });
    expect(asked.request.headers['x-lgsp-session']).toBe('lgsp1.s.m');
  });
});
