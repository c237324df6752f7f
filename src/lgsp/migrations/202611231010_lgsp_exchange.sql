-- Exchange records of the LGSP gateway (LGSP-17/33/37): one row per call, metadata only, never content.
-- Modelled on X-Road's operational monitoring record (pr-opmon). Written in batches by the gateway.
create table lgsp_exchange (
  id uuid primary key,
  request_id text not null,
  time_in timestamptz not null,
  time_out timestamptz not null,
  source_application_id uuid,
  source_application_code text,
  source_unit_id uuid,
  source_unit_code text,
  destination_service_id uuid,
  service_code text not null,
  destination_unit_id uuid,
  destination_unit_code text not null,
  method text not null,
  -- The path below the service, without the query string (query values may carry personal data).
  path text not null,
  request_bytes bigint not null default 0,
  response_bytes bigint not null default 0,
  status integer not null,
  error_code text,
  latency_ms integer not null,
  node text not null,
  mode text not null check (mode in ('gateway', 'one-step', 'refused'))
);

-- Time-range scans over months of rows: a BRIN index is a few pages and fits append-only data.
create index lgsp_exchange_time_brin on lgsp_exchange using brin (time_in);
-- A unit's records newest first (keyset paging on time_in, id), as source and as destination.
create index lgsp_exchange_source_time on lgsp_exchange (source_unit_id, time_in desc, id desc);
create index lgsp_exchange_destination_time on lgsp_exchange (destination_unit_id, time_in desc, id desc);
create index lgsp_exchange_time on lgsp_exchange (time_in desc, id desc);

-- Cluster-wide rate limits and quotas: one counter per key (m:<application> per minute, d:<application>
-- per Vietnam day) and window number; nodes add their increments every ~200 ms.
create table lgsp_rate_counter (
  key text not null,
  win bigint not null,
  n bigint not null,
  primary key (key, win)
);

-- Heartbeats of the nodes sharing the counters: a node's share of the remaining budget is 1/(live nodes).
create table lgsp_rate_node (
  node text primary key,
  seen_at timestamptz not null
);
