import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/db.ts';
import type { Platform } from '../../core/platform.ts';
import type { RawEvent } from '../contracts.ts';
import { LocalQueue } from '../processing/local-queue.ts';
import { foldedVectorSql } from '../search/fold.ts';
import { createEventStore, type EventStore, TIMESTAMP_OUT_OF_RANGE_TAG } from './index.ts';
import { event, storeDeps } from './test-support.ts';

let database: TestDatabase;
let store: EventStore;
const platforms: Platform[] = [];

/** A store as one node has it (its own partition cache). */
async function newStore(): Promise<EventStore> {
  const { deps, platform } = await storeDeps(database);
  platforms.push(platform);
  return createEventStore(deps);
}

beforeAll(async () => {
  database = await createTestDatabase();
  store = await newStore();
});

afterAll(async () => {
  for (const p of platforms) await p.accessLog.close();
  await database.close();
});

type Row = Record<string, unknown>;
const rows = async (where: string, params: unknown[] = []): Promise<Row[]> =>
  database.rawTransaction((tx) =>
    tx.query<Row>(
      `select id::text, ts, input, dataset, kind, category, action, host_name, host(source_ip) as source_ip,
              source_port, host(destination_ip) as destination_ip, destination_port, severity, user_name,
              message, tags, doc from soc_events where ${where} order by ts, id`,
      params,
    ),
  );

describe('event store writer', () => {
  it('stores hostile strings exactly through COPY: tabs, newlines, backslashes, NUL, emoji, Vietnamese', async () => {
    const hostile = [
      'tab\there',
      'line1\nline2\r\nline3',
      'back\\slash \\N \\t \\\\ end\\',
      'nul\u0000byte',
      'emoji 🛡️🔥 and 𝕏',
      'Tiếng Việt: Ủy ban nhân dân tỉnh Bến Tre — đăng nhập thất bại',
      'quotes "double" \'single\' {braces} ,comma',
      'literal \\u0000 stays',
      'lone \ud800 surrogate',
    ];
    const marker = `hostile-${Date.now()}`;
    await store.write(
      hostile.map((s, i) =>
        event({
          message: s,
          host: { name: s },
          user: { name: s },
          event: { dataset: marker, action: `a${i}`, category: [s, 'authentication'] },
          tags: [s, '{x}'],
          nested: { value: s, [s]: 'as key' },
        }),
      ),
    );
    const stored = await rows('dataset = $1', [marker]);
    expect(stored).toHaveLength(hostile.length);
    const clean = (s: string) => s.replaceAll('\u0000', '\uFFFD').replaceAll('\ud800', '\uFFFD');
    for (const r of stored) {
      const i = Number(String(r.action).slice(1));
      const want = clean(hostile[i] as string);
      expect(r.message).toBe(want);
      expect(r.host_name).toBe(want);
      expect(r.user_name).toBe(want);
      expect(r.category).toEqual([want, 'authentication']);
      expect(r.tags).toEqual([want, '{x}']);
      const doc = r.doc as { message: string; nested: Record<string, string> };
      expect(doc.message).toBe(want);
      expect(doc.nested.value).toBe(want);
      expect(doc.nested[want]).toBe('as key');
    }
    // The literal text "\u0000" (backslash, u, zeros) is not a NUL and survives as written.
    expect(stored.some((r) => r.message === 'literal \\u0000 stays')).toBe(true);
  });

  it('keeps values a column cannot hold in the document only: invalid IPs, ports, huge host names', async () => {
    const marker = `odd-${Date.now()}`;
    const longHost = `h${'ộ'.repeat(5000)}`;
    await store.write([
      event({
        event: { dataset: marker, action: 'bad', severity: 99999 },
        source: { ip: '999.1.1.1', port: 70000 },
        destination: { ip: 'fe80::1%eth0', port: '443' },
        host: { name: longHost },
      }),
      event({
        event: { dataset: marker, action: 'good', severity: '3' },
        source: { ip: '2001:db8::7', port: 51234 },
        destination: { ip: '10.0.0.0/8', port: -1 },
      }),
    ]);
    const stored = await rows('dataset = $1', [marker]);
    const byAction = new Map(stored.map((r) => [r.action, r]));
    const b = byAction.get('bad') as Row;
    expect(b.source_ip).toBeNull();
    expect(b.source_port).toBeNull();
    expect(b.destination_ip).toBeNull();
    expect(b.destination_port).toBe(443);
    expect(b.severity).toBeNull();
    expect(String(b.host_name)).toHaveLength(512);
    expect((b.doc as { source: { ip: string } }).source.ip).toBe('999.1.1.1');
    expect((b.doc as { host: { name: string } }).host.name).toBe(longHost);
    const g = byAction.get('good') as Row;
    expect(g.source_ip).toBe('2001:db8::7');
    expect(g.source_port).toBe(51234);
    expect(g.destination_ip).toBeNull();
    expect(g.destination_port).toBeNull();
    expect(g.severity).toBe(3);
  });

  it('stores events with unbelievable timestamps at their arrival time, tagged, never dropping them', async () => {
    const marker = `clock-${Date.now()}`;
    const arrival = Date.now() - 60_000;
    await store.write([
      event({ event: { dataset: marker, action: 'epoch' } }, { ts: 0, receivedAt: arrival }),
      event(
        { event: { dataset: marker, action: 'future' } },
        { ts: Date.UTC(2100, 0, 1), receivedAt: arrival },
      ),
      event({ event: { dataset: marker, action: 'nan' } }, { ts: Number.NaN, receivedAt: arrival }),
      event({ event: { dataset: marker, action: 'fine' } }, { ts: arrival - 1000, receivedAt: arrival }),
    ]);
    const stored = await rows('dataset = $1', [marker]);
    expect(stored).toHaveLength(4);
    for (const r of stored) {
      const clamped = r.action !== 'fine';
      expect((r.ts as Date).getTime()).toBe(clamped ? arrival : arrival - 1000);
      expect((r.tags as string[] | null)?.includes(TIMESTAMP_OUT_OF_RANGE_TAG) ?? false).toBe(clamped);
    }
  });

  it('creates day partitions on demand, idempotently, when two writers race for the same new days', async () => {
    const second = await newStore();
    const base = Date.UTC(2025, 0, 10, 12);
    const days = [0, 1, 2, 3].map((d) => base + d * 86_400_000);
    const batch = (who: string) =>
      days.flatMap((ts) =>
        Array.from({ length: 25 }, (_, i) =>
          event(
            { event: { dataset: `race-${who}`, action: String(i) } },
            { ts: ts + i, receivedAt: Date.now() },
          ),
        ),
      );
    await Promise.all([store.write(batch('a')), second.write(batch('b')), store.write(batch('c'))]);
    const parts = await database.rawTransaction((tx) =>
      tx.query<{ name: string }>(
        `select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
          where i.inhparent = 'soc_events'::regclass and c.relname like 'soc_events_p202501%' order by 1`,
      ),
    );
    expect(parts.map((p) => p.name)).toEqual([
      'soc_events_p20250110',
      'soc_events_p20250111',
      'soc_events_p20250112',
      'soc_events_p20250113',
    ]);
    const counted = await database.rawTransaction((tx) =>
      tx.query<{ dataset: string; n: number }>(
        `select dataset, count(*)::int as n from soc_events where dataset like 'race-%' group by dataset order by 1`,
      ),
    );
    expect(counted).toEqual([
      { dataset: 'race-a', n: 100 },
      { dataset: 'race-b', n: 100 },
      { dataset: 'race-c', n: 100 },
    ]);
  });

  it('gives each new partition a large pending list on its message-words index, and a word search reads it', async () => {
    const { deps, platform } = await storeDeps(database, { 'soc.store.messageIndexPendingKb': 12_345 });
    platforms.push(platform);
    const own = createEventStore(deps);
    const ts = Date.UTC(2025, 1, 3, 8);
    await own.write([event({ message: 'Đăng nhập thất bại từ máy tramkiemtra' }, { ts })]);
    const options = await database.rawTransaction((tx) =>
      tx.query<{ options: string[] | null }>(
        `select c.reloptions as options from pg_inherits i join pg_class c on c.oid = i.inhrelid
           join pg_index x on x.indexrelid = c.oid
          where i.inhparent = 'soc_events_message_words'::regclass
            and x.indrelid = 'soc_events_p20250203'::regclass`,
      ),
    );
    expect(options).toEqual([{ options: ['gin_pending_list_limit=12345'] }]);
    // The row sits in the pending list (no vacuum ran): the index search must still find it, diacritics folded.
    const found = await database.rawTransaction(async (tx) => {
      await tx.exec('set local enable_seqscan = off');
      return tx.query<{ n: number }>(
        `select count(*)::int as n from soc_events
          where ts >= '2025-02-03' and ts < '2025-02-04'
            and ${foldedVectorSql('message')} @@ to_tsquery('simple', 'dang <-> nhap & tramkiemtra')`,
      );
    });
    expect(found).toEqual([{ n: 1 }]);
  });

  it('adds each batch to the volume rollup per day, source, unit and dataset', async () => {
    const src = '7b0c6c53-7c53-4c1e-9a53-9a1d4f0e0001';
    const unit = '7b0c6c53-7c53-4c1e-9a53-9a1d4f0e0002';
    const day = Date.UTC(2025, 1, 3, 5);
    const mk = (dataset: string, n: number) =>
      Array.from({ length: n }, () =>
        event({ event: { dataset } }, { ts: day, receivedAt: Date.now(), sourceId: src, unitId: unit }),
      );
    await store.write([...mk('vol.a', 3), ...mk('vol.b', 2)]);
    await store.write(mk('vol.a', 4));
    const vol = await database.rawTransaction((tx) =>
      tx.query<{ dataset: string; events: number; bytes: number; day: string }>(
        `select dataset, events::int as events, bytes::int as bytes, to_char(day, 'YYYY-MM-DD') as day
           from soc_event_volume where source_id = $1 and unit_id = $2 order by dataset`,
        [src, unit],
      ),
    );
    expect(vol.map((v) => [v.day, v.dataset, v.events])).toEqual([
      ['2025-02-03', 'vol.a', 7],
      ['2025-02-03', 'vol.b', 2],
    ]);
    expect(vol.every((v) => v.bytes > 50 * v.events)).toBe(true);
  });

  it('with replace, a redelivered batch with the same ids is stored and counted in the volume once', async () => {
    const ids = ['0b7e1c2a-1111-4a2b-8c3d-000000000001', '0b7e1c2a-1111-4a2b-8c3d-000000000002'];
    const ts = Date.now() - 5000;
    const batch = (n = ids.length) =>
      ids.slice(0, n).map((_, i) => event({ event: { dataset: 'redelivery', action: String(i) } }, { ts }));
    const volume = async () =>
      database.rawTransaction((tx) =>
        tx.query<{ events: number; bytes: number }>(
          `select sum(events)::int as events, sum(bytes)::int as bytes from soc_event_volume
            where dataset = 'redelivery'`,
        ),
      );
    // The first delivery stored only the first event (say, the rest of its message came later).
    await store.write(batch(1), { ids: ids.slice(0, 1) });
    const first = (await volume())[0];
    expect(first?.events).toBe(1);
    await store.write(batch(), { ids, replace: true });
    await store.write(batch(), { ids, replace: true });
    const stored = await rows('dataset = $1', ['redelivery']);
    expect(stored.map((r) => r.id)).toEqual(ids);
    const [after] = await volume();
    expect(after?.events).toBe(2);
    expect(after?.bytes).toBeGreaterThan(first?.bytes ?? 0);
    expect(after?.bytes).toBeLessThan(3 * (first?.bytes ?? 0));
  });

  it('resolves only after commit; a failing database rejects the whole batch and the queue retries it', async () => {
    const marker = `retry-${Date.now()}`;
    // The rollup table missing makes the transaction fail after the COPY: nothing of the batch may remain.
    await database.rawTransaction((tx) =>
      tx.exec('alter table soc_event_volume rename to soc_event_volume_off'),
    );
    await expect(store.write([event({ event: { dataset: marker } })])).rejects.toThrow(/soc_event_volume/);
    expect(await rows('dataset = $1', [marker])).toHaveLength(0);

    const errors: unknown[] = [];
    const queue = new LocalQueue({
      capacity: 100,
      batchSize: 10,
      flushIntervalMs: 1,
      maxRetryDelayMs: 20,
      onError: (err) => {
        errors.push(err);
        // Repair after the first failure: the retry must then store the batch exactly once.
        if (errors.length === 1) {
          void database.rawTransaction((tx) =>
            tx.exec('alter table soc_event_volume_off rename to soc_event_volume'),
          );
        }
      },
      process: (batch: RawEvent[]) =>
        store.write(batch.map((r) => event({ event: { dataset: marker, action: r.text } }))),
    });
    await queue.submit(
      [1, 2, 3].map((i) => ({ input: 't', kind: 'http', receivedAt: Date.now(), text: `e${i}` })),
    );
    expect(errors.length).toBeGreaterThanOrEqual(1);
    const stored = await rows('dataset = $1', [marker]);
    expect(stored.map((r) => r.action).sort()).toEqual(['e1', 'e2', 'e3']);
    await queue.close();
  });
});
