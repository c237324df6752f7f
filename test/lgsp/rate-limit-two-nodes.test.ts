/**
 * The per-application rate limit holds across nodes (LGSP-11, WSO2's ~30 % slippage avoided): two gateway
 * processes share one PostgreSQL database and are hammered at once; together they admit no more than
 * limit × (1 + 3 %) + 1 calls in the minute, and not much less than the limit either.
 * Needs TEST_DATABASE_URL (PGlite cannot be shared between processes).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { signRequest } from '../../sdk/src/index.ts';
import { createTestDatabase, type TestDatabase, testDatabaseUrl } from '../helpers/db.ts';
import { type ServerCluster, startCluster } from '../helpers/server-process.ts';
import { signedHeaders, startDestination } from './gateway-fakes.ts';

/** The slippage this design states (docs/performance.md, LGSP section): 3 % of the limit plus nodes − 1. */
const SLIPPAGE = 0.03;
const LIMIT = 600;

const children: ChildProcess[] = [];
let db: TestDatabase | null = null;
let dest: Awaited<ReturnType<typeof startDestination>> | null = null;

let cluster: ServerCluster | null = null;

afterAll(async () => {
  await cluster?.close();
  for (const c of children) c.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 300));
  await dest?.close();
  await db?.close();
});

function startNode(env: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'gateway-node.ts')], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let out = '';
    const timer = setTimeout(() => reject(new Error(`node did not start: ${out}`)), 60_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /ready (\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.stderr!.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.on('exit', (code) => reject(new Error(`node exited ${code}: ${out}`)));
  });
}

describe.skipIf(!testDatabaseUrl)('rate limit across two nodes (needs TEST_DATABASE_URL)', () => {
  it(`admits at most limit × (1 + ${SLIPPAGE * 100} %) + 1 through two nodes hammered at once`, async () => {
    db = await createTestDatabase();
    dest = await startDestination((_q, s) => s.end('{}'));
    const common = {
      DB_URL: testDatabaseUrl,
      DB_SCHEMA: db.schema!,
      APP_ID: randomUUID(),
      SERVICE_ID: randomUUID(),
      LIMIT: String(LIMIT),
      DEST_URL: dest.url,
    };
    const ports = await Promise.all([
      startNode({ ...common, NODE_ID: 'node-a' }),
      startNode({ ...common, NODE_ID: 'node-b' }),
    ]);
    // Both nodes know of each other (heartbeats) before the burst.
    await new Promise((r) => setTimeout(r, 600));
    // The burst must fall inside one minute window: start early in a minute.
    const second = new Date().getUTCSeconds();
    if (second > 35) await new Promise((r) => setTimeout(r, (61 - second) * 1000));
    const minute = Math.floor(Date.now() / 60_000);
    const agent = new Agent({ connections: 64 });
    const cred = { accessKey: 'AKtwonodes' } as Parameters<typeof signedHeaders>[0];
    const total = LIMIT * 3;
    let admitted = 0;
    let limited = 0;
    let next = 0;
    const worker = async (w: number) => {
      while (next < total) {
        next++;
        const port = ports[w % 2]!;
        const res = await request(`http://127.0.0.1:${port}/000.00.01.H99/rl/x`, {
          headers: signedHeaders(cred),
          dispatcher: agent,
        });
        await res.body.dump();
        if (res.statusCode === 200) admitted++;
        else if (res.statusCode === 429) limited++;
      }
    };
    await Promise.all(Array.from({ length: 40 }, (_, w) => worker(w)));
    await agent.close();
    expect(Math.floor(Date.now() / 60_000)).toBe(minute);
    expect(admitted + limited).toBe(total);
    console.info(
      `two nodes: limit ${LIMIT}, admitted ${admitted} (${(((admitted - LIMIT) / LIMIT) * 100).toFixed(2)} % over)`,
    );
    expect(admitted).toBeLessThanOrEqual(Math.floor(LIMIT * (1 + SLIPPAGE)) + 1);
    expect(admitted).toBeGreaterThanOrEqual(LIMIT * 0.9);
  }, 180_000);
});

/** Waits, when needed, so that a burst of a few seconds falls inside one minute window. */
async function earlyInMinute(): Promise<number> {
  const second = new Date().getUTCSeconds();
  if (second > 35) await new Promise((r) => setTimeout(r, (61 - second) * 1000));
  return Math.floor(Date.now() / 60_000);
}

describe.skipIf(!testDatabaseUrl)(
  'rate limit across two real tinhso serve nodes (needs TEST_DATABASE_URL)',
  () => {
    it('admits at most limit × (1 + 3 %) + 1 of signed calls through the registry, authentication and gateway of two nodes', async () => {
      const limit = 300;
      cluster = await startCluster(2);
      const [one, two] = cluster.nodes as [ServerCluster['nodes'][0], ServerCluster['nodes'][0]];
      const target = await startDestination((_q, s) => s.end('{}'));
      try {
        const admin = one.firstAdmin!;
        const login = async (password: string) => {
          const res = await fetch(`${one.url}/api/iam/auth/login`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ username: admin.username, password }),
          });
          const body = (await res.json()) as { csrfToken: string };
          return { cookie: res.headers.get('set-cookie')!.split(';')[0]!, csrf: body.csrfToken };
        };
        const first = await login(admin.password);
        const password = `Nut-${randomBytes(6).toString('hex')}#1A`;
        await fetch(`${one.url}/api/iam/auth/change-password`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', cookie: first.cookie, 'x-csrf-token': first.csrf },
          body: JSON.stringify({ currentPassword: admin.password, newPassword: password }),
        });
        const session = await login(password);
        const send = async (method: string, path: string, payload: unknown) => {
          const res = await fetch(`${one.url}${path}`, {
            method,
            headers: {
              'content-type': 'application/json',
              cookie: session.cookie,
              'x-csrf-token': session.csrf,
            },
            body: JSON.stringify(payload),
          });
          const body = (await res.json()) as Record<string, unknown>;
          if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(body)}`);
          return body;
        };
        const root = await send('POST', '/api/org/units', {
          parentId: null,
          name: 'UBND tỉnh Hai Nút',
          code: '000.00.00.H94',
        });
        const provider = await send('POST', '/api/org/units', { parentId: root.id, name: 'Sở Tư pháp' });
        const source = await send('POST', '/api/org/units', { parentId: root.id, name: 'UBND huyện Nút' });
        const providerApp = await send('POST', '/api/lgsp/applications', {
          unitId: provider.id,
          code: 'ho-tich',
          name: 'Hộ tịch',
          kind: 'hmac',
        });
        const sourceApp = await send('POST', '/api/lgsp/applications', {
          unitId: source.id,
          code: 'mot-cua',
          name: 'Một cửa',
          kind: 'hmac',
          rateLimitPerMinute: limit,
        });
        const issued = await send('POST', `/api/lgsp/applications/${sourceApp.id as string}/keys`, {});
        const service = await send('POST', '/api/lgsp/services', {
          applicationId: providerApp.id,
          code: 'hotich',
          name: 'Tra cứu hộ tịch',
          protocol: 'rest-json',
          baseUrl: `${target.url}/api`,
          allowedMethods: ['GET'],
        });
        await send('PUT', `/api/lgsp/rights/${sourceApp.id as string}/${service.id as string}`, {
          operations: ['GET'],
        });
        const accessKey = (issued.key as { accessKey: string }).accessKey;
        const secretKey = issued.secretKey as string;
        const path = `/${provider.code as string}/hotich/x`;
        const empty = createHash('sha256').update('').digest('hex');
        // Both nodes have seen each other's heartbeat before the burst.
        await new Promise((r) => setTimeout(r, 1500));
        const minute = await earlyInMinute();
        const agent = new Agent({ connections: 32 });
        const total = limit * 3;
        let admitted = 0;
        let limited = 0;
        const other: number[] = [];
        let next = 0;
        const worker = async (w: number) => {
          while (next < total) {
            next++;
            const signed = signRequest({
              algorithm: 'HMAC-SHA256',
              accessKey,
              key: { secretKey },
              method: 'GET',
              path,
              contentSha256: empty,
            });
            const res = await request(`${(w % 2 ? two : one).url}${path}`, {
              headers: signed.headers,
              dispatcher: agent,
            });
            await res.body.dump();
            if (res.statusCode === 200) admitted++;
            else if (res.statusCode === 429) limited++;
            else other.push(res.statusCode);
          }
        };
        await Promise.all(Array.from({ length: 24 }, (_, w) => worker(w)));
        await agent.close();
        expect(other).toEqual([]);
        expect(Math.floor(Date.now() / 60_000)).toBe(minute);
        expect(admitted + limited).toBe(total);
        console.info(
          `two tinhso nodes: limit ${limit}, admitted ${admitted} (${(((admitted - limit) / limit) * 100).toFixed(2)} % over)`,
        );
        expect(admitted).toBeLessThanOrEqual(Math.floor(limit * (1 + SLIPPAGE)) + 1);
        expect(admitted).toBeGreaterThanOrEqual(limit * 0.9);
      } finally {
        await target.close();
      }
    }, 300_000);
  },
);
