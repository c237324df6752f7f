-- Materialised paths compare byte by byte (collation "C"), so a subtree is the index range
-- [path, path || '~'): every path character (hex digits, '-', '/') sorts before '~'. Under a linguistic
-- default collation punctuation can be ignored when comparing, which would make that range wrong, and a
-- LIKE prefix cannot use an index whose pattern comes from a sub-select. The unique index on path
-- (rebuilt here with the new collation) serves both the range and constant LIKE prefixes, so the
-- text_pattern_ops index is no longer needed.
drop index org_units_path;
alter table org_units alter column path type text collate "C";
