/**
 * @module soc/search/print
 * Prints a parsed query back as text that parses to the same tree (saved searches are stored as text;
 * the console shows the normalised form). Escapes every character the parser treats specially.
 */
import type { QueryNode, Value } from './ast.ts';

const SPECIAL = new Set([
  ' ',
  '\t',
  '\n',
  '\r',
  '\f',
  '\v',
  '\u00a0',
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  '"',
  ':',
  '<',
  '>',
  '=',
  '\\',
  '*',
  '?',
]);
const KEYWORDS = new Set(['AND', 'and', 'OR', 'or', 'NOT', 'not', 'TO', 'to']);

// After `field:` or a comparison the parser reads ':' '<' '>' '=' as part of the value (IPv6, times).
const VALUE_OK = new Set([':', '<', '>', '=']);

/**
 * Escapes a literal word: specials get `\`, and a word spelling an operator gets its first letter escaped.
 * `value`: the word follows `field:` or a comparison, where ':' '<' '>' '=' need no escape.
 */
export function escapeWord(text: string, value = false): string {
  if (text.length === 0) return '""';
  let out = '';
  for (const ch of text) out += SPECIAL.has(ch) && !(value && VALUE_OK.has(ch)) ? `\\${ch}` : ch;
  return KEYWORDS.has(text) ? `\\${out}` : out;
}

/** Escapes a wildcard pattern: its `\*`, `\?`, `\\` stay, bare `*`/`?` stay wildcards, other specials get `\`. */
function escapePattern(pattern: string, value: boolean): string {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] as string;
    if (ch === '\\') {
      out += `\\${pattern[i + 1] ?? '\\'}`;
      i++;
    } else if (ch === '*' || ch === '?') out += ch;
    else out += SPECIAL.has(ch) && !(value && VALUE_OK.has(ch)) ? `\\${ch}` : ch;
  }
  return KEYWORDS.has(pattern) ? `\\${out}` : out;
}

function phrase(text: string): string {
  return `"${text.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}

function printValue(v: Value, value: boolean): string {
  if (v.kind === 'phrase') return phrase(v.text);
  if (v.kind === 'wildcard') return escapePattern(v.pattern, value);
  return escapeWord(v.text, value);
}

function bound(value: string | null): string {
  return value === null ? '*' : value === '*' ? '\\*' : escapeWord(value, true);
}

/** Prints a query tree as query text; `parseQuery(printQuery(q))` equals `q`. */
export function printQuery(node: QueryNode): string {
  switch (node.type) {
    case 'all':
      return '*';
    case 'and':
      return node.items
        .map((i) => (i.type === 'or' || i.type === 'and' ? `(${printQuery(i)})` : printQuery(i)))
        .join(' AND ');
    case 'or':
      return node.items.map((i) => (i.type === 'or' ? `(${printQuery(i)})` : printQuery(i))).join(' OR ');
    case 'not':
      return `NOT ${node.item.type === 'and' || node.item.type === 'or' ? `(${printQuery(node.item)})` : printQuery(node.item)}`;
    case 'match':
      return node.field === null
        ? printValue(node.value, false)
        : `${node.field}:${printValue(node.value, true)}`;
    case 'compare':
      return `${node.field} ${node.op} ${node.value === '' ? '""' : escapeWord(node.value, true)}`;
    case 'range':
      return `${node.field}:${node.low.inclusive ? '[' : '{'}${bound(node.low.value)} TO ${bound(node.high.value)}${node.high.inclusive ? ']' : '}'}`;
    case 'exists':
      return `${node.field}:*`;
  }
}
