import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testDatabaseUrl } from '../../../test/helpers/db.ts';
import { AccessLog, audit, searchAudit, verifyChain } from '../audit/index.ts';
import { systemCtx } from '../context.ts';
import { type Database, migrate, openDatabase, quoteIdent } from '../db/index.ts';
import { isAppError } from '../errors/index.ts';
import type { Platform } from '../platform.ts';
import { setAuditRetention } from '../scheduler/audit-retention.ts';
import { Scheduler } from '../scheduler/scheduler.ts';
import { type TestClock, testClock, testPlatform } from '../scheduler/testing.ts';
import { writeSetting } from '../settings/store.ts';
import { listForeignKeys, listSequences, listTables } from './catalog.ts';
import { writeBackupFile } from './dump.ts';
import { verifyBackupFile } from './format.ts';
import { restoreBackupFile } from './restore.ts';
import { BACKUP_JOB, createBackupService, restoreBackup, runBackup } from './service.ts';

const admin = { ...systemCtx('quantri'), ip: '10.0.0.9' };
const opened: Database[] = [];

/** A fresh database the test closes at the end. */
async function freshDatabase(): Promise<TestDatabase> {
  const d = await createTestDatabase();
  opened.push(d);
  return d;
}

afterAll(async () => {
  for (const d of opened) await d.close();
});

/** Fills the core tables with varied data: settings, a few thousand audit entries, scheduler runs. */
async function seed(platform: Platform, label: string): Promise<void> {
  await setAuditRetention(platform, admin, { access: 90, org: 3650 });
  await platform.db.transaction(async (tx) => {
    await writeSetting(
      tx,
      `test.${label}.odd`,
      {
        text: 'Ủy ban nhân dân tỉnh "Số"\n\ttab \\ backslash 😀',
        big: '123456789012345678901234567890',
        nested: [1, [2, { x: null }]],
      },
      'tester',
    );
  });
  // Over two cursor fetches' worth, written as one batch.
  const log = new AccessLog(platform.db, { flushIntervalMs: 60_000, batchSize: 10_000, onError: () => {} });
  for (let i = 0; i < 2345; i++) {
    log.record(
      { ...admin, requestId: `req-${i}` },
      {
        action: 'GET /api/org/units',
        description: `GET /api/org/units?page=${i} → 200`,
        details: { i, ms: i / 7 },
      },
      new Date(platform.now().getTime() - i * 1000),
    );
  }
  await log.close();
  await platform.db.transaction(async (tx) => {
    for (const category of ['account', 'org', 'config'] as const) {
      await audit(tx, admin, {
        category,
        action: `${category}.test`,
        description: `Thay đổi ${category}: Đắk Lắk – Bà Rịa–Vũng Tàu`,
        severity: 'notice',
        target: { type: 'thing', id: label },
        details: { before: { a: 1 }, after: { a: 2, list: ['x', 'ý'] } },
      });
    }
  });
  const scheduler = new Scheduler(platform, { nodeId: `seed-${label}` });
  scheduler.register({ name: `test.seed.${label}`, intervalMs: 1000, run: async () => 'seeded' });
  scheduler.register({
    name: `test.seed-fail.${label}`,
    intervalMs: 1000,
    run: async () => {
      throw new Error('thất bại có chủ ý');
    },
  });
  await scheduler.tick();
  await scheduler.runNow(`test.seed.${label}`);
}

/** Every table's rows as JSON text, sorted, plus sequence positions and foreign keys. */
async function contents(database: Database): Promise<Record<string, string[]>> {
  return database.rawTransaction(async (tx) => {
    const out: Record<string, string[]> = {};
    for (const t of await listTables(tx)) {
      const select =
        t.name === 'schema_migrations'
          ? 'select name || checksum as j from schema_migrations'
          : `select row_to_json(r.*)::text as j from ${quoteIdent(t.name)} r`;
      out[t.name] = (await tx.query<{ j: string }>(`${select} order by 1`)).map((r) => r.j);
    }
    for (const s of await listSequences(tx)) {
      const [v] = await tx.query<{ v: string }>(
        `select last_value::text || ':' || is_called::text as v from ${quoteIdent(s.name)}`,
      );
      out[`sequence ${s.name}`] = [v!.v];
    }
    out['foreign keys'] = (await listForeignKeys(tx)).map((k) => `${k.table}.${k.name} ${k.definition}`);
    return out;
  });
}

describe('backup and restore', () => {
  let source: TestDatabase;
  let platform: Platform;
  let clock: TestClock;
  let dir: string;

  beforeAll(async () => {
    source = await freshDatabase();
    clock = testClock('2026-11-23T03:00:00Z');
    dir = mkdtempSync(join(tmpdir(), 'tinhso-backup-test-'));
    platform = await testPlatform(source, { clock, overrides: { 'backup.dir': dir } });
    await seed(platform, 'main');
  });

  it('restores a database with data into a fresh empty database with every table identical', async () => {
    const before = await contents(source);
    expect(before.audit_log!.length).toBeGreaterThan(2345);
    expect(before.scheduler_runs!.length).toBeGreaterThanOrEqual(3);
    const file = join(dir, 'exact.ndjson.gz');
    const progress: [number, number][] = [];
    const dump = await writeBackupFile(source, file, { onProgress: (d, t) => progress.push([d, t]) });
    expect(dump.rows).toBe(
      Object.entries(before).reduce((a, [k, v]) => (k.includes(' ') ? a : a + v.length), 0),
    );
    expect(progress.at(-1)).toEqual([dump.rows, dump.rows]);

    const target = await freshDatabase();
    const restoreProgress: string[] = [];
    const result = await restoreBackupFile(target, file, (d, t, phase) =>
      restoreProgress.push(`${phase}:${d}/${t}`),
    );
    expect(restoreProgress).toContain(`restore:${result.rows}/${result.rows}`);
    expect(await contents(target)).toEqual(before);
    expect((await verifyChain(target.db)).ok).toBe(true);
  });

  it('backs up with a record, an audit entry and a verified test restore, and restores with the chain intact', async () => {
    const progress = new Set<string>();
    const record = await runBackup(platform, {
      ctx: admin,
      onProgress: (_d, _t, phase) => progress.add(phase),
    });
    expect(record).toMatchObject({ status: 'success', trigger: 'cli', verified: true, actorName: 'quantri' });
    expect(record.file.startsWith(dir)).toBe(true);
    expect(record.sizeBytes).toBeGreaterThan(0);
    expect(record.rowCount).toBeGreaterThan(2345);
    expect(record.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect([...progress]).toEqual(['dump', 'check', 'verify']);
    const [entry] = await searchAudit(platform.db, { categories: ['backup'], limit: 1 });
    expect(entry).toMatchObject({
      action: 'backup.create',
      outcome: 'success',
      targetId: record.id,
      actorName: 'quantri',
    });

    const summary = await verifyBackupFile(record.file);
    expect(summary.fileSha256).toBe(record.sha256);
    expect(summary.manifest.config).toMatchObject({
      nodeId: 'node-test',
      security: { masterKey: '[redacted]' },
    });
    expect(summary.manifest.migrations.map((m) => m.name)).toContain('202611230300_core_init');

    const target = await freshDatabase();
    const result = await restoreBackup(target, record.file, { ctx: admin });
    expect(result.rows).toBe(
      record.rowCount! - result.manifest.tables.find((t) => t.name === 'schema_migrations')!.rows,
    );
    const restoredAudit = await searchAudit(target.db, { categories: ['backup'], limit: 1 });
    expect(restoredAudit[0]).toMatchObject({
      action: 'backup.restore',
      actorName: 'quantri',
      severity: 'warning',
    });
    expect((await verifyChain(target.db)).ok).toBe(true);
    // The backup's own history row was running when the snapshot was taken; the restore closes it.
    const [backupRow] = (await contents(target)).backups!;
    expect(JSON.parse(backupRow!)).toMatchObject({
      status: 'failure',
      message: expect.stringMatching(/restored/),
    });
  });

  it('refuses to restore into a database that holds data', async () => {
    const file = join(dir, 'for-nonempty.ndjson.gz');
    await writeBackupFile(source, file);
    await expect(restoreBackup(source, file)).rejects.toSatisfy(
      (e: unknown) =>
        isAppError(e, 'RESTORE_TARGET_NOT_EMPTY') && (e.details.tables as string[]).includes('audit_log'),
    );
  });

  it('rejects a damaged file with BACKUP_INVALID and leaves the target untouched', async () => {
    const file = join(dir, 'to-damage.ndjson.gz');
    await writeBackupFile(source, file);
    const good = readFileSync(file);

    const flipped = Buffer.from(good);
    flipped[Math.floor(flipped.length / 2)]! ^= 0x01;
    const damaged = join(dir, 'flipped.ndjson.gz');
    writeFileSync(damaged, flipped);

    // A byte changed inside the content, then compressed again: gzip is happy, the checksum is not.
    const text = gunzipSync(good).toString('utf8');
    const altered = join(dir, 'altered.ndjson.gz');
    writeFileSync(altered, gzipSync(text.replace('Ủy ban nhân dân', 'Uy ban nhân dân')));

    const truncated = join(dir, 'truncated.ndjson.gz');
    writeFileSync(truncated, gzipSync(text.slice(0, Math.floor(text.length * 0.8))));

    const notBackup = join(dir, 'not-a-backup.ndjson.gz');
    writeFileSync(notBackup, gzipSync('{"hello":"world"}\n'));

    const target = await openDatabase();
    opened.push(target);
    for (const f of [damaged, altered, truncated, notBackup]) {
      await expect(restoreBackup(target, f), f).rejects.toSatisfy((e: unknown) =>
        isAppError(e, 'BACKUP_INVALID'),
      );
      await expect(verifyBackupFile(f)).rejects.toSatisfy((e: unknown) => isAppError(e, 'BACKUP_INVALID'));
    }
    // Nothing was created: the file is checked before the target is migrated.
    expect(await target.rawTransaction((tx) => listTables(tx))).toEqual([]);
  });

  it('refuses a backup made by a newer version', async () => {
    const file = join(dir, 'newer.ndjson.gz');
    await writeBackupFile(source, file);
    const lines = gunzipSync(readFileSync(file)).toString('utf8').split('\n');
    const manifest = JSON.parse(lines[0]!);
    manifest.migrations.push({ name: '209912310000_core_future', checksum: 'x' });
    // Recompute the checksum so that only the version check can refuse it.
    const { ContentHash } = await import('./format.ts');
    const hash = new ContentHash();
    lines[0] = JSON.stringify(manifest);
    const body = lines.slice(0, -2);
    for (const l of body) hash.line(l);
    const trailer = JSON.parse(lines.at(-2)!);
    trailer.sha256 = hash.digest();
    writeFileSync(file, gzipSync(`${[...body, JSON.stringify(trailer)].join('\n')}\n`));
    const target = await openDatabase();
    opened.push(target);
    await expect(restoreBackup(target, file)).rejects.toSatisfy(
      (e: unknown) => isAppError(e, 'BACKUP_INVALID') && /newer version/.test(String(e.details.reason)),
    );
  });
});

describe('backup policy, schedule and retention', () => {
  let platform: Platform;
  let clock: TestClock;
  let dir: string;

  beforeAll(async () => {
    const database = await freshDatabase();
    clock = testClock('2026-11-23T00:00:00Z');
    dir = mkdtempSync(join(tmpdir(), 'tinhso-backup-policy-'));
    platform = await testPlatform(database, { clock, overrides: { 'backup.dir': dir } });
    await seed(platform, 'policy');
  });

  it('keeps the N newest backup files and records the deletion', async () => {
    const service = createBackupService(platform);
    await service.setPolicy(admin, { keep: 2, verifyRestore: false });
    writeFileSync(join(dir, 'notes.txt'), 'not a backup: never deleted');
    const records = [];
    for (let i = 0; i < 4; i++) {
      records.push(await service.backupNow(admin));
      clock.advance(3_600_000);
    }
    expect(records.every((r) => r.status === 'success' && !r.verified)).toBe(true);
    const files = readdirSync(dir)
      .filter((f) => f.startsWith('tinhso-backup-'))
      .sort();
    expect(files).toEqual(records.slice(2).map((r) => r.file.slice(dir.length + 1)));
    expect(readdirSync(dir)).toContain('notes.txt');
    const history = await service.history();
    const deleted = history.filter((h) => h.deletedAt !== null).map((h) => h.id);
    expect(deleted.sort()).toEqual([records[0]!.id, records[1]!.id].sort());
    const [retention] = await searchAudit(platform.db, {
      categories: ['backup'],
      text: 'backup.retention',
      limit: 1,
    });
    expect(retention?.details).toMatchObject({ keep: 2 });
  });

  it('refuses a second backup while one is running, on any node', async () => {
    const nodeA = createBackupService(platform);
    const other = await testPlatform(platform.database, {
      clock,
      nodeId: 'node-b',
      overrides: { 'backup.dir': dir },
    });
    const nodeB = createBackupService(other);
    const first = await nodeA.startBackup(admin);
    await expect(nodeB.startBackup(admin)).rejects.toSatisfy((e: unknown) => isAppError(e, 'BACKUP_RUNNING'));
    await expect(nodeA.startBackup(admin)).rejects.toSatisfy((e: unknown) => isAppError(e, 'BACKUP_RUNNING'));
    expect((await first.done).status).toBe('success');
    expect((await nodeB.backupNow(admin)).status).toBe('success');
  });

  it('runs automatic backups at the policy’s Vietnam time, and not when disabled', async () => {
    clock.set('2026-11-24T00:00:00Z'); // 07:00 in Hà Nội
    const scheduler = new Scheduler(platform);
    const service = createBackupService(platform, scheduler);
    await service.setPolicy(admin, { mode: 'daily', dailyAt: '02:00', keep: 10, verifyRestore: false });
    expect((await service.nextRunAt())?.toISOString()).toBe('2026-11-24T19:00:00.000Z');
    expect(await scheduler.tick()).toEqual([]);
    clock.set('2026-11-24T19:00:00Z');
    const [run] = await scheduler.tick();
    expect(run).toMatchObject({ job: BACKUP_JOB, outcome: 'success' });
    const [latest] = await service.history(1);
    expect(latest).toMatchObject({ trigger: 'scheduled', status: 'success', actorName: 'scheduler' });
    expect((await service.nextRunAt())?.toISOString()).toBe('2026-11-25T19:00:00.000Z');

    await service.setPolicy(admin, { mode: 'interval', intervalHours: 6, keep: 10, verifyRestore: false });
    expect((await service.nextRunAt())?.toISOString()).toBe('2026-11-25T01:00:00.000Z');

    await service.setPolicy(admin, { enabled: false });
    clock.set('2026-11-25T19:00:00Z'); // a disabled policy is looked at again a day later
    const [skipped] = await scheduler.tick();
    expect(skipped).toMatchObject({
      outcome: 'success',
      message: 'automatic backups are disabled by the policy',
    });
    expect((await service.history(1))[0]?.id).toBe(latest?.id);
  });

  it('refuses a relative or unwritable destination and keeps the old policy', async () => {
    const service = createBackupService(platform);
    const before = await service.getPolicy();
    await expect(service.setPolicy(admin, { destination: 'relative/folder' })).rejects.toSatisfy(
      (e: unknown) => isAppError(e, 'VALIDATION_FAILED'),
    );
    const aFile = join(dir, 'a-file');
    writeFileSync(aFile, 'x');
    for (const destination of ['/proc/tinhso-cannot-write', join(aFile, 'sub')]) {
      await expect(service.setPolicy(admin, { destination })).rejects.toSatisfy((e: unknown) =>
        isAppError(e, 'VALIDATION_FAILED'),
      );
    }
    await expect(service.setPolicy(admin, { keep: 0 })).rejects.toSatisfy((e: unknown) =>
      isAppError(e, 'VALIDATION_FAILED'),
    );
    platform.settings.invalidate();
    expect(await service.getPolicy()).toEqual(before);
    const elsewhere = mkdtempSync(join(tmpdir(), 'tinhso-backup-elsewhere-'));
    await service.setPolicy(admin, { destination: join(elsewhere, 'nested'), verifyRestore: false });
    const record = await service.backupNow(admin);
    expect(record.file.startsWith(join(elsewhere, 'nested'))).toBe(true);
  });
});

describe.skipIf(!testDatabaseUrl)('backups across database kinds', () => {
  it('restores a backup taken from PGlite into PostgreSQL', async () => {
    const embedded = await openDatabase();
    opened.push(embedded);
    await migrate(embedded);
    const platform = await testPlatform(embedded, { clock: testClock() });
    await seed(platform, 'pglite');
    const file = join(mkdtempSync(join(tmpdir(), 'tinhso-cross-')), 'from-pglite.ndjson.gz');
    const dump = await writeBackupFile(embedded, file);
    expect(dump.manifest.database).toBe('pglite');
    const target = await freshDatabase();
    const result = await restoreBackup(target, file);
    const expected = new Map(dump.manifest.tables.map((t) => [t.name, t.rows]));
    for (const t of result.tables) {
      if (t.name !== 'schema_migrations') expect(t.rows, t.name).toBe(expected.get(t.name) ?? 0);
    }
    const [restoreEntry] = await searchAudit(target.db, { categories: ['backup'], limit: 1 });
    expect(restoreEntry?.details).toMatchObject({ sourceDatabase: 'pglite' });
    expect((await verifyChain(target.db)).ok).toBe(true);
  });
});
