/**
 * @module soc/search/testing
 * Test helper: puts events straight into `soc_events` (creating the day partitions they need), so the
 * search is tested on rows of known content without the ingest path. The store's writer is the real one.
 */
import { randomUUID } from 'node:crypto';
import { type Db, queryRows, sql } from '../../core/db/index.ts';
import type { EcsDoc } from '../contracts.ts';
import { columnFields, getField } from '../ecs/fields.ts';

/** An event to insert; columns are derived from `doc` like the writer does. */
export interface TestEvent {
  ts: Date;
  doc: EcsDoc;
  id?: string;
  unitId?: string | null;
  input?: string;
}

const DAY_MS = 86_400_000;

/** Creates the UTC-day partitions covering the given times (idempotent). */
export async function ensurePartitions(db: Db, times: Date[]): Promise<void> {
  const days = new Set(times.map((t) => Math.floor(t.getTime() / DAY_MS)));
  for (const day of days) {
    const from = new Date(day * DAY_MS).toISOString().slice(0, 10);
    const to = new Date((day + 1) * DAY_MS).toISOString().slice(0, 10);
    // The name is built from digits only; DDL cannot take bind parameters.
    const name = `soc_events_t${from.replaceAll('-', '')}`;
    await db.execute(
      sql.raw(
        `create table if not exists ${name} partition of soc_events for values from ('${from} 00:00:00+00') to ('${to} 00:00:00+00')`,
      ),
    );
  }
}

function asArray(v: unknown): string[] | null {
  if (v === undefined || v === null) return null;
  return (Array.isArray(v) ? v : [v]).map(String);
}

/** Inserts events in one statement; returns their addresses in the given order. */
export async function insertEvents(db: Db, events: TestEvent[]): Promise<{ ts: string; id: string }[]> {
  await ensurePartitions(
    db,
    events.map((e) => e.ts),
  );
  const records = events.map((e) => {
    const r: Record<string, unknown> = {
      ts: e.ts.toISOString(),
      id: e.id ?? randomUUID(),
      received_at: e.ts.toISOString(),
      input: e.input ?? 'test',
      unit_id: e.unitId ?? null,
      doc: e.doc,
    };
    for (const [field, spec] of Object.entries(columnFields)) {
      if (spec.column === 'ts') continue;
      const v = getField(e.doc, field);
      r[spec.column] = spec.type === 'text[]' ? asArray(v) : v === undefined ? null : v;
    }
    return r;
  });
  await queryRows(
    db,
    sql`insert into soc_events (ts, id, received_at, input, unit_id, dataset, kind, category, action, outcome,
          severity, host_name, source_ip, source_port, destination_ip, destination_port, user_name, process_name,
          message, tags, doc)
        select ts, id, received_at, input, unit_id, dataset, kind, category, action, outcome, severity, host_name,
          source_ip, source_port, destination_ip, destination_port, user_name, process_name, message, tags, doc
        from jsonb_to_recordset(${JSON.stringify(records)}::jsonb) as r(ts timestamptz, id uuid,
          received_at timestamptz, input text, unit_id uuid, dataset text, kind text, category text[], action text,
          outcome text, severity smallint, host_name text, source_ip inet, source_port integer, destination_ip inet,
          destination_port integer, user_name text, process_name text, message text, tags text[], doc jsonb)`,
  );
  return records.map((r) => ({ ts: r.ts as string, id: r.id as string }));
}
