/**
 * @module lgsp/exchange/recorder
 * Buffers exchange records and writes them in one multi-row insert every `flushIntervalMs` or
 * `batchSize` rows, the way core/audit's AccessLog writes access entries (which cannot take these rows:
 * they are a table of their own with typed columns, queried per unit and time). A failed flush keeps
 * the rows for the next one; `close` flushes.
 */
import { type Db, sql } from '../../core/db/index.ts';

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

/** The batched writer of exchange records. */
export class ExchangeRecorder {
  private buffer: ExchangeRecord[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();
  /** Totals since start. */
  readonly stats = { written: 0, flushes: 0, failures: 0 };

  constructor(
    private readonly db: Db,
    private readonly options: ExchangeRecorderOptions,
  ) {}

  /** Queues one record; returns at once. */
  record(row: ExchangeRecord): void {
    this.buffer.push(row);
    if (this.buffer.length >= this.options.batchSize) void this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.options.flushIntervalMs);
      this.timer.unref();
    }
  }

  /** Records not yet written. */
  get pending(): number {
    return this.buffer.length;
  }

  /** Writes everything buffered so far; concurrent calls are serialised. */
  flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const batch = this.buffer;
    this.buffer = [];
    this.flushing = this.flushing.then(async () => {
      if (batch.length === 0) return;
      try {
        await insertRecords(this.db, batch);
        this.stats.written += batch.length;
        this.stats.flushes++;
      } catch (err) {
        this.stats.failures++;
        // Keep the rows for the next flush rather than lose them.
        this.buffer = batch.concat(this.buffer);
        if (!this.timer) {
          this.timer = setTimeout(() => void this.flush(), this.options.flushIntervalMs * 5);
          this.timer.unref();
        }
        this.options.onError(err);
      }
    });
    return this.flushing;
  }

  /** Flushes and stops the timer. */
  async close(): Promise<void> {
    await this.flush();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}

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
  await db.execute(sql`
    insert into lgsp_exchange
    select * from json_populate_recordset(null::lgsp_exchange, ${JSON.stringify(json)}::json)`);
}
