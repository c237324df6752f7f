-- Global search (GET /api/search) finds units by words of their name typed without diacritics ("dong da"
-- finds "Đống Đa"), each word matching the start of a word of the name. name_search is already folded by the
-- application (lower case, no marks, đ → d); the 'simple' configuration only splits it into words and keeps
-- them as they are (no stemming, no stop words). Punctuation inside a word (e.g. "tp.", "p.1") becomes a
-- space, so the parser does not glue words into one host-name-like token. A GIN index answers the words.
create index org_units_name_words on org_units
  using gin (to_tsvector('simple', translate(name_search, '._-/', '    ')));

-- Codes read right to left: everything under 31.H23 ends in ".31.H23". A code suffix is a prefix of the
-- reversed code, which a btree index with text_pattern_ops answers whatever the database collation.
create index org_units_code_reversed on org_units (reverse(code) text_pattern_ops);
