/**
 * @module soc/ingest/syslog/rfc3164
 * BSD syslog (RFC 3164) as devices really send it: `<PRI>Mmm dd hh:mm:ss HOSTNAME TAG[PID]: MSG`, where the
 * timestamp may carry a year or a fraction or be ISO 8601 (rsyslog's forward format), the hostname may be
 * missing (`<PRI>Oct 11 22:14:15 su: …`), and a CEF/LEEF record may stand where the tag would be.
 */
import { startsCef } from './cef.ts';
import { startsLeef } from './leef.ts';
import { readBsdTimestamp, readIsoTimestamp } from './timestamp.ts';

/** The fields of a BSD header, absent ones left out. */
export interface Rfc3164Header {
  timestampMs?: number;
  hostname?: string;
  appname?: string;
  procid?: string;
  message: string;
}

const TAG = /^([^\s[\]:]{1,128})(?:\[([^\]\s]{0,128})\])?:(?: |$)|^([^\s[\]:]{1,128})\[([^\]\s]{0,128})\] /;

/** Parses the rest of a BSD message after its PRI (at `start`). Never fails: what is not header is MSG. */
export function parseRfc3164(
  text: string,
  start: number,
  nowMs: number,
  offsetMinutes: number,
): Rfc3164Header {
  let i = start;
  while (text[i] === ' ') i++;
  let rest = text.slice(i);
  const header: Rfc3164Header = { message: rest };
  // Cisco marks an unsynchronised clock with `*` and a once-synchronised one with `.`.
  const mark = rest[0] === '*' || rest[0] === '.' ? 1 : 0;
  const ts =
    readIsoTimestamp(rest.slice(mark), offsetMinutes) ??
    readBsdTimestamp(rest.slice(mark), nowMs, offsetMinutes);
  if (ts) {
    header.timestampMs = ts.ms;
    let j = mark + ts.end;
    if (rest[j] === ':') j++;
    if (rest[j] !== ' ' && j < rest.length) {
      // `Oct 11 22:14:15x`: not a timestamp after all.
      delete header.timestampMs;
    } else {
      while (rest[j] === ' ') j++;
      rest = rest.slice(j);
      const sp = rest.indexOf(' ');
      const first = sp === -1 ? rest : rest.slice(0, sp);
      const looksLikeTag = first.endsWith(':') || first.includes('[');
      if (sp !== -1 && first && !looksLikeTag && !startsCef(rest) && !startsLeef(rest)) {
        header.hostname = first;
        let k = sp;
        while (rest[k] === ' ') k++;
        rest = rest.slice(k);
      }
    }
  }
  if (!startsCef(rest) && !startsLeef(rest)) {
    const tag = TAG.exec(rest);
    if (tag) {
      header.appname = tag[1] ?? tag[3];
      const pid = tag[2] ?? tag[4];
      if (pid) header.procid = pid;
      rest = rest.slice(tag[0].length);
    }
  }
  header.message = rest;
  return header;
}
