/**
 * @module soc/sources/testing
 * Test support, not used by the product: one information system, one public IP range and one inventoried
 * source of a unit, for cross-module walks (unit isolation) that need a row of each kind per unit.
 */
import { systemCtx } from '../../core/context.ts';
import type { NormalisedEvent } from '../contracts.ts';
import type { SourceService } from './index.ts';

let count = 0;

/** A unit's SIEM source rows, created through the service (audited like the console's). */
export interface SourceRows {
  systemId: string;
  systemCode: string;
  rangeId: string;
  cidr: string;
  sourceId: string;
  sourceName: string;
}

/** Creates a system, a range (a fresh /24 of 100.64.0.0/10) and a source reporting from it, in `unitId`. */
export async function sourceRowsOf(
  sources: SourceService,
  unitId: string,
  now = Date.now(),
): Promise<SourceRows> {
  count++;
  const ctx = systemCtx('test', ['soc.sources.read', 'soc.sources.write']);
  const tag = `${process.pid % 1000}-${count}`;
  const system = await sources.createSystem(ctx, {
    unitId,
    code: `he-thong-${tag}`,
    name: `Hệ thống thử ${tag}`,
    securityLevel: 2,
  });
  const octet2 = 64 + (Math.floor(count / 256) % 64);
  const cidr = `100.${octet2}.${count % 256}.0/24`;
  const range = await sources.createRange(ctx, { cidr, systemId: system.id });
  await sources.ready();
  const sourceName = `may-chu-${tag}`;
  const event: NormalisedEvent = {
    ts: now,
    receivedAt: now,
    input: 'syslog-tcp',
    doc: { host: { hostname: sourceName }, log: { source: { address: cidr.replace('.0/24', '.10') } } },
  };
  await sources.enrich([event]);
  return {
    systemId: system.id,
    systemCode: system.code,
    rangeId: range.id,
    cidr: range.cidr,
    sourceId: event.sourceId as string,
    sourceName,
  };
}
