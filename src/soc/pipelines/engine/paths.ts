/**
 * @module soc/pipelines/engine/paths
 * Dotted ECS paths compiled once into closures: the hot path reads and writes fields without splitting
 * strings per event. A top-level key holding the whole dotted name (`"event.module"` as sent by some
 * shippers) is read too, like `getField` of src/soc/ecs/fields.ts.
 */
import type { EcsDoc } from '../../contracts.ts';

export type Getter = (doc: EcsDoc) => unknown;
export type Setter = (doc: EcsDoc, value: unknown) => void;
export type Deleter = (doc: EcsDoc) => boolean;

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * Names that would reach an object's prototype. Field names come from the data too (kv keys, dotted JSON
 * keys), so a log line must never be able to write `__proto__.x` into Object.prototype.
 */
const UNSAFE = new Set(['__proto__', 'constructor', 'prototype']);

/** True when a dotted path names a prototype slot anywhere. */
export function isUnsafePath(path: string): boolean {
  return path.split('.').some((p) => UNSAFE.has(p));
}

/** A reader of one dotted path. */
export function compileGetter(path: string): Getter {
  if (isUnsafePath(path)) return () => undefined;
  const parts = path.split('.');
  if (parts.length === 1) return (doc) => doc[path];
  const [a, b, c] = parts as [string, string, string];
  if (parts.length === 2) {
    return (doc) => {
      const x = doc[a];
      if (isObj(x)) return x[b];
      return doc[path];
    };
  }
  if (parts.length === 3) {
    return (doc) => {
      const x = doc[a];
      if (isObj(x)) {
        const y = x[b];
        if (isObj(y)) return y[c];
        // Half-flattened: { "winlog": { "event_data.X": … } } is not ECS; only the fully flat key is read.
        return undefined;
      }
      return doc[path];
    };
  }
  return (doc) => {
    let cur: unknown = doc;
    for (let i = 0; i < parts.length; i++) {
      if (!isObj(cur)) return i === 0 ? undefined : path in doc ? doc[path] : undefined;
      cur = cur[parts[i] as string];
    }
    if (cur === undefined && path in doc) return doc[path];
    return cur;
  };
}

/** A writer of one dotted path, creating objects on the way (a non-object in the way is replaced). */
export function compileSetter(path: string): Setter {
  if (isUnsafePath(path)) return () => {};
  const parts = path.split('.');
  if (parts.length === 1) {
    return (doc, value) => {
      doc[path] = value;
    };
  }
  const last = parts[parts.length - 1] as string;
  const head = parts.slice(0, -1);
  return (doc, value) => {
    let cur: Obj = doc;
    for (let i = 0; i < head.length; i++) {
      const key = head[i] as string;
      const next = cur[key];
      if (isObj(next)) cur = next;
      else {
        const created: Obj = {};
        cur[key] = created;
        cur = created;
      }
    }
    cur[last] = value;
  };
}

/** A remover of one dotted path; true when something was removed. Empty parents are left in place. */
export function compileDeleter(path: string): Deleter {
  if (isUnsafePath(path)) return () => false;
  const parts = path.split('.');
  const last = parts[parts.length - 1] as string;
  const head = parts.slice(0, -1);
  return (doc) => {
    if (parts.length > 1 && path in doc) return delete doc[path];
    let cur: unknown = doc;
    for (const key of head) {
      if (!isObj(cur)) return false;
      cur = cur[key];
    }
    if (!isObj(cur) || !(last in cur)) return false;
    return delete cur[last];
  };
}

/** A deep copy of a JSON-shaped value (faster than structuredClone for the small documents of events). */
export function cloneJson<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  // An in-process feed may hand over Date objects; they become what JSON would have carried.
  if (value instanceof Date) return value.toISOString() as T;
  if (Array.isArray(value)) {
    const out = new Array(value.length);
    for (let i = 0; i < value.length; i++) out[i] = cloneJson(value[i]);
    return out as T;
  }
  const out: Obj = {};
  for (const key in value as Obj) {
    if (key === '__proto__') continue;
    out[key] = cloneJson((value as Obj)[key]);
  }
  return out as T;
}

/** True for a plain object (not an array, not null). */
export function isPlainObject(v: unknown): v is Obj {
  return isObj(v);
}

/** Writes a constant mapping's leaves into a document; objects on the way are merged, not replaced. */
export type Merge = (doc: EcsDoc) => void;

/**
 * Compiles the merge of a constant `value` under `path` into one setter per leaf (arrays are leaves and are
 * copied per event, since a later `append` may grow them).
 */
export function compileMerge(path: string, value: Obj): Merge {
  const leaves: { set: Setter; value: unknown; copy: boolean }[] = [];
  const walk = (prefix: string, v: Obj) => {
    for (const key of Object.keys(v)) {
      if (UNSAFE.has(key)) continue;
      const item = v[key];
      const at = `${prefix}.${key}`;
      if (isObj(item) && Object.keys(item).length > 0) walk(at, item);
      else
        leaves.push({ set: compileSetter(at), value: item, copy: item !== null && typeof item === 'object' });
    }
  };
  walk(path, value);
  return (doc) => {
    for (let i = 0; i < leaves.length; i++) {
      const leaf = leaves[i] as (typeof leaves)[number];
      leaf.set(doc, leaf.copy ? cloneJson(leaf.value) : leaf.value);
    }
  };
}

const dotSetters = new Map<string, Setter>();

/** Turns `{ "id.orig_h": x }` into `{ id: { orig_h: x } }` (one level: the keys of `obj`), in place. */
export function expandDots(obj: Obj): void {
  for (const key of Object.keys(obj)) {
    if (!key.includes('.')) continue;
    const v = obj[key];
    delete obj[key];
    let set = dotSetters.get(key);
    if (!set) {
      set = compileSetter(key);
      // Keys come from the data: keep the cache bounded.
      if (dotSetters.size < 10_000) dotSetters.set(key, set);
    }
    set(obj, v);
  }
}
