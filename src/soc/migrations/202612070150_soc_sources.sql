-- SIEM sources (SOC-10, SOC-17, SOC-25): the province's information systems (managed objects, security level
-- of Nghị định 85/2016), the log sources inventoried when their events are first seen, the public IP ranges
-- registered for each system, and the silence alerts of sources that stopped reporting.
-- unit_id columns reference org units by id only (modules never join each other's tables).

create table soc_systems (
  id uuid primary key,
  unit_id uuid not null,
  code text not null unique check (code ~ '^[a-z0-9-]{2,40}$'),
  name text not null check (length(name) between 1 and 255),
  -- Name folded for diacritic-insensitive search (no marks, đ → d, lower case), filled by the application.
  name_search text not null,
  -- Cấp độ an toàn hệ thống thông tin, Nghị định 85/2016/NĐ-CP, Điều 7: 1 (thấp nhất) … 5.
  security_level smallint not null check (security_level between 1 and 5),
  description text check (length(description) <= 2000),
  created_at timestamptz not null,
  updated_at timestamptz not null
);
create index soc_systems_unit_idx on soc_systems (unit_id);

create table soc_sources (
  id uuid primary key,
  -- `<input family>|<identity>` (see src/soc/sources/source-key.ts): the same host through syslog and through
  -- Winlogbeat are two sources, because each shipper can fail on its own.
  key text not null unique check (length(key) <= 600),
  input_kind text not null,
  kind text not null check (kind in ('host', 'network-device', 'agent', 'sensor', 'application')),
  name text not null check (length(name) between 1 and 255),
  name_search text not null,
  -- The sender's address when first seen (log.source.address or host.ip), for the inventory's display.
  address inet,
  unit_id uuid,
  system_id uuid references soc_systems (id) on delete set null,
  -- Seconds between reports before the source counts as silent (× soc.sources.graceFactor); null = default of
  -- its kind, 0 = not watched.
  expected_interval_seconds integer check (expected_interval_seconds between 0 and 31536000),
  -- Days its events are kept; null = soc.store.defaultRetentionDays.
  retention_days integer check (retention_days between 1 and 36500),
  first_seen timestamptz,
  last_seen timestamptz,
  events bigint not null default 0,
  created_at timestamptz not null,
  updated_at timestamptz not null
);
create index soc_sources_unit_idx on soc_sources (unit_id);
create index soc_sources_system_idx on soc_sources (system_id);
create index soc_sources_last_seen_idx on soc_sources (last_seen);

create table soc_ip_ranges (
  id uuid primary key,
  cidr cidr not null unique,
  -- A system with ranges cannot be deleted: its ranges go first (SOC_SYSTEM_HAS_RANGES).
  system_id uuid not null references soc_systems (id) on delete restrict,
  unit_id uuid not null,
  description text check (length(description) <= 2000),
  created_at timestamptz not null,
  updated_at timestamptz not null
);
create index soc_ip_ranges_unit_idx on soc_ip_ranges (unit_id);
create index soc_ip_ranges_system_idx on soc_ip_ranges (system_id);

create table soc_source_alerts (
  id uuid primary key,
  source_id uuid not null references soc_sources (id) on delete cascade,
  -- The source's unit when raised (scope of reading; the source may move later).
  unit_id uuid,
  raised_at timestamptz not null,
  cleared_at timestamptz,
  -- The source's last report known when the alert was raised; a report after it clears the alert.
  last_seen timestamptz not null,
  check (cleared_at is null or cleared_at >= raised_at)
);
-- At most one open alert per source, whatever node or job run raises it.
create unique index soc_source_alerts_open_idx on soc_source_alerts (source_id) where cleared_at is null;
create index soc_source_alerts_raised_idx on soc_source_alerts (raised_at desc);
