-- Each rate-limit sync reads the current windows of every key (a key first used on a node mid-window starts
-- from the cluster's count): an index on the window number keeps that read small.
create index lgsp_rate_counter_win on lgsp_rate_counter (win);
