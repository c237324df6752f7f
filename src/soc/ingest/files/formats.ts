/**
 * @module soc/ingest/files/formats
 * The formats a forensic import accepts, the pipeline each one's events go to (agreed ids, see
 * src/soc/contracts.ts), and how its records are read: text lines, JSON documents, or Zeek TSV rows.
 */

/** Formats a file can be imported as. `lines` = plain text lines (generic syslog pipeline). */
export const importFormats = [
  'jsonl',
  'suricata-eve',
  'zeek-json',
  'zeek-tsv',
  'auth-log',
  'nginx',
  'apache',
  'winlogbeat',
  'get-winevent',
  'lines',
] as const;

export type ImportFormat = (typeof importFormats)[number];

/** What an upload may ask for: a format, or `auto` (detected from the first lines). */
export type RequestedFormat = ImportFormat | 'auto';

/** How a format's records become events. */
export type RecordShape = 'json' | 'text' | 'zeek-tsv';

const formatInfo: Record<ImportFormat, { pipeline: string; shape: RecordShape }> = {
  jsonl: { pipeline: 'json', shape: 'json' },
  'suricata-eve': { pipeline: 'suricata', shape: 'json' },
  'zeek-json': { pipeline: 'zeek', shape: 'json' },
  'zeek-tsv': { pipeline: 'zeek', shape: 'zeek-tsv' },
  'auth-log': { pipeline: 'linux-auth', shape: 'text' },
  nginx: { pipeline: 'nginx', shape: 'text' },
  apache: { pipeline: 'apache', shape: 'text' },
  winlogbeat: { pipeline: 'windows', shape: 'json' },
  'get-winevent': { pipeline: 'windows', shape: 'json' },
  lines: { pipeline: 'syslog', shape: 'text' },
};

/** The pipeline id a format's events carry. */
export function pipelineOf(format: ImportFormat): string {
  return formatInfo[format].pipeline;
}

/** Whether a format's records are JSON documents, text lines or Zeek TSV rows. */
export function shapeOf(format: ImportFormat): RecordShape {
  return formatInfo[format].shape;
}

/** Tags an import puts on records it had to keep imperfect (never dropped). */
/** The tag every event of one import carries (the console's "search these events" link is `tags:"import:<id>"`). */
export function importTag(importId: string): string {
  return `import:${importId}`;
}

export const importTags = {
  truncated: 'truncated',
  invalidUtf8: '_invalid_utf8',
  invalidJson: '_invalid_json',
  zeekInvalid: '_zeek_tsv_invalid',
} as const;
