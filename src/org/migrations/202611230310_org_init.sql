-- Organisation units with QCVN 102:2016 identifier codes, and their reorganisation history (LGSP-20, LGSP-22).

create table org_units (
  id uuid primary key,
  -- The unit's current code, always in the canonical four-segment form.
  code text not null unique check (code ~ '^[0-9]{3}\.[0-9]{2}\.[0-9]{2}\.[A-Z][0-9]{2}$'),
  name text not null check (length(name) between 1 and 255),
  -- Name and short name folded for diacritic-insensitive search (lower case, no marks, đ → d), filled by the application.
  name_search text not null,
  short_name text check (length(short_name) <= 100),
  kind text not null check (kind in ('province', 'department', 'district', 'commune', 'unit')),
  parent_id uuid references org_units (id),
  -- Materialised path of ids, '/<root id>/…/<own id>/': a subtree is one prefix match.
  path text not null unique,
  depth integer not null check (depth >= 0),
  status text not null default 'active' check (status in ('active', 'closed')),
  valid_from date not null,
  valid_to date,
  address text check (length(address) <= 500),
  email text check (length(email) <= 254),
  phone text check (length(phone) <= 30),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check ((status = 'closed') = (valid_to is not null)),
  check (parent_id is null or parent_id <> id)
);
-- text_pattern_ops lets `path like '<prefix>%'` use the index whatever the database collation.
create index org_units_path on org_units (path text_pattern_ops);
create index org_units_parent on org_units (parent_id);

-- Every code ever issued, with the unit that held it. The primary key is what makes codes unique forever:
-- a closed or re-issued code stays here and can never be given to another unit.
create table org_unit_codes (
  code text primary key,
  unit_id uuid not null references org_units (id),
  valid_from date not null,
  valid_to date
);
create index org_unit_codes_unit on org_unit_codes (unit_id);

-- Successor links written by split, merge and dissolve, followed by code resolution.
create table org_unit_successors (
  predecessor_id uuid not null references org_units (id),
  successor_id uuid not null references org_units (id),
  operation_id uuid not null,
  effective_date date not null,
  primary key (predecessor_id, successor_id)
);
create index org_unit_successors_successor on org_unit_successors (successor_id);

-- History: one row per unit touched by an operation; rows of one operation share operation_id.
create table org_unit_events (
  id bigserial primary key,
  operation_id uuid not null,
  operation text not null check (operation in ('create', 'update', 'move', 'split', 'merge', 'dissolve', 'import')),
  unit_id uuid not null references org_units (id),
  event_type text not null check (event_type in ('create', 'update', 'rename', 'move', 'recode', 'split', 'merge', 'dissolve')),
  effective_date date not null,
  decision_ref text,
  old_code text,
  new_code text,
  before jsonb,
  after jsonb,
  related_unit_ids jsonb not null default '[]',
  actor_id uuid,
  actor_name text not null,
  recorded_at timestamptz not null
);
create index org_unit_events_unit on org_unit_events (unit_id, id);
create index org_unit_events_operation on org_unit_events (operation_id);
