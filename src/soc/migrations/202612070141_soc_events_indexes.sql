-- Indexes the event search needs (src/soc/search). Created on the partitioned parent, so every day partition
-- gets them, including those the store creates later. Each costs ingest time; bench/soc-search.bench.ts
-- measures the cost of each: rows/s of one set-based insert of 50,000 events with only that index, against
-- about 60,000 rows/s with none (PostgreSQL 15, 2 shared cores under heavy load, so ±30%). Queries always bound ts, so partition pruning comes
-- first and these indexes work inside the day partitions of the range.

-- Newest-first hits and keyset paging on (ts, id), time-only searches, histograms of a range.
-- Cost: small (ts arrives nearly in order, so inserts append to the right edge; within noise of none).
create index soc_events_ts_id on soc_events (ts, id);

-- host.name:web-01 and host.name:web-* (text_pattern_ops serves = and prefix LIKE), newest first within
-- the host straight from the index. Cost: moderate (one btree on a text column; ~73,000 rows/s measured).
create index soc_events_host_name_ts on soc_events (host_name text_pattern_ops, ts);

-- user.name:… the same way (failed logins of one account, the most common pivot). Cost: moderate (~42,000/s).
create index soc_events_user_name_ts on soc_events (user_name text_pattern_ops, ts);

-- source.ip:1.2.3.4 and source.ip:10.0.0.0/8 (the planner turns <<= into a btree range). Cost: moderate (~35,000/s).
create index soc_events_source_ip_ts on soc_events (source_ip, ts);

-- destination.ip, as source.ip. Cost: moderate (~36,000/s).
create index soc_events_destination_ip_ts on soc_events (destination_ip, ts);

-- event.dataset:nginx.access (few values; makes per-dataset searches and counts read only their rows).
-- Cost: small-moderate (low-cardinality btree, deduplicated; ~37,000/s).
create index soc_events_dataset_ts on soc_events (dataset, ts);

-- tags:_parse_error and event.category:authentication (@> and && on text[]). Cost: small (short arrays;
-- ~48,000/s and ~35,000/s).
create index soc_events_tags on soc_events using gin (tags);
create index soc_events_category on soc_events using gin (category);

-- Bare words and "quoted phrases": the message's words folded without diacritics (Vietnamese), the
-- expression must stay identical to foldedVectorSql('message') in src/soc/search/fold.ts (a test checks it).
-- Cost: the largest of these (every word of every message enters a GIN; ~9,700 rows/s alone, about six
-- times an empty insert; fastupdate batches it).
create index soc_events_message_words on soc_events using gin (to_tsvector('simple'::regconfig, (case when octet_length(coalesce(message, '')) = char_length(coalesce(message, '')) then lower(coalesce(message, '')) else lower(translate(regexp_replace(normalize(coalesce(message, ''), NFD), '[\u0300-\u036f]', '', 'g'), 'đĐ', 'dd')) end)));

-- Not created: a jsonb_path_ops GIN on doc (for doc @> on non-column fields); the bench measures it as the
-- most expensive candidate after the message words (~15,700 rows/s alone), so fields searched often belong
-- in columns instead.
