/**
 * @module soc/pipelines/engine/processors-parse
 * Processors that parse text into fields: grok, dissect, kv, json, csv, date, geoip.
 */
import { isIP } from 'node:net';
import type { EcsDoc } from '../../contracts.ts';
import { type DateParser, DEFAULT_TIMEZONE, dateParser, zoneOffset } from './date.ts';
import { applyCaptures, type CompiledGrok, compileGrok } from './grok.ts';
import { compileGetter, compileSetter, isPlainObject, type Setter } from './paths.ts';
import { type ProcessorCompiler, StepFailure } from './types.ts';
import { FIELD, isMap, isScalar, type MapReader } from './yaml-reader.ts';

/** Reads the source field as text; undefined means "skip" (missing and ignore_missing). */
function textSource(r: MapReader, fallbackField?: string) {
  const field = fallbackField !== undefined ? (r.field('field') ?? fallbackField) : r.field('field', true);
  const ignoreMissing = r.bool('ignore_missing', false);
  const get = compileGetter(field);
  return {
    field,
    read(doc: EcsDoc): string | undefined {
      const v = get(doc);
      if (typeof v === 'string') return v;
      if (v === undefined || v === null) {
        if (ignoreMissing) return undefined;
        throw new StepFailure(`field "${field}" is missing`);
      }
      throw new StepFailure(`field "${field}" is not text`);
    },
  };
}

const grok: ProcessorCompiler = (r) => {
  const src = textSource(r, 'message');
  const defsNode = r.node_('pattern_definitions');
  const custom: Record<string, string> = {};
  if (defsNode !== undefined) {
    if (!isMap(defsNode)) throw r.source.error(defsNode, 'grok: "pattern_definitions" must be a mapping');
    for (const pair of defsNode.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      if (!/^\w+$/.test(key) || !isScalar(pair.value) || typeof pair.value.value !== 'string') {
        throw r.source.error(pair.key as never, 'grok: a pattern definition is NAME: expression');
      }
      custom[key] = pair.value.value;
    }
  }
  const patternsNode = r.node_('patterns');
  const patterns = r.strList('patterns', true);
  if (patterns.length === 0) throw r.error('patterns', 'grok: "patterns" must not be empty');
  const compiled: CompiledGrok[] = patterns.map((p, i) => {
    try {
      return compileGrok(p, custom);
    } catch (err) {
      const item =
        patternsNode && 'items' in patternsNode ? (patternsNode.items as never[])[i] : patternsNode;
      throw r.source.error(item ?? patternsNode, `grok: ${(err as Error).message}`);
    }
  });
  return (doc) => {
    const text = src.read(doc);
    if (text === undefined) return;
    for (let i = 0; i < compiled.length; i++) {
      const g = compiled[i] as CompiledGrok;
      const m = g.regex.exec(text);
      if (m) {
        applyCaptures(doc, g, m);
        return;
      }
    }
    throw new StepFailure(`no grok pattern matched field "${src.field}"`);
  };
};

interface DissectKey {
  name: string;
  skip: boolean;
  append: boolean;
  padded: boolean;
  set: Setter | null;
  /** The literal that follows the key ('' for the last key: the rest of the text). */
  delimiter: string;
}

/** `%{a} %{b->} [%{c}]` splits on the literal text between keys; `%{?x}`/`%{}` skip, `%{+x}` appends. */
function compileDissect(pattern: string): { prefix: string; keys: DissectKey[] } {
  const re = /%\{([^}]*)\}/g;
  const keys: DissectKey[] = [];
  let last = 0;
  let prefix = '';
  for (const m of pattern.matchAll(re)) {
    const literal = pattern.slice(last, m.index);
    if (keys.length === 0) prefix = literal;
    else {
      if (literal === '') throw new Error('two keys need text between them');
      (keys[keys.length - 1] as DissectKey).delimiter = literal;
    }
    let name = (m[1] as string).trim();
    const padded = name.endsWith('->');
    if (padded) name = name.slice(0, -2);
    const skip = name === '' || name.startsWith('?');
    const append = name.startsWith('+');
    if (skip || append) name = name.slice(1);
    if (!skip && !FIELD.test(name)) throw new Error(`"${name}" is not a field path`);
    keys.push({ name, skip, append, padded, set: skip ? null : compileSetter(name), delimiter: '' });
    last = m.index + m[0].length;
  }
  if (keys.length === 0) throw new Error('the pattern has no %{key}');
  const tail = pattern.slice(last);
  if (tail !== '') (keys[keys.length - 1] as DissectKey).delimiter = tail;
  return { prefix, keys };
}

const dissect: ProcessorCompiler = (r) => {
  const src = textSource(r, 'message');
  const pattern = r.str('pattern', true);
  const appendSeparator = r.str('append_separator') ?? ' ';
  let compiled: ReturnType<typeof compileDissect>;
  try {
    compiled = compileDissect(pattern);
  } catch (err) {
    throw r.error('pattern', `dissect: ${(err as Error).message}`);
  }
  const { prefix, keys } = compiled;
  const getters = new Map(keys.filter((k) => k.append).map((k) => [k.name, compileGetter(k.name)]));
  return (doc) => {
    const text = src.read(doc);
    if (text === undefined) return;
    if (!text.startsWith(prefix))
      throw new StepFailure(`dissect pattern does not match field "${src.field}"`);
    let pos = prefix.length;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i] as DissectKey;
      let end: number;
      if (k.delimiter === '') end = text.length;
      else {
        end = text.indexOf(k.delimiter, pos);
        if (end < 0) throw new StepFailure(`dissect pattern does not match field "${src.field}"`);
      }
      const value = text.slice(pos, end);
      pos = end + k.delimiter.length;
      if (k.padded) while (k.delimiter !== '' && text.startsWith(k.delimiter, pos)) pos += k.delimiter.length;
      if (k.set) {
        if (k.append) {
          const prev = getters.get(k.name)?.(doc);
          k.set(doc, typeof prev === 'string' && prev !== '' ? prev + appendSeparator + value : value);
        } else k.set(doc, value);
      }
    }
  };
};

/** Splits `k=v k2="quoted value"` pairs; keys without a value separator are skipped. */
export function splitKv(
  text: string,
  fieldSplit: string,
  valueSplit: string,
  stripQuotes: boolean,
  out: string[],
): void {
  const ws = fieldSplit === ' ';
  const n = text.length;
  let i = 0;
  while (i < n) {
    if (ws) while (i < n && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i++;
    else while (text.startsWith(fieldSplit, i)) i += fieldSplit.length;
    if (i >= n) break;
    const vs = text.indexOf(valueSplit, i);
    let fs = ws ? nextSpace(text, i) : text.indexOf(fieldSplit, i);
    if (fs < 0) fs = n;
    if (vs < 0 || vs > fs) {
      i = fs;
      continue;
    }
    const key = text.slice(i, vs).trim();
    let j = vs + valueSplit.length;
    const q = text.charCodeAt(j);
    let value: string;
    if (q === 34 || q === 39) {
      let k = j + 1;
      while (k < n && !(text.charCodeAt(k) === q && text.charCodeAt(k - 1) !== 92)) k++;
      value = stripQuotes ? text.slice(j + 1, k) : text.slice(j, k + 1);
      j = k + 1;
    } else {
      let end = ws ? nextSpace(text, j) : text.indexOf(fieldSplit, j);
      if (end < 0) end = n;
      value = text.slice(j, end);
      j = end;
    }
    if (key !== '') out.push(key, value);
    i = j;
  }
}

const GREEDY_KEY = /(?:^|\s)([\w.[\]-]+)=/g;

/**
 * CEF-style extensions: a value runs until the space before the next `key=`, so values hold spaces without
 * quotes; `\=` and `\\` are unescaped (`\n`/`\r` become line breaks).
 */
export function splitGreedyKv(
  text: string,
  _fieldSplit: string,
  _valueSplit: string,
  _stripQuotes: boolean,
  out: string[],
): void {
  const keys: { key: string; start: number; valueStart: number }[] = [];
  GREEDY_KEY.lastIndex = 0;
  for (let m = GREEDY_KEY.exec(text); m !== null; m = GREEDY_KEY.exec(text)) {
    // An escaped `\=` inside a value is not a key.
    if (text[m.index + m[0].length - 2] === '\\') continue;
    keys.push({ key: m[1] as string, start: m.index, valueStart: m.index + m[0].length });
  }
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] as (typeof keys)[number];
    const end = i + 1 < keys.length ? (keys[i + 1] as (typeof keys)[number]).start : text.length;
    const value = text.slice(k.valueStart, end).trimEnd();
    out.push(k.key, value.includes('\\') ? unescapeCef(value) : value);
  }
}

function unescapeCef(v: string): string {
  return v.replace(/\\([=\\nr|])/g, (_w, c: string) => (c === 'n' ? '\n' : c === 'r' ? '\r' : c));
}

function nextSpace(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9) return i;
  }
  return -1;
}

/** Writes a key that is not a field path as it is, at the top level. */
function flatSetter(name: string): Setter {
  if (name === '__proto__') return () => {};
  return (d, v) => {
    d[name] = v;
  };
}

const kv: ProcessorCompiler = (r) => {
  const src = textSource(r, 'message');
  const target = r.field('target_field');
  const prefix = r.str('prefix') ?? '';
  const fieldSplit = r.str('field_split') ?? ' ';
  const valueSplit = r.str('value_split') ?? '=';
  if (fieldSplit === '' || valueSplit === '') throw r.error(null, 'kv: separators must not be empty');
  const include = r.strList('include_keys');
  const exclude = new Set(r.strList('exclude_keys') ?? []);
  const stripQuotes = r.bool('strip_quotes', true);
  const greedy = r.bool('greedy_values', false);
  if (greedy && fieldSplit !== ' ')
    throw r.error('greedy_values', 'kv: "greedy_values" splits on spaces only');
  const includeSet = include ? new Set(include) : null;
  const getTarget = target ? compileGetter(target) : null;
  const setTarget = target ? compileSetter(target) : null;
  const setters = new Map<string, Setter>();
  return (doc) => {
    const text = src.read(doc);
    if (text === undefined) return;
    let into: Record<string, unknown> = doc;
    if (getTarget && setTarget) {
      const cur = getTarget(doc);
      if (isPlainObject(cur)) into = cur;
      else {
        into = {};
        setTarget(doc, into);
      }
    }
    const pairs: string[] = [];
    (greedy ? splitGreedyKv : splitKv)(text, fieldSplit, valueSplit, stripQuotes, pairs);
    let found = 0;
    for (let p = 0; p < pairs.length; p += 2) {
      const key = pairs[p] as string;
      const value = pairs[p + 1] as string;
      if (includeSet && !includeSet.has(key)) continue;
      if (exclude.has(key)) continue;
      found++;
      const name = prefix + key;
      if (target) {
        if (name !== '__proto__') into[name] = value;
        continue;
      }
      let s = setters.get(name);
      if (!s) {
        // Keys come from the data: only names that are field paths become paths.
        s = FIELD.test(name) ? compileSetter(name) : flatSetter(name);
        if (setters.size < 1000) setters.set(name, s);
      }
      s(doc, value);
    }
    if (found === 0) throw new StepFailure(`no key=value pairs in field "${src.field}"`);
  };
};

const json: ProcessorCompiler = (r) => {
  const src = textSource(r);
  const target = r.field('target_field');
  const addToRoot = r.bool('add_to_root', target === undefined);
  if (addToRoot && target !== undefined)
    throw r.error('add_to_root', 'json: "add_to_root" and "target_field" exclude each other');
  const put = target ? compileSetter(target) : null;
  return (doc) => {
    const text = src.read(doc);
    if (text === undefined) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new StepFailure(`field "${src.field}" is not JSON`);
    }
    if (put) put(doc, parsed);
    else {
      if (!isPlainObject(parsed)) throw new StepFailure(`field "${src.field}" is not a JSON object`);
      for (const key in parsed) if (key !== '__proto__') doc[key] = parsed[key];
    }
  };
};

/** Splits one CSV record (RFC 4180 quoting: a quote inside a quoted field is doubled). */
export function splitCsv(text: string, separator: string, quote: string): string[] {
  const out: string[] = [];
  const n = text.length;
  let i = 0;
  for (;;) {
    if (text.startsWith(quote, i)) {
      let value = '';
      let j = i + quote.length;
      for (;;) {
        const k = text.indexOf(quote, j);
        if (k < 0) throw new StepFailure('unclosed quote in CSV');
        value += text.slice(j, k);
        if (text.startsWith(quote, k + quote.length)) {
          value += quote;
          j = k + 2 * quote.length;
          continue;
        }
        j = k + quote.length;
        break;
      }
      out.push(value);
      if (j >= n) return out;
      if (!text.startsWith(separator, j)) throw new StepFailure('text after a closing quote in CSV');
      i = j + separator.length;
    } else {
      const k = text.indexOf(separator, i);
      if (k < 0) {
        out.push(text.slice(i));
        return out;
      }
      out.push(text.slice(i, k));
      i = k + separator.length;
    }
  }
}

const csv: ProcessorCompiler = (r) => {
  const src = textSource(r, 'message');
  const columnsNode = r.node_('target_fields');
  const columns = r.json('target_fields');
  if (!Array.isArray(columns) || columns.length === 0) {
    throw r.source.error(
      columnsNode ?? r.node,
      'csv: "target_fields" must be a list of fields (null to skip a column)',
    );
  }
  const setters = columns.map((c) => {
    if (c === null || c === '' || c === '_') return null;
    if (typeof c !== 'string' || !FIELD.test(c))
      throw r.source.error(columnsNode, `csv: "${String(c)}" is not a field path`);
    return compileSetter(c);
  });
  const separator = r.str('separator') ?? ',';
  const quote = r.str('quote') ?? '"';
  const trim = r.bool('trim', false);
  const emptyValue = r.json('empty_value');
  return (doc) => {
    const text = src.read(doc);
    if (text === undefined) return;
    const values = splitCsv(text, separator, quote);
    const count = Math.min(values.length, setters.length);
    for (let i = 0; i < count; i++) {
      const set = setters[i];
      if (!set) continue;
      let v = values[i] as string;
      if (trim) v = v.trim();
      if (v === '') {
        if (emptyValue !== undefined) set(doc, emptyValue);
        continue;
      }
      set(doc, v);
    }
  };
};

const date: ProcessorCompiler = (r) => {
  const field = r.field('field', true);
  const target = r.field('target_field') ?? '@timestamp';
  const ignoreMissing = r.bool('ignore_missing', false);
  const tz = r.str('timezone') ?? DEFAULT_TIMEZONE;
  let zone: ReturnType<typeof zoneOffset>;
  try {
    zone = zoneOffset(tz);
  } catch {
    throw r.error('timezone', `date: unknown time zone "${tz}"`);
  }
  const formatsNode = r.node_('formats');
  const formats = r.strList('formats', true);
  const parsers: DateParser[] = formats.map((f, i) => {
    try {
      return dateParser(f, zone);
    } catch (err) {
      const item = formatsNode && 'items' in formatsNode ? (formatsNode.items as never[])[i] : formatsNode;
      throw r.source.error(item ?? formatsNode, `date: ${(err as Error).message}`);
    }
  });
  const get = compileGetter(field);
  const put = compileSetter(target);
  return (doc, run) => {
    const v = get(doc);
    if (v === undefined || v === null || v === '') {
      if (ignoreMissing) return;
      throw new StepFailure(`field "${field}" is missing`);
    }
    for (let i = 0; i < parsers.length; i++) {
      const ms = (parsers[i] as DateParser)(v, run.raw.receivedAt);
      if (Number.isFinite(ms) && Math.abs(ms) < 8.64e15) {
        put(doc, new Date(ms).toISOString());
        return;
      }
    }
    throw new StepFailure(`"${String(v)}" in "${field}" matches none of the date formats`);
  };
};

function name(record: Record<string, unknown>, key: string): unknown {
  const part = record[key];
  if (!isPlainObject(part)) return undefined;
  const names = part.names;
  return isPlainObject(names) ? names.en : undefined;
}

const geoip: ProcessorCompiler = (r, env) => {
  const field = r.field('field', true);
  const parent = field.includes('.') ? field.slice(0, field.lastIndexOf('.')) : '';
  const target = r.field('target_field') ?? (parent ? `${parent}.geo` : 'geo');
  const asTarget = r.field('as_target_field') ?? (parent ? `${parent}.as` : 'as');
  r.bool('ignore_missing', true);
  const lookup = env.geoip;
  // No database configured or present: the processor does nothing (pipelines stay portable).
  if (!lookup) return () => {};
  const get = compileGetter(field);
  const putGeo = compileSetter(target);
  const putAs = compileSetter(asTarget);
  return (doc) => {
    const ip = get(doc);
    if (typeof ip !== 'string' || isIP(ip) === 0) return;
    let record: Record<string, unknown> | null;
    try {
      record = lookup(ip);
    } catch {
      return;
    }
    if (!record) return;
    const geo: Record<string, unknown> = {};
    const country = record.country;
    if (isPlainObject(country) && typeof country.iso_code === 'string')
      geo.country_iso_code = country.iso_code;
    const countryName = name(record, 'country');
    if (countryName !== undefined) geo.country_name = countryName;
    const continent = record.continent;
    if (isPlainObject(continent) && typeof continent.code === 'string') geo.continent_code = continent.code;
    const cityName = name(record, 'city');
    if (cityName !== undefined) geo.city_name = cityName;
    const subs = record.subdivisions;
    if (Array.isArray(subs) && isPlainObject(subs[0])) {
      const sub = subs[0];
      if (typeof sub.iso_code === 'string') geo.region_iso_code = sub.iso_code;
      const names = sub.names;
      if (isPlainObject(names) && names.en !== undefined) geo.region_name = names.en;
    }
    const loc = record.location;
    if (isPlainObject(loc) && typeof loc.latitude === 'number' && typeof loc.longitude === 'number') {
      geo.location = { lat: loc.latitude, lon: loc.longitude };
    }
    if (Object.keys(geo).length > 0) putGeo(doc, geo);
    if (typeof record.autonomous_system_number === 'number') {
      putAs(doc, {
        number: record.autonomous_system_number,
        organization: { name: record.autonomous_system_organization },
      });
    }
  };
};

/** The parsing processors by name. */
export const parseProcessors: Record<string, ProcessorCompiler> = {
  grok,
  dissect,
  kv,
  json,
  csv,
  date,
  geoip,
};
