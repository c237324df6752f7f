/**
 * @module soc/pipelines/engine/grok
 * Compiles grok patterns (`%{PATTERN:field.path:type}`) into one native RegExp each, with the captures
 * numbered so the hot path reads `match[i]` and writes through precompiled setters.
 */

import { grokLibrary } from './grok-patterns.ts';
import { compileSetter, type Setter } from './paths.ts';
import { FIELD } from './yaml-reader.ts';

/** Conversions a capture may ask for. */
export type CaptureType = 'int' | 'long' | 'float' | 'double' | 'boolean' | 'string';
const captureTypes = new Set<string>(['int', 'long', 'float', 'double', 'boolean', 'string']);

interface Capture {
  field: string;
  type: CaptureType;
  set: Setter;
}

/** One compiled grok pattern. */
export interface CompiledGrok {
  regex: RegExp;
  /** Group index i+1 → captures[i]. */
  captures: Capture[];
}

const REF = /%\{(\w+)(?::([^:}]+))?(?::(\w+))?\}/g;

/** Expands and compiles a pattern; throws an Error with a readable reason when it cannot. */
export function compileGrok(pattern: string, custom: Readonly<Record<string, string>> = {}): CompiledGrok {
  const captures: Capture[] = [];
  const expand = (text: string, depth: number): string => {
    if (depth > 30) throw new Error('patterns refer to each other in a loop');
    return text.replace(REF, (_whole, name: string, field: string | undefined, type: string | undefined) => {
      const own = custom[name];
      const def = own !== undefined ? neutraliseGroups(own) : grokLibrary[name];
      if (def === undefined) throw new Error(`unknown grok pattern %{${name}}`);
      const inner = expand(def, depth + 1);
      if (field === undefined) return `(?:${inner})`;
      if (!FIELD.test(field)) throw new Error(`"${field}" is not a field path`);
      if (type !== undefined && !captureTypes.has(type)) throw new Error(`unknown capture type "${type}"`);
      captures.push({ field, type: (type ?? 'string') as CaptureType, set: compileSetter(field) });
      return `(${inner})`;
    });
  };
  const body = expand(neutraliseGroups(pattern), 0);
  let regex: RegExp;
  try {
    regex = new RegExp(body, 'u');
  } catch (err) {
    throw new Error(`the pattern is not a valid regular expression: ${(err as Error).message}`);
  }
  return { regex, captures: orderCaptures(body, captures) };
}

/**
 * Turns the author's own capturing groups `( … )` into non-capturing ones and refuses named groups, so the
 * only capturing groups are the `%{…:field}` ones.
 */
function neutraliseGroups(pattern: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] as string;
    if (ch === '\\') {
      out += ch + (pattern[i + 1] ?? '');
      i++;
      continue;
    }
    if (inClass) {
      if (ch === ']') inClass = false;
      out += ch;
      continue;
    }
    if (ch === '[') inClass = true;
    if (ch === '(' && pattern[i + 1] !== '?') {
      out += '(?:';
      continue;
    }
    if (
      ch === '(' &&
      pattern[i + 1] === '?' &&
      pattern[i + 2] === '<' &&
      /[A-Za-z]/.test(pattern[i + 3] ?? '')
    ) {
      throw new Error('use %{PATTERN:field} instead of named groups (?<name>…)');
    }
    out += ch;
  }
  return out;
}

/**
 * Expansion pushes a nested capture before the one around it (replace() recurses before the outer group is
 * returned): the order of closing parentheses. RegExp numbers groups by opening parenthesis; map one
 * order onto the other.
 */
function orderCaptures(body: string, pushed: Capture[]): Capture[] {
  // Find each capturing group's start and end in the expanded text.
  const groups: { start: number; end: number }[] = [];
  const stack: number[] = [];
  let inClass = false;
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (ch === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (ch === ']') inClass = false;
      continue;
    }
    if (ch === '[') inClass = true;
    else if (ch === '(') {
      const capturing = body[i + 1] !== '?';
      stack.push(capturing ? groups.length : -1);
      if (capturing) groups.push({ start: i, end: -1 });
    } else if (ch === ')') {
      const idx = stack.pop();
      if (idx !== undefined && idx >= 0) (groups[idx] as { end: number }).end = i;
    }
  }
  // replace() pushed captures in order of their closing parenthesis (post-order); sort groups likewise.
  const byClose = groups.map((g, i) => ({ i, end: g.end })).sort((a, b) => a.end - b.end);
  const ordered: Capture[] = new Array(pushed.length);
  for (let k = 0; k < byClose.length && k < pushed.length; k++) {
    ordered[(byClose[k] as { i: number }).i] = pushed[k] as Capture;
  }
  return ordered;
}

/** Converts a captured text to its declared type; undefined when it does not convert. */
export function convertCapture(text: string, type: CaptureType): unknown {
  switch (type) {
    case 'string':
      return text;
    case 'int':
    case 'long': {
      const n = Number.parseInt(text, 10);
      return Number.isFinite(n) ? n : undefined;
    }
    case 'float':
    case 'double': {
      const n = Number.parseFloat(text);
      return Number.isFinite(n) ? n : undefined;
    }
    case 'boolean': {
      const t = text.toLowerCase();
      return t === 'true' ? true : t === 'false' ? false : undefined;
    }
  }
}

/** Applies a match's captures to the document (empty captures are skipped, as grok does). */
export function applyCaptures(doc: Record<string, unknown>, g: CompiledGrok, m: RegExpExecArray): void {
  const caps = g.captures;
  for (let i = 0; i < caps.length; i++) {
    const text = m[i + 1];
    if (text === undefined || text === '') continue;
    const cap = caps[i] as Capture;
    if (cap.type === 'string') cap.set(doc, text);
    else {
      const v = convertCapture(text, cap.type);
      if (v !== undefined) cap.set(doc, v);
    }
  }
}
