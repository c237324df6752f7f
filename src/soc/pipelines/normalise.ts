/**
 * @module soc/pipelines/normalise
 * One raw event through the pipelines: choose the pipeline (the input's hint, then each pipeline's `match`
 * by priority, then the generic `syslog` or `json`), run it, and finish the ECS document: `@timestamp`
 * (the event's own time, else when it was received), `log.source.address`, `event.ingested`, the input's
 * tags, and the column-backed fields in the types the store needs. A failure keeps the event as received
 * with `event.original`, `error.message` and the `_parse_error` tag. Never throws.
 */
import { isIP } from 'node:net';
import type { EcsDoc, NormalisedEvent, RawEvent } from '../contracts.ts';
import { PARSE_ERROR_TAG } from '../processing/processor.ts';
import type { LoadedPipeline } from './engine/compile.ts';
import { DEFAULT_TIMEZONE, dateParser, zoneOffset } from './engine/date.ts';
import { cloneJson, isPlainObject } from './engine/paths.ts';
import { failureMessage, type RunCtx } from './engine/types.ts';
import type { PipelineSet } from './pipeline-set.ts';

/** The outcome of one event, with what the simulator shows. */
export interface Outcome {
  event: NormalisedEvent;
  /** The pipeline that ran (null when none could: not even the fallback exists). */
  pipeline: string | null;
  dropped: boolean;
  /** The failure, when the event was kept raw. */
  error: string | null;
}

/** `@timestamp` without an offset is read in Viet Nam's time, like every date processor's default. */
const parseIso = dateParser('ISO8601', zoneOffset(DEFAULT_TIMEZONE));

/** The working document: a copy of the received document, or the text as `message`. */
function initialDoc(raw: RawEvent): EcsDoc {
  if (isPlainObject(raw.doc)) {
    const doc = cloneJson(raw.doc);
    if (doc.message === undefined && typeof raw.text === 'string') doc.message = raw.text;
    return doc;
  }
  return { message: typeof raw.text === 'string' ? raw.text : '' };
}

function fallbackId(raw: RawEvent): string {
  if (raw.kind === 'syslog-udp' || raw.kind === 'syslog-tcp' || raw.kind === 'syslog-tls') return 'syslog';
  return isPlainObject(raw.doc) ? 'json' : 'syslog';
}

/** Chooses the pipeline of an event. */
export function choose(set: PipelineSet, doc: EcsDoc, raw: RawEvent): LoadedPipeline | undefined {
  if (typeof raw.pipeline === 'string') {
    const hinted = set.get(raw.pipeline);
    if (hinted) return hinted;
  }
  const order = set.matchOrder;
  for (let i = 0; i < order.length; i++) {
    const p = order[i] as LoadedPipeline;
    if (p.match?.(doc, raw)) return p;
  }
  return set.get(fallbackId(raw));
}

function obj(doc: EcsDoc, key: string): Record<string, unknown> {
  const cur = doc[key];
  if (isPlainObject(cur)) return cur;
  const created: Record<string, unknown> = {};
  doc[key] = created;
  return created;
}

/** Epoch ms of the document's `@timestamp`, or NaN. */
function timestampOf(doc: EcsDoc, receivedAt: number): number {
  const v = doc['@timestamp'];
  if (typeof v === 'string') return parseIso(v, receivedAt);
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  return Number.NaN;
}

function toPort(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d{1,5}$/.test(v) ? Number(v) : Number.NaN;
  return Number.isInteger(n) && n >= 0 && n <= 65535 ? n : undefined;
}

/** Puts `ip`/`port` of source or destination in the types of their columns; what does not fit is moved aside. */
function endpoint(doc: EcsDoc, key: 'source' | 'destination'): void {
  const e = doc[key];
  if (!isPlainObject(e)) return;
  if (e.ip !== undefined) {
    const ip = typeof e.ip === 'string' ? e.ip : '';
    if (isIP(ip) === 0) {
      // A host name or garbage in an inet column would fail the whole batch at the store.
      if (e.address === undefined) e.address = e.ip;
      delete e.ip;
    }
  }
  if (e.port !== undefined) {
    const port = toPort(e.port);
    if (port === undefined) delete e.port;
    else e.port = port;
  }
}

const CANONICAL = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

// Events of one batch share their receive time: its text is made once.
let lastReceived = Number.NaN;
let lastReceivedIso = '';
function receivedIso(ms: number): string {
  if (ms !== lastReceived) {
    lastReceivedIso = new Date(ms).toISOString();
    lastReceived = ms;
  }
  return lastReceivedIso;
}

/** Finishes a document in place and builds the event. */
function finish(doc: EcsDoc, raw: RawEvent, failed: boolean): NormalisedEvent {
  let ts = timestampOf(doc, raw.receivedAt);
  if (!Number.isFinite(ts) || Math.abs(ts) > 8.64e15) ts = raw.receivedAt;
  const stamp = doc['@timestamp'];
  // Already in the form toISOString writes (a date processor's output): kept as it is.
  if (typeof stamp !== 'string' || !CANONICAL.test(stamp)) doc['@timestamp'] = new Date(ts).toISOString();
  const event = obj(doc, 'event');
  event.ingested = receivedIso(raw.receivedAt);
  if (event.kind === undefined) event.kind = failed ? 'pipeline_error' : 'event';
  if (typeof event.category === 'string') event.category = [event.category];
  if (typeof event.type === 'string') event.type = [event.type];
  if (event.severity !== undefined) {
    const s = typeof event.severity === 'string' ? Number(event.severity) : event.severity;
    if (typeof s === 'number' && Number.isInteger(s) && s >= -32768 && s <= 32767) event.severity = s;
    else delete event.severity;
  }
  endpoint(doc, 'source');
  endpoint(doc, 'destination');
  if (raw.peer) {
    obj(obj(doc, 'log'), 'source').address = raw.peer;
  }
  let tags = doc.tags;
  if (tags !== undefined && !Array.isArray(tags)) tags = [String(tags)];
  if (raw.tags?.length || failed) {
    const list = (tags as unknown[] | undefined) ?? [];
    if (raw.tags) for (const t of raw.tags) if (!list.includes(t)) list.push(t);
    if (failed && !list.includes(PARSE_ERROR_TAG)) list.push(PARSE_ERROR_TAG);
    tags = list;
  }
  if (tags !== undefined) doc.tags = tags;
  return eventOf(ts, raw, doc);
}

/** The event of a finished document, with what the input vouched for. */
function eventOf(ts: number, raw: RawEvent, doc: EcsDoc): NormalisedEvent {
  return {
    ts,
    receivedAt: raw.receivedAt,
    input: raw.input,
    doc,
    unitId: typeof raw.unitId === 'string' ? raw.unitId : null,
    historical: raw.kind === 'file',
  };
}

/** The event kept as received, with why it could not be parsed. */
function failedEvent(raw: RawEvent, message: string): NormalisedEvent {
  const doc = initialDoc(raw);
  const event = obj(doc, 'event');
  event.original = typeof raw.text === 'string' ? raw.text : JSON.stringify(raw.doc ?? null);
  const error = obj(doc, 'error');
  error.message = message;
  return finish(doc, raw, true);
}

/** A time JavaScript dates can hold. */
function validTime(ms: unknown): ms is number {
  return typeof ms === 'number' && Number.isFinite(ms) && Math.abs(ms) <= 8.64e15;
}

/** The event with a receive time a date can hold: an input's clock cannot be wrong in a way that loses it. */
function withValidTime(given: RawEvent): RawEvent {
  return validTime(given?.receivedAt) ? given : { ...given, receivedAt: Date.now() };
}

/** Where an event is in the pipelines, for whoever has to stop it (the time limit). */
export interface RunWatch {
  /** The pipeline chosen for the event; null while it is being chosen. */
  pipeline: string | null;
}

/** The tag of an event the time limit stopped in the pipelines (it also has the parse-error tag). */
export const TIMEOUT_TAG = '_pipeline_timeout';

/** The outcome of an event stopped after `ms` in the pipelines: kept as received, tagged, never dropped. */
export function timedOut(given: RawEvent, pipeline: string | null, ms: number): Outcome {
  const raw = withValidTime(given);
  const message = `${pipeline ? `[${pipeline}] ` : ''}stopped after ${ms} ms: the ${
    pipeline ? 'pipeline' : 'choice of a pipeline'
  } takes too long on this event (a pattern that backtracks?)`;
  const outcome = keptRaw(raw, pipeline, message);
  (outcome.event.doc.tags as string[]).push(TIMEOUT_TAG);
  return outcome;
}

/** Runs one event through the set; never throws. */
export function runEvent(set: PipelineSet, given: RawEvent, watch?: RunWatch): Outcome {
  const raw = withValidTime(given);
  let pipeline: LoadedPipeline | undefined;
  if (watch) watch.pipeline = null;
  try {
    const doc = initialDoc(raw);
    pipeline = choose(set, doc, raw);
    if (watch && pipeline) watch.pipeline = pipeline.id;
    if (!pipeline)
      return { event: failedEvent(raw, 'no pipeline'), pipeline: null, dropped: false, error: 'no pipeline' };
    const run: RunCtx = { raw, dropped: false, depth: 0, lastError: '' };
    pipeline.run(doc, run);
    return { event: finish(doc, raw, false), pipeline: pipeline.id, dropped: run.dropped, error: null };
  } catch (err) {
    return keptRaw(raw, pipeline?.id ?? null, `${pipeline ? `[${pipeline.id}] ` : ''}${failureMessage(err)}`);
  }
}

/** The outcome of an event the pipelines could not parse: kept as received with why; never throws. */
function keptRaw(raw: RawEvent, pipeline: string | null, message: string): Outcome {
  try {
    return { event: failedEvent(raw, message), pipeline, dropped: false, error: message };
  } catch {
    // A raw event that cannot even be copied (a cycle, a getter that throws): keep what can be said of it.
    const at = raw.receivedAt;
    const doc: EcsDoc = {
      '@timestamp': new Date(at).toISOString(),
      message: typeof raw?.text === 'string' ? raw.text : '',
      event: { kind: 'pipeline_error', ingested: new Date(at).toISOString() },
      error: { message },
      tags: [PARSE_ERROR_TAG],
    };
    return {
      // Nothing more is read of a raw event that throws when read.
      event: {
        ts: at,
        receivedAt: at,
        input: String(raw?.input ?? ''),
        doc,
        unitId: null,
        historical: false,
      },
      pipeline,
      dropped: false,
      error: message,
    };
  }
}
