/**
 * @module soc/ingest/files/detect
 * Format detection for `auto` imports, from the first lines of the (decoded) file: Zeek TSV by its
 * `#separator` header, a JSON array by its first element (Get-WinEvent's `Id`/`ProviderName`/`TimeCreated`),
 * JSON lines by their keys (Suricata's `event_type`, Zeek's `ts` + `uid`/`id.orig_h`, Winlogbeat's
 * `winlog`), web access logs by the common/combined layout, auth.log by its syslog header; then any JSON,
 * then plain lines. Several lines vote, so one odd first line does not decide.
 */
import type { ImportFormat } from './formats.ts';

const ACCESS_COMMON = /^\S+ \S+ \S+ \[[^\]]+\] "[^"]*" \d{3} (?:\d+|-)/;
const ACCESS_COMBINED = /^\S+ \S+ \S+ \[[^\]]+\] "[^"]*" \d{3} (?:\d+|-) "[^"]*" "[^"]*"/;
// RFC 3164 date (`Jan  5 10:00:00`) or the RFC 3339 one rsyslog writes on recent Debian, then host, then
// `program[pid]:` or `program:`.
const AUTH_LOG =
  /^(?:[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)) \S+ [^\s:[\]]+(?:\[\d+\])?: /;

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** Kind of a JSON object by its keys. */
function jsonKind(doc: unknown): ImportFormat | null {
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return null;
  const o = doc as Record<string, unknown>;
  if (typeof o.event_type === 'string') return 'suricata-eve';
  if ('ts' in o && ('uid' in o || 'id.orig_h' in o || '_path' in o)) return 'zeek-json';
  if ((o.winlog && typeof o.winlog === 'object') || Object.keys(o).some((k) => k.startsWith('winlog.'))) {
    return 'winlogbeat';
  }
  if ('Id' in o && 'ProviderName' in o && 'TimeCreated' in o) return 'get-winevent';
  return 'jsonl';
}

function lineKind(line: string, fileName: string): ImportFormat {
  if (line.startsWith('{')) {
    try {
      return jsonKind(JSON.parse(line)) ?? 'lines';
    } catch {
      return 'lines';
    }
  }
  if (ACCESS_COMBINED.test(line) || ACCESS_COMMON.test(line)) {
    // Both servers write the same combined layout; the name decides, else nginx's default (combined) vs
    // Apache's default (common, without referrer and user agent).
    if (/apache|httpd/i.test(fileName)) return 'apache';
    if (/nginx/i.test(fileName)) return 'nginx';
    return ACCESS_COMBINED.test(line) ? 'nginx' : 'apache';
  }
  if (AUTH_LOG.test(line)) return 'auth-log';
  return 'lines';
}

/** The first top-level value of a JSON array sample, if it parses (the sample may end mid-array). */
function firstArrayElement(sample: string): unknown {
  let depth = 0;
  let inString = false;
  let escaped = false;
  const start = sample.indexOf('{');
  if (start < 0) return undefined;
  for (let i = start; i < sample.length; i++) {
    const c = sample[i];
    if (inString) {
      if (escaped) escaped = false;
      else if (c === '\\') escaped = true;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) {
        try {
          return JSON.parse(sample.slice(start, i + 1));
        } catch {
          return undefined;
        }
      }
    }
  }
  return undefined;
}

/** Detects the format of a file from its first decoded bytes. */
export function detectFormat(sample: string, fileName = ''): ImportFormat {
  const text = sample.replace(/^\uFEFF/, '');
  const trimmed = text.trimStart();
  if (trimmed.startsWith('#separator')) return 'zeek-tsv';
  if (trimmed.startsWith('[')) return jsonKind(firstArrayElement(trimmed)) ?? 'jsonl';
  // A pretty-printed single object (ConvertTo-Json of one event) spans lines: read it whole.
  if (trimmed.startsWith('{') && !parses((trimmed.split('\n', 1)[0] as string).trim())) {
    const first = firstArrayElement(trimmed);
    if (first !== undefined) return jsonKind(first) ?? 'jsonl';
  }
  const lines = text.split('\n', 21).slice(0, 20);
  // The sample's last line may be cut; it votes only when it is the only one.
  if (lines.length > 1 && !sample.endsWith('\n')) lines.pop();
  const votes = new Map<ImportFormat, number>();
  for (const raw of lines) {
    const line = raw.replace(/\r$/, '').trim();
    if (!line) continue;
    const kind = lineKind(line, fileName);
    votes.set(kind, (votes.get(kind) ?? 0) + 1);
  }
  let best: ImportFormat = 'lines';
  let bestVotes = 0;
  for (const [kind, n] of votes) {
    // Plain lines win only when nothing else matched: a few odd lines do not hide a known format.
    if (kind !== 'lines' && n > bestVotes) {
      best = kind;
      bestVotes = n;
    }
  }
  return best;
}
