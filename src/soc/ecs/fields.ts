/**
 * @module soc/ecs/fields
 * The ECS fields the event store keeps in their own columns (typed and indexable), and reading/writing a
 * dotted ECS path in a nested document. Every other field lives only in the `doc` JSONB column.
 */
import type { EcsDoc } from '../contracts.ts';

/** SQL type of a column-backed field: the search compiles comparisons by it. */
export type ColumnType = 'timestamptz' | 'text' | 'text[]' | 'inet' | 'integer' | 'smallint';

/** ECS field → column of `soc_events`. */
export const columnFields = {
  '@timestamp': { column: 'ts', type: 'timestamptz' },
  'event.dataset': { column: 'dataset', type: 'text' },
  'event.kind': { column: 'kind', type: 'text' },
  'event.category': { column: 'category', type: 'text[]' },
  'event.action': { column: 'action', type: 'text' },
  'event.outcome': { column: 'outcome', type: 'text' },
  'event.severity': { column: 'severity', type: 'smallint' },
  'host.name': { column: 'host_name', type: 'text' },
  'source.ip': { column: 'source_ip', type: 'inet' },
  'source.port': { column: 'source_port', type: 'integer' },
  'destination.ip': { column: 'destination_ip', type: 'inet' },
  'destination.port': { column: 'destination_port', type: 'integer' },
  'user.name': { column: 'user_name', type: 'text' },
  'process.name': { column: 'process_name', type: 'text' },
  message: { column: 'message', type: 'text' },
  tags: { column: 'tags', type: 'text[]' },
} as const satisfies Record<string, { column: string; type: ColumnType }>;

export type ColumnField = keyof typeof columnFields;

/** Reads a dotted ECS path (`source.ip`); also accepts a flat key holding the whole dotted name. */
export function getField(doc: EcsDoc, path: string): unknown {
  if (path in doc) return doc[path];
  let cur: unknown = doc;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

/** Writes a dotted ECS path, creating the objects on the way (a non-object in the way is replaced). */
export function setField(doc: EcsDoc, path: string, value: unknown): void {
  const parts = path.split('.');
  let cur: Record<string, unknown> = doc;
  for (let i = 0; i < parts.length - 1; i++) {
    const key = parts[i] as string;
    const next = cur[key];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) {
      const created: Record<string, unknown> = {};
      cur[key] = created;
      cur = created;
    } else cur = next as Record<string, unknown>;
  }
  cur[parts[parts.length - 1] as string] = value;
}

/** Removes a dotted ECS path; true when something was removed. */
export function deleteField(doc: EcsDoc, path: string): boolean {
  if (path in doc) return delete doc[path];
  const parts = path.split('.');
  let cur: unknown = doc;
  for (let i = 0; i < parts.length - 1; i++) {
    if (cur === null || typeof cur !== 'object') return false;
    cur = (cur as Record<string, unknown>)[parts[i] as string];
  }
  if (cur === null || typeof cur !== 'object') return false;
  const last = parts[parts.length - 1] as string;
  if (!(last in (cur as Record<string, unknown>))) return false;
  return delete (cur as Record<string, unknown>)[last];
}
