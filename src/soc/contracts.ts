/**
 * @module soc/contracts
 * The shapes the SIEM's parts hand each other. An event flows: input (syslog, HTTP, _bulk, file, audit, LGSP)
 * → `IngestSink` (in-process queue, or NATS JetStream with `TINHSO_NATS_URL`) → processor: `Pipelines.process`
 * (parse and normalise to ECS) → `SourceEnricher.enrich` (inventory, unit, information system) →
 * `EventWriter.write` (day partitions of `soc_events`). Every part depends on these types, never on another
 * part's files.
 */

/** What kind of listener or endpoint received an event. */
export type InputKind =
  | 'syslog-udp'
  | 'syslog-tcp'
  | 'syslog-tls'
  | 'http'
  | 'bulk'
  | 'file'
  | 'audit'
  | 'lgsp';

/** One event as an input received it, before parsing. Plain JSON, so it crosses NATS as is. */
export interface RawEvent {
  /** Id of the input that received it (`syslog-tcp`, `bulk`, `file:<importId>`…): metrics, default pipeline. */
  input: string;
  kind: InputKind;
  /** Epoch milliseconds when the input received it. */
  receivedAt: number;
  /** Address of the sender (the peer's IP), when known. */
  peer?: string;
  /** The raw text: a syslog message, a file line. */
  text?: string;
  /** A structured document (HTTP JSON, a `_bulk` item, Winlogbeat JSON, an audit entry). */
  doc?: Record<string, unknown>;
  /** Pipeline the input chose (file import's format, the Beats' `event.module`), when it knows. */
  pipeline?: string;
  /** Tags the input adds (`truncated` for a line cut at the configured size…). */
  tags?: string[];
  /**
   * The unit the input vouches for: the ingest token's, or the forensic import's. An import's events belong
   * to it; other inputs' events fall back to it when neither their source nor an IP range names a unit.
   */
  unitId?: string | null;
}

/** A nested Elastic Common Schema document: `{ '@timestamp', event: { … }, source: { ip }, … }`. */
export type EcsDoc = Record<string, unknown>;

/** An event after its pipeline: what the store writes (one row of `soc_events`). */
export interface NormalisedEvent {
  /** `@timestamp` in epoch milliseconds (the event's own time; `receivedAt` when it has none). */
  ts: number;
  receivedAt: number;
  input: string;
  /** The full ECS document; the original text is kept in `event.original` when parsing failed. */
  doc: EcsDoc;
  /**
   * Inventory source, its unit and information system: set by `SourceEnricher`. Before it runs, `unitId` is
   * the unit the input vouched for (`RawEvent.unitId`).
   */
  sourceId?: string | null;
  unitId?: string | null;
  systemId?: string | null;
  /**
   * Replayed from a forensic import: old events that say nothing of a source's life now, so they are not
   * inventoried and do not count as a heartbeat; they belong to the import's unit.
   */
  historical?: boolean;
}

/** Parses and normalises. Never throws: unparsed input comes back raw, tagged `_parse_error`. */
export interface Pipelines {
  /** The events in order, one per raw event (kept raw with a tag when they cannot be parsed). */
  processBatch(raws: readonly RawEvent[]): NormalisedEvent[];
}

/** Ties events to their inventoried source, unit and information system (SOC-10, SOC-17, SOC-25). */
export interface SourceEnricher {
  enrich(events: NormalisedEvent[]): Promise<void>;
}

/** Commits normalised events to the event store. Resolves once they are durable. */
export interface EventWriter {
  write(events: NormalisedEvent[]): Promise<void>;
}

/** Where inputs hand their events: the in-process queue, or NATS JetStream. */
export interface IngestSink {
  /** Takes the events unless full; false = not taken: a TCP input pauses its socket until `drained()`, UDP counts a drop. */
  offer(events: RawEvent[]): boolean;
  /** Resolves when there is room again. */
  drained(): Promise<void>;
  /** Takes the events and resolves once they are durable (stored, or acknowledged by JetStream): `_bulk`, HTTP. */
  submit(events: RawEvent[]): Promise<void>;
}

/** What the SIEM counts about itself (SOC-16): per input, and of the processing stages. */
export interface SiemCounters {
  received(input: string, count: number, bytes: number): void;
  dropped(input: string, count: number, reason: string): void;
  parsed(count: number, parseErrors: number): void;
  /** `lagMs`: the largest received → committed delay of the batch. */
  stored(count: number, lagMs: number): void;
  /** An event the time limit stopped in a pipeline (null: while one was being chosen). */
  timedOut(pipeline: string | null): void;
}
