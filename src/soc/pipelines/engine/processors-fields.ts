/**
 * @module soc/pipelines/engine/processors-fields
 * Processors that move and shape fields: set, rename, remove, append, convert, lowercase, uppercase, trim,
 * gsub, split, translate, drop, fail, pipeline.
 */
import { isIP } from 'node:net';
import type { EcsDoc } from '../../contracts.ts';
import {
  cloneJson,
  compileDeleter,
  compileGetter,
  compileMerge,
  compileSetter,
  expandDots,
  isPlainObject,
  type Merge,
} from './paths.ts';
import { compileValue } from './template.ts';
import { type CompileEnv, type ProcessorCompiler, type RunCtx, type Step, StepFailure } from './types.ts';
import type { MapReader } from './yaml-reader.ts';

function missing(field: string): StepFailure {
  return new StepFailure(`field "${field}" is missing`);
}

function isEmpty(v: unknown): boolean {
  return v === undefined || v === null || v === '';
}

/** A processor that maps one field's value to a new value in place or into `target_field`. */
function mapping(r: MapReader, fn: (v: unknown, field: string) => unknown): Step {
  const field = r.field('field', true);
  const target = r.field('target_field') ?? field;
  const ignoreMissing = r.bool('ignore_missing', false);
  const get = compileGetter(field);
  const set = compileSetter(target);
  return (doc) => {
    const v = get(doc);
    if (v === undefined || v === null) {
      if (ignoreMissing) return;
      throw missing(field);
    }
    set(doc, Array.isArray(v) ? v.map((item) => fn(item, field)) : fn(v, field));
  };
}

const set: ProcessorCompiler = (r) => {
  const field = r.field('field', true);
  const copyFrom = r.field('copy_from');
  if (copyFrom !== undefined && r.has('value'))
    throw r.error('copy_from', 'set: give "value" or "copy_from", not both');
  if (copyFrom === undefined && !r.has('value'))
    throw r.error(null, 'set: "value" or "copy_from" is required');
  const override = r.bool('override', true);
  const ignoreEmpty = r.bool('ignore_empty_value', false);
  const merge = r.bool('merge', false);
  const get = compileGetter(field);
  const put = compileSetter(field);
  let value: (doc: EcsDoc, run: RunCtx) => unknown;
  if (copyFrom !== undefined) {
    const from = compileGetter(copyFrom);
    value = (doc) => cloneJson(from(doc));
  } else value = compileValue(r.json('value'));
  if (merge) {
    const constant = r.json('value');
    if (!isPlainObject(constant)) throw r.error('merge', 'set: "merge" needs a mapping as "value"');
    // Categorisation blocks (`event: {category: […], type: […]}`) merge into what the event already has.
    return compileMerge(field, constant);
  }
  // Copying a field that is not there does nothing (no empty objects on the way).
  const skipMissing = copyFrom !== undefined;
  return (doc, run) => {
    if (!override && get(doc) !== undefined) return;
    const v = value(doc, run);
    if (skipMissing && (v === undefined || v === null)) return;
    if (ignoreEmpty && isEmpty(v)) return;
    put(doc, v);
  };
};

const rename: ProcessorCompiler = (r) => {
  const field = r.field('field', true);
  const target = r.field('target_field', true);
  const ignoreMissing = r.bool('ignore_missing', false);
  const get = compileGetter(field);
  const del = compileDeleter(field);
  const put = compileSetter(target);
  return (doc) => {
    const v = get(doc);
    if (v === undefined) {
      if (ignoreMissing) return;
      throw missing(field);
    }
    del(doc);
    put(doc, v);
  };
};

const remove: ProcessorCompiler = (r) => {
  const fields = r.strList('field', true);
  const ignoreMissing = r.bool('ignore_missing', true);
  const dels = fields.map((f) => ({ f, del: compileDeleter(f) }));
  return (doc) => {
    for (const { f, del } of dels) if (!del(doc) && !ignoreMissing) throw missing(f);
  };
};

const append: ProcessorCompiler = (r) => {
  const field = r.field('field', true);
  if (!r.has('value')) throw r.error(null, 'append: "value" is required');
  const raw = r.json('value');
  const values = (Array.isArray(raw) ? raw : [raw]).map((v) => compileValue(v));
  const allowDuplicates = r.bool('allow_duplicates', false);
  const get = compileGetter(field);
  const put = compileSetter(field);
  return (doc, run) => {
    const cur = get(doc);
    const list: unknown[] = Array.isArray(cur) ? cur : cur === undefined || cur === null ? [] : [cur];
    for (const fn of values) {
      const v = fn(doc, run);
      if (v === undefined || v === null) continue;
      if (allowDuplicates || !list.includes(v)) list.push(v);
    }
    if (list !== cur) put(doc, list);
  };
};

const TRUE = new Set(['true', 'yes', 'on', '1', 't', 'y']);
const FALSE = new Set(['false', 'no', 'off', '0', 'f', 'n']);

/** Converts one value; a StepFailure when it cannot be. */
export function convertValue(v: unknown, type: string, field: string): unknown {
  const text = typeof v === 'string' ? v.trim() : v;
  switch (type) {
    case 'integer':
    case 'long': {
      const n =
        typeof text === 'number'
          ? Math.trunc(text)
          : typeof text === 'string' && /^[+-]?\d+$/.test(text)
            ? Number(text)
            : Number.NaN;
      if (!Number.isSafeInteger(n)) throw new StepFailure(`"${String(v)}" in "${field}" is not an integer`);
      return n;
    }
    case 'float':
    case 'double': {
      const n =
        typeof text === 'number' ? text : typeof text === 'string' && text !== '' ? Number(text) : Number.NaN;
      if (!Number.isFinite(n)) throw new StepFailure(`"${String(v)}" in "${field}" is not a number`);
      return n;
    }
    case 'boolean': {
      if (typeof text === 'boolean') return text;
      const t = String(text).toLowerCase();
      if (TRUE.has(t)) return true;
      if (FALSE.has(t)) return false;
      throw new StepFailure(`"${String(v)}" in "${field}" is not a boolean`);
    }
    case 'ip': {
      const t = String(text);
      // An IPv6 with a zone (fe80::1%eth0) is still an address; the zone is not part of it.
      const bare = t.includes('%') ? t.slice(0, t.indexOf('%')) : t;
      if (isIP(bare) === 0) throw new StepFailure(`"${t}" in "${field}" is not an IP address`);
      return bare;
    }
    case 'string':
      return typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
    default:
      return v;
  }
}

const CONVERT_TYPES = ['integer', 'long', 'float', 'double', 'boolean', 'ip', 'string'];

const convert: ProcessorCompiler = (r) => {
  const type = r.str('type', true);
  if (!CONVERT_TYPES.includes(type))
    throw r.error('type', `convert: type must be one of ${CONVERT_TYPES.join(', ')}`);
  return mapping(r, (v, field) => convertValue(v, type, field));
};

const textMapping =
  (fn: (s: string) => string): ProcessorCompiler =>
  (r) =>
    mapping(r, (v, field) => {
      if (typeof v !== 'string') throw new StepFailure(`field "${field}" is not text`);
      return fn(v);
    });

const gsub: ProcessorCompiler = (r) => {
  const pattern = r.str('pattern', true);
  const replacement = r.str('replacement') ?? '';
  let re: RegExp;
  try {
    re = new RegExp(pattern, 'gu');
  } catch (err) {
    throw r.error('pattern', `gsub: invalid pattern: ${(err as Error).message}`);
  }
  return mapping(r, (v, field) => {
    if (typeof v !== 'string') throw new StepFailure(`field "${field}" is not text`);
    return v.replace(re, replacement);
  });
};

const split: ProcessorCompiler = (r) => {
  const separator = r.str('separator', true);
  const field = r.field('field', true);
  const target = r.field('target_field') ?? field;
  const ignoreMissing = r.bool('ignore_missing', false);
  const get = compileGetter(field);
  const put = compileSetter(target);
  return (doc) => {
    const v = get(doc);
    if (typeof v !== 'string') {
      if (v === undefined && ignoreMissing) return;
      if (Array.isArray(v)) return;
      throw missing(field);
    }
    put(doc, v === '' ? [] : v.split(separator));
  };
};

const translate: ProcessorCompiler = (r) => {
  const field = r.field('field', true);
  const target = r.field('target_field', true);
  const dictNode = r.json('dictionary');
  if (!isPlainObject(dictNode)) throw r.error('dictionary', 'translate: "dictionary" must be a mapping');
  const dictionary = new Map<string, unknown>(Object.entries(dictNode));
  const fallback = r.has('fallback') ? r.json('fallback') : undefined;
  const merge = r.bool('merge', false);
  const ignoreCase = r.bool('ignore_case', false);
  if (ignoreCase) {
    for (const [k, v] of [...dictionary]) dictionary.set(k.toLowerCase(), v);
  }
  const get = compileGetter(field);
  const put = compileSetter(target);
  // With `merge`, each mapping in the dictionary is compiled once into the setters of its leaves.
  const merges = new Map<unknown, Merge>();
  if (merge) {
    for (const value of [...dictionary.values(), fallback]) {
      if (isPlainObject(value)) merges.set(value, compileMerge(target, value));
    }
  }
  return (doc) => {
    const v = get(doc);
    let key =
      typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
    if (key !== undefined && ignoreCase) key = key.toLowerCase();
    let out = key === undefined ? undefined : dictionary.get(key);
    if (out === undefined) out = fallback;
    if (out === undefined) return;
    const m = merges.get(out);
    if (m) m(doc);
    else put(doc, cloneJson(out));
  };
};

/** Envelope fields of shippers and of ECS that stay where they are when a vendor document is moved aside. */
const ENVELOPE = [
  '@timestamp',
  'agent',
  'ecs',
  'event',
  'host',
  'input',
  'log',
  'tags',
  'fields',
  'data_stream',
  'observer',
  'service',
  'cloud',
  'labels',
];

const moveFields: ProcessorCompiler = (r) => {
  const from = r.field('from');
  const to = r.field('to', true);
  const exclude = new Set(r.strList('exclude') ?? ENVELOPE);
  const expand = r.bool('expand_dots', false);
  const getFrom = from ? compileGetter(from) : null;
  const delFrom = from ? compileDeleter(from) : null;
  const getTo = compileGetter(to);
  const putTo = compileSetter(to);
  const toHead = to.split('.')[0] as string;
  return (doc) => {
    const source = getFrom ? getFrom(doc) : doc;
    if (!isPlainObject(source)) return;
    const moved: Record<string, unknown> = {};
    for (const key of Object.keys(source)) {
      if (exclude.has(key) || (!getFrom && key === toHead) || key === '__proto__') continue;
      moved[key] = source[key];
      delete source[key];
    }
    if (delFrom) delFrom(doc);
    if (expand) expandDots(moved);
    const existing = getTo(doc);
    if (isPlainObject(existing)) Object.assign(existing, moved);
    else putTo(doc, moved);
  };
};

const fieldsFromList: ProcessorCompiler = (r) => {
  const field = r.field('field', true);
  const target = r.field('target_field', true);
  const valueKey = r.str('value_key');
  const namesBy = r.field('names_by');
  const names = r.json('names');
  let table: Map<string, string[]>;
  const check = (list: unknown): string[] => {
    if (!Array.isArray(list) || list.some((n) => typeof n !== 'string' && n !== null)) {
      throw r.error('names', 'fields_from_list: names are lists of field names (null to skip a position)');
    }
    return list as string[];
  };
  if (namesBy) {
    if (!isPlainObject(names))
      throw r.error('names', 'fields_from_list: with "names_by", "names" maps each value to a list of names');
    table = new Map(Object.entries(names).map(([k, v]) => [k, check(v)]));
  } else table = new Map([['', check(names)]]);
  const get = compileGetter(field);
  const key = namesBy ? compileGetter(namesBy) : null;
  const put = compileSetter(target);
  return (doc) => {
    const list = get(doc);
    if (!Array.isArray(list)) return;
    const k = key ? key(doc) : '';
    const nameList = table.get(typeof k === 'string' || typeof k === 'number' ? String(k) : '');
    if (!nameList) return;
    const out: Record<string, unknown> = {};
    const n = Math.min(list.length, nameList.length);
    for (let i = 0; i < n; i++) {
      const name = nameList[i];
      if (!name) continue;
      const item = list[i];
      const v = valueKey && isPlainObject(item) ? item[valueKey] : item;
      // Windows writes numbers and GUIDs as they are; event data is text in Winlogbeat's shape too.
      out[name] = v === null || v === undefined ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
    }
    put(doc, out);
  };
};

const drop: ProcessorCompiler = () => (_doc, run) => {
  run.dropped = true;
};

const fail: ProcessorCompiler = (r) => {
  const message = compileValue(r.str('message', true));
  return (doc, run) => {
    throw new StepFailure(String(message(doc, run)));
  };
};

const MAX_DEPTH = 5;

const pipeline: ProcessorCompiler = (r, env: CompileEnv) => {
  const name = r.str('name', true);
  return (doc, run) => {
    const target = env.pipeline(name);
    if (!target) throw new StepFailure(`pipeline "${name}" does not exist`);
    if (run.depth >= MAX_DEPTH)
      throw new StepFailure(`pipelines call each other more than ${MAX_DEPTH} deep`);
    run.depth++;
    try {
      target.run(doc, run);
    } finally {
      run.depth--;
    }
  };
};

/** The field processors by name. */
export const fieldProcessors: Record<string, ProcessorCompiler> = {
  set,
  rename,
  remove,
  append,
  convert,
  lowercase: textMapping((s) => s.toLowerCase()),
  uppercase: textMapping((s) => s.toUpperCase()),
  trim: textMapping((s) => s.trim()),
  gsub,
  split,
  translate,
  drop,
  fail,
  pipeline,
  move_fields: moveFields,
  fields_from_list: fieldsFromList,
};
