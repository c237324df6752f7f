-- SIEM event store (SOC-05): one row per event, partitioned by UTC day of @timestamp; the ECS core fields in
-- columns (see src/soc/ecs/fields.ts), the whole ECS document in doc. An event is addressed by (ts, id): the
-- writer generates id. Day partitions (soc_events_pYYYYMMDD) are created by the store as days are first seen
-- (attached, so creating one never blocks searches or writes) and dropped by retention. There is no default
-- partition: its rows would stop later days' partitions from being attached.
create table soc_events (
  ts timestamptz not null,
  id uuid not null,
  received_at timestamptz not null,
  input text not null,
  source_id uuid,
  unit_id uuid,
  system_id uuid,
  dataset text,
  kind text,
  category text[],
  action text,
  outcome text,
  severity smallint,
  host_name text,
  source_ip inet,
  source_port integer,
  destination_ip inet,
  destination_port integer,
  user_name text,
  process_name text,
  message text,
  tags text[],
  doc jsonb not null
) partition by range (ts);

-- The search indexes are in 202612070141_soc_events_indexes.sql (each with the query it serves and its cost
-- at ingest). This one serves retention's per-source deletes and per-source searches.
create index soc_events_source_ts on soc_events (source_id, ts);

-- Volume rollup (size and volume report, SOC-16): events and bytes written per UTC day, source, unit and
-- dataset, added to by each write batch in its own transaction.
create table soc_event_volume (
  day date not null,
  source_id uuid,
  unit_id uuid,
  dataset text,
  events bigint not null,
  bytes bigint not null,
  updated_at timestamptz not null default now(),
  constraint soc_event_volume_key unique nulls not distinct (day, source_id, unit_id, dataset)
);
create index soc_event_volume_unit on soc_event_volume (unit_id, day);
