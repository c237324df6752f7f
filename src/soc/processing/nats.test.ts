import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testDatabaseUrl } from '../../../test/helpers/db.ts';
import { createLogger } from '../../core/log/logger.ts';
import type { Platform } from '../../core/platform.ts';
import type { NormalisedEvent, RawEvent } from '../contracts.ts';
import { SiemTotals } from '../health/counters.ts';
import { createEventStore, type EventStore } from '../store/index.ts';
import { event, storeDeps } from '../store/test-support.ts';
import { durableName, NatsIngestion, type NatsSettings } from './nats.ts';
import { type BatchProcessor, createProcessor } from './processor.ts';

const natsUrl = process.env.TEST_NATS_URL ?? '';
const log = createLogger('silent');

let database: TestDatabase;
let platform: Platform;
let store: EventStore;
let nc: NatsConnection;
const streams: string[] = [];

/** Settings of a stream of this test only (parallel tests and runs never share one). */
function settings(over: Partial<NatsSettings> = {}): NatsSettings {
  const tag = randomBytes(4).toString('hex');
  const s: NatsSettings = {
    url: natsUrl,
    stream: `TINHSO_SOC_RAW_T${tag}`,
    subject: `tinhso.test.${tag}`,
    maxBytes: 64 * 1_048_576,
    maxAgeHours: 1,
    ackWaitSeconds: 2,
    capacity: 10_000,
    batchSize: 500,
    flushIntervalMs: 20,
    worker: true,
    ...over,
  };
  streams.push(s.stream);
  return s;
}

/** The processor over the real store, with a pipeline keeping the document (the pipelines are another part). */
function processor(): BatchProcessor {
  return createProcessor({
    pipelines: {
      processBatch: (raws: readonly RawEvent[]): NormalisedEvent[] =>
        raws.map((raw) =>
          event({ ...(raw.doc ?? {}) }, { ts: raw.receivedAt, receivedAt: raw.receivedAt, input: raw.input }),
        ),
    },
    enricher: { enrich: async () => {} },
    writer: store,
    counters: new SiemTotals(),
    now: Date.now,
  });
}

const raw = (run: string, n: number): RawEvent => ({
  input: 'http',
  kind: 'http',
  receivedAt: Date.now(),
  doc: { message: `nats ${run} ${n}`, labels: { run, n: String(n) } },
});

async function counts(run: string): Promise<{ total: number; distinct: number }> {
  const rows = await database.rawTransaction((tx) =>
    tx.query<{ total: number; distinct: number }>(
      `select count(*)::int as total, count(distinct doc->'labels'->>'n')::int as distinct
         from soc_events where doc->'labels'->>'run' = $1`,
      [run],
    ),
  );
  return rows[0] ?? { total: 0, distinct: 0 };
}

describe('NATS JetStream is available where it must be', () => {
  it('is configured (TEST_NATS_URL) in CI’s pass with the real services', () => {
    // .ci/run's first pass is the embedded database alone (no service URLs); its second sets them all.
    if (process.env.CI === 'true' && testDatabaseUrl) expect(natsUrl).not.toBe('');
    else expect(typeof natsUrl).toBe('string');
  });
});

describe.skipIf(!natsUrl)('NATS JetStream ingestion', () => {
  beforeAll(async () => {
    database = await createTestDatabase();
    const r = await storeDeps(database);
    platform = r.platform;
    store = createEventStore(r.deps);
    nc = await connect({ servers: natsUrl });
  });

  afterAll(async () => {
    if (nc) {
      const jsm = await jetstreamManager(nc);
      for (const s of streams) await jsm.streams.delete(s).catch(() => {});
      await nc.close();
    }
    await platform?.accessLog.close();
    await database?.close();
  });

  it('publishes to the stream and a worker stores every event, acknowledging after the commit', async () => {
    const s = settings();
    const ingestion = new NatsIngestion(s, processor(), log);
    await ingestion.start();
    const run = `pub-${randomBytes(3).toString('hex')}`;
    const events = Array.from({ length: 1200 }, (_, i) => raw(run, i));
    expect(ingestion.sink.offer(events.slice(0, 700))).toBe(true);
    await ingestion.sink.submit(events.slice(700));
    await ingestion.idle();
    expect(await counts(run)).toEqual({ total: 1200, distinct: 1200 });
    const jsm = await jetstreamManager(nc);
    const info = await jsm.consumers.info(s.stream, durableName(s.stream));
    expect(info.num_pending + info.num_ack_pending).toBe(0);
    await ingestion.close();
  });

  it('creates the stream with the configured limits and updates them idempotently from another node', async () => {
    const s = settings({ worker: false });
    const a = new NatsIngestion(s, processor(), log);
    await a.start();
    const b = new NatsIngestion({ ...s, maxBytes: 32 * 1_048_576, maxAgeHours: 2 }, processor(), log);
    await b.start();
    const jsm = await jetstreamManager(nc);
    const info = await jsm.streams.info(s.stream);
    expect(info.config.max_bytes).toBe(32 * 1_048_576);
    expect(info.config.max_age).toBe(2 * 3_600_000 * 1_000_000);
    expect(info.config.retention).toBe('workqueue');
    expect(info.config.discard).toBe('new');
    await a.close();
    await b.close();
  });

  it('says no when too many events are unacknowledged, and makes room once the stream acknowledges them', async () => {
    const s = settings({ capacity: 100, worker: false });
    const ingestion = new NatsIngestion(s, processor(), log);
    const run = 'bp';
    // Not connected yet: nothing can be acknowledged, so the offers pile up to the capacity.
    expect(ingestion.sink.offer(Array.from({ length: 60 }, (_, i) => raw(run, i)))).toBe(true);
    expect(ingestion.sink.offer(Array.from({ length: 60 }, (_, i) => raw(run, i)))).toBe(false);
    expect(ingestion.depth()).toBe(60);
    let room = false;
    const drained = ingestion.sink.drained().then(() => {
      room = true;
    });
    await new Promise((r) => setTimeout(r, 100));
    expect(room).toBe(false);
    await ingestion.start();
    await drained;
    await ingestion.sink.submit(Array.from({ length: 60 }, (_, i) => raw(run, 60 + i)));
    const jsm = await jetstreamManager(nc);
    expect((await jsm.streams.info(s.stream)).state.messages).toBeGreaterThanOrEqual(2);
    await ingestion.close();
  });

  it('redelivers a batch whose commit failed and stores it once', async () => {
    const s = settings();
    let attempts = 0;
    const real = processor();
    const failingOnce: BatchProcessor = async (batch, options) => {
      attempts++;
      // The first attempt commits and then "crashes" before the ack: the redelivery must not duplicate.
      await real(batch, options);
      if (attempts === 1) throw new Error('worker died after commit');
    };
    const ingestion = new NatsIngestion(s, failingOnce, log);
    await ingestion.start();
    const run = `redeliver-${randomBytes(3).toString('hex')}`;
    await ingestion.sink.submit(Array.from({ length: 300 }, (_, i) => raw(run, i)));
    await ingestion.idle();
    expect(attempts).toBeGreaterThanOrEqual(2);
    expect(await counts(run)).toEqual({ total: 300, distinct: 300 });
    await ingestion.close();
  });

  it.skipIf(!testDatabaseUrl)(
    'loses nothing when a worker process is killed mid-way: another worker stores every event once',
    async () => {
      const s = settings({ worker: false, batchSize: 100 });
      const collector = new NatsIngestion(s, processor(), log);
      await collector.start();
      const run = `kill-${randomBytes(3).toString('hex')}`;
      const N = 10_000;
      for (let i = 0; i < N; i += 1000) {
        await collector.sink.submit(Array.from({ length: 1000 }, (_, j) => raw(run, i + j)));
      }
      await collector.close();

      const env = {
        DATABASE_URL: `${testDatabaseUrl}${testDatabaseUrl.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${database.schema}`)}`,
        TINHSO_SECURITY_MASTER_KEY: randomBytes(32).toString('hex'),
        TINHSO_NATS_URL: natsUrl,
        TINHSO_SOC_PROCESSING_NATS_STREAM: s.stream,
        TINHSO_SOC_PROCESSING_NATS_SUBJECT: s.subject,
        TINHSO_SOC_PROCESSING_NATS_ACK_WAIT_SECONDS: '2',
        TINHSO_SOC_PROCESSING_BATCH_SIZE: '100',
        TINHSO_DATA_DIR: mkdtempSync(join(tmpdir(), 'tinhso-worker-')),
        LOG_LEVEL: 'warn',
      };
      const first = await startWorker(env);
      let atKill = await counts(run);
      const until = Date.now() + 60_000;
      while (atKill.distinct < 1000 && Date.now() < until) {
        await new Promise((r) => setTimeout(r, 20));
        atKill = await counts(run);
      }
      first.kill('SIGKILL');
      await new Promise((r) => first.once('exit', r));
      expect(atKill.distinct).toBeGreaterThan(0);
      expect(atKill.distinct).toBeLessThan(N);

      const second = await startWorker(env);
      let done = await counts(run);
      const deadline = Date.now() + 90_000;
      while (done.distinct < N && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 200));
        done = await counts(run);
      }
      // Redeliveries of the killed worker's batches replace their rows: nothing lost, nothing twice.
      await new Promise((r) => setTimeout(r, 3000));
      done = await counts(run);
      second.kill('SIGTERM');
      await new Promise((r) => second.once('exit', r));
      expect(done).toEqual({ total: N, distinct: N });
    },
    180_000,
  );
});

/** Starts `tinhso soc-worker` and resolves once it says it is ready. */
function startWorker(env: Record<string, string>): Promise<ChildProcess> {
  const cli = join(import.meta.dirname, '..', '..', 'cli.ts');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', cli, 'soc-worker'], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const timer = setTimeout(() => reject(new Error(`worker did not start: ${out}`)), 60_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      if (/soc-worker ready/.test(out)) {
        clearTimeout(timer);
        resolve(child);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`worker exited with ${code}: ${out}`));
    });
  });
}
