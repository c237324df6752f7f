/**
 * @module soc/search/ast
 * The parsed form of a search query. Field names are ECS dotted names; a clause without a field searches
 * the message. Values stay text until the compiler types them by field.
 */

/** A value as written: a word (maybe with `*`/`?` wildcards) or a quoted phrase. */
export type Value =
  | { kind: 'word'; text: string }
  /** `pattern` keeps literal `*`, `?` and `\` escaped with `\`; unescaped `*`/`?` are wildcards. */
  | { kind: 'wildcard'; pattern: string }
  | { kind: 'phrase'; text: string };

export type CompareOp = '>' | '>=' | '<' | '<=';

/** A range bound; null = open (`*`). */
export interface Bound {
  value: string | null;
  inclusive: boolean;
}

/** One node of a query. `field: null` is the message (bare terms and phrases). */
export type QueryNode =
  | { type: 'all' }
  | { type: 'and'; items: QueryNode[] }
  | { type: 'or'; items: QueryNode[] }
  | { type: 'not'; item: QueryNode }
  | { type: 'match'; field: string | null; value: Value; at?: number }
  | { type: 'compare'; field: string; op: CompareOp; value: string; at?: number }
  | { type: 'range'; field: string; low: Bound; high: Bound; at?: number }
  | { type: 'exists'; field: string; at?: number };
// `at`: offset of the value in the query text, so a value the field's type refuses is reported where it is.
