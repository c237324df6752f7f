-- Platform core: settings set by administrators, the hash-chained audit log, scheduler leases and runs, backups.

create table settings (
  key text primary key,
  value jsonb not null,
  updated_at timestamptz not null default now(),
  updated_by text
);

create table audit_log (
  seq bigserial primary key,
  at timestamptz not null,
  category text not null,
  action text not null,
  description text not null,
  actor_id uuid,
  actor_name text not null,
  unit_id uuid,
  severity text not null check (severity in ('info', 'notice', 'warning', 'error', 'critical')),
  source_ip text,
  outcome text not null check (outcome in ('success', 'failure')),
  request_id text,
  target_type text,
  target_id text,
  details jsonb not null default '{}',
  prev_hash text not null,
  hash text not null
);
create index audit_log_category_seq on audit_log (category, seq);
create index audit_log_at on audit_log (at);
create index audit_log_actor_at on audit_log (actor_id, at);
create index audit_log_unit_at on audit_log (unit_id, at);

-- When retention removes the oldest entries of a category, the hash of the last removed one is kept here,
-- so the remaining chain still verifies from a known point.
create table audit_chain_anchor (
  category text primary key,
  seq bigint not null,
  hash text not null
);

create table scheduler_jobs (
  name text primary key,
  interval_ms bigint not null,
  next_run_at timestamptz not null,
  lease_owner text,
  lease_until timestamptz,
  enabled boolean not null default true
);

create table scheduler_runs (
  id bigserial primary key,
  job text not null,
  node text not null,
  started_at timestamptz not null,
  finished_at timestamptz,
  outcome text check (outcome in ('running', 'success', 'failure')),
  message text
);
create index scheduler_runs_job_started on scheduler_runs (job, started_at desc);

create table backups (
  id uuid primary key default gen_random_uuid(),
  file text not null,
  trigger text not null check (trigger in ('manual', 'scheduled', 'cli')),
  status text not null check (status in ('running', 'success', 'failure')),
  started_at timestamptz not null default now(),
  finished_at timestamptz,
  size_bytes bigint,
  sha256 text,
  verified boolean not null default false,
  row_count bigint,
  message text,
  actor_name text
);
create index backups_started on backups (started_at desc);
