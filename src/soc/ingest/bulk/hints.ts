/**
 * @module soc/ingest/bulk/hints
 * What the Elasticsearch index and ingest pipeline names a shipper uses tell about its events: the SIEM
 * pipeline to parse them with (Filebeat's `filebeat-8.17.0-system-auth-pipeline` → `linux-auth`…), and a
 * `data_stream.*` / `event.dataset` hint kept in the document when it has none.
 */

/** Pipeline ids of the SIEM a shipper's names can select directly. */
const KNOWN_PIPELINES = new Set([
  'linux-auth',
  'nginx',
  'apache',
  'suricata',
  'zeek',
  'windows',
  'fortigate',
  'pfsense',
  'cisco-asa',
  'cef',
  'leef',
  'syslog',
  'json',
]);

/** Patterns over a lower-cased pipeline, index or dataset name, first match wins. */
const RULES: [RegExp, string][] = [
  [/system[-.]auth/, 'linux-auth'],
  [/nginx[-.]access/, 'nginx'],
  [/apache[-.]access/, 'apache'],
  [/suricata/, 'suricata'],
  [/zeek/, 'zeek'],
  // Winlogbeat's own routing pipeline and index (`winlogbeat-8.17.0-routing`), and the Windows integration.
  [/winlogbeat|^logs-windows\.|^windows[-.]/, 'windows'],
  [/fortinet|fortigate/, 'fortigate'],
  [/pfsense/, 'pfsense'],
  [/cisco[-_.]asa/, 'cisco-asa'],
];

function match(name: string | undefined): string | undefined {
  if (!name) return undefined;
  const lower = name.toLowerCase();
  if (KNOWN_PIPELINES.has(lower)) return lower;
  for (const [pattern, id] of RULES) if (pattern.test(lower)) return id;
  return undefined;
}

function field(doc: Record<string, unknown>, path: string[]): unknown {
  const dotted = doc[path.join('.')];
  if (dotted !== undefined) return dotted;
  let v: unknown = doc;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

/**
 * The SIEM pipeline for a `_bulk` item, from (in order) the item's `pipeline`, the request's `pipeline`
 * parameter, the index name, and the document's own `event.dataset`/`data_stream.dataset`; undefined when
 * none says anything we know (the default pipeline of the input applies).
 */
export function pipelineHint(
  itemPipeline: string | undefined,
  requestPipeline: string | undefined,
  index: string | undefined,
  doc: Record<string, unknown> | undefined,
): string | undefined {
  const dataset = doc ? field(doc, ['event', 'dataset']) : undefined;
  const stream = doc ? field(doc, ['data_stream', 'dataset']) : undefined;
  return (
    match(itemPipeline) ??
    match(requestPipeline) ??
    match(index) ??
    match(typeof dataset === 'string' ? dataset : undefined) ??
    match(typeof stream === 'string' ? stream : undefined)
  );
}

const DATA_STREAM = /^(logs|metrics|traces|synthetics|profiling)-([^-]+)-(.+)$/;

/**
 * Keeps the index a document was sent to as a hint when the document has none of its own: a data stream
 * name (`logs-nginx.access-default`) as `data_stream.{type,dataset,namespace}`, any other index name as
 * `event.dataset`. Never overwrites what the shipper set.
 */
export function withIndexHint(
  doc: Record<string, unknown>,
  index: string | undefined,
): Record<string, unknown> {
  if (!index) return doc;
  const ds = DATA_STREAM.exec(index);
  if (ds) {
    if (field(doc, ['data_stream']) !== undefined || doc['data_stream.dataset'] !== undefined) return doc;
    return { ...doc, data_stream: { type: ds[1], dataset: ds[2], namespace: ds[3] } };
  }
  if (field(doc, ['event', 'dataset']) !== undefined) return doc;
  const event = doc.event;
  if (event === undefined) return { ...doc, event: { dataset: index } };
  if (event !== null && typeof event === 'object' && !Array.isArray(event)) {
    return { ...doc, event: { ...(event as Record<string, unknown>), dataset: index } };
  }
  return doc;
}
