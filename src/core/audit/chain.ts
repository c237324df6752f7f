/**
 * @module core/audit/chain
 * The hash that links each audit entry to the previous entry of its category.
 */
import { createHash } from 'node:crypto';

/** The fields of an entry that its hash covers (everything but seq and the hashes). */
export interface HashedFields {
  at: Date;
  category: string;
  action: string;
  description: string;
  actorId: string | null;
  actorName: string;
  unitId: string | null;
  severity: string;
  sourceIp: string | null;
  outcome: string;
  requestId: string | null;
  targetType: string | null;
  targetId: string | null;
  details: unknown;
}

export const GENESIS_HASH = '0'.repeat(64);

/** sha256(prev ‖ canonical JSON of the fields); key order is fixed so jsonb's reordering does not matter. */
export function entryHash(prevHash: string, e: HashedFields): string {
  const canonical = stableStringify([
    e.at.toISOString(),
    e.category,
    e.action,
    e.description,
    e.actorId,
    e.actorName,
    e.unitId,
    e.severity,
    e.sourceIp,
    e.outcome,
    e.requestId,
    e.targetType,
    e.targetId,
    e.details ?? {},
  ]);
  return createHash('sha256').update(prevHash).update('\n').update(canonical).digest('hex');
}

/** JSON with object keys sorted at every depth. */
export function stableStringify(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${stableStringify(obj[k])}`).join(',')}}`;
}
