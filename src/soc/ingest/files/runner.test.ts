import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../../test/helpers/db.ts';
import { sql } from '../../../core/db/index.ts';
import { createLogger } from '../../../core/log/logger.ts';
import { actor, testOrg } from '../../../org/testing.ts';
import type { RawEvent } from '../../contracts.ts';
import { SiemTotals } from '../../health/counters.ts';
import { LocalQueue } from '../../processing/local-queue.ts';
import { ImportRunner, uploadPath } from './runner.ts';
import { createImportService, type ImportService } from './service.ts';
import { cancelImport, getImport, insertImport } from './store.ts';
import { fixture, utf16le } from './testing.ts';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.close());

/** A runner and service over a LocalQueue whose process function records what reaches it. */
function setup(options: { gate?: Promise<void>; batchSize?: number } = {}) {
  const seen: RawEvent[] = [];
  const queue = new LocalQueue({
    capacity: 10_000,
    batchSize: options.batchSize ?? 2,
    flushIntervalMs: 1,
    process: async (batch) => {
      await options.gate;
      seen.push(...batch);
    },
  });
  const dir = mkdtempSync(join(tmpdir(), 'soc-imports-'));
  const ended: string[] = [];
  let service: ImportService | null = null;
  const runner = new ImportRunner({
    db: database.db,
    sink: queue,
    counters: new SiemTotals(),
    log: createLogger('silent'),
    now: () => new Date(),
    dir,
    maxEventBytes: 65_536,
    maxExpandedBytes: 1 << 30,
    chunkEvents: options.batchSize ?? 2,
    progressIntervalMs: 20,
    onEnded: async (job, ctx) => {
      ended.push(`${job.id}:${job.state}`);
      await (service as ImportService).auditEnded(job, ctx);
    },
  });
  service = createImportService({
    db: database.db,
    org: testOrg(database.db).org,
    runner,
    dir,
    node: 'node-a',
    maxImportBytes: 1 << 20,
    now: () => new Date(),
  });
  return { seen, queue, dir, runner, service, ended };
}

describe('ImportRunner', () => {
  it('hands the sink one RawEvent per record, with the agreed shape, and records the figures', async () => {
    const s = setup();
    const ctx = actor();
    const job = await s.service.upload(ctx, Readable.from([fixture('zeek-conn.ndjson')]), {
      fileName: 'C:\\captures\\conn.log',
      format: 'auto',
      gzip: null,
      contentLength: null,
    });
    await s.runner.idle();
    expect(s.seen).toHaveLength(3);
    expect(s.seen[0]).toEqual({
      input: `file:${job.id}`,
      kind: 'file',
      receivedAt: expect.any(Number),
      pipeline: 'zeek',
      doc: expect.objectContaining({ _path: 'conn', uid: 'CHhAvVGS1DHFjwGM9' }),
      // The import's own tag, by which the console finds its events.
      tags: [`import:${job.id}`],
      // The uploader's unit, whose events they are.
      unitId: ctx.actor.unitId,
    });
    const row = await getImport(database.db, job.id);
    expect(row).toMatchObject({
      fileName: 'conn.log',
      state: 'done',
      format: 'zeek-json',
      encoding: 'utf-8',
      compressed: false,
      eventsSubmitted: 3,
      bytesRead: fixture('zeek-conn.ndjson').length,
    });
    expect(existsSync(uploadPath(s.dir, job.id))).toBe(false);
    expect(s.ended).toEqual([`${job.id}:done`]);
  });

  it('stops a running job when a cancel is recorded by any node, keeping what was already stored', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const s = setup({ gate, batchSize: 1 });
    const ctx = actor();
    const lines = `${Array.from({ length: 200 }, (_, i) => `Nov 20 09:00:00 web01 sshd[${i}]: line ${i}`).join('\n')}\n`;
    const job = await s.service.upload(ctx, Readable.from([Buffer.from(lines)]), {
      fileName: 'auth.log',
      format: 'auth-log',
      gzip: null,
      contentLength: null,
    });
    await expect.poll(async () => (await getImport(database.db, job.id))?.state).toBe('running');
    // Another node's cancel only sets the flag; this node's progress statement reads it.
    await cancelImport(database.db, job.id, new Date());
    await new Promise((r) => setTimeout(r, 60));
    release();
    await s.runner.idle();
    const row = await getImport(database.db, job.id);
    expect(row?.state).toBe('cancelled');
    expect(row?.eventsSubmitted).toBe(s.seen.length);
    expect(s.seen.length).toBeLessThan(200);
    expect(existsSync(uploadPath(s.dir, job.id))).toBe(false);
  });

  it('after a restart, queues again the jobs whose files wait, ends interrupted ones, removes stray files', async () => {
    const s = setup();
    const base = {
      requestedFormat: 'auto',
      sizeBytes: 10,
      node: 'node-a',
      createdBy: null,
      createdByName: 'tester',
      unitId: null,
      createdAt: new Date(),
      compressed: null,
    };
    const queued = await insertImport(database.db, { ...base, id: crypto.randomUUID(), fileName: 'q.json' });
    const running = await insertImport(database.db, { ...base, id: crypto.randomUUID(), fileName: 'r.log' });
    await database.db.execute(sql`update soc_imports set state = 'running' where id = ${running.id}`);
    const body = utf16le(fixture('get-winevent.utf8.txt').toString('utf8'));
    writeFileSync(uploadPath(s.dir, queued.id), body);
    writeFileSync(uploadPath(s.dir, running.id), 'Nov 20 09:00:00 web01 sshd[1]: x\n');
    const stray = uploadPath(s.dir, crypto.randomUUID());
    writeFileSync(stray, 'left by a crash during an upload');

    await s.service.resume();
    await s.runner.idle();
    expect(await getImport(database.db, queued.id)).toMatchObject({
      state: 'done',
      format: 'get-winevent',
      encoding: 'utf-16le',
      eventsSubmitted: 3,
    });
    expect(await getImport(database.db, running.id)).toMatchObject({
      state: 'failed',
      errorCode: 'SOC_IMPORT_INTERRUPTED',
    });
    expect(existsSync(stray)).toBe(false);
    expect(existsSync(uploadPath(s.dir, running.id))).toBe(false);
  });
});
