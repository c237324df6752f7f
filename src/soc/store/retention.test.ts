import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/db.ts';
import type { Platform } from '../../core/platform.ts';
import type { NormalisedEvent } from '../contracts.ts';
import { createEventStore, type EventStore, type RetentionPolicy } from './index.ts';
import { event, storeDeps } from './test-support.ts';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 2, 20, 12);
const A = 'a0000000-0000-4000-8000-00000000000a'; // own retention 3 days
const B = 'b0000000-0000-4000-8000-00000000000b'; // own retention 10 days (the longest)
const C = 'c0000000-0000-4000-8000-00000000000c'; // inventoried, no retention of its own → default

let database: TestDatabase;
let platform: Platform;
let store: EventStore;
let policy: RetentionPolicy;
let clock: { now: Date };

beforeAll(async () => {
  database = await createTestDatabase();
  const r = await storeDeps(database);
  platform = r.platform;
  r.clock.now = new Date(NOW);
  clock = r.clock;
  policy = {
    defaultDays: 5,
    perSource: [
      { sourceId: A, days: 3 },
      { sourceId: B, days: 10 },
    ],
  };
  store = createEventStore(r.deps, { retention: async () => policy });
});

afterAll(async () => {
  await platform.accessLog.close();
  await database.close();
});

const count = async (sql: string) =>
  (await database.rawTransaction((tx) => tx.query<{ n: number }>(sql)))[0]?.n ?? -1;

describe('event store retention', () => {
  it('drops partitions past the longest retention and deletes only shorter-retention sources’ rows', async () => {
    const events: NormalisedEvent[] = [];
    for (let k = 0; k <= 12; k++) {
      const ts = NOW - k * DAY - 3_600_000;
      for (const sourceId of [A, B, C, null]) {
        events.push(
          event({ event: { dataset: 'ret', action: String(k) } }, { ts, receivedAt: NOW, sourceId }),
        );
      }
    }
    await store.write(events);
    expect(await count(`select count(*)::int as n from soc_events where dataset = 'ret'`)).toBe(52);

    const result = await store.applyRetention();
    expect(result.maxDays).toBe(10);
    expect(result.droppedPartitions).toEqual(['soc_events_p20260308', 'soc_events_p20260309']);
    const left = await database.rawTransaction((tx) =>
      tx.query<{ source: string; actions: string[] }>(
        `select coalesce(source_id::text, 'none') as source, array_agg(action order by action::int) as actions
           from soc_events where dataset = 'ret' group by 1 order by 1`,
      ),
    );
    const upTo = (n: number) => Array.from({ length: n + 1 }, (_, i) => String(i));
    expect(Object.fromEntries(left.map((r) => [r.source, r.actions]))).toEqual({
      [A]: upTo(2),
      [B]: upTo(10),
      [C]: upTo(4),
      none: upTo(4),
    });
    // The dropped days' tables are gone, not merely detached.
    expect(
      await count(`select count(*)::int as n from pg_class where relname = 'soc_events_p20260309'`),
    ).toBe(0);

    // A second run finds nothing more to do, and writing to a dropped day recreates its partition.
    const again = await store.applyRetention();
    expect(again).toMatchObject({ droppedPartitions: [], deletedRows: 0 });
    await store.write([event({ event: { dataset: 'late' } }, { ts: NOW - 11 * DAY, receivedAt: NOW })]);
    expect(await count(`select count(*)::int as n from soc_events where dataset = 'late'`)).toBe(1);
  });

  it('keeps the events of a forensic import for the default retention counted from the import, not from their time', async () => {
    const importedAt = NOW;
    const old = NOW - 40 * DAY; // past every retention (the longest is 10 days)
    const recent = NOW - 7 * DAY; // past the default (5), within the longest (10)
    await store.write([
      event(
        { event: { dataset: 'imp', action: 'old' } },
        { ts: old, receivedAt: importedAt, input: 'file:x' },
      ),
      event(
        { event: { dataset: 'imp', action: 'recent' } },
        { ts: recent, receivedAt: importedAt, input: 'file:x' },
      ),
      event(
        { event: { dataset: 'imp', action: 'live-old' } },
        { ts: old, receivedAt: old, input: 'syslog-tcp' },
      ),
      event(
        { event: { dataset: 'imp', action: 'live-recent' } },
        { ts: recent, receivedAt: recent, input: 'bulk' },
      ),
    ]);
    const actions = async () =>
      (
        await database.rawTransaction((tx) =>
          tx.query<{ action: string }>(`select action from soc_events where dataset = 'imp' order by action`),
        )
      ).map((r) => r.action);

    const first = await store.applyRetention();
    // The old day stays for the imported event alone; the live events go as before.
    expect(first.droppedPartitions).not.toContain('soc_events_p20260208');
    expect(await actions()).toEqual(['old', 'recent']);

    // Five days after the import (the default retention), the imported events go too, and the old day with them.
    clock.now = new Date(importedAt + 6 * DAY);
    try {
      const second = await store.applyRetention();
      expect(second.droppedPartitions).toContain('soc_events_p20260208');
      expect(await actions()).toEqual([]);
    } finally {
      clock.now = new Date(NOW);
    }
  });

  it('a node whose cached partition was dropped by another node recreates it and stores the batch', async () => {
    const other = await storeDeps(database);
    other.clock.now = new Date(NOW);
    const node2 = createEventStore(other.deps, { scheduleRetention: false });
    const day = NOW - 11 * DAY;
    await node2.write([event({ event: { dataset: 'node2' } }, { ts: day, receivedAt: NOW })]);
    expect((await store.applyRetention()).droppedPartitions).toEqual(['soc_events_p20260309']);
    await node2.write([event({ event: { dataset: 'node2' } }, { ts: day + 1, receivedAt: NOW })]);
    expect(await count(`select count(*)::int as n from soc_events where dataset = 'node2'`)).toBe(1);
    await other.platform.accessLog.close();
  });
});
