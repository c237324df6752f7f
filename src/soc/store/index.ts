/**
 * @module soc/store
 * The event store: day partitions of `soc_events`. PLACEHOLDER until the store lands: writes nothing.
 */
import type { EventWriter, NormalisedEvent } from '../contracts.ts';
import type { SocDeps, SocPart } from '../deps.ts';

export type EventStore = EventWriter & SocPart;

/** Creates the event store. */
export function createEventStore(_deps: SocDeps): EventStore {
  return {
    async write(_events: NormalisedEvent[]): Promise<void> {},
  };
}
