/**
 * The authentication service's request check (Article 10; LGSP-04, LGSP-10, LGSP-32): the four algorithms,
 * tampering, each header problem, each key state, the clock-skew window, the network allow-list, and
 * nonces accepted once (batched into few statements under load). Registry: in memory (MemoryRegistry).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Algorithm } from '../../../sdk/src/canonical.ts';
import { sql } from '../../core/db/index.ts';
import { isAppError } from '../../core/errors/index.ts';
import type { SignedRequestParts } from '../contracts.ts';
import { type AuthHarness, signAs, startAuthHarness } from './harness.ts';
import type { TestApplication } from './testing.ts';

let h: AuthHarness;
const now = () => h.t.clock.now.getTime();

beforeAll(async () => {
  h = await startAuthHarness();
});
afterAll(async () => {
  await h.close();
});

/** The parts of a GET signed as `app` (the gateway hands verifyRequest exactly these). */
function parts(
  app: TestApplication,
  options: {
    url?: string;
    algorithm?: Algorithm;
    timestamp?: number;
    ip?: string;
    headers?: Record<string, string>;
  } = {},
): SignedRequestParts {
  const url = options.url ?? '/000.00.01.H23/hotich/ho-so?trang=1';
  const headers = signAs(
    app,
    {
      method: 'GET',
      url,
      algorithm: options.algorithm,
      timestamp: options.timestamp,
      headers: options.headers,
    },
    now(),
  );
  const [path, query = ''] = url.split('?');
  return { method: 'GET', path: path as string, query, headers, remoteIp: options.ip ?? '10.0.0.5' };
}

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    if (isAppError(err)) return err.code;
    throw err;
  }
  return 'ACCEPTED';
}

describe('signatures (LGSP-04)', () => {
  it('accepts HMAC-SHA256, HMAC-SHA1 (when configured), RSA-PSS-SHA256 and RSA-SHA256', async () => {
    const hmac = h.registry.addApplication({ algorithms: ['HMAC-SHA256', 'HMAC-SHA1'] });
    const rsa = h.registry.addApplication({ kind: 'rsa' });
    for (const [app, algorithm] of [
      [hmac, 'HMAC-SHA256'],
      [hmac, 'HMAC-SHA1'],
      [rsa, 'RSA-PSS-SHA256'],
      [rsa, 'RSA-SHA256'],
    ] as const) {
      const caller = await h.auth.verifyRequest(parts(app, { algorithm }));
      expect(caller.credential.accessKey).toBe(app.credential.accessKey);
      expect(caller.algorithm).toBe(algorithm);
      expect(caller.skewSeconds).toBe(0);
    }
  });

  it('refuses a tampered method, path, query, signed header or signature with LGSP_SIGNATURE_INVALID', async () => {
    const app = h.registry.addApplication();
    const good = parts(app, { headers: { 'x-request-id': 'abc' } });
    const sig = String(good.headers['x-lgsp-signature']);
    const flipped = `${sig[0] === 'A' ? 'B' : 'A'}${sig.slice(1)}`;
    const tampered: SignedRequestParts[] = [
      { ...good, method: 'DELETE' },
      { ...good, path: '/000.00.01.H23/hotich/ho-so-khac' },
      { ...good, query: 'trang=2' },
      { ...good, headers: { ...good.headers, 'x-request-id': 'abd' } },
      { ...good, headers: { ...good.headers, 'x-lgsp-signature': flipped } },
      // The right signature of another application's secret.
      {
        ...good,
        headers: {
          ...parts(h.registry.addApplication()).headers,
          'x-lgsp-access-key': app.credential.accessKey,
        },
      },
    ];
    for (const p of tampered) expect(await refusal(h.auth.verifyRequest(p))).toBe('LGSP_SIGNATURE_INVALID');
    // Reordered query and a different spelling of the same path are the same request.
    const same = parts(app, { url: '/000.00.01.H23/hotich/ho-so?b=2&a=1' });
    expect(
      await refusal(
        h.auth.verifyRequest({ ...same, path: '/000.00.01.H23/hotich/ho%2Dso', query: 'a=1&b=2' }),
      ),
    ).toBe('ACCEPTED');
  });

  it('answers a missing header with LGSP_SIGNATURE_MISSING and a malformed one with LGSP_SIGNATURE_MALFORMED', async () => {
    const app = h.registry.addApplication();
    const good = parts(app);
    const without = (name: string) => {
      const headers = { ...good.headers };
      delete headers[name];
      return { ...good, headers };
    };
    const withValue = (name: string, value: string) => ({
      ...good,
      headers: { ...good.headers, [name]: value },
    });
    expect(await refusal(h.auth.verifyRequest({ ...good, headers: {} }))).toBe('LGSP_SIGNATURE_MISSING');
    for (const name of ['x-lgsp-signature', 'x-lgsp-nonce', 'x-lgsp-timestamp', 'x-lgsp-content-sha256']) {
      expect(await refusal(h.auth.verifyRequest(without(name))), name).toBe('LGSP_SIGNATURE_MISSING');
    }
    const malformed: [string, string][] = [
      ['x-lgsp-algorithm', 'HMAC-MD5'],
      ['x-lgsp-timestamp', '2026-11-23T08:00:00Z'],
      ['x-lgsp-nonce', 'short'],
      ['x-lgsp-nonce', 'có-dấu-tiếng-việt-không-hợp-lệ'],
      ['x-lgsp-content-sha256', 'ABC'],
      ['x-lgsp-signature', 'không phải base64'],
      ['x-lgsp-signed-headers', 'X-Upper;x-lgsp-signature'],
    ];
    for (const [name, value] of malformed) {
      expect(await refusal(h.auth.verifyRequest(withValue(name, value))), `${name}=${value}`).toBe(
        'LGSP_SIGNATURE_MALFORMED',
      );
    }
    // A session key that is not covered by the signature could be swapped by anyone on the way.
    expect(await refusal(h.auth.verifyRequest(withValue('x-lgsp-session', 'lgsp1.a.b')))).toBe(
      'LGSP_SIGNATURE_MALFORMED',
    );
  });
});

describe('key and application state', () => {
  it('tells an unknown, a revoked and an expired key, a rotated key inside and past its overlap, and a suspended application apart', async () => {
    expect(
      await refusal(
        h.auth.verifyRequest({
          ...parts(h.registry.addApplication()),
          headers: {
            ...parts(h.registry.addApplication()).headers,
            'x-lgsp-access-key': 'lgsp_khongtontaiabcdefg',
          },
        }),
      ),
    ).toBe('LGSP_ACCESS_KEY_UNKNOWN');

    const revoked = h.registry.addApplication();
    h.registry.update(revoked.credential.accessKey, { keyStatus: 'revoked' });
    expect(await refusal(h.auth.verifyRequest(parts(revoked)))).toBe('LGSP_ACCESS_KEY_REVOKED');

    const expired = h.registry.addApplication();
    h.registry.update(expired.credential.accessKey, { keyStatus: 'expired' });
    expect(await refusal(h.auth.verifyRequest(parts(expired)))).toBe('LGSP_ACCESS_KEY_EXPIRED');

    const rotated = h.registry.addApplication();
    h.registry.update(rotated.credential.accessKey, {
      keyStatus: 'rotated',
      validUntil: new Date(now() + 3_600_000),
    });
    expect(await refusal(h.auth.verifyRequest(parts(rotated)))).toBe('ACCEPTED');
    h.registry.update(rotated.credential.accessKey, { validUntil: new Date(now() - 1000) });
    expect(await refusal(h.auth.verifyRequest(parts(rotated)))).toBe('LGSP_ACCESS_KEY_EXPIRED');

    const suspended = h.registry.addApplication();
    h.registry.update(suspended.credential.accessKey, { applicationActive: false });
    expect(await refusal(h.auth.verifyRequest(parts(suspended)))).toBe('LGSP_APPLICATION_SUSPENDED');
  });

  it('allows HMAC-SHA1 only to applications configured for it, and no RSA algorithm to an HMAC application', async () => {
    const app = h.registry.addApplication({ algorithms: ['HMAC-SHA256'] });
    expect(await refusal(h.auth.verifyRequest(parts(app, { algorithm: 'HMAC-SHA1' })))).toBe(
      'LGSP_ALGORITHM_NOT_ALLOWED',
    );
    const rsaOnlyPss = h.registry.addApplication({ kind: 'rsa', algorithms: ['RSA-PSS-SHA256'] });
    expect(await refusal(h.auth.verifyRequest(parts(rsaOnlyPss, { algorithm: 'RSA-SHA256' })))).toBe(
      'LGSP_ALGORITHM_NOT_ALLOWED',
    );
    // An HMAC application listed for an RSA algorithm by mistake still cannot use it: it has no public key.
    const confused = h.registry.addApplication({ algorithms: ['HMAC-SHA256', 'RSA-SHA256'] });
    const headers = parts(confused).headers;
    expect(
      await refusal(
        h.auth.verifyRequest({
          ...parts(confused),
          headers: { ...headers, 'x-lgsp-algorithm': 'RSA-SHA256' },
        }),
      ),
    ).toBe('LGSP_ALGORITHM_NOT_ALLOWED');
  });
});

describe('clock skew (LGSP-10)', () => {
  it('accepts a timestamp up to lgsp.clockSkewSeconds away either side and refuses one second more', async () => {
    const app = h.registry.addApplication();
    const skew = h.t.platform.config.lgsp.clockSkewSeconds;
    expect(skew).toBe(300);
    const nowS = Math.floor(now() / 1000);
    for (const ts of [nowS - skew, nowS + skew]) {
      const caller = await h.auth.verifyRequest(parts(app, { timestamp: ts }));
      expect(Math.abs(caller.skewSeconds)).toBe(skew);
    }
    for (const ts of [nowS - skew - 1, nowS + skew + 1]) {
      const err = await h.auth.verifyRequest(parts(app, { timestamp: ts })).catch((e: unknown) => e);
      expect(isAppError(err, 'LGSP_TIMESTAMP_SKEW')).toBe(true);
      expect((err as Error).message).toContain(`${skew + 1} s`);
    }
  });
});

describe('clock skew set by configuration (LGSP-10)', () => {
  it('honours lgsp.clockSkewSeconds = 60', async () => {
    const tight = await startAuthHarness({ 'lgsp.clockSkewSeconds': 60 });
    try {
      const app = tight.registry.addApplication();
      const nowS = Math.floor(tight.t.clock.now.getTime() / 1000);
      const at = (ts: number) => {
        const headers = signAs(app, { method: 'GET', url: '/x', timestamp: ts }, tight.t.clock.now.getTime());
        return tight.auth.verifyRequest({
          method: 'GET',
          path: '/x',
          query: '',
          headers,
          remoteIp: '10.0.0.1',
        });
      };
      await expect(at(nowS - 60)).resolves.toMatchObject({ skewSeconds: 60 });
      await expect(at(nowS - 61)).rejects.toMatchObject({ code: 'LGSP_TIMESTAMP_SKEW' });
      await expect(at(nowS + 61)).rejects.toMatchObject({ code: 'LGSP_TIMESTAMP_SKEW' });
    } finally {
      await tight.close();
    }
  });
});

describe('network allow-list (LGSP-32)', () => {
  it('accepts callers inside the listed networks only, IPv4-mapped IPv6 included; a sloppy entry matches nothing', async () => {
    const app = h.registry.addApplication({ allowedNetworks: ['10.20.0.0/16', '2001:db8::/32', '10/8'] });
    expect(await refusal(h.auth.verifyRequest(parts(app, { ip: '10.20.3.4' })))).toBe('ACCEPTED');
    expect(await refusal(h.auth.verifyRequest(parts(app, { ip: '::ffff:10.20.3.4' })))).toBe('ACCEPTED');
    expect(await refusal(h.auth.verifyRequest(parts(app, { ip: '2001:db8::7' })))).toBe('ACCEPTED');
    // "10/8" would read as 0.0.0.10/8 to a lenient parser; the strict one drops it, so 10.1.1.1 stays out.
    for (const ip of ['10.1.1.1', '192.168.1.10', '0.0.0.9', 'không-phải-ip', '']) {
      expect(await refusal(h.auth.verifyRequest(parts(app, { ip }))), ip).toBe('LGSP_NETWORK_NOT_ALLOWED');
    }
    // An application without a list may call from anywhere.
    expect(
      await refusal(h.auth.verifyRequest(parts(h.registry.addApplication(), { ip: '203.0.113.9' }))),
    ).toBe('ACCEPTED');
  });
});

describe('replay protection', () => {
  it('accepts a signed request once; the same request again is LGSP_NONCE_REPLAYED', async () => {
    const app = h.registry.addApplication();
    const p = parts(app);
    expect(await refusal(h.auth.verifyRequest(p))).toBe('ACCEPTED');
    expect(await refusal(h.auth.verifyRequest(p))).toBe('LGSP_NONCE_REPLAYED');
    // The same nonce under another access key is another request.
    const other = h.registry.addApplication();
    const nonce = String(p.headers['x-lgsp-nonce']);
    const q = signAs(other, { method: 'GET', url: '/x', nonce }, now());
    expect(
      await refusal(
        h.auth.verifyRequest({ method: 'GET', path: '/x', query: '', headers: q, remoteIp: '10.0.0.1' }),
      ),
    ).toBe('ACCEPTED');
  });

  it('batches concurrent claims into a few statements and lets exactly one of concurrent duplicates through', async () => {
    const app = h.registry.addApplication();
    const before = { ...h.auth.nonces.stats };
    const distinct = Array.from({ length: 300 }, () => parts(app));
    const duplicate = parts(app);
    const results = await Promise.all(
      [...distinct, ...Array.from({ length: 20 }, () => duplicate)].map((p) =>
        refusal(h.auth.verifyRequest(p)),
      ),
    );
    expect(results.slice(0, 300).every((r) => r === 'ACCEPTED')).toBe(true);
    const dupResults = results.slice(300);
    expect(dupResults.filter((r) => r === 'ACCEPTED')).toHaveLength(1);
    expect(dupResults.filter((r) => r === 'LGSP_NONCE_REPLAYED')).toHaveLength(19);
    const statements = h.auth.nonces.stats.statements - before.statements;
    expect(statements).toBeGreaterThan(0);
    expect(statements).toBeLessThanOrEqual(20);
  });

  it('keeps a nonce for the skew window and prunes it after (the scheduler job)', async () => {
    const app = h.registry.addApplication();
    const p = parts(app);
    await h.auth.verifyRequest(p);
    expect(h.scheduler.registered).toContain('lgsp.auth.nonces.prune');
    const left = async () =>
      (await h.t.platform.db.execute(
        sql`select count(*)::int as n from lgsp_nonces where nonce = ${String(p.headers['x-lgsp-nonce'])}`,
      )) as unknown as { rows: { n: number }[] };
    expect((await left()).rows[0]?.n).toBe(1);
    h.t.clock.advance(2 * 301_000);
    const run = await h.scheduler.runNow('lgsp.auth.nonces.prune');
    expect(run.outcome).toBe('success');
    expect(run.message).toMatch(/removed [1-9]\d* expired nonces/);
    expect((await left()).rows[0]?.n).toBe(0);
    // Past its window the request is refused by the clock check, not the nonce table.
    expect(await refusal(h.auth.verifyRequest(p))).toBe('LGSP_TIMESTAMP_SKEW');
  });
});
