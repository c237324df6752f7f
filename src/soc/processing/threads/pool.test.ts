import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTestDatabase, type TestDatabase, testDatabaseUrl } from '../../../../test/helpers/db.ts';
import { loadConfig } from '../../../core/config/index.ts';
import { createLogger } from '../../../core/log/logger.ts';
import type { RawEvent } from '../../contracts.ts';
import { SiemTotals } from '../../health/counters.ts';
import { LocalQueue } from '../local-queue.ts';
import type { BatchOptions } from '../processor.ts';
import { ProcessingThreads } from './pool.ts';

const config = loadConfig({
  env: {},
  file: '',
  overrides: {
    'log.level': 'silent',
    'database.url': testDatabaseUrl,
    'security.masterKey': randomBytes(32).toString('hex'),
  },
});

/** sshd failures as the syslog TCP input hands them over (header already read). */
function sshdLines(count: number, receivedAt: number): RawEvent[] {
  return Array.from({ length: count }, (_, i) => {
    const message = `Failed password for invalid user u${i} from 203.0.113.${i % 250} port ${40000 + i} ssh2`;
    return {
      input: 'syslog-tcp',
      kind: 'syslog-tcp' as const,
      receivedAt,
      peer: '10.9.8.7',
      text: `<38>Dec  7 10:00:00 web-01 sshd[${1000 + i}]: ${message}`,
      doc: {
        message,
        host: { hostname: 'web-01' },
        log: { syslog: { priority: 38, hostname: 'web-01', appname: 'sshd', procid: String(1000 + i) } },
      },
    };
  });
}

describe.skipIf(!testDatabaseUrl)('processing threads', () => {
  let database: TestDatabase | undefined;
  let threads: ProcessingThreads | undefined;
  afterEach(async () => {
    await threads?.close();
    await database?.close();
  });

  async function setUp(entry?: URL, url = testDatabaseUrl) {
    database = await createTestDatabase();
    const counters = new SiemTotals();
    const fallback = vi.fn(async (_batch: RawEvent[], _options?: BatchOptions) => {});
    threads = new ProcessingThreads({
      fallback,
      size: 1,
      config,
      connection: { url, schema: database.schema },
      counters,
      log: createLogger('silent'),
      entry,
    });
    const queue = new LocalQueue({
      capacity: 10_000,
      batchSize: 500,
      flushIntervalMs: 10,
      process: threads.process,
    });
    return { counters, queue, db: database, fallback };
  }

  async function rows(db: TestDatabase) {
    return db.rawTransaction((tx) =>
      tx.query<{ n: number; ids: number; parsed: number }>(
        `select count(*)::int as n, count(distinct id)::int as ids,
                count(*) filter (where user_name like 'u%' and source_port >= 40000)::int as parsed
           from soc_events`,
      ),
    );
  }

  it('parses and commits the batches of the queue in a thread, and counts them on the main thread', async () => {
    const { counters, queue, db } = await setUp();
    await queue.submit(sshdLines(1200, Date.now()));
    expect(await rows(db)).toEqual([{ n: 1200, ids: 1200, parsed: 1200 }]);
    expect(counters.parsedEvents).toBe(1200);
    expect(counters.parseErrors).toBe(0);
    expect(counters.storedEvents).toBe(1200);
    expect(threads?.status()).toMatchObject({ configured: 1, running: 1, lastError: null });
  }, 60_000);

  it('stores once a batch whose thread died after committing it, before saying so', async () => {
    const { counters, queue, db } = await setUp(new URL('./testing-thread.ts', import.meta.url));
    await queue.submit(sshdLines(300, Date.now()));
    // Committed by the first thread, which then died; replaced by the retry on a new thread.
    expect(await rows(db)).toEqual([{ n: 300, ids: 300, parsed: 300 }]);
    expect(counters.storedEvents).toBe(300);
    // Running again: the failure is no longer reported.
    expect(threads?.status()).toMatchObject({ configured: 1, running: 1, lastError: null });
  }, 60_000);

  it('processes on the main thread a batch holding what a thread cannot receive, instead of retrying it forever', async () => {
    const { queue, fallback } = await setUp();
    const odd = sshdLines(2, Date.now());
    // A value structured clone refuses (no input makes one today; a future one must not hold the queue).
    (odd[1] as RawEvent & { doc: Record<string, unknown> }).doc.callback = () => 'not data';
    await queue.submit(odd);
    expect(fallback).toHaveBeenCalledTimes(1);
    expect(fallback.mock.calls[0]?.[0]).toHaveLength(2);
    expect(fallback.mock.calls[0]?.[1]).toMatchObject({
      replace: false,
      ids: [expect.any(String), expect.any(String)],
    });
  }, 60_000);

  it('reports a thread that cannot start, and fails its batches for the queue to keep', async () => {
    const url = new URL(testDatabaseUrl);
    url.pathname = '/khong_co_csdl_nay';
    await setUp(undefined, url.toString());
    await threads?.start();
    const status = threads?.status();
    expect(status).toMatchObject({ configured: 1, running: 0 });
    expect(status?.lastError).toMatch(/did not start: .*khong_co_csdl_nay/);
    await expect(threads?.process(sshdLines(1, Date.now()))).rejects.toThrow(/restarting in \d+ s/);
  }, 60_000);
});
