-- Global search (GET /api/search) finds accounts by words of the full name typed without diacritics
-- (full_name_search is folded by the application: lower case, no marks, đ → d) or of the username, each word
-- matching the start of a word. Dots, underscores and hyphens separate words ("nguyen.van.an" is three), so
-- the 'simple' parser does not read a username as one host-name-like token. A GIN index answers the words.
create index iam_accounts_name_words on iam_accounts
  using gin (to_tsvector('simple', translate(full_name_search || ' ' || username, '._-/', '    ')));
