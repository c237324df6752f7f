/**
 * @module soc/ingest/files/zeek-tsv
 * Zeek's ASCII (TSV) log format: `#separator`, `#set_separator`, `#empty_field`, `#unset_field`, `#path`,
 * `#fields` and `#types` header lines, then one row per line. Rows become the same flat documents Zeek's
 * JSON writer produces (`id.orig_h` keys, numbers for time/interval/count, arrays for sets and vectors,
 * unset fields left out, `_path` from `#path`), so one `zeek` pipeline serves both forms.
 */

export type ZeekRow =
  | { kind: 'header' }
  | { kind: 'row'; doc: Record<string, unknown> }
  | { kind: 'invalid'; reason: string };

/** Undoes Zeek's escaping: `\xHH` bytes and `\\`. Bytes are read back as UTF-8. */
export function unescapeZeek(value: string): string {
  if (!value.includes('\\')) return value;
  const bytes: number[] = [];
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0x5c && value[i + 1] === 'x' && /^[0-9a-fA-F]{2}$/.test(value.slice(i + 2, i + 4))) {
      bytes.push(Number.parseInt(value.slice(i + 2, i + 4), 16));
      i += 3;
    } else if (c === 0x5c && value[i + 1] === '\\') {
      bytes.push(0x5c);
      i += 1;
    } else {
      for (const b of Buffer.from(value[i] as string, 'utf8')) bytes.push(b);
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

const NUMERIC = new Set(['time', 'interval', 'double', 'count', 'int', 'port']);

/** Reads the rows of one Zeek TSV file, line after line (headers may appear again mid-file). */
export class ZeekTsvReader {
  private separator = '\t';
  private setSeparator = ',';
  private emptyField = '(empty)';
  private unsetField = '-';
  private path: string | null = null;
  private fields: string[] | null = null;
  private types: string[] = [];

  constructor(private readonly fallbackPath: string | null) {}

  /** Parses one line. */
  line(text: string): ZeekRow {
    if (text.startsWith('#')) return this.header(text);
    if (!this.fields) return { kind: 'invalid', reason: 'row before the #fields header' };
    const values = text.split(this.separator);
    if (values.length !== this.fields.length) {
      return { kind: 'invalid', reason: `${values.length} values for ${this.fields.length} fields` };
    }
    const doc: Record<string, unknown> = {};
    for (let i = 0; i < values.length; i++) {
      const raw = values[i] as string;
      if (raw === this.unsetField) continue;
      doc[this.fields[i] as string] = this.convert(raw, this.types[i] ?? 'string');
    }
    const path = this.path ?? this.fallbackPath;
    if (path) doc._path = path;
    return { kind: 'row', doc };
  }

  private header(text: string): ZeekRow {
    if (text.startsWith('#separator ')) {
      this.separator = unescapeZeek(text.slice('#separator '.length));
      return { kind: 'header' };
    }
    const [key, ...rest] = text.split(this.separator);
    const value = rest.join(this.separator);
    switch (key) {
      case '#set_separator':
        this.setSeparator = unescapeZeek(value);
        break;
      case '#empty_field':
        this.emptyField = unescapeZeek(value);
        break;
      case '#unset_field':
        this.unsetField = unescapeZeek(value);
        break;
      case '#path':
        this.path = value;
        break;
      case '#fields':
        this.fields = rest;
        break;
      case '#types':
        this.types = rest;
        break;
      default:
        break; // #open, #close and unknown headers carry nothing a row needs
    }
    return { kind: 'header' };
  }

  private convert(raw: string, type: string): unknown {
    const container = /^(?:set|vector|table)\[(.+)\]$/.exec(type);
    if (container) {
      if (raw === this.emptyField) return [];
      const inner = container[1] as string;
      return raw.split(this.setSeparator).map((v) => (v === this.unsetField ? null : this.scalar(v, inner)));
    }
    if (raw === this.emptyField && !NUMERIC.has(type)) return '';
    return this.scalar(raw, type);
  }

  private scalar(raw: string, type: string): unknown {
    if (NUMERIC.has(type)) {
      const n = Number(raw);
      return Number.isFinite(n) ? n : raw;
    }
    if (type === 'bool') return raw === 'T' ? true : raw === 'F' ? false : raw;
    return unescapeZeek(raw);
  }
}

/** `conn` from `conn.log`, `conn.2024-01-15.log.gz` or `/var/log/zeek/dns.00:00:00-01:00:00.log`. */
export function zeekPathFromFileName(fileName: string): string | null {
  const base = fileName.split(/[\\/]/).pop() ?? '';
  const m = /^([a-z][a-z0-9_]*)(?:[.-].*)?$/i.exec(base);
  if (!m) return null;
  const name = (m[1] as string).toLowerCase();
  return ['json', 'log', 'zeek', 'bro', 'ndjson', 'jsonl'].includes(name) ? null : name;
}
