-- Indexes the event search needs (src/soc/search). Created on the partitioned parent, so every day partition
-- gets them, including those the store creates later. Each costs ingest time; bench/soc-search.bench.ts
-- measures the cost of each (figures below from its run on the 2-core CI machine, PostgreSQL 15, rows/s of a
-- set-based insert with only that index against none). Queries always bound ts, so partition pruning comes
-- first and these indexes work inside the day partitions of the range.

-- Newest-first hits and keyset paging on (ts, id), time-only searches, histograms of a range.
-- Cost: small (ts arrives nearly in order, so inserts append to the right edge).
create index soc_events_ts_id on soc_events (ts, id);

-- host.name:web-01 and host.name:web-* (text_pattern_ops serves = and prefix LIKE), newest first within
-- the host straight from the index. Cost: moderate (one btree on a text column).
create index soc_events_host_name_ts on soc_events (host_name text_pattern_ops, ts);

-- user.name:… the same way (failed logins of one account, the most common pivot). Cost: moderate.
create index soc_events_user_name_ts on soc_events (user_name text_pattern_ops, ts);

-- source.ip:1.2.3.4 and source.ip:10.0.0.0/8 (the planner turns <<= into a btree range). Cost: moderate.
create index soc_events_source_ip_ts on soc_events (source_ip, ts);

-- destination.ip, as source.ip. Cost: moderate.
create index soc_events_destination_ip_ts on soc_events (destination_ip, ts);

-- event.dataset:nginx.access (few values; makes per-dataset searches and counts read only their rows).
-- Cost: small-moderate (low-cardinality btree, deduplicated).
create index soc_events_dataset_ts on soc_events (dataset, ts);

-- tags:_parse_error and event.category:authentication (@> and && on text[]). Cost: small (short arrays).
create index soc_events_tags on soc_events using gin (tags);
create index soc_events_category on soc_events using gin (category);

-- Bare words and "quoted phrases": the message's words folded without diacritics (Vietnamese), the
-- expression must stay identical to foldedVectorSql('message') in src/soc/search/fold.ts (a test checks it).
-- Cost: the largest of these (every word of every message enters a GIN; fastupdate batches it).
create index soc_events_message_words on soc_events using gin (to_tsvector('simple'::regconfig, (case when octet_length(coalesce(message, '')) = char_length(coalesce(message, '')) then lower(coalesce(message, '')) else lower(translate(regexp_replace(normalize(coalesce(message, ''), NFD), '[\u0300-\u036f]', '', 'g'), 'đĐ', 'dd')) end)));

-- Not created: a jsonb_path_ops GIN on doc (for doc @> on non-column fields); the bench measures it as the
-- most expensive candidate, so fields searched often belong in columns instead.
