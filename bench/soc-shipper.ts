/**
 * bench/soc-shipper.ts — the agencies' shippers for bench/soc-ingest.bench.ts, in their own process (as on the
 * network they run elsewhere): sshd and nginx lines written to the syslog TCP listener over several connections
 * (RFC 3164, newline framing, as rsyslog forwards), Suricata EVE and Winlogbeat documents posted to `_bulk` in
 * batches of 500 (as Filebeat/Vector/Winlogbeat do), paced at a rate or as fast as the inputs take them.
 * A shipper waits when the platform pushes back (TCP window, a `_bulk` still in flight), so what it could not
 * send on time shows as a shortfall, never as loss.
 *
 * Reads one JSON argument: { syslogPort, bulkUrl, authorization, rate (EPS, 0 = flood), seconds,
 * connections, bulkInFlight }. Prints `ready` once connected, then one JSON line of totals when done.
 */
import { connect, type Socket } from 'node:net';
import { Pool } from 'undici';
import { nextEvents, syslogDate } from './soc-events.ts';

interface Options {
  syslogPort: number;
  bulkUrl: string;
  authorization: string;
  rate: number;
  seconds: number;
  connections: number;
  bulkInFlight: number;
}

const opts = JSON.parse(process.argv[2] ?? '{}') as Options;
const BULK_DOCS = 500;
const STEP_MS = 50;

// Pre-render a cycle of events, so the shipper spends its CPU on sending, not on generating.
const CYCLE = 40_000;
const syslogLines: string[] = [];
const bulkLines: string[] = [];
const host = (n: number) => `web-${String(n % 12).padStart(2, '0')}`;
for (const [i, e] of nextEvents(CYCLE).entries()) {
  if (e.kind === 'syslog-tcp') syslogLines.push(`${e.text}\n`);
  else if (e.kind === 'file') {
    // nginx's own syslog output: `access_log syslog:server=…,tag=nginx`.
    syslogLines.push(`<190>${syslogDate(new Date(e.receivedAt))} ${host(i)} nginx: ${e.text}\n`);
  } else {
    const index = e.pipeline === 'suricata' ? 'suricata-eve' : 'winlogbeat-8.14.3';
    bulkLines.push(`{"create":{"_index":"${index}"}}\n${JSON.stringify(e.doc)}\n`);
  }
}

const sockets: Socket[] = await Promise.all(
  Array.from(
    { length: opts.connections },
    () =>
      new Promise<Socket>((resolve, reject) => {
        const s = connect(opts.syslogPort, '127.0.0.1', () => resolve(s));
        s.once('error', reject);
        s.setNoDelay(false);
      }),
  ),
);
const blocked = new Set<Socket>();
for (const s of sockets) s.on('drain', () => blocked.delete(s));

const url = new URL(opts.bulkUrl);
const pool = new Pool(url.origin, { connections: opts.bulkInFlight, pipelining: 1 });
let bulkInFlight = 0;
let bulkErrors = 0;
let bulkRejectedItems = 0;

let syslogSent = 0;
let syslogNext = 0;
let bulkSent = 0;
let bulkNext = 0;
let pendingBulk: string[] = [];

/** Writes up to `count` syslog lines to sockets that are not pushing back; returns how many went. */
function writeSyslog(count: number): number {
  let sent = 0;
  for (const s of sockets) {
    if (sent >= count) break;
    if (blocked.has(s)) continue;
    const share = Math.ceil((count - sent) / sockets.length);
    let chunk = '';
    for (let k = 0; k < share && sent < count; k++, sent++) {
      chunk += syslogLines[syslogNext++ % syslogLines.length];
    }
    if (!s.write(chunk)) blocked.add(s);
  }
  return sent;
}

/** Posts one `_bulk` body; the slot frees when the platform answered (it answers once the batch is durable). */
function postBulk(lines: string[]): void {
  bulkInFlight++;
  pool
    .request({
      path: url.pathname,
      method: 'POST',
      headers: { authorization: opts.authorization, 'content-type': 'application/x-ndjson' },
      body: lines.join(''),
    })
    .then(async (res) => {
      const text = await res.body.text();
      if (res.statusCode !== 200) bulkErrors++;
      else if (text.includes('"errors":true')) {
        const body = JSON.parse(text) as { items: { create?: { status: number } }[] };
        bulkRejectedItems += body.items.filter((it) => (it.create?.status ?? 201) >= 300).length;
      }
    })
    .catch(() => {
      bulkErrors++;
    })
    .finally(() => {
      bulkInFlight--;
    });
}

function sendBulk(count: number): number {
  for (let k = 0; k < count; k++) pendingBulk.push(bulkLines[bulkNext++ % bulkLines.length] as string);
  let sent = 0;
  while (pendingBulk.length >= BULK_DOCS && bulkInFlight < opts.bulkInFlight) {
    postBulk(pendingBulk.slice(0, BULK_DOCS));
    pendingBulk = pendingBulk.slice(BULK_DOCS);
    sent += BULK_DOCS;
  }
  return sent;
}

process.stdout.write('ready\n');
const start = Date.now();
const until = start + opts.seconds * 1000;
// Syslog and bulk each carry half of the mix (sshd + nginx over syslog, Suricata + Windows over _bulk).
let syslogDue = 0;
let bulkDue = 0;
while (Date.now() < until) {
  const elapsed = (Date.now() - start) / 1000;
  if (opts.rate > 0) {
    const half = (elapsed * opts.rate) / 2;
    syslogDue = Math.floor(half) - syslogSent;
    bulkDue = Math.floor(half) - bulkSent - pendingBulk.length;
  } else {
    syslogDue = 2000;
    bulkDue = bulkInFlight < opts.bulkInFlight ? BULK_DOCS : 0;
  }
  if (syslogDue > 0) syslogSent += writeSyslog(syslogDue);
  if (bulkDue > 0 || pendingBulk.length >= BULK_DOCS) bulkSent += sendBulk(Math.max(0, bulkDue));
  await new Promise((r) => setTimeout(r, opts.rate > 0 ? STEP_MS : 1));
}
const seconds = (Date.now() - start) / 1000;
// Let what is in flight arrive before counting.
while (bulkInFlight > 0) await new Promise((r) => setTimeout(r, 20));
for (const s of sockets) await new Promise<void>((r) => s.end(r));
await pool.close();
const wanted = opts.rate > 0 ? Math.floor(opts.rate * seconds) : null;
process.stdout.write(
  `${JSON.stringify({
    seconds,
    syslogSent,
    bulkSent,
    sent: syslogSent + bulkSent,
    wanted,
    shortfall: wanted === null ? null : Math.max(0, wanted - syslogSent - bulkSent),
    bulkErrors,
    bulkRejectedItems,
  })}\n`,
);
