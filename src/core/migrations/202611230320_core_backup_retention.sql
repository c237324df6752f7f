-- A backup file removed by the retention policy keeps its history row; deleted_at says when the file went.
alter table backups add column deleted_at timestamptz;
