-- Nonces of signed LGSP requests, each accepted once per access key inside the clock-skew window, on every
-- node (docs/lgsp/signing.md, replay protection). A claim is one `insert … on conflict do nothing`: the
-- primary key is the cross-node check; rows past expires_at are pruned by the job lgsp.auth.nonces.prune.
create table lgsp_nonces (
  access_key text not null,
  nonce text not null,
  expires_at timestamptz not null,
  primary key (access_key, nonce)
);

-- The pruning job deletes by expiry.
create index lgsp_nonces_expires_idx on lgsp_nonces (expires_at);
