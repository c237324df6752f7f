-- A commit-order-ish sequence on exchange records so followers (the SOC's platform feed, LGSP-31) read them
-- in order without a time cursor: records are written in batches with past time_in values, so a cursor on
-- time would skip a late batch. Existing rows are numbered by the rewrite.
alter table lgsp_exchange add column seq bigserial;
create index lgsp_exchange_seq_idx on lgsp_exchange (seq);
