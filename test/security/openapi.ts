/**
 * @module test/security/openapi
 * The security walks' view of the API: the operations of the served OpenAPI document, URLs with their
 * path parameters filled in, sample request bodies built from the request schemas, and the string
 * "slots" of a body that a hostile value can be put into. Reading the document at test time means a
 * route added later is walked without touching the tests.
 */
import type { LightMyRequestResponse } from 'fastify';
import type { App } from '../../src/core/http/types.ts';

/** The subset of JSON Schema that @fastify/swagger emits for TypeBox schemas. */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  const?: unknown;
  enum?: unknown[];
  default?: unknown;
  examples?: unknown[];
  format?: string;
  pattern?: string;
  minItems?: number;
  minimum?: number;
}

/** A parameter of an operation. */
export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema: JsonSchema;
}

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** One operation (method and path) of the OpenAPI document. */
export interface Operation {
  method: Method;
  /** OpenAPI path, `{id}` style. */
  path: string;
  /** `METHOD path`, e.g. `PATCH /api/org/units/{id}`. */
  key: string;
  pathParams: string[];
  query: Parameter[];
  /** The JSON request body schema, when the operation declares one. */
  body?: JsonSchema;
  /** POST, PUT, PATCH or DELETE: CSRF applies to cookie-authenticated calls. */
  changesState: boolean;
}

const METHODS = new Set(['get', 'post', 'put', 'patch', 'delete']);

/** Reads GET /api/docs/json and lists its operations in document order. */
export async function readOperations(app: App): Promise<Operation[]> {
  const res: LightMyRequestResponse = await app.inject({ method: 'GET', url: '/api/docs/json' });
  if (res.statusCode !== 200) throw new Error(`OpenAPI document: ${res.statusCode}`);
  const doc = res.json() as {
    paths: Record<
      string,
      Record<
        string,
        { parameters?: Parameter[]; requestBody?: { content?: Record<string, { schema: JsonSchema }> } }
      >
    >;
  };
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [m, op] of Object.entries(item)) {
      if (!METHODS.has(m)) continue;
      const method = m.toUpperCase() as Method;
      const params = op.parameters ?? [];
      ops.push({
        method,
        path,
        key: `${method} ${path}`,
        pathParams: params.filter((p) => p.in === 'path').map((p) => p.name),
        query: params.filter((p) => p.in === 'query'),
        body: op.requestBody?.content?.['application/json']?.schema,
        changesState: method !== 'GET',
      });
    }
  }
  return ops;
}

/**
 * The URL of `op` with its path parameters taken from `values` (percent-encoded unless `raw`) and the
 * query string from `query`.
 */
export function urlOf(
  op: Operation,
  values: Record<string, string>,
  query: Record<string, string> = {},
  options: { raw?: boolean } = {},
): string {
  const path = op.path.replace(/\{(\w+)\}/g, (_m, name: string) => {
    const v = values[name];
    if (v === undefined) throw new Error(`${op.key}: no value for {${name}}`);
    return options.raw ? v : encodeURIComponent(v);
  });
  const qs = new URLSearchParams(query).toString();
  return qs ? `${path}?${qs}` : path;
}

/** Hints for sample values: which id a uuid field gets, and the default text. */
export interface SampleHints {
  /** A uuid for a field of this name (unit ids, account ids…). */
  uuid(field: string): string;
  text: string;
}

/** First non-null variant of a union, or the schema itself. */
function variantOf(schema: JsonSchema): JsonSchema {
  const union = schema.anyOf ?? schema.oneOf;
  if (!union) return schema;
  return union.find((s) => s.type !== 'null') ?? union[0]!;
}

/** A value valid for `schema` as far as a generic sampler can tell (required properties only). */
export function sampleOf(schema: JsonSchema, hints: SampleHints, field = ''): unknown {
  if (schema.const !== undefined) return schema.const;
  if (schema.enum?.length) return schema.enum[0];
  if (schema.default !== undefined) return structuredClone(schema.default);
  if (schema.anyOf || schema.oneOf) return sampleOf(variantOf(schema), hints, field);
  if (schema.examples?.length) return schema.examples[0];
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const name of schema.required ?? []) {
        const prop = schema.properties?.[name];
        if (prop) out[name] = sampleOf(prop, hints, name);
      }
      return out;
    }
    case 'array':
      return Array.from({ length: schema.minItems ?? 0 }, () => sampleOf(schema.items ?? {}, hints, field));
    case 'integer':
    case 'number':
      return schema.minimum ?? 1;
    case 'boolean':
      return false;
    case 'string':
      if (schema.format === 'uuid') return hints.uuid(field);
      if (schema.format === 'email') return 'kiem.thu@example.vn';
      if (schema.format === 'date') return new Date().toISOString().slice(0, 10);
      if (schema.format === 'date-time') return new Date().toISOString();
      return hints.text;
    default:
      return null;
  }
}

/** True when a value of this schema may be a string. */
function takesString(schema: JsonSchema): boolean {
  if (schema.type === 'string' || (Array.isArray(schema.type) && schema.type.includes('string'))) return true;
  return (schema.anyOf ?? schema.oneOf ?? []).some(takesString);
}

/** The object variant of a union body that `value` is an instance of (by its `const`/enum discriminator). */
function objectVariant(schema: JsonSchema, value: Record<string, unknown>): JsonSchema | undefined {
  const union = schema.anyOf ?? schema.oneOf;
  if (!union) return schema.type === 'object' || schema.properties ? schema : undefined;
  return (
    union.find((s) =>
      Object.entries(s.properties ?? {}).every(
        ([k, p]) => p.enum === undefined || value[k] === undefined || p.enum.includes(value[k]),
      ),
    ) ?? union.find((s) => s.properties)
  );
}

export type Slot = (string | number)[];

/**
 * Every place in a body of `schema` (shaped like `value`) where a string goes: each string property of
 * the object (present or not), the properties of nested objects present in `value`, and one element
 * appended to each array of strings (appended, so the valid elements stay: an allow-list keeps its
 * loopback entry).
 */
export function stringSlots(schema: JsonSchema, value: unknown, at: Slot = []): Slot[] {
  if (Array.isArray(value)) {
    const items = schema.items ?? variantOf(schema).items ?? {};
    if (takesString(items)) return [[...at, value.length]];
    return value.flatMap((v, i) => stringSlots(items, v, [...at, i]));
  }
  if (value === null || typeof value !== 'object') return takesString(schema) ? [at] : [];
  const variant = objectVariant(schema, value as Record<string, unknown>);
  if (!variant?.properties) return [];
  const slots: Slot[] = [];
  for (const [name, prop] of Object.entries(variant.properties)) {
    const present = (value as Record<string, unknown>)[name];
    if (present !== undefined && typeof present === 'object' && present !== null) {
      slots.push(...stringSlots(prop, present, [...at, name]));
    } else if (takesString(prop)) {
      slots.push([...at, name]);
    } else if (
      variantOf(prop).type === 'array' &&
      present === undefined &&
      takesString(variantOf(prop).items ?? {})
    ) {
      slots.push([...at, name, 0]);
    }
  }
  return slots;
}

/** A deep copy of `value` with `v` put at `slot`. */
export function withValue(value: unknown, slot: Slot, v: unknown): unknown {
  const copy = structuredClone(value) as Record<string | number, unknown>;
  let node: Record<string | number, unknown> = copy;
  for (const [i, key] of slot.entries()) {
    if (i === slot.length - 1) {
      node[key] = v;
    } else {
      node[key] ??= typeof slot[i + 1] === 'number' ? [] : {};
      node = node[key] as Record<string | number, unknown>;
    }
  }
  return copy;
}

/** True when a value of this schema may be a uuid string. */
function takesUuid(schema: JsonSchema): boolean {
  if (schema.format === 'uuid') return true;
  return (schema.anyOf ?? schema.oneOf ?? []).some(takesUuid);
}

/**
 * Every place in a body of `schema` (shaped like `value`) that names a row by uuid: each uuid property
 * of the object (present or not), the first element of each array of uuids, and the uuid properties of
 * nested objects present in `value`.
 */
export function uuidSlots(schema: JsonSchema, value: unknown, at: Slot = []): Slot[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [];
  const variant = objectVariant(schema, value as Record<string, unknown>);
  const slots: Slot[] = [];
  for (const [name, prop] of Object.entries(variant?.properties ?? {})) {
    const present = (value as Record<string, unknown>)[name];
    if (takesUuid(prop)) slots.push([...at, name]);
    else if (variantOf(prop).type === 'array' && takesUuid(variantOf(prop).items ?? {}))
      slots.push([...at, name, 0]);
    else if (present && typeof present === 'object' && !Array.isArray(present)) {
      slots.push(...uuidSlots(prop, present, [...at, name]));
    }
  }
  return slots;
}
