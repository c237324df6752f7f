-- Online/offline detection of destination services (LGSP-15/17/18).
-- service_id names a registry service and unit_id an org unit by id; neither table is referenced (each
-- part owns its tables), and a removed service keeps its history for the statistics.

-- Current state of each destination, shared by every node: the in-memory map of each node is loaded from
-- here at start and kept current through the bus. online is null while a service has been seen but not yet
-- decided (one failed probe of a new service). The probe streaks live here, not in memory, because the node
-- that probes changes from round to round.
create table lgsp_availability_states (
  service_id text primary key check (length(service_id) between 1 and 100),
  unit_id uuid not null,
  online boolean,
  since timestamptz,
  cause text check (cause in ('probe', 'traffic', 'registry')),
  detail text check (length(detail) <= 500),
  probe_ok_streak integer not null default 0,
  probe_fail_streak integer not null default 0,
  last_ok_at timestamptz,
  last_failure_at timestamptz,
  last_error text check (length(last_error) <= 500),
  -- Set when the offline notice of the current outage went out (once per outage); cleared when it ends.
  notified_at timestamptz,
  updated_at timestamptz not null,
  check ((online is null) = (since is null))
);
create index lgsp_availability_states_unit on lgsp_availability_states (unit_id);
-- The notice check reads offline services not yet notified.
create index lgsp_availability_states_unnotified on lgsp_availability_states (since)
  where online = false and notified_at is null;

-- Every state period of every destination: since..until (until null = the current period). unit_id is the
-- provider unit at the time, so statistics per unit stay right after a service changes hands.
create table lgsp_availability_events (
  id bigserial primary key,
  service_id text not null,
  unit_id uuid not null,
  online boolean not null,
  since timestamptz not null,
  until timestamptz,
  cause text not null check (cause in ('probe', 'traffic', 'registry')),
  detail text check (length(detail) <= 500),
  check (until is null or until >= since)
);
-- At most one open period per service.
create unique index lgsp_availability_events_open on lgsp_availability_events (service_id) where until is null;
create index lgsp_availability_events_service on lgsp_availability_events (service_id, id desc);
create index lgsp_availability_events_unit on lgsp_availability_events (unit_id, since);
create index lgsp_availability_events_since on lgsp_availability_events (since);
