-- Identity and access: accounts, roles and grants, sessions, failed logins, API tokens (SEC-01..SEC-09).
-- unit_id refers to org units by id; the org module owns that table, so there is no foreign key across modules.

create table iam_accounts (
  id uuid primary key default gen_random_uuid(),
  username text not null unique check (username = lower(username)),
  full_name text not null,
  full_name_search text not null default '',
  email text,
  unit_id uuid,
  scope text not null default 'own' check (scope in ('own', 'subtree', 'all')),
  status text not null default 'active' check (status in ('active', 'locked', 'disabled', 'expired')),
  status_reason text,
  password_hash text not null,
  password_changed_at timestamptz not null default now(),
  must_change_password boolean not null default true,
  totp_secret text,
  totp_enabled boolean not null default false,
  totp_last_step bigint,
  lang text not null default 'vi' check (lang in ('vi', 'en')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  last_login_at timestamptz
);
create index iam_accounts_unit on iam_accounts (unit_id);

create table iam_password_history (
  account_id uuid not null references iam_accounts (id) on delete cascade,
  password_hash text not null,
  created_at timestamptz not null default now()
);
create index iam_password_history_account on iam_password_history (account_id, created_at desc);

create table iam_roles (
  id text primary key check (id ~ '^[a-z][a-z0-9_]{1,40}$'),
  name_vi text not null,
  name_en text not null,
  builtin boolean not null default false,
  permissions text[] not null default '{}',
  updated_at timestamptz not null default now()
);

create table iam_account_roles (
  account_id uuid not null references iam_accounts (id) on delete cascade,
  role_id text not null references iam_roles (id) on delete cascade,
  primary key (account_id, role_id)
);

-- Per-account grants (SEC-09): allow adds a permission beyond the roles, deny removes one.
create table iam_account_grants (
  account_id uuid not null references iam_accounts (id) on delete cascade,
  permission text not null,
  effect text not null check (effect in ('allow', 'deny')),
  primary key (account_id, permission)
);

create table iam_sessions (
  id text primary key,
  account_id uuid not null references iam_accounts (id) on delete cascade,
  csrf_token text not null,
  stage text not null check (stage in ('full', 'totp', 'password_change')),
  created_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now(),
  revoked_at timestamptz,
  revoked_reason text,
  ip text,
  user_agent text
);
create index iam_sessions_account on iam_sessions (account_id) where revoked_at is null;

create table iam_login_failures (
  id bigserial primary key,
  username text not null,
  at timestamptz not null default now(),
  ip text
);
create index iam_login_failures_username_at on iam_login_failures (username, at);

create table iam_api_tokens (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references iam_accounts (id) on delete cascade,
  name text not null,
  prefix text not null,
  token_hash text not null unique,
  permissions text[],
  created_at timestamptz not null default now(),
  expires_at timestamptz,
  last_used_at timestamptz,
  revoked_at timestamptz
);
create index iam_api_tokens_account on iam_api_tokens (account_id);
