/**
 * @module soc/sources/enricher
 * The hot path of the inventory: ties each event of a batch to its source, unit and information system.
 * Known sources come from an in-memory map (one key derivation and one Map lookup per event); unknown ones are
 * inserted with one set-based statement per batch (`insert … on conflict do nothing returning`), and the ones
 * another node inserted first are read back with one more. Last-seen times and counts stay in memory and are
 * written every few seconds in one statement, which also clears the silence alerts of sources that came back.
 */
import { randomUUID } from 'node:crypto';
import type { Db } from '../../core/db/index.ts';
import type { Logger } from '../../core/log/logger.ts';
import type { EcsDoc, NormalisedEvent, SourceEnricher } from '../contracts.ts';
import { plainAddress, type RangeInfo, RangeMatcher } from './ip-ranges.ts';
import { firstHostIp, firstIdentityField, identityOf, sourceKeyOf } from './source-key.ts';
import {
  type ClearedAlert,
  flushSeen,
  insertSources,
  type NewSource,
  type SeenUpdate,
  type SourceRef,
  sourceRefsByIds,
  sourcesByKeys,
} from './store.ts';

/** Prefix of the tag naming an event's information system: `system:<code>`. */
export const SYSTEM_TAG_PREFIX = 'system:';
/** Cached sources kept before the map is dropped and refilled (bounds memory under key churn). */
const MAX_CACHED = 200_000;

/** What the enricher needs. */
export interface EnricherDeps {
  readonly db: Db;
  readonly log: Logger;
  now(): Date;
  /** Called with alerts cleared by a flush (their sources reported again). */
  onCleared(alerts: ClearedAlert[]): Promise<void>;
}

/** The registered ranges and the codes of information systems, as the tagger reads them. */
export interface Tagging {
  readonly ranges: RangeMatcher;
  readonly systemCodes: ReadonlyMap<string, string>;
}

interface Pending {
  last: number;
  count: number;
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : undefined;

/** The enricher of one node. */
export class CachedEnricher implements SourceEnricher {
  private cache = new Map<string, SourceRef>();
  /** input id → identity field → raw value → source (see `fastLookup`); refs shared with `cache`. */
  private fast = new Map<string, Map<string, SourceRef>[]>();
  private fastSize = 0;
  private pending = new Map<string, Pending>();
  private readonly inflight = new Map<string, Promise<void>>();
  private tagging: Tagging = { ranges: new RangeMatcher([]), systemCodes: new Map() };
  private flushing: Promise<void> | null = null;

  constructor(private readonly deps: EnricherDeps) {}

  /** Replaces the ranges and system codes (after a change announced on the bus). */
  setTagging(tagging: Tagging): void {
    this.tagging = tagging;
  }

  /** Sources cached on this node (tests, health). */
  get cached(): number {
    return this.cache.size;
  }

  /** Drops every cached source (they are read back on their next event). */
  reset(): void {
    this.cache = new Map();
    this.fast = new Map();
    this.fastSize = 0;
  }

  /** Refreshes the cached sources among `ids` from the database (after an operator changed them). */
  async refresh(ids: readonly string[]): Promise<void> {
    const refs = await sourceRefsByIds(this.deps.db, ids);
    for (const r of refs) {
      // Updated in place: the fast cache holds the same objects.
      const cached = this.cache.get(r.key);
      if (cached) Object.assign(cached, r);
      else this.cache.set(r.key, r);
    }
    const found = new Set(refs.map((r) => r.id));
    if (ids.some((id) => !found.has(id))) this.reset();
  }

  async enrich(events: NormalisedEvent[]): Promise<void> {
    const n = events.length;
    const refs: (SourceRef | undefined)[] = new Array(n);
    let keys: (string | null)[] | null = null;
    let unknown: Map<string, NormalisedEvent> | null = null;
    for (let i = 0; i < n; i++) {
      const ev = events[i] as NormalisedEvent;
      if (ev.historical) continue;
      let ref = this.fastLookup(ev);
      if (ref === undefined) {
        const key = sourceKeyOf(ev);
        if (key === null) continue;
        keys ??= new Array(n).fill(null);
        keys[i] = key;
        ref = this.cache.get(key);
        if (ref) this.remember(ev, ref);
        else {
          unknown ??= new Map();
          if (!unknown.has(key)) unknown.set(key, ev);
        }
      }
      refs[i] = ref;
    }
    if (unknown && keys) {
      await this.resolve(unknown);
      for (let i = 0; i < n; i++) {
        const key = keys[i];
        if (refs[i] !== undefined || key == null) continue;
        const ref = this.cache.get(key);
        if (ref) this.remember(events[i] as NormalisedEvent, ref);
        refs[i] = ref;
      }
    }
    const { ranges, systemCodes } = this.tagging;
    const pending = this.pending;
    for (let i = 0; i < n; i++) {
      const ev = events[i] as NormalisedEvent;
      const ref = refs[i];
      // An import's events are its unit's; others are their source's, else their range's, else the input's.
      const vouched = ev.unitId ?? null;
      let unitId = ev.historical ? vouched : (ref?.unitId ?? null);
      let systemId = ref?.systemId ?? null;
      if (ranges.size > 0) {
        const doc = ev.doc;
        const dst = ranges.match(obj(doc.destination)?.ip);
        const src = ranges.match(obj(doc.source)?.ip);
        const hst = ranges.match(firstHostIp(obj(doc.host)));
        const primary = dst ?? src ?? hst;
        if (primary) {
          systemId = primary.systemId;
          unitId ??= primary.unitId;
          tagSystems(doc, systemCodes, primary, dst, src, hst, ref?.systemId ?? null);
        } else if (systemId) tagSystems(doc, systemCodes, null, null, null, null, systemId);
      } else if (systemId) tagSystems(ev.doc, systemCodes, null, null, null, null, systemId);
      ev.sourceId = ref?.id ?? null;
      ev.unitId = unitId ?? vouched;
      ev.systemId = systemId;
      if (ref) {
        const p = pending.get(ref.id);
        if (p) {
          p.count++;
          if (ev.receivedAt > p.last) p.last = ev.receivedAt;
        } else pending.set(ref.id, { last: ev.receivedAt, count: 1 });
      }
    }
  }

  /**
   * The source of an event from the allocation-free cache: per input id, per identity field, the raw value
   * (not trimmed or lower-cased). Undefined when not cached there; the caller then derives the key.
   */
  private fastLookup(ev: NormalisedEvent): SourceRef | undefined {
    const maps = this.fast.get(ev.input);
    if (maps === undefined) return undefined;
    const doc = ev.doc;
    let raw: unknown = (doc.agent as Obj | undefined)?.id;
    let field = 0;
    if (!present(raw)) {
      const host = doc.host as Obj | undefined;
      raw = host?.name;
      field = 1;
      if (!present(raw)) {
        raw = host?.hostname;
        field = 2;
        if (!present(raw)) {
          raw = (doc.observer as Obj | undefined)?.hostname;
          field = 3;
          if (!present(raw)) {
            raw = ((doc.log as Obj | undefined)?.source as Obj | undefined)?.address;
            field = 4;
            if (!present(raw)) return undefined;
          }
        }
      }
    }
    return maps[field]?.get(typeof raw === 'string' ? raw : String(raw));
  }

  /** Adds an event's raw identity to the fast cache when the raw value alone decides its key. */
  private remember(ev: NormalisedEvent, ref: SourceRef): void {
    const first = firstIdentityField(ev.doc);
    if (!first?.meaningful) return;
    if (++this.fastSize > MAX_CACHED) {
      this.fast = new Map();
      this.fastSize = 1;
    }
    let maps = this.fast.get(ev.input);
    if (!maps) {
      maps = [];
      this.fast.set(ev.input, maps);
    }
    let map = maps[first.field];
    if (!map) {
      map = new Map();
      maps[first.field] = map;
    }
    map.set(first.raw, ref);
  }

  /** Inserts the unknown sources (or waits for the call of this node already inserting them). */
  private async resolve(unknown: Map<string, NormalisedEvent>): Promise<void> {
    const waits: Promise<void>[] = [];
    const mine = new Map<string, NormalisedEvent>();
    for (const [key, ev] of unknown) {
      const running = this.inflight.get(key);
      if (running) waits.push(running);
      else mine.set(key, ev);
    }
    if (mine.size > 0) {
      const work = this.insert(mine);
      for (const key of mine.keys()) this.inflight.set(key, work);
      waits.push(work);
      work
        .finally(() => {
          for (const key of mine.keys()) if (this.inflight.get(key) === work) this.inflight.delete(key);
        })
        .catch(() => {});
    }
    await Promise.all(waits);
  }

  private async insert(mine: Map<string, NormalisedEvent>): Promise<void> {
    const { ranges } = this.tagging;
    const rows: NewSource[] = [];
    for (const [key, ev] of mine) {
      const id = identityOf(ev, key);
      const address = plainAddress(id.address);
      const range = address ? ranges.match(address) : null;
      rows.push({
        id: randomUUID(),
        key,
        inputKind: id.inputKind,
        kind: id.kind,
        name: id.name.normalize('NFC') || key,
        address,
        // First seen through a unit's ingest token: that unit's until an operator says otherwise.
        unitId: range?.unitId ?? ev.unitId ?? null,
        systemId: range?.systemId ?? null,
        firstSeen: new Date(ev.receivedAt),
      });
    }
    const inserted = await insertSources(this.deps.db, rows, this.deps.now());
    if (this.cache.size + rows.length > MAX_CACHED) this.reset();
    for (const r of inserted) this.cache.set(r.key, r);
    if (inserted.length < rows.length) {
      const done = new Set(inserted.map((r) => r.key));
      const others = await sourcesByKeys(
        this.deps.db,
        rows.filter((r) => !done.has(r.key)).map((r) => r.key),
      );
      for (const r of others) this.cache.set(r.key, r);
    }
    if (inserted.length > 0) {
      this.deps.log.info({ count: inserted.length }, 'SIEM: new log sources inventoried');
    }
  }

  /** Writes the reports counted since the last flush (one statement); clears alerts of returned sources. */
  flush(): Promise<void> {
    if (this.flushing) return this.flushing;
    this.flushing = this.flushNow().finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }

  private async flushNow(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    const seen: SeenUpdate[] = [];
    for (const [id, p] of batch) seen.push({ id, lastSeen: p.last, count: p.count });
    let cleared: ClearedAlert[];
    try {
      cleared = await flushSeen(this.deps.db, seen, this.deps.now());
    } catch (err) {
      // Keep the counts for the next flush, merged with what arrived meanwhile.
      for (const [id, p] of batch) {
        const q = this.pending.get(id);
        if (q) {
          q.count += p.count;
          if (p.last > q.last) q.last = p.last;
        } else this.pending.set(id, p);
      }
      throw err;
    }
    if (cleared.length > 0) await this.deps.onCleared(cleared);
  }
}

function present(v: unknown): boolean {
  return (typeof v === 'string' && v.length > 0) || (typeof v === 'number' && Number.isFinite(v));
}

/** Adds `system:<code>` tags for every system the event touches and `labels.system` for the primary one. */
function tagSystems(
  doc: EcsDoc,
  codes: ReadonlyMap<string, string>,
  primary: RangeInfo | null,
  dst: RangeInfo | null,
  src: RangeInfo | null,
  hst: RangeInfo | null,
  ownSystemId: string | null,
): void {
  let tags = doc.tags;
  if (!Array.isArray(tags)) {
    // A shipper's single tag as a string stays a tag.
    tags = typeof tags === 'string' ? [tags] : [];
    doc.tags = tags;
  }
  const list = tags as unknown[];
  const add = (code: string | undefined) => {
    if (!code) return;
    const tag = SYSTEM_TAG_PREFIX + code;
    if (!list.includes(tag)) list.push(tag);
  };
  add(dst?.systemCode);
  add(src?.systemCode);
  add(hst?.systemCode);
  if (ownSystemId) add(codes.get(ownSystemId));
  const main = primary?.systemCode ?? (ownSystemId ? codes.get(ownSystemId) : undefined);
  if (main) {
    const labels = obj(doc.labels) ?? {};
    labels.system = main;
    doc.labels = labels;
  }
}
