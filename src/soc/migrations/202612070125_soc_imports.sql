-- Forensic file imports (issue #6 item 1): one row per uploaded file, its progress and outcome. The file
-- itself waits in the data folder of the node that received it (`node`), which alone processes it.
create table soc_imports (
  id uuid primary key,
  file_name text not null,
  -- What the uploader asked for (a format or 'auto'), and the format the records were read as.
  requested_format text not null,
  format text,
  encoding text,
  compressed boolean,
  size_bytes bigint not null,
  bytes_read bigint not null default 0,
  events_submitted bigint not null default 0,
  problem_lines bigint not null default 0,
  state text not null check (state in ('queued', 'running', 'done', 'failed', 'cancelled')),
  error_code text,
  -- Set by a cancel on any node; the processing node sees it at its next progress update.
  cancel_requested boolean not null default false,
  node text not null,
  created_by uuid,
  created_by_name text not null,
  unit_id uuid,
  created_at timestamptz not null,
  started_at timestamptz,
  finished_at timestamptz
);

create index soc_imports_created on soc_imports (created_at desc, id desc);
create index soc_imports_unit on soc_imports (unit_id, created_at desc);
create index soc_imports_creator on soc_imports (created_by, created_at desc);
create index soc_imports_pending on soc_imports (node, created_at) where state in ('queued', 'running');
