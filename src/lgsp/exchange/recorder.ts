/**
 * @module lgsp/exchange/recorder
 * Buffers exchange records and writes them in one multi-row insert every `flushIntervalMs` or
 * `batchSize` rows, through core's `BatchWriter` like the access log (whose table cannot take these rows:
 * they have typed columns, queried per unit and time). A failed flush keeps the rows for the next one.
 */
import { BatchWriter, type Db, sql } from '../../core/db/index.ts';

/** One call through the gateway (metadata only: never the content). */
export interface ExchangeRecord {
  id: string;
  requestId: string;
  timeIn: Date;
  timeOut: Date;
  sourceApplicationId: string | null;
  sourceApplicationCode: string | null;
  sourceUnitId: string | null;
  sourceUnitCode: string | null;
  destinationServiceId: string | null;
  serviceCode: string;
  destinationUnitId: string | null;
  destinationUnitCode: string;
  method: string;
  /** Path below the service, without the query string. */
  path: string;
  requestBytes: number;
  responseBytes: number;
  status: number;
  errorCode: string | null;
  latencyMs: number;
  node: string;
  /** `gateway` (with a session key), `one-step` (signed call without one), `refused` (before authentication). */
  mode: 'gateway' | 'one-step' | 'refused';
}

export interface ExchangeRecorderOptions {
  flushIntervalMs: number;
  batchSize: number;
  onError(err: unknown): void;
}

/** The batched writer of exchange records (core's `BatchWriter` over one multi-row insert). */
export class ExchangeRecorder {
  private readonly writer: BatchWriter<ExchangeRecord>;

  constructor(db: Db, options: ExchangeRecorderOptions) {
    this.writer = new BatchWriter({ ...options, write: (batch) => insertRecords(db, batch) });
  }

  /** Totals since start. */
  get stats(): { written: number; flushes: number; failures: number } {
    const { written, flushes, failures } = this.writer.stats;
    return { written, flushes, failures };
  }

  /** Queues one record; returns at once. */
  record(row: ExchangeRecord): void {
    this.writer.add(row);
  }

  /** Records not yet written. */
  get pending(): number {
    return this.writer.pending;
  }

  /** Writes everything buffered so far; concurrent calls are serialised. */
  flush(): Promise<void> {
    return this.writer.flush();
  }

  /** Flushes and stops the timer. */
  close(): Promise<void> {
    return this.writer.close();
  }
}

const COLUMNS = [
  'id',
  'request_id',
  'time_in',
  'time_out',
  'source_application_id',
  'source_application_code',
  'source_unit_id',
  'source_unit_code',
  'destination_service_id',
  'service_code',
  'destination_unit_id',
  'destination_unit_code',
  'method',
  'path',
  'request_bytes',
  'response_bytes',
  'status',
  'error_code',
  'latency_ms',
  'node',
  'mode',
].join(', ');

/** One multi-row insert of `rows`. */
async function insertRecords(db: Db, rows: readonly ExchangeRecord[]): Promise<void> {
  const json = rows.map((r) => ({
    id: r.id,
    request_id: r.requestId,
    time_in: r.timeIn.toISOString(),
    time_out: r.timeOut.toISOString(),
    source_application_id: r.sourceApplicationId,
    source_application_code: r.sourceApplicationCode,
    source_unit_id: r.sourceUnitId,
    source_unit_code: r.sourceUnitCode,
    destination_service_id: r.destinationServiceId,
    service_code: r.serviceCode,
    destination_unit_id: r.destinationUnitId,
    destination_unit_code: r.destinationUnitCode,
    method: r.method,
    path: r.path,
    request_bytes: r.requestBytes,
    response_bytes: r.responseBytes,
    status: r.status,
    error_code: r.errorCode,
    latency_ms: r.latencyMs,
    node: r.node,
    mode: r.mode,
  }));
  // Columns named: `seq` (and any later column with a default) is filled by the table, not by the JSON.
  await db.execute(sql`
    insert into lgsp_exchange (${sql.raw(COLUMNS)})
    select ${sql.raw(COLUMNS)} from json_populate_recordset(null::lgsp_exchange, ${JSON.stringify(json)}::json)`);
}
