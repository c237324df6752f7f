import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testDatabaseUrl } from '../../../test/helpers/db.ts';
import { isAppError } from '../errors/index.ts';
import { createLogger } from '../log/logger.ts';
import {
  BUS_RECONNECTED,
  type Bus,
  type BusDeps,
  createBus,
  type Delivery,
  MAX_MESSAGE_BYTES,
} from './index.ts';

const log = createLogger('silent');

function deps(database: TestDatabase, nodeId: string, url = ''): BusDeps {
  return { config: { nodeId, database: { url }, nats: { url: '' } }, database, log };
}

/** Waits until `check` holds, polling; fails the test after `ms`. */
async function until(check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.close();
});

describe('in-process delivery', () => {
  it('delivers a published payload to the subscribers of its topic, as a JSON copy, marked local', async () => {
    const bus = createBus(deps(database, 'solo'));
    const got: [unknown, Delivery][] = [];
    const other: unknown[] = [];
    bus.subscribe('demo.created', (payload, delivery) => {
      got.push([payload, delivery]);
    });
    bus.subscribe('demo.deleted', (payload) => {
      other.push(payload);
    });
    const payload = { name: 'Sở Tài chính', n: 3, tags: ['a'] };
    await bus.publish('demo.created', payload);
    expect(got).toHaveLength(1);
    expect(got[0]![0]).toEqual(payload);
    expect(got[0]![0]).not.toBe(payload);
    expect(got[0]![1]).toEqual({ topic: 'demo.created', origin: bus.id, local: true });
    expect(other).toEqual([]);
    await bus.close();
  });

  it('stops delivering after unsubscribe, and one failing subscriber does not keep the others from a message', async () => {
    const bus = createBus(deps(database, 'solo'));
    const seen: string[] = [];
    const stop = bus.subscribe('demo.ping', () => {
      seen.push('first');
    });
    bus.subscribe('demo.ping', () => {
      throw new Error('subscriber bug');
    });
    bus.subscribe('demo.ping', async () => {
      throw new Error('async subscriber bug');
    });
    bus.subscribe('demo.ping', () => {
      seen.push('last');
    });
    await bus.publish('demo.ping', 1);
    stop();
    await bus.publish('demo.ping', 2);
    expect(seen).toEqual(['first', 'last', 'last']);
    await bus.close();
  });

  it('refuses a payload whose envelope reaches 8000 bytes with BUS_PAYLOAD_TOO_LARGE, and a malformed topic', async () => {
    const bus = createBus(deps(database, 'solo'));
    const seen: unknown[] = [];
    bus.subscribe('demo.big', (p) => {
      seen.push(p);
    });
    // Vietnamese text is counted in UTF-8 bytes, not characters.
    const err = await bus.publish('demo.big', { text: 'ệ'.repeat(3000) }).catch((e: unknown) => e);
    expect(isAppError(err, 'BUS_PAYLOAD_TOO_LARGE')).toBe(true);
    await bus.publish('demo.big', { text: 'x'.repeat(MAX_MESSAGE_BYTES - 100) });
    expect(seen).toHaveLength(1);
    for (const topic of ['', 'Demo', 'demo..x', 'demo x', "demo';--"]) {
      await expect(bus.publish(topic, 1)).rejects.toThrow(TypeError);
    }
    await bus.close();
  });

  it('stays in-process on PGlite, and on PostgreSQL without a URL for the listener', async () => {
    // On PGlite a URL (a configuration mistake) must not make it try to listen anywhere.
    const bus = createBus(
      deps(database, 'solo', database.kind === 'pglite' ? 'postgres://127.0.0.1:1/x' : ''),
    );
    await bus.ready();
    expect(bus.status()).toEqual({ transport: 'in-process', listening: true, reconnects: 0 });
    await bus.close();
  });
});

describe.skipIf(!testDatabaseUrl)('across nodes on one PostgreSQL database (LISTEN/NOTIFY)', () => {
  let a: Bus;
  let b: Bus;
  let channel: string;
  beforeAll(async () => {
    // The default channel carries the schema's name, so the other test files' buses are not heard here.
    channel = `tinhso_bus_${database.schema}`;
    const options = { reconnectMinMs: 50, reconnectMaxMs: 200 };
    // The same node id on purpose: two processes of one host must still tell each other apart.
    a = createBus(deps(database, 'node-x', testDatabaseUrl), options);
    b = createBus(deps(database, 'node-x', testDatabaseUrl), options);
    await Promise.all([a.ready(), b.ready()]);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  it('delivers a message to the other node once and to the publishing node once', async () => {
    expect(a.status()).toEqual({ transport: 'postgres', listening: true, reconnects: 0 });
    const atA: [unknown, Delivery][] = [];
    const atB: [unknown, Delivery][] = [];
    a.subscribe('demo.sync', (p, d) => {
      atA.push([p, d]);
    });
    b.subscribe('demo.sync', (p, d) => {
      atB.push([p, d]);
    });
    await a.publish('demo.sync', { from: 'a', text: 'Ủy ban nhân dân' });
    await b.publish('demo.sync', { from: 'b' });
    await until(() => atA.length >= 2 && atB.length >= 2);
    // Give a duplicate the time to arrive, if one were coming.
    await new Promise((r) => setTimeout(r, 200));
    // Each node gets both, once; the order across nodes is not guaranteed (a's NOTIFY may reach b first).
    expect(atA).toHaveLength(2);
    expect(atA).toContainEqual([
      { from: 'a', text: 'Ủy ban nhân dân' },
      { topic: 'demo.sync', origin: a.id, local: true },
    ]);
    expect(atA).toContainEqual([{ from: 'b' }, { topic: 'demo.sync', origin: b.id, local: false }]);
    const atBLocal = atB.map(([p, d]) => [p, d.local]);
    expect(atBLocal).toHaveLength(2);
    expect(atBLocal).toContainEqual([{ from: 'b' }, true]);
    expect(atBLocal).toContainEqual([{ from: 'a', text: 'Ủy ban nhân dân' }, false]);
  });

  it('listens again after its connection is killed, announces bus.reconnected, and delivers again', async () => {
    const reconnected: unknown[] = [];
    b.subscribe(BUS_RECONNECTED, (p) => {
      reconnected.push(p);
    });
    const got: unknown[] = [];
    b.subscribe('demo.after', (p) => {
      got.push(p);
    });
    const admin = new pg.Client({ connectionString: testDatabaseUrl });
    await admin.connect();
    try {
      const killed = await admin.query(
        'select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1',
        [`tinhso-bus ${b.id}`.slice(0, 63)],
      );
      expect(killed.rowCount).toBe(1);
    } finally {
      await admin.end();
    }
    await until(() => reconnected.length === 1);
    expect(b.status()).toMatchObject({ listening: true, reconnects: 1 });
    await a.publish('demo.after', { n: 1 });
    await until(() => got.length === 1);
    expect(got).toEqual([{ n: 1 }]);
  });

  it('does not keep a one-shot process (tinhso admin …) alive once its database is closed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tinhso-bus-'));
    const script = join(dir, 'one-shot.mts');
    const from = (p: string) => JSON.stringify(pathToFileURL(join(import.meta.dirname, '..', p)).href);
    writeFileSync(
      script,
      `import { createBus } from ${from('bus/index.ts')};
import { openDatabase } from ${from('db/index.ts')};
import { createLogger } from ${from('log/logger.ts')};
const url = process.env.BUS_TEST_URL!;
const database = await openDatabase({ url, schema: process.env.BUS_TEST_SCHEMA });
const bus = createBus({ config: { nodeId: 'cli', database: { url }, nats: { url: '' } }, database, log: createLogger('silent') });
await bus.ready();
console.log(JSON.stringify(bus.status()));
await database.close();
`,
    );
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx/esm', script], {
      cwd: join(import.meta.dirname, '..', '..', '..'),
      env: { ...process.env, BUS_TEST_URL: testDatabaseUrl, BUS_TEST_SCHEMA: database.schema },
      // Without the fix the listener's socket held the process open for good.
      timeout: 20_000,
    });
    expect(JSON.parse(stdout)).toMatchObject({ transport: 'postgres', listening: true });
  });

  it('does not deliver to a bus of another channel (another deployment or test schema)', async () => {
    const stranger = createBus(deps(database, 'node-y', testDatabaseUrl), { channel: `${channel}_other` });
    await stranger.ready();
    const got: unknown[] = [];
    stranger.subscribe('demo.sync', (p) => {
      got.push(p);
    });
    await a.publish('demo.sync', { from: 'a' });
    await new Promise((r) => setTimeout(r, 300));
    expect(got).toEqual([]);
    await stranger.close();
  });
});
