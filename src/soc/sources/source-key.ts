/**
 * @module soc/sources/source-key
 * Which inventoried source an event comes from. The rule, first match wins:
 *
 * 1. `agent.id` (Beats, Elastic Agent, Wazuh: a stable id of the shipper installed on the machine);
 * 2. `host.name`, else `host.hostname` (lower-cased; the syslog header's HOSTNAME lands here);
 * 3. `observer.hostname` (firewalls and sensors that describe themselves as the observer);
 * 4. `log.source.address`: the sender's IP as the input saw it (syslog peer, HTTP client).
 *
 * Names that say nothing (`-`, `localhost`, `localhost.localdomain`, empty) are skipped, so a fleet of
 * devices all calling themselves `localhost` splits by sender address instead of merging into one.
 * The key is `<input family>|<kind of identity>:<value>`; the input family is the input id before `:`,
 * with the three syslog transports as one family (`syslog`): a host sending through syslog and through
 * Winlogbeat is two sources, because each shipper can stop on its own and each has its own heartbeat.
 * An event with none of the four has no source (it is still tagged by IP range).
 */
import type { EcsDoc, NormalisedEvent } from '../contracts.ts';

/** What a source is: operators can correct the kind guessed from the first event. */
export const sourceKinds = ['host', 'network-device', 'agent', 'sensor', 'application'] as const;
export type SourceKind = (typeof sourceKinds)[number];

/** What the first event of a source tells about it. */
export interface SourceIdentity {
  key: string;
  inputKind: string;
  kind: SourceKind;
  name: string;
  /** The sender's address when known (for the inventory and the IP-range match of a new source). */
  address: string | null;
}

const MAX_VALUE = 255;
const MEANINGLESS = new Set(['', '-', 'localhost', 'localhost.localdomain', 'unknown', '(none)']);

type Obj = Record<string, unknown>;

function obj(v: unknown): Obj | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : undefined;
}

function text(v: unknown): string | undefined {
  if (typeof v === 'string') {
    // NUL cannot be stored in PostgreSQL text: a key holding one would fail its batch on every retry.
    const t = (v.includes('\u0000') ? v.replaceAll('\u0000', '') : v).trim();
    return MEANINGLESS.has(t.toLowerCase()) ? undefined : t.slice(0, MAX_VALUE);
  }
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

/** The input family of an input id: `syslog-tcp` → `syslog`, `file:abc` → `file`, `bulk` → `bulk`. */
export function inputFamily(input: string): string {
  const colon = input.indexOf(':');
  const base = colon < 0 ? input : input.slice(0, colon);
  return base.startsWith('syslog') ? 'syslog' : base;
}

/** The first address of `host.ip` (a string or a list of strings). */
export function firstHostIp(host: Obj | undefined): string | undefined {
  const ip = host?.ip;
  if (typeof ip === 'string') return ip;
  if (Array.isArray(ip) && typeof ip[0] === 'string') return ip[0];
  return undefined;
}

/** The source key of an event, or null when it names no source. Hot path: property reads only. */
export function sourceKeyOf(event: NormalisedEvent): string | null {
  const doc = event.doc;
  const family = inputFamily(event.input);
  const agentId = text(obj(doc.agent)?.id);
  if (agentId) return `${family}|agent:${agentId}`;
  const host = obj(doc.host);
  const hostName = text(host?.name) ?? text(host?.hostname);
  if (hostName) return `${family}|host:${hostName.toLowerCase()}`;
  const observer = text(obj(doc.observer)?.hostname);
  if (observer) return `${family}|observer:${observer.toLowerCase()}`;
  const address = text(obj(obj(doc.log)?.source)?.address);
  if (address) return `${family}|ip:${address.toLowerCase()}`;
  return null;
}

/**
 * The first identity field present in the event (position in the rule: 0 agent.id, 1 host.name,
 * 2 host.hostname, 3 observer.hostname, 4 log.source.address) and its raw value, without trimming or
 * lower-casing: the enricher's allocation-free cache is keyed by it. `meaningful` says the rule uses this
 * very value (it is not `-`, `localhost`…), so the raw value alone decides the key.
 */
export function firstIdentityField(doc: EcsDoc): { field: number; raw: string; meaningful: boolean } | null {
  let raw: unknown = obj(doc.agent)?.id;
  let field = 0;
  if (!present(raw)) {
    const host = obj(doc.host);
    raw = host?.name;
    field = 1;
    if (!present(raw)) {
      raw = host?.hostname;
      field = 2;
      if (!present(raw)) {
        raw = obj(doc.observer)?.hostname;
        field = 3;
        if (!present(raw)) {
          raw = obj(obj(doc.log)?.source)?.address;
          field = 4;
          if (!present(raw)) return null;
        }
      }
    }
  }
  const value = typeof raw === 'string' ? raw : String(raw);
  return { field, raw: value, meaningful: text(raw) !== undefined };
}

function present(v: unknown): boolean {
  return (typeof v === 'string' && v.length > 0) || (typeof v === 'number' && Number.isFinite(v));
}

/** The kind guessed from the first event (the key is known to be non-null). */
function kindOf(doc: EcsDoc, family: string, byAgent: boolean): SourceKind {
  if (family === 'audit' || family === 'lgsp') return 'application';
  if (byAgent) return 'agent';
  const observer = obj(doc.observer);
  if (observer) {
    const type = typeof observer.type === 'string' ? observer.type.toLowerCase() : '';
    return type === 'ids' || type === 'nids' || type === 'sensor' ? 'sensor' : 'network-device';
  }
  return 'host';
}

/** What the first event of the source with `key` says about it. */
export function identityOf(event: NormalisedEvent, key: string): SourceIdentity {
  const doc = event.doc;
  const family = inputFamily(event.input);
  const bar = key.indexOf('|');
  const identity = key.slice(bar + 1);
  const byAgent = identity.startsWith('agent:');
  const agent = obj(doc.agent);
  const host = obj(doc.host);
  const name =
    (byAgent ? (text(agent?.name) ?? text(host?.name) ?? text(host?.hostname)) : undefined) ??
    text(host?.name) ??
    text(host?.hostname) ??
    text(obj(doc.observer)?.hostname) ??
    identity.slice(identity.indexOf(':') + 1);
  const address = text(obj(obj(doc.log)?.source)?.address) ?? firstHostIp(host) ?? null;
  return { key, inputKind: family, kind: kindOf(doc, family, byAgent), name, address };
}
