-- Maintenance windows announced to connected units before maintenance or an upgrade (LGSP-34).
create table lgsp_maintenance_windows (
  id uuid primary key default gen_random_uuid(),
  title text not null,
  message text not null default '',
  starts_at timestamptz not null,
  ends_at timestamptz not null,
  created_by text not null,
  created_at timestamptz not null,
  reminded_at timestamptz,
  cancelled_at timestamptz,
  cancelled_by text,
  cancel_reason text,
  constraint lgsp_maintenance_window_order check (ends_at > starts_at)
);
create index lgsp_maintenance_windows_starts on lgsp_maintenance_windows (starts_at);
