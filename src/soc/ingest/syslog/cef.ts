/**
 * @module soc/ingest/syslog/cef
 * ArcSight Common Event Format: `CEF:Version|Device Vendor|Device Product|Device Version|Signature ID|Name|
 * Severity|Extension`. Header fields escape `|` and `\`; the extension is `key=value` pairs separated by spaces,
 * where values may hold spaces and escape `=`, `\`, and line breaks (`\n`, `\r`).
 */

/** A parsed CEF record, in the layout the inputs agreed (`doc.cef`). */
export interface CefRecord {
  version: number | string;
  device: { vendor: string; product: string; version: string };
  signature_id: string;
  name: string;
  severity: number | string;
  extensions: Record<string, string>;
}

/** True when `text` at `at` starts a CEF record (`CEF:<digit>`). */
export function startsCef(text: string, at = 0): boolean {
  return text.startsWith('CEF:', at) && isDigit(text.charCodeAt(at + 4));
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Parses a CEF record starting at `text[0]`; null when it is not one (fewer than seven header fields). */
export function parseCef(text: string): CefRecord | null {
  if (!startsCef(text)) return null;
  const fields: string[] = [];
  let current = '';
  let i = 4;
  for (; i < text.length && fields.length < 7; i++) {
    const c = text[i] as string;
    if (c === '\\' && (text[i + 1] === '|' || text[i + 1] === '\\')) {
      current += text[i + 1];
      i++;
    } else if (c === '|') {
      fields.push(current);
      current = '';
    } else current += c;
  }
  if (fields.length < 7) return null;
  const [version, vendor, product, deviceVersion, signatureId, name, severity] = fields as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  return {
    version: /^\d+$/.test(version) ? Number(version) : version,
    device: { vendor, product, version: deviceVersion },
    signature_id: signatureId,
    name,
    severity: /^\d+$/.test(severity.trim()) ? Number(severity.trim()) : severity.trim(),
    extensions: parseKeyValues(text.slice(i), true),
  };
}

const KEY_CHAR = /[A-Za-z0-9_.\-[\]]/;

/**
 * Splits `k1=v1 k2=multi word v2` into pairs: a key is the run of key characters just before an unescaped `=`
 * and just after a space (or the start). Anything else, `=` inside a URL's query included, is part of a value.
 */
export function parseKeyValues(ext: string, escaped: boolean): Record<string, string> {
  const out: Record<string, string> = {};
  const keys: { key: string; start: number; valueStart: number }[] = [];
  for (let i = ext.indexOf('='); i !== -1; i = ext.indexOf('=', i + 1)) {
    let backslashes = 0;
    for (let j = i - 1; j >= 0 && ext[j] === '\\'; j--) backslashes++;
    if (backslashes % 2 === 1) continue;
    let k = i;
    while (k > 0 && KEY_CHAR.test(ext[k - 1] as string)) k--;
    if (k === i || (k > 0 && ext[k - 1] !== ' ' && ext[k - 1] !== '\t')) continue;
    keys.push({ key: ext.slice(k, i), start: k, valueStart: i + 1 });
  }
  for (let n = 0; n < keys.length; n++) {
    const { key, valueStart } = keys[n] as { key: string; valueStart: number };
    const end = n + 1 < keys.length ? (keys[n + 1] as { start: number }).start : ext.length;
    const raw = ext.slice(valueStart, end).replace(/[ \t]+$/, '');
    out[key] = escaped ? unescapeValue(raw) : raw;
  }
  return out;
}

function unescapeValue(v: string): string {
  if (!v.includes('\\')) return v;
  return v.replace(/\\([\\=|nr])/g, (_, c: string) => (c === 'n' ? '\n' : c === 'r' ? '\r' : c));
}
