-- LGSP registry: connected units' applications, their access keys, the services they provide and the
-- access rights between them (LGSP-13, LGSP-17, LGSP-20, LGSP-21, LGSP-29, LGSP-30, LGSP-32).
-- Units live in the org module; unit_id columns reference them by id only (modules never join each other's tables).

create table lgsp_applications (
  id uuid primary key default gen_random_uuid(),
  unit_id uuid not null,
  code text not null unique check (code ~ '^[a-z0-9-]{2,40}$'),
  name text not null check (length(name) between 1 and 255),
  -- Name folded for diacritic-insensitive search (no marks, đ → d, lower case), filled by the application.
  name_search text not null,
  description text check (length(description) <= 2000),
  kind text not null check (kind in ('hmac', 'rsa')),
  algorithms text[] not null check (cardinality(algorithms) >= 1),
  -- Normalised CIDR strings (LGSP-32); empty = no network restriction.
  allowed_networks text[] not null default '{}',
  rate_limit_per_minute integer check (rate_limit_per_minute between 1 and 10000000),
  quota_per_day integer check (quota_per_day between 1 and 1000000000),
  status text not null default 'active' check (status in ('active', 'suspended')),
  status_reason text check (length(status_reason) <= 500),
  contact_name text check (length(contact_name) <= 200),
  contact_email text check (length(contact_email) <= 254),
  contact_phone text check (length(contact_phone) <= 30),
  created_at timestamptz not null,
  updated_at timestamptz not null,
  check ((kind = 'hmac' and algorithms <@ array['HMAC-SHA256', 'HMAC-SHA1'])
      or (kind = 'rsa' and algorithms <@ array['RSA-PSS-SHA256', 'RSA-SHA256']))
);
create index lgsp_applications_unit on lgsp_applications (unit_id);

-- Access keys. `expired` is never stored: a `rotated` key is expired once valid_until has passed, so no
-- job has to run for an old secret to stop working.
create table lgsp_keys (
  access_key text primary key check (access_key ~ '^lgsp_[a-z2-7]{20}$'),
  application_id uuid not null references lgsp_applications (id),
  status text not null check (status in ('active', 'rotated', 'revoked')),
  -- HMAC secret sealed with the master key (AES-256-GCM, core/security/secret-box); never in clear.
  secret_sealed text,
  -- RSA: SubjectPublicKeyInfo PEM, and the certificate it came from when one was registered.
  public_key_pem text,
  key_bits integer,
  certificate_pem text,
  certificate_subject text,
  certificate_serial text,
  certificate_not_before timestamptz,
  certificate_not_after timestamptz,
  created_at timestamptz not null,
  created_by text not null,
  valid_until timestamptz,
  revoked_at timestamptz,
  revoked_reason text check (length(revoked_reason) <= 500),
  check ((secret_sealed is null) <> (public_key_pem is null)),
  check ((status = 'rotated') = (valid_until is not null)),
  check ((status = 'revoked') = (revoked_at is not null))
);
create index lgsp_keys_application on lgsp_keys (application_id, created_at desc);
-- One active key per application; rotation demotes the old one in the same transaction.
create unique index lgsp_keys_one_active on lgsp_keys (application_id) where status = 'active';

-- Destination services an application provides; the unit is the provider application's unit.
create table lgsp_services (
  id uuid primary key default gen_random_uuid(),
  unit_id uuid not null,
  application_id uuid not null references lgsp_applications (id),
  code text not null check (code ~ '^[a-z0-9-]{2,40}$'),
  name text not null check (length(name) between 1 and 255),
  name_search text not null,
  description text check (length(description) <= 2000),
  -- Tags such as 'hộ tịch', 'văn bản' (NFC) and their folded forms for search.
  data_types text[] not null default '{}',
  data_types_search text[] not null default '{}',
  protocol text not null check (protocol in ('rest-json', 'rest-xml', 'soap')),
  base_url text not null check (base_url ~ '^https?://'),
  health_path text,
  timeout_ms integer not null default 30000 check (timeout_ms between 100 and 120000),
  allowed_methods text[] not null check (cardinality(allowed_methods) >= 1),
  active boolean not null default true,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  unique (unit_id, code)
);
create index lgsp_services_application on lgsp_services (application_id);
create index lgsp_services_data_types on lgsp_services using gin (data_types_search);

-- Which application may call which service with which operations (X-Road access rights, service level).
create table lgsp_rights (
  application_id uuid not null references lgsp_applications (id),
  service_id uuid not null references lgsp_services (id),
  operations text[] not null check (cardinality(operations) >= 1),
  reason text check (length(reason) <= 500),
  granted_at timestamptz not null,
  granted_by text not null,
  updated_at timestamptz not null,
  primary key (application_id, service_id)
);
create index lgsp_rights_service on lgsp_rights (service_id);

-- Every grant, change and revocation of a right: who, when, what, why (LGSP-30).
create table lgsp_rights_history (
  id bigserial primary key,
  application_id uuid not null references lgsp_applications (id),
  service_id uuid not null references lgsp_services (id),
  action text not null check (action in ('grant', 'change', 'revoke')),
  operations_before text[],
  operations_after text[],
  reason text check (length(reason) <= 500),
  actor_id uuid,
  actor_name text not null,
  at timestamptz not null
);
create index lgsp_rights_history_service on lgsp_rights_history (service_id, at desc);
create index lgsp_rights_history_application on lgsp_rights_history (application_id, at desc);
