-- The btree on (time_in desc, id desc) already serves every time-range scan (and keyset paging, which a BRIN
-- index cannot); the BRIN index only added a write per exchange record, the gateway's hottest insert.
drop index lgsp_exchange_time_brin;
