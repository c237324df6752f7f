/**
 * @module soc/search/fold
 * Diacritic-insensitive message search. The message's folded words are indexed by an expression GIN index
 * (migration 202612070141) built from `foldedMessageSql`; queries must repeat the same expression, character
 * for character, for the planner to use it. Folding in SQL is a `translate` over the Latin letters with
 * diacritics (Vietnamese first) to the base letter that `foldForSearch` (src/core/text) gives, plus deletion
 * of combining marks (text that arrived decomposed), then `lower` for ASCII. `translate`, `lower` and
 * two-argument `to_tsvector` are immutable, so the expression can be indexed; the `simple` configuration
 * has no stemming or stop words, so every word of a log line is searchable as written.
 */
import { foldForSearch } from '../../core/text/vietnamese.ts';

function buildMap(): { from: string; to: string } {
  let from = '';
  let to = '';
  const ranges: [number, number][] = [
    [0x00c0, 0x024f],
    [0x1e00, 0x1eff],
  ];
  for (const [lo, hi] of ranges) {
    for (let c = lo; c <= hi; c++) {
      const ch = String.fromCodePoint(c);
      const folded = foldForSearch(ch);
      // Only letters that fold to one ASCII letter; ligatures and others stay as they are.
      if (folded.length === 1 && folded >= 'a' && folded <= 'z' && folded !== ch) {
        from += ch;
        to += folded;
      }
    }
  }
  // Characters of `from` without a counterpart in `to` are deleted by translate: the combining marks.
  for (let c = 0x0300; c <= 0x036f; c++) from += String.fromCodePoint(c);
  return { from, to };
}

/** The `translate` arguments: letters with diacritics, and their folded base letters. */
export const foldMap = buildMap();

function literal(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

/** SQL text of the folded-words vector of a text expression (used verbatim by the index migration). */
export function foldedVectorSql(column: string): string {
  return `to_tsvector('simple'::regconfig, lower(translate(coalesce(${column}, ''), ${literal(foldMap.from)}, ${literal(foldMap.to)})))`;
}

/** SQL text of the folded message itself (for substring wildcards that the vector cannot answer). */
export function foldedTextSql(column: string): string {
  return `lower(translate(coalesce(${column}, ''), ${literal(foldMap.from)}, ${literal(foldMap.to)}))`;
}

/** Folds query text the same way (NFD, marks removed, đ → d, lower case). */
export function foldQueryText(text: string): string {
  return foldForSearch(text);
}
