/**
 * @module soc/sources
 * Source inventory, information systems, public IP ranges and heartbeat (SOC-10, 17, 25). PLACEHOLDER until
 * the inventory lands: enriches nothing.
 */
import type { NormalisedEvent, SourceEnricher } from '../contracts.ts';
import type { SocDeps, SocPart } from '../deps.ts';

export type SourceService = SourceEnricher & SocPart;

/** Creates the sources service. */
export function createSources(_deps: SocDeps): SourceService {
  return {
    async enrich(_events: NormalisedEvent[]): Promise<void> {},
  };
}
