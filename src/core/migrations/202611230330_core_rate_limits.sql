-- Rate-limit counters shared by every node (login attempts per address and route).
create table rate_limit_counters (
  key text primary key,
  count integer not null,
  window_ends_at timestamptz not null
);
create index rate_limit_counters_window on rate_limit_counters (window_ends_at);
