/**
 * @module soc/ingest/syslog/leef
 * IBM QRadar's Log Event Extended Format. 1.0: `LEEF:1.0|Vendor|Product|Version|EventID|` then attributes
 * `key=value` separated by tabs. 2.0 adds a delimiter field after the event id: one character, or its code as
 * `x09`/`0x5E`; empty or absent means tab.
 */
import { parseKeyValues } from './cef.ts';

/** A parsed LEEF record, in the layout the inputs agreed (`doc.leef`). */
export interface LeefRecord {
  version: string;
  vendor: string;
  product: string;
  product_version: string;
  event_id: string;
  attributes: Record<string, string>;
}

/** True when `text` at `at` starts a LEEF 1.0 or 2.0 record. */
export function startsLeef(text: string, at = 0): boolean {
  return text.startsWith('LEEF:1.0|', at) || text.startsWith('LEEF:2.0|', at);
}

const HEX_DELIMITER = /^(?:0?[xX])([0-9a-fA-F]{1,4})$/;

/** Parses a LEEF record starting at `text[0]`; null when the header is incomplete. */
export function parseLeef(text: string): LeefRecord | null {
  if (!startsLeef(text)) return null;
  const version = text.slice(5, 8);
  const fields: string[] = [];
  let at = 9;
  while (fields.length < 4) {
    const bar = text.indexOf('|', at);
    if (bar === -1) {
      // 1.0 senders without attributes often omit the last bar.
      if (fields.length === 3) {
        fields.push(text.slice(at));
        at = text.length;
        break;
      }
      return null;
    }
    fields.push(text.slice(at, bar));
    at = bar + 1;
  }
  let delimiter = '\t';
  if (version === '2.0') {
    const bar = text.indexOf('|', at);
    const candidate = bar === -1 ? null : text.slice(at, bar);
    if (candidate !== null && !candidate.includes('=')) {
      const hex = HEX_DELIMITER.exec(candidate);
      if (hex) delimiter = String.fromCharCode(Number.parseInt(hex[1] as string, 16));
      else if (candidate.length === 1) delimiter = candidate;
      at = bar + 1;
    }
  }
  const body = text.slice(at);
  const [vendor, product, productVersion, eventId] = fields as [string, string, string, string];
  return {
    version,
    vendor,
    product,
    product_version: productVersion,
    event_id: eventId,
    attributes: parseAttributes(body, delimiter),
  };
}

function parseAttributes(body: string, delimiter: string): Record<string, string> {
  // Some 1.0 senders separate with spaces despite the spec; read them like CEF rather than as one attribute.
  if (delimiter === '\t' && !body.includes('\t') && /[^ ] +[A-Za-z0-9_.-]+=/.test(body)) {
    return parseKeyValues(body, false);
  }
  const out: Record<string, string> = {};
  for (const part of body.split(delimiter)) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const key = part.slice(0, eq).trim();
    if (key) out[key] = part.slice(eq + 1).replace(/[\r\n]+$/, '');
  }
  return out;
}
