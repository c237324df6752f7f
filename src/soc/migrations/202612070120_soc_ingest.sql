-- SIEM ingestion: machine credentials of the shippers (HTTP JSON and the Elasticsearch-compatible _bulk
-- endpoint) and the cursors of the platform feeds (audit log, LGSP exchange records; LGSP-31).
-- unit_id references an org unit by id only (modules never join each other's tables).

create table soc_ingest_tokens (
  id uuid primary key,
  name text not null check (length(name) between 1 and 200),
  unit_id uuid,
  -- SHA-256 (hex) of the secret; the secret itself is shown once and never stored.
  secret_hash text not null check (secret_hash ~ '^[0-9a-f]{64}$'),
  -- The first characters of the secret, so an operator recognises a token in a shipper's configuration.
  prefix text not null,
  created_at timestamptz not null,
  created_by uuid,
  created_by_name text not null,
  -- Written in batches by the verifier (not per request), so it may lag by a minute.
  last_used_at timestamptz,
  revoked_at timestamptz,
  revoked_by uuid
);
create index soc_ingest_tokens_unit on soc_ingest_tokens (unit_id);

-- Where each platform feed stopped: an opaque position of the reader (the audit log's seq…).
create table soc_feed_cursors (
  feed text primary key,
  position text not null,
  updated_at timestamptz not null
);
