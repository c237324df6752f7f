/**
 * @module soc/pipelines/engine/template
 * Values of `set`/`append` may name fields: `"{{source.ip}}:{{source.port}}"`. A value that is exactly one
 * `{{field}}` keeps the field's type; `{{$error}}` is the failure an `on_failure` block handles, and
 * `{{$text}}`, `{{$kind}}`, `{{$input}}`, `{{$peer}}` are the raw event's text, input kind, input and sender.
 */
import type { EcsDoc } from '../../contracts.ts';
import { cloneJson, compileGetter } from './paths.ts';
import type { RunCtx } from './types.ts';

/** Produces a value per event. */
export type ValueFn = (doc: EcsDoc, run: RunCtx) => unknown;

const TOKEN = /\{\{\s*([^{}\s]+)\s*\}\}/g;

/** Compiles a constant or a template into a value function (constants that are objects are copied per use). */
export function compileValue(value: unknown): ValueFn {
  if (typeof value !== 'string' || !value.includes('{{')) {
    if (value !== null && typeof value === 'object') return () => cloneJson(value);
    return () => value;
  }
  const parts: (string | ValueFn)[] = [];
  let last = 0;
  for (const m of value.matchAll(TOKEN)) {
    if (m.index > last) parts.push(value.slice(last, m.index));
    const name = m[1] as string;
    if (name === '$error') parts.push((_doc, run) => run.lastError);
    else if (name === '$text') parts.push((_doc, run) => run.raw.text);
    else if (name === '$kind') parts.push((_doc, run) => run.raw.kind);
    else if (name === '$input') parts.push((_doc, run) => run.raw.input);
    else if (name === '$peer') parts.push((_doc, run) => run.raw.peer);
    else {
      const get = compileGetter(name);
      parts.push((doc) => get(doc));
    }
    last = m.index + m[0].length;
  }
  if (last < value.length) parts.push(value.slice(last));
  if (parts.length === 1 && typeof parts[0] === 'function') return parts[0];
  return (doc, run) => {
    let out = '';
    for (const p of parts) {
      if (typeof p === 'string') out += p;
      else {
        const v = p(doc, run);
        if (v !== undefined && v !== null) out += typeof v === 'object' ? JSON.stringify(v) : String(v);
      }
    }
    return out;
  };
}
