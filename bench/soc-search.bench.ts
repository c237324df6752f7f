/**
 * bench/soc-search.bench.ts — the SIEM's event search over generated events. Fills `soc_events` with
 * set-based SQL (generate_series; a realistic mix of datasets, a skewed distribution of hosts, users and
 * addresses over BENCH_DAYS days), then times representative searches over the last 24 h through the search
 * service (parse, compile, hits + capped count) against the same work written as raw SQL by hand, and
 * measures what each search index costs at ingest. Prints one JSON line.
 *
 *   BENCH_DATABASE_URL / TEST_DATABASE_URL  PostgreSQL (else PGlite, small sizes only)
 *   BENCH_EVENTS (default 200000), BENCH_DAYS (default 7), BENCH_RUNS (default 5)
 *   BENCH_SCHEMA=name  reuse (or keep) a filled schema instead of a fresh, dropped one
 *   BENCH_INGEST_ROWS (default 50000): rows per index-cost measurement
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { systemCtx } from '../src/core/context.ts';
import { type Database, migrate, openDatabase, queryRows, quoteIdent, sql } from '../src/core/db/index.ts';
import { foldedVectorSql } from '../src/soc/search/fold.ts';
import { createSearchService } from '../src/soc/search/service.ts';
import { machine } from './lib.ts';

const url = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? '';
const EVENTS = Number(process.env.BENCH_EVENTS ?? 200_000);
const DAYS = Number(process.env.BENCH_DAYS ?? 7);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const INGEST_ROWS = Number(process.env.BENCH_INGEST_ROWS ?? 50_000);
const DAY_MS = 86_400_000;
const CHUNK = 250_000;

async function openBenchDatabase(): Promise<{
  database: Database;
  fresh: boolean;
  drop: () => Promise<void>;
}> {
  if (!url) {
    const database = await openDatabase();
    await migrate(database);
    return { database, fresh: true, drop: async () => {} };
  }
  const schema = process.env.BENCH_SCHEMA ?? `bench_search_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  const exists = (await admin.query('select 1 from pg_namespace where nspname = $1', [schema])).rowCount! > 0;
  if (!exists) await admin.query(`create schema ${quoteIdent(schema)}`);
  await admin.end();
  const database = await openDatabase({ url, schema, poolSize: 4 });
  await migrate(database);
  return {
    database,
    fresh: !exists,
    drop: async () => {
      if (process.env.BENCH_SCHEMA) return;
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`drop schema ${quoteIdent(schema)} cascade`);
      await c.end();
    },
  };
}

/** The fill: each chunk is one time slice, inserted in time order as ingest would. */
function fillChunk(sliceStart: Date, sliceMs: number, rows: number, units: string[]) {
  return sql`
    insert into soc_events (ts, id, received_at, input, unit_id, dataset, kind, category, action, outcome, severity,
      host_name, source_ip, source_port, destination_ip, destination_port, user_name, process_name, message, tags, doc)
    select ts, gen_random_uuid(), ts, 'bench', (${`{${units.join(',')}}`}::uuid[])[1 + h % ${units.length}],
      ds, kind, cat, act, outc, sev, host, sip, sport, dip, dport, usr, proc, msg, tg,
      jsonb_strip_nulls(jsonb_build_object(
        '@timestamp', ts, 'message', msg, 'tags', tg,
        'event', jsonb_build_object('dataset', ds, 'kind', kind, 'category', cat, 'action', act, 'outcome', outc, 'severity', sev),
        'host', jsonb_build_object('name', host),
        'source', jsonb_build_object('ip', host(sip), 'port', sport),
        'destination', jsonb_build_object('ip', host(dip), 'port', dport),
        'user', jsonb_build_object('name', usr),
        'process', jsonb_build_object('name', proc),
        'http', case when ds = 'nginx.access' then jsonb_build_object('response', jsonb_build_object('status_code', status)) end,
        'rule', case when ds = 'suricata.eve' then jsonb_build_object('name', 'ET SCAN Potential SSH Scan', 'id', 2001219) end,
        'winlog', case when ds = 'windows.security' then jsonb_build_object('event_id', 4625 + (r % 3)) end))
    from (
      select ts, h, u, d, r, status,
        case when d < 40 then 'linux.auth' when d < 70 then 'nginx.access' when d < 85 then 'suricata.eve' else 'windows.security' end as ds,
        case when d between 70 and 84 then 'alert' else 'event' end as kind,
        case when d < 40 or d >= 85 then array['authentication'] when d < 70 then array['web'] else array['network', 'intrusion_detection'] end as cat,
        case when d < 40 then 'ssh_login' when d < 70 then 'http_request' when d < 85 then 'alert' else 'logon' end as act,
        case when r % 10 < 3 then 'failure' else 'success' end as outc,
        (1 + r % 7)::smallint as sev,
        'host-' || lpad(h::text, 4, '0') as host,
        case when r % 10 < 6 then ('10.' || (u % 40) || '.' || (h % 256) || '.' || (1 + r % 254))::inet
             when r % 10 < 9 then ('203.0.' || (r % 256) || '.' || (1 + u % 254))::inet
             else ('2001:db8:' || to_hex(h) || '::' || to_hex(u))::inet end as sip,
        1024 + (r / 7) % 60000 as sport,
        ('10.200.' || (h % 16) || '.' || (1 + h % 200))::inet as dip,
        case when d < 40 then 22 when d < 70 then 443 else 445 end as dport,
        case when u % 50 = 0 then 'admin' when u % 50 = 1 then 'administrator' when u % 50 = 2 then 'root'
             else 'user' || lpad(u::text, 4, '0') end as usr,
        case when d < 40 then 'sshd' when d < 70 then 'nginx' when d < 85 then 'suricata' else 'lsass.exe' end as proc,
        case when d < 40 then (case when r % 10 < 3 then 'Failed password for ' else 'Accepted publickey for ' end)
                               || 'user' || lpad(u::text, 4, '0') || ' from 10.' || (u % 40) || '.0.1 port ' || (1024 + r % 60000) || ' ssh2'
             when d < 70 then 'GET /dich-vu/tra-cuu?ma=' || r || ' HTTP/1.1 ' || status || ' — Tra cứu hồ sơ ' || (case when r % 2 = 0 then 'Sở Tài chính' else 'Sở Y tế' end)
             when d < 85 then 'ET SCAN Potential SSH Scan from 203.0.' || (r % 256) || '.' || (1 + u % 254)
             else 'An account failed to log on: tài khoản user' || lpad(u::text, 4, '0') end as msg,
        case when r % 100 = 0 then array['_parse_error'] when d between 70 and 84 then array['ids'] else null end as tg
      from (
        select ${sliceStart.toISOString()}::timestamptz + (g::float8 / ${rows} * ${sliceMs}) * interval '1 millisecond' as ts,
          floor(power(random(), 3) * 2000)::int as h,
          floor(power(random(), 2) * 5000)::int as u,
          floor(random() * 100)::int as d,
          floor(random() * 1000000)::int as r,
          (array[200, 200, 200, 200, 301, 304, 404, 404, 500, 403])[1 + floor(random() * 10)::int] as status
        from generate_series(0, ${rows - 1}) as g
      ) raw
    ) e`;
}

async function fill(
  database: Database,
  end: Date,
  units: string[],
): Promise<{ seconds: number; rowsPerSec: number; indexBuildSeconds: number }> {
  const db = database.db;
  const start = new Date(end.getTime() - DAYS * DAY_MS);
  const firstDay = Math.floor(start.getTime() / DAY_MS);
  const lastDay = Math.floor(end.getTime() / DAY_MS);
  for (let day = firstDay; day <= lastDay; day++) {
    const from = new Date(day * DAY_MS).toISOString().slice(0, 10);
    const to = new Date((day + 1) * DAY_MS).toISOString().slice(0, 10);
    await db.execute(
      sql.raw(
        `create table if not exists soc_events_b${from.replaceAll('-', '')} partition of soc_events for values from ('${from} 00:00:00+00') to ('${to} 00:00:00+00')`,
      ),
    );
  }
  // Filling millions of rows through every index would take most of an hour on two cores; the indexes are
  // dropped, the rows inserted, and the migration's indexes built again (their ingest cost is measured apart).
  const indexes = readFileSync(
    join(import.meta.dirname, '..', 'src', 'soc', 'migrations', '202612070141_soc_events_indexes.sql'),
    'utf8',
  )
    .replace(/--.*$/gm, '')
    .split(';')
    .map((s) => s.trim())
    .filter((s) => s.startsWith('create index'));
  for (const ddl of indexes) {
    const name = /create index (\w+)/.exec(ddl)?.[1] as string;
    await db.execute(sql.raw(`drop index if exists ${quoteIdent(name)}`));
  }
  const chunks = Math.max(1, Math.ceil(EVENTS / CHUNK));
  const sliceMs = (end.getTime() - start.getTime()) / chunks;
  const t0 = performance.now();
  for (let i = 0; i < chunks; i++) {
    const rows = Math.min(CHUNK, EVENTS - i * CHUNK);
    await db.execute(fillChunk(new Date(start.getTime() + i * sliceMs), sliceMs, rows, units));
    process.stderr.write(`\rfilled ${Math.min(EVENTS, (i + 1) * CHUNK)} / ${EVENTS}`);
  }
  process.stderr.write('\n');
  const seconds = (performance.now() - t0) / 1000;
  const t1 = performance.now();
  for (const ddl of indexes) await db.execute(sql.raw(ddl));
  const indexSeconds = (performance.now() - t1) / 1000;
  await db.execute(sql`analyze soc_events`);
  return {
    seconds: Math.round(seconds),
    rowsPerSec: Math.round(EVENTS / seconds),
    indexBuildSeconds: Math.round(indexSeconds),
  };
}

/** Rows/s of inserting the same rows into a scratch table with one index at a time, against none. */
async function ingestCost(database: Database): Promise<Record<string, number>> {
  const db = database.db;
  await db.execute(sql`drop table if exists bench_ingest`);
  await db.execute(sql`create table bench_ingest (like soc_events)`);
  await db.execute(sql`drop table if exists bench_source`);
  await db.execute(
    sql`create table bench_source as select * from soc_events order by ts desc limit ${INGEST_ROWS}`,
  );
  const candidates: Record<string, string | null> = {
    none: null,
    ts_id: 'create index on bench_ingest (ts, id)',
    host_name_ts: 'create index on bench_ingest (host_name text_pattern_ops, ts)',
    user_name_ts: 'create index on bench_ingest (user_name text_pattern_ops, ts)',
    source_ip_ts: 'create index on bench_ingest (source_ip, ts)',
    destination_ip_ts: 'create index on bench_ingest (destination_ip, ts)',
    dataset_ts: 'create index on bench_ingest (dataset, ts)',
    tags_gin: 'create index on bench_ingest using gin (tags)',
    category_gin: 'create index on bench_ingest using gin (category)',
    message_words_gin: `create index on bench_ingest using gin (${foldedVectorSql('message')})`,
    doc_path_ops_gin_not_created: 'create index on bench_ingest using gin (doc jsonb_path_ops)',
  };
  const rate: Record<string, number> = {};
  const insertOnce = async () => {
    await db.execute(sql`truncate bench_ingest`);
    const t0 = performance.now();
    await db.execute(sql`insert into bench_ingest select * from bench_source order by ts`);
    return INGEST_ROWS / ((performance.now() - t0) / 1000);
  };
  for (const [name, ddl] of Object.entries(candidates)) {
    if (ddl) await db.execute(sql.raw(ddl));
    const runs = [await insertOnce(), await insertOnce()];
    rate[name] = Math.round(Math.max(...runs));
    if (ddl) {
      const idx = await queryRows<{ name: string }>(
        db,
        sql`select indexname as name from pg_indexes where tablename = 'bench_ingest' and schemaname = current_schema()`,
      );
      for (const i of idx) await db.execute(sql.raw(`drop index ${quoteIdent(i.name)}`));
    }
  }
  await db.execute(sql`drop table bench_ingest`);
  await db.execute(sql`drop table bench_source`);
  return rate;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

async function time(fn: () => Promise<unknown>): Promise<number> {
  await fn(); // warm: the first run reads pages from disk once, as any later search would not
  const runs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await fn();
    runs.push(performance.now() - t0);
  }
  return Math.round(median(runs) * 10) / 10;
}

async function main() {
  const { database, fresh, drop } = await openBenchDatabase();
  const db = database.db;
  const units = Array.from({ length: 20 }, () => randomUUID());
  let end: Date;
  let filled: { seconds: number; rowsPerSec: number; indexBuildSeconds: number } | null = null;
  const existing = await queryRows<{ n: number; end: number | null }>(
    db,
    sql`select count(*)::float8 as n, extract(epoch from max(ts))::float8 * 1000 as end from soc_events`,
  );
  if (!fresh && Number(existing[0]?.n) > 0) {
    end = new Date(Number(existing[0]!.end));
  } else {
    end = new Date();
    filled = await fill(database, end, units);
  }
  const count = Number(
    (await queryRows<{ n: number }>(db, sql`select count(*)::float8 as n from soc_events`))[0]?.n ?? 0,
  );
  const from = new Date(end.getTime() - DAY_MS);
  const svc = createSearchService({ db, org: { visibleUnitIds: async () => 'all' }, now: () => end });
  const range = { from: from.toISOString(), to: new Date(end.getTime() + 1).toISOString() };
  const rawRange = sql`ts >= ${range.from}::timestamptz and ts < ${range.to}::timestamptz`;
  const cols = sql.raw('ts, id, dataset, host_name, source_ip, user_name, message, doc');
  const rawSearch = async (where: ReturnType<typeof sql>) => {
    await queryRows(
      db,
      sql`select ${cols} from soc_events where ${rawRange} and ${where} order by ts desc, id desc limit 50`,
    );
    await queryRows(
      db,
      sql`select count(*) from (select 1 from soc_events where ${rawRange} and ${where} limit 10001) s`,
    );
  };
  const vector = sql.raw(foldedVectorSql('message'));
  const cases: { name: string; query: string; raw: () => Promise<unknown> }[] = [
    { name: 'field', query: 'host.name:host-0042', raw: () => rawSearch(sql`host_name = 'host-0042'`) },
    {
      name: 'field_and_outcome',
      query: 'user.name:admin AND event.outcome:failure',
      raw: () => rawSearch(sql`user_name = 'admin' and outcome = 'failure'`),
    },
    {
      name: 'cidr',
      query: 'source.ip:10.7.0.0/16',
      raw: () => rawSearch(sql`source_ip <<= '10.7.0.0/16'::inet`),
    },
    { name: 'wildcard', query: 'user.name:admin*', raw: () => rawSearch(sql`user_name like 'admin%'`) },
    {
      name: 'phrase',
      query: '"failed password for user0042"',
      raw: () => rawSearch(sql`${vector} @@ phraseto_tsquery('simple', 'failed password for user0042')`),
    },
    { name: 'tags', query: 'tags:_parse_error', raw: () => rawSearch(sql`tags @> array['_parse_error']`) },
    {
      name: 'doc_field',
      query: 'http.response.status_code:500',
      raw: () => rawSearch(sql`doc #>> '{http,response,status_code}' = '500'`),
    },
  ];
  const queries: Record<string, { ms: number; rawMs: number; ratio: number; total: number }> = {};
  for (const c of cases) {
    let total = 0;
    const ms = await time(async () => {
      total = (await svc.search(systemCtx(), { query: c.query, ...range, size: 50 })).total.value;
    });
    const rawMs = await time(c.raw);
    queries[c.name] = { ms, rawMs, ratio: Math.round((rawMs / Math.max(ms, 0.1)) * 100) / 100, total };
    process.stderr.write(`${c.name}: ${ms} ms (raw ${rawMs} ms), total ${total}\n`);
  }
  const aggs: Record<string, { ms: number; rawMs: number; ratio: number }> = {};
  const aggCases: { name: string; run: () => Promise<unknown>; raw: () => Promise<unknown> }[] = [
    {
      name: 'terms_host',
      run: () => svc.terms(systemCtx(), { query: '', ...range, field: 'host.name', size: 10 }),
      raw: () =>
        queryRows(
          db,
          sql`select host_name, count(*) from soc_events where ${rawRange} and host_name is not null group by 1 order by 2 desc limit 10`,
        ),
    },
    {
      name: 'histogram',
      run: () => svc.histogram(systemCtx(), { query: '', ...range, series: 5 }),
      raw: () =>
        queryRows(
          db,
          sql`select date_bin('15 minutes', ts, '2000-01-03T00:00:00+07:00'), count(*) from soc_events where ${rawRange} group by 1`,
        ),
    },
    {
      name: 'histogram_field_query',
      run: () =>
        svc.histogram(systemCtx(), {
          query: 'event.outcome:failure AND event.dataset:linux.auth',
          ...range,
          series: 5,
        }),
      raw: () =>
        queryRows(
          db,
          sql`select date_bin('15 minutes', ts, '2000-01-03T00:00:00+07:00'), count(*) from soc_events where ${rawRange} and outcome = 'failure' and dataset = 'linux.auth' group by 1`,
        ),
    },
    {
      name: 'histogram_split_dataset',
      run: () => svc.histogram(systemCtx(), { query: '', ...range, field: 'event.dataset', series: 5 }),
      raw: () =>
        queryRows(
          db,
          sql`select date_bin('15 minutes', ts, '2000-01-03T00:00:00+07:00'), dataset, count(*) from soc_events where ${rawRange} group by 1, 2`,
        ),
    },
  ];
  for (const a of aggCases) {
    const ms = await time(a.run);
    const rawMs = await time(a.raw);
    aggs[a.name] = { ms, rawMs, ratio: Math.round((rawMs / Math.max(ms, 0.1)) * 100) / 100 };
    process.stderr.write(`${a.name}: ${ms} ms (raw ${rawMs} ms)\n`);
  }
  const ingest = await ingestCost(database);
  const dayRows = Number(
    (
      await queryRows<{ n: number }>(db, sql`select count(*)::float8 as n from soc_events where ${rawRange}`)
    )[0]?.n ?? 0,
  );
  const size = await queryRows<{ bytes: number; index_bytes: number }>(
    db,
    sql`select coalesce(sum(pg_table_size(c.oid)), 0)::float8 as bytes, coalesce(sum(pg_indexes_size(c.oid)), 0)::float8 as index_bytes
        from pg_inherits i join pg_class c on c.oid = i.inhrelid join pg_class p on p.oid = i.inhparent
        where p.relname = 'soc_events' and p.relnamespace = (select oid from pg_namespace where nspname = current_schema())`,
  );
  console.log(
    JSON.stringify({
      bench: 'soc-search',
      database: database.kind,
      machine: machine(),
      events: count,
      days: DAYS,
      eventsLast24h: dayRows,
      tableMiB: Math.round(Number(size[0]?.bytes ?? 0) / 2 ** 20),
      indexMiB: Math.round(Number(size[0]?.index_bytes ?? 0) / 2 ** 20),
      fill: filled,
      runs: RUNS,
      queries,
      aggregations: aggs,
      ingestRowsPerSec: ingest,
    }),
  );
  await database.close();
  await drop();
}

await main();
