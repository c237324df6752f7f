-- SIEM event store (SOC-05): one row per event, partitioned by day of @timestamp; the ECS core fields in
-- columns (see src/soc/ecs/fields.ts), the whole ECS document in doc. Partitions are created by the store
-- as days are first seen and dropped by retention.
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
