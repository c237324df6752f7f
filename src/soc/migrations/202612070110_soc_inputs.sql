-- SIEM inputs (SOC-16): which listeners and endpoints exist, whether operators want them on, and their own
-- settings (charset, port, bind address, connection limit) over the soc.syslog.* configuration. Every node
-- starts or stops its listeners to match these rows; the running state itself is per node, in memory.
create table soc_inputs (
  id text primary key,
  kind text not null check (kind in ('syslog-udp', 'syslog-tcp', 'syslog-tls', 'http', 'bulk')),
  enabled boolean not null default true,
  settings jsonb not null default '{}'::jsonb,
  updated_at timestamptz not null default now(),
  -- Account id of the last change; null for the seed.
  updated_by text
);

-- No seed rows: a migrated database stays empty so a backup can be restored into it. The store adds the
-- built-in inputs (src/soc/inputs/store.ts BUILTIN_INPUTS) the first time it reads them.
