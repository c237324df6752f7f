/**
 * @module soc/search/parser
 * A hand-written recursive-descent parser for the search language (a KQL/Lucene subset). It reads the
 * text once, left to right, with no regular expressions over user input (no backtracking traps), bounded
 * nesting and clause counts, and reports every error with the 0-based offset where it was found.
 *
 *   query   := or EOF                      (empty = everything)
 *   or      := and (OR and)*
 *   and     := not ((AND)? not)*           (juxtaposition is AND)
 *   not     := NOT not | primary
 *   primary := '(' or ')' | FIELD ':' value | FIELD cmp WORD | WORD | PHRASE
 *   value   := '*' | WORD | PHRASE | '(' or ')' | ('['|'{') bound TO bound (']'|'}')
 *
 * Inside `field:( … )` bare words and phrases take that field. Operators are AND/OR/NOT or and/or/not.
 */
import { AppError } from '../../core/errors/index.ts';
import type { Bound, CompareOp, QueryNode, Value } from './ast.ts';

export const MAX_QUERY_LENGTH = 10_000;
const MAX_DEPTH = 32;
const MAX_CLAUSES = 1024;

type Reason = { en: string; vi: string };

const reasons = {
  unexpectedEnd: { en: 'the query ends too early', vi: 'câu truy vấn kết thúc quá sớm' },
  unexpectedClose: { en: "unexpected ')'", vi: "thừa dấu ')'" },
  missingClose: { en: "expected ')'", vi: "thiếu dấu ')'" },
  emptyGroup: { en: 'empty parentheses', vi: 'cặp ngoặc rỗng' },
  expectedTerm: { en: 'expected a term', vi: 'cần một điều kiện tìm kiếm' },
  expectedValue: { en: "expected a value after ':'", vi: "cần giá trị sau dấu ':'" },
  expectedCompareValue: { en: 'expected a value after the comparison', vi: 'cần giá trị sau phép so sánh' },
  wildcardInCompare: {
    en: 'wildcards cannot be compared',
    vi: 'không dùng ký tự đại diện trong phép so sánh',
  },
  unterminatedPhrase: { en: 'unterminated quoted phrase', vi: 'cụm từ trong ngoặc kép chưa đóng' },
  danglingEscape: { en: "nothing to escape after '\\'", vi: "không có ký tự sau dấu '\\'" },
  invalidField: { en: 'invalid field name', vi: 'tên trường không hợp lệ' },
  wildcardField: {
    en: 'wildcards are not allowed in field names',
    vi: 'không dùng ký tự đại diện trong tên trường',
  },
  expectedTo: { en: "expected 'TO' in the range", vi: "cần 'TO' trong khoảng giá trị" },
  expectedRangeEnd: { en: "expected ']' or '}'", vi: "cần dấu ']' hoặc '}'" },
  expectedBound: { en: 'expected a range bound', vi: 'cần giá trị đầu hoặc cuối khoảng' },
  stray: { en: 'unexpected character', vi: 'ký tự không mong đợi' },
} satisfies Record<string, Reason>;

/** Throws the 400 problem for a syntax error at `position`. */
function syntaxError(position: number, reason: Reason): never {
  throw new AppError('SOC_QUERY_SYNTAX', {
    position,
    reason: reason.en,
    reasonVi: reason.vi,
    errors: [{ field: 'body.query', message: `position ${position}: ${reason.en}` }],
  });
}

type Token =
  | { type: 'lparen' | 'rparen' | 'eof'; start: number; end: number }
  | { type: 'and' | 'or' | 'not'; start: number; end: number }
  | { type: 'phrase'; start: number; end: number; text: string }
  | { type: 'word'; start: number; end: number; word: Word }
  | { type: 'other'; start: number; end: number };

interface Word {
  /** The unescaped text. */
  text: string;
  /** The text with literal `*`, `?`, `\` escaped, wildcards bare. */
  pattern: string;
  wildcard: boolean;
  /** Any backslash escape: an escaped word is never an operator. */
  escaped: boolean;
  raw: string;
}

function isSpace(ch: string): boolean {
  return (
    ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r' || ch === '\f' || ch === '\v' || ch === '\u00a0'
  );
}

// Value words (after ':' or a comparison) may hold ':' '<' '>' '=' (IPv6, times); field words stop there.
function endsValueWord(ch: string): boolean {
  return (
    isSpace(ch) ||
    ch === '(' ||
    ch === ')' ||
    ch === '[' ||
    ch === ']' ||
    ch === '{' ||
    ch === '}' ||
    ch === '"'
  );
}

function endsFieldWord(ch: string): boolean {
  return endsValueWord(ch) || ch === ':' || ch === '<' || ch === '>' || ch === '=';
}

function isFieldChar(ch: string): boolean {
  const c = ch.charCodeAt(0);
  return (
    (c >= 48 && c <= 57) ||
    (c >= 65 && c <= 90) ||
    (c >= 97 && c <= 122) ||
    ch === '_' ||
    ch === '@' ||
    ch === '.' ||
    ch === '-'
  );
}

/** True when `name` is a dotted field name the search accepts (letters, digits, `_ @ -`, dots between). */
export function isValidFieldName(name: string): boolean {
  if (name.length === 0 || name.length > 200) return false;
  if (name.startsWith('.') || name.endsWith('.') || name.includes('..')) return false;
  for (const ch of name) if (!isFieldChar(ch)) return false;
  return true;
}

class Parser {
  private pos = 0;
  private depth = 0;
  private clauses = 0;

  constructor(private readonly src: string) {}

  parse(): QueryNode {
    this.skipSpace();
    if (this.pos >= this.src.length) return { type: 'all' };
    const node = this.parseOr(undefined);
    const t = this.peek();
    if (t.type === 'rparen') syntaxError(t.start, reasons.unexpectedClose);
    if (t.type !== 'eof') syntaxError(t.start, reasons.stray);
    return node;
  }

  // ------------------------------------------------------------------ scanning

  private skipSpace(): void {
    while (this.pos < this.src.length && isSpace(this.src[this.pos] as string)) this.pos++;
  }

  /** The next token at expression level (field words), without consuming it. */
  private peek(): Token {
    const saved = this.pos;
    const t = this.next('field');
    this.pos = saved;
    return t;
  }

  private next(mode: 'field' | 'value'): Token {
    this.skipSpace();
    const start = this.pos;
    if (start >= this.src.length) return { type: 'eof', start, end: start };
    const ch = this.src[start] as string;
    if (ch === '(') {
      this.pos++;
      return { type: 'lparen', start, end: this.pos };
    }
    if (ch === ')') {
      this.pos++;
      return { type: 'rparen', start, end: this.pos };
    }
    if (ch === '"') return { type: 'phrase', start, text: this.readPhrase(), end: this.pos };
    const ends = mode === 'field' ? endsFieldWord : endsValueWord;
    if (ends(ch)) {
      this.pos++;
      return { type: 'other', start, end: this.pos };
    }
    const word = this.readWord(ends);
    if (!word.escaped) {
      if (word.raw === 'AND' || word.raw === 'and') return { type: 'and', start, end: this.pos };
      if (word.raw === 'OR' || word.raw === 'or') return { type: 'or', start, end: this.pos };
      if (word.raw === 'NOT' || word.raw === 'not') return { type: 'not', start, end: this.pos };
    }
    return { type: 'word', start, end: this.pos, word };
  }

  private readWord(ends: (ch: string) => boolean): Word {
    const start = this.pos;
    let text = '';
    let pattern = '';
    let wildcard = false;
    let escaped = false;
    while (this.pos < this.src.length) {
      const ch = this.src[this.pos] as string;
      if (ends(ch)) break;
      if (ch === '\\') {
        const nextCh = this.src[this.pos + 1];
        if (nextCh === undefined) syntaxError(this.pos, reasons.danglingEscape);
        escaped = true;
        text += nextCh;
        pattern += nextCh === '*' || nextCh === '?' || nextCh === '\\' ? `\\${nextCh}` : nextCh;
        this.pos += 2;
        continue;
      }
      if (ch === '*' || ch === '?') wildcard = true;
      text += ch;
      pattern += ch;
      this.pos++;
    }
    return { text, pattern, wildcard, escaped, raw: this.src.slice(start, this.pos) };
  }

  private readPhrase(): string {
    const start = this.pos;
    this.pos++; // opening quote
    let text = '';
    while (this.pos < this.src.length) {
      const ch = this.src[this.pos] as string;
      if (ch === '"') {
        this.pos++;
        return text;
      }
      if (ch === '\\') {
        const nextCh = this.src[this.pos + 1];
        if (nextCh === undefined) break;
        text += nextCh;
        this.pos += 2;
        continue;
      }
      text += ch;
      this.pos++;
    }
    return syntaxError(start, reasons.unterminatedPhrase);
  }

  private enter(): void {
    if (++this.depth > MAX_DEPTH) {
      throw new AppError('SOC_QUERY_TOO_COMPLEX', {
        max: MAX_DEPTH,
        what: 'levels of nesting',
        whatVi: 'mức lồng nhau',
      });
    }
  }

  private leaf(): void {
    if (++this.clauses > MAX_CLAUSES) {
      throw new AppError('SOC_QUERY_TOO_COMPLEX', {
        max: MAX_CLAUSES,
        what: 'conditions',
        whatVi: 'điều kiện',
      });
    }
  }

  // ------------------------------------------------------------------ grammar
  // `field`: undefined at top level (clauses name their field), or the field of an enclosing `field:( … )`.

  private parseOr(field: string | undefined): QueryNode {
    const items = [this.parseAnd(field)];
    while (this.peek().type === 'or') {
      this.next('field');
      items.push(this.parseAnd(field));
    }
    return combine('or', items);
  }

  private parseAnd(field: string | undefined): QueryNode {
    const items = [this.parseNot(field)];
    for (;;) {
      const t = this.peek();
      if (t.type === 'and') {
        this.next('field');
        items.push(this.parseNot(field));
      } else if (
        t.type === 'word' ||
        t.type === 'phrase' ||
        t.type === 'lparen' ||
        t.type === 'not' ||
        (t.type === 'other' && field !== undefined && this.startsValue(t.start))
      ) {
        items.push(this.parseNot(field));
      } else break;
    }
    return combine('and', items);
  }

  private parseNot(field: string | undefined): QueryNode {
    if (this.peek().type === 'not') {
      this.next('field');
      this.enter();
      const item = this.parseNot(field);
      this.depth--;
      return { type: 'not', item };
    }
    return this.parsePrimary(field);
  }

  /** Inside `field:( … )`, ':' '<' '>' '=' start a value word (IPv6, times) and '[' '{' a range. */
  private startsValue(at: number): boolean {
    const ch = this.src[at];
    return ch !== ']' && ch !== '}';
  }

  private parsePrimary(field: string | undefined): QueryNode {
    const t = this.peek();
    if (t.type === 'lparen') return this.parseGroup(field);
    if (t.type === 'eof') syntaxError(t.start, reasons.unexpectedEnd);
    if (t.type === 'rparen') syntaxError(t.start, reasons.unexpectedClose);
    if (field !== undefined) {
      if (t.type === 'and' || t.type === 'or') syntaxError(t.start, reasons.expectedTerm);
      return this.parseFieldValue(field);
    }
    if (t.type === 'phrase') {
      this.next('field');
      this.leaf();
      return { type: 'match', field: null, value: { kind: 'phrase', text: t.text }, at: t.start };
    }
    if (t.type !== 'word') syntaxError(t.start, reasons.expectedTerm);
    this.next('field');
    const word = t.word;
    this.skipSpace();
    const ch = this.src[this.pos];
    if (ch === ':' || ch === '<' || ch === '>') {
      if (word.raw === '*' && ch === ':') return this.parseMatchAll(t.start);
      if (word.wildcard) syntaxError(t.start, reasons.wildcardField);
      if (word.escaped || !isValidFieldName(word.text)) syntaxError(t.start, reasons.invalidField);
      if (ch === ':') {
        this.pos++;
        return this.parseFieldValue(word.text);
      }
      return this.parseCompare(word.text);
    }
    if (ch === '=') syntaxError(this.pos, reasons.stray);
    this.leaf();
    if (word.raw === '*') return { type: 'all' };
    return { type: 'match', field: null, value: wordValue(word), at: t.start };
  }

  /** `*:*` is everything, as in Lucene. */
  private parseMatchAll(start: number): QueryNode {
    this.pos++;
    const v = this.next('value');
    if (v.type === 'word' && v.word.raw === '*') return { type: 'all' };
    return syntaxError(start, reasons.wildcardField);
  }

  private parseGroup(field: string | undefined): QueryNode {
    const open = this.next('field');
    this.enter();
    if (this.peek().type === 'rparen') syntaxError(open.start, reasons.emptyGroup);
    const node = this.parseOr(field);
    const close = this.peek();
    if (close.type !== 'rparen') syntaxError(close.start, reasons.missingClose);
    this.next('field');
    this.depth--;
    return node;
  }

  /** What follows `field:` (or a bare item inside `field:( … )`). */
  private parseFieldValue(field: string): QueryNode {
    this.skipSpace();
    const start = this.pos;
    const ch = this.src[start];
    if (ch === undefined) syntaxError(start, reasons.expectedValue);
    if (ch === '(') return this.parseGroup(field);
    if (ch === '[' || ch === '{') return this.parseRange(field);
    const t = this.next('value');
    this.leaf();
    if (t.type === 'phrase')
      return { type: 'match', field, value: { kind: 'phrase', text: t.text }, at: start };
    if (t.type === 'word' || t.type === 'and' || t.type === 'or' || t.type === 'not') {
      // After ':' an operator word is a value (`event.action:and` searches "and"), as in Lucene.
      const word = t.type === 'word' ? t.word : plainWord(this.src.slice(t.start, t.end));
      if (word.raw === '*') return { type: 'exists', field, at: start };
      return { type: 'match', field, value: wordValue(word), at: start };
    }
    return syntaxError(start, reasons.expectedValue);
  }

  private parseCompare(field: string): QueryNode {
    const op = this.src[this.pos] as '<' | '>';
    this.pos++;
    let full: CompareOp = op;
    if (this.src[this.pos] === '=') {
      this.pos++;
      full = op === '<' ? '<=' : '>=';
    }
    this.skipSpace();
    const start = this.pos;
    const t = this.next('value');
    this.leaf();
    if (t.type === 'phrase') return { type: 'compare', field, op: full, value: t.text, at: start };
    if (t.type === 'word') {
      if (t.word.wildcard) syntaxError(start, reasons.wildcardInCompare);
      return { type: 'compare', field, op: full, value: t.word.text, at: start };
    }
    return syntaxError(start, reasons.expectedCompareValue);
  }

  private parseRange(field: string): QueryNode {
    const at = this.pos;
    const openCh = this.src[this.pos];
    this.pos++;
    this.leaf();
    const lowValue = this.parseBound();
    const to = this.next('value');
    if (!(to.type === 'word' && !to.word.escaped && (to.word.raw === 'TO' || to.word.raw === 'to'))) {
      syntaxError(to.start, reasons.expectedTo);
    }
    const highValue = this.parseBound();
    this.skipSpace();
    const closeCh = this.src[this.pos];
    if (closeCh !== ']' && closeCh !== '}') syntaxError(this.pos, reasons.expectedRangeEnd);
    this.pos++;
    const low: Bound = { value: lowValue, inclusive: openCh === '[' };
    const high: Bound = { value: highValue, inclusive: closeCh === ']' };
    return { type: 'range', field, low, high, at };
  }

  /** A range bound: a word, a phrase, or `*` (open). */
  private parseBound(): string | null {
    this.skipSpace();
    const start = this.pos;
    const ch = this.src[start];
    if (ch === undefined) syntaxError(start, reasons.unexpectedEnd);
    if (ch === '"') return this.readPhrase();
    if (endsValueWord(ch)) syntaxError(start, reasons.expectedBound);
    const word = this.readWord((c) => endsValueWord(c));
    if (word.raw === '*') return null;
    if (word.wildcard) syntaxError(start, reasons.wildcardInCompare);
    return word.text;
  }
}

function plainWord(raw: string): Word {
  return { text: raw, pattern: raw, wildcard: false, escaped: false, raw };
}

function wordValue(word: Word): Value {
  return word.wildcard ? { kind: 'wildcard', pattern: word.pattern } : { kind: 'word', text: word.text };
}

/** Builds an AND/OR node, flattening nested nodes of the same kind; one item stands alone. */
function combine(type: 'and' | 'or', items: QueryNode[]): QueryNode {
  const flat: QueryNode[] = [];
  for (const item of items) {
    if (item.type === type) flat.push(...item.items);
    else flat.push(item);
  }
  return flat.length === 1 ? (flat[0] as QueryNode) : { type, items: flat };
}

/** Parses a query; throws `SOC_QUERY_SYNTAX` (with `position`) or `SOC_QUERY_TOO_COMPLEX`. */
export function parseQuery(text: string): QueryNode {
  if (text.length > MAX_QUERY_LENGTH) {
    throw new AppError('SOC_QUERY_TOO_COMPLEX', {
      max: MAX_QUERY_LENGTH,
      what: 'characters',
      whatVi: 'ký tự',
    });
  }
  return new Parser(text).parse();
}
