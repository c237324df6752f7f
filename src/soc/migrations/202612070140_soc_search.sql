-- Saved searches of the SIEM's event search (SOC-05): a query, its time range and columns, kept per owner;
-- `shared` makes one visible to everyone holding soc.events.read. Results are always scoped by the reader's
-- units when run, so sharing a query never shares events.
create table soc_saved_searches (
  id uuid primary key default gen_random_uuid(),
  owner_id uuid not null,
  -- The owner's name at saving time, shown to others next to a shared search (no join into IAM's tables).
  owner_name text not null,
  name text not null check (length(name) between 1 and 200),
  query text not null,
  time_range jsonb not null,
  columns jsonb not null default '[]',
  shared boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (owner_id, name)
);
create index soc_saved_searches_shared on soc_saved_searches (name) where shared;
