/**
 * The hot path of parsing and normalisation: `Pipelines.process` over a realistic mix (sshd and nginx over
 * syslog, Suricata EVE and Winlogbeat documents over _bulk; the raw events of the shipped fixtures with their
 * addresses varied), on one core, against the reference of a bare `JSON.parse` of the same raw events plus
 * building the event object (what any ingest does at the least). Prints one JSON line.
 * Usage: tsx bench/soc-pipelines.bench.ts [events]
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parse } from 'yaml';
import type { NormalisedEvent, RawEvent } from '../src/soc/contracts.ts';
import { PipelineRuntime } from '../src/soc/pipelines/runtime.ts';
import { shippedDir } from '../src/soc/pipelines/shipped.ts';
import { machine } from './lib.ts';

const EVENTS = Number(process.argv[2] ?? 200_000);
const ROUNDS = 5;

interface Fixture {
  name: string;
  raw: Omit<RawEvent, 'receivedAt' | 'input'> & { input?: string };
}

function fixtures(id: string, pick: (f: Fixture) => boolean): RawEvent[] {
  const all = parse(readFileSync(`${shippedDir}${id}.fixtures.yaml`, 'utf8')) as Fixture[];
  return all
    .filter(pick)
    .map((f) => ({ ...f.raw, input: f.raw.input ?? f.raw.kind, receivedAt: Date.now() }) as RawEvent);
}

// The mix of the ingest benchmark: sshd, nginx, Suricata EVE, Windows.
const groups: { name: string; share: number; templates: RawEvent[] }[] = [
  { name: 'sshd', share: 0.3, templates: fixtures('linux-auth', (f) => f.raw.kind.startsWith('syslog')) },
  { name: 'nginx', share: 0.3, templates: fixtures('nginx', (f) => f.raw.kind.startsWith('syslog')) },
  { name: 'suricata', share: 0.2, templates: fixtures('suricata', (f) => f.raw.kind !== 'file') },
  { name: 'windows', share: 0.2, templates: fixtures('windows', (f) => f.raw.kind === 'bulk') },
];

/** A copy of a template with its documentation addresses varied, so no two events are the same. */
function vary(template: RawEvent, i: number): RawEvent {
  const ip = `203.0.${(i >> 8) & 255}.${i & 255}`;
  const json = JSON.stringify(template).replaceAll('203.0.113.', `${ip.slice(0, ip.lastIndexOf('.'))}.`);
  return { ...(JSON.parse(json) as RawEvent), receivedAt: Date.now() };
}

const events: RawEvent[] = [];
const perGroup: Record<string, number> = {};
for (const g of groups) {
  const n = Math.round(EVENTS * g.share);
  perGroup[g.name] = n;
  for (let i = 0; i < n; i++) events.push(vary(g.templates[i % g.templates.length] as RawEvent, i));
}
// Interleave, as a shared input would receive them.
for (let i = events.length - 1; i > 0; i--) {
  const j = Math.floor((((i * 2654435761) % 4294967296) / 4294967296) * (i + 1));
  [events[i], events[j]] = [events[j] as RawEvent, events[i] as RawEvent];
}
const serialized = events.map((e) => JSON.stringify(e));

const runtime = new PipelineRuntime(null);
let sink = 0;

function timePipelines(): number {
  const start = process.hrtime.bigint();
  for (let i = 0; i < events.length; i++) {
    const e = runtime.process(events[i] as RawEvent);
    sink += e.ts & 1;
  }
  return Number(process.hrtime.bigint() - start) / 1000 / events.length;
}

function timeReference(): number {
  const start = process.hrtime.bigint();
  for (let i = 0; i < serialized.length; i++) {
    const raw = JSON.parse(serialized[i] as string) as RawEvent;
    const e: NormalisedEvent = {
      ts: raw.receivedAt,
      receivedAt: raw.receivedAt,
      input: raw.input,
      doc: raw.doc ? { ...raw.doc } : { message: raw.text },
    };
    sink += e.ts & 1;
  }
  return Number(process.hrtime.bigint() - start) / 1000 / serialized.length;
}

// Failures would make the figure meaningless: the mix must parse.
let errors = 0;
for (const e of events.slice(0, 2000)) if (runtime.run(e).error !== null) errors++;

timePipelines();
timeReference();
const pipelines: number[] = [];
const reference: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  pipelines.push(timePipelines());
  reference.push(timeReference());
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const us = median(pipelines);
const refUs = median(reference);

process.stdout.write(
  `${JSON.stringify({
    bench: 'soc-pipelines',
    at: new Date().toISOString(),
    machine: machine(),
    // Other work on the machine slows both figures alike; the ratio is what compares across runs.
    loadAverage1m: Math.round((loadavg()[0] ?? 0) * 10) / 10,
    events: events.length,
    mix: perGroup,
    rounds: ROUNDS,
    parseErrorsInSample: errors,
    usPerEvent: Math.round(us * 100) / 100,
    eventsPerSecondOneCore: Math.round(1e6 / us),
    referenceUsPerEvent: Math.round(refUs * 100) / 100,
    ratioToReference: Math.round((us / refUs) * 100) / 100,
    targetUsPerEvent: 10,
    sink: sink > -1,
  })}\n`,
);
