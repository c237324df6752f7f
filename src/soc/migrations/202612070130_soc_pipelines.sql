-- Operator pipelines (SOC-05): parsing and normalisation written in YAML by operators, without code. A row
-- with the id of a shipped pipeline overrides it while enabled. Province-wide configuration: not scoped by unit.
create table soc_pipelines (
  id text primary key,
  name text not null,
  source text not null,
  enabled boolean not null default true,
  -- Copied from the YAML's `priority` so lists sort without parsing; the YAML stays the source of truth.
  priority integer not null default 50,
  version integer not null default 1,
  created_at timestamptz not null,
  created_by text not null,
  updated_at timestamptz not null,
  updated_by text not null,
  constraint soc_pipelines_id_format check (id ~ '^[a-z0-9][a-z0-9._-]{0,63}$')
);
