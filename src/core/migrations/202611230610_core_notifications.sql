-- Notifications to people (the console's bell and its real-time stream): one row per recipient account.
-- recipient_id names an IAM account by id; the core does not reference IAM's table (each module owns its
-- tables), and accounts are disabled rather than deleted, so their notifications simply age out.
-- seq orders the rows (newest first, keyset paging, the stream's event ids): created_at can repeat.
create table core_notifications (
  id uuid primary key default gen_random_uuid(),
  seq bigserial not null unique,
  recipient_id uuid not null,
  kind text not null check (kind ~ '^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$' and length(kind) <= 100),
  severity text not null check (severity in ('info', 'warning', 'error')),
  title_vi text not null check (length(title_vi) between 1 and 200),
  title_en text not null check (length(title_en) between 1 and 200),
  body_vi text not null default '' check (length(body_vi) <= 2000),
  body_en text not null default '' check (length(body_en) <= 2000),
  -- A path of the console, never an address elsewhere (no scheme, no //host).
  link text check (link ~ '^/([^/\\[:space:]][^\\[:space:]]*)?$' and length(link) <= 500),
  created_at timestamptz not null default now(),
  read_at timestamptz
);
create index core_notifications_recipient on core_notifications (recipient_id, seq desc);
create index core_notifications_unread on core_notifications (recipient_id) where read_at is null;
create index core_notifications_created on core_notifications (created_at);
