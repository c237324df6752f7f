/**
 * @module soc/search/fold
 * Diacritic-insensitive message search. The message's folded words are indexed by an expression GIN index
 * (migration 202612070141) built from `foldedVectorSql`; queries must repeat the same expression, character
 * for character, for the planner to use it.
 *
 * Folding in SQL mirrors `foldForSearch` (src/core/text) for Vietnamese: decompose (NFD), drop the combining
 * marks U+0300–U+036F, đ/Đ → d, lower case. Most log lines are pure ASCII, and decomposing costs ~35 µs a
 * line, so ASCII lines (as many bytes as characters) only go through `lower`: measured on PostgreSQL 15, a
 * `translate` over every accented Latin letter cost ~1 ms a line and was not usable at ingest.
 * `normalize`, `regexp_replace`, `translate`, `lower` and two-argument `to_tsvector` are immutable, so the
 * expression can be indexed; the `simple` configuration has no stemming or stop words, so every word of a
 * log line is searchable as written.
 */
import { foldForSearch } from '../../core/text/vietnamese.ts';

/** SQL text of the folded (no diacritics, lower-case) text of an expression. */
export function foldedTextSql(column: string): string {
  const value = `coalesce(${column}, '')`;
  return `(case when octet_length(${value}) = char_length(${value}) then lower(${value}) else lower(translate(regexp_replace(normalize(${value}, NFD), '[\\u0300-\\u036f]', '', 'g'), 'đĐ', 'dd')) end)`;
}

/** SQL text of the folded-words vector of an expression (used verbatim by the index migration). */
export function foldedVectorSql(column: string): string {
  return `to_tsvector('simple'::regconfig, ${foldedTextSql(column)})`;
}

/** Folds query text the same way (NFD, marks removed, đ → d, lower case). */
export function foldQueryText(text: string): string {
  return foldForSearch(text);
}
