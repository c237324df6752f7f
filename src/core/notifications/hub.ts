/**
 * @module core/notifications/hub
 * Fans new notifications out to the streams open on this node. The bus carries only references
 * (recipient and notification id), never the text: the database is the system of record, the messages
 * stay far below the 8000-byte limit whatever the text, and a node loads only the rows of accounts it
 * streams to (one query per message). A row not yet visible (its transaction still committing) is asked
 * for again shortly; after the bus reconnects, each stream catches up from its last delivered seq.
 */
import { BUS_RECONNECTED, type Bus } from '../bus/index.ts';
import type { Db } from '../db/index.ts';
import type { Logger } from '../log/logger.ts';
import { latestSeq, rowsAfter, rowsByIds } from './store.ts';
import type { NotificationRow } from './tables.ts';

/** Bus topic of new notifications: `{ r: [[recipientId, notificationId], …] }`. */
export const NOTIFICATIONS_TOPIC = 'notifications.created';

/** References per bus message: about 80 bytes each, so a message stays near 5 kB. */
export const REFS_PER_MESSAGE = 64;

const RETRY_MS = [250, 1000, 4000];
const CATCH_UP_LIMIT = 500;
const SENT_MEMORY = 500;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One open stream. */
interface Watcher {
  readonly accountId: string;
  readonly listener: (row: NotificationRow) => void;
  /** Catching up from `floor` starts after this seq; null until known. */
  floor: number | null;
  /** Seqs already delivered (bounded), so a catch-up and a live message never deliver a row twice. */
  readonly sent: Set<number>;
  /** Rows that arrived live while a catch-up runs, delivered after it in seq order. */
  queued: NotificationRow[] | null;
}

/** Reads the references out of a bus payload, refusing anything that is not well-formed. */
export function parseRefs(payload: unknown): [string, string][] {
  const list = (payload as { r?: unknown } | null)?.r;
  if (!Array.isArray(list)) return [];
  return list.filter(
    (x): x is [string, string] =>
      Array.isArray(x) &&
      x.length === 2 &&
      typeof x[0] === 'string' &&
      typeof x[1] === 'string' &&
      UUID.test(x[0]) &&
      UUID.test(x[1]),
  );
}

/** The streams of this node, fed from the bus. */
export class NotificationHub {
  private readonly watchers = new Map<string, Set<Watcher>>();
  private readonly unsubscribe: (() => void)[];
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly db: Db,
    bus: Bus,
    private readonly log: Logger,
  ) {
    this.unsubscribe = [
      bus.subscribe(NOTIFICATIONS_TOPIC, (payload) => this.received(parseRefs(payload), 0)),
      bus.subscribe(BUS_RECONNECTED, () => this.catchUp([...this.allWatchers()])),
    ];
  }

  /** Number of open streams on this node. */
  get size(): number {
    let n = 0;
    for (const set of this.watchers.values()) n += set.size;
    return n;
  }

  /**
   * Delivers the account's new notifications to `listener` until the returned function is called. With
   * `afterSeq` (the stream's Last-Event-ID) the rows after it are delivered first.
   */
  watch(accountId: string, listener: (row: NotificationRow) => void, afterSeq?: number): () => void {
    const watcher: Watcher = { accountId, listener, floor: afterSeq ?? null, sent: new Set(), queued: null };
    let set = this.watchers.get(accountId);
    if (!set) {
      set = new Set();
      this.watchers.set(accountId, set);
    }
    set.add(watcher);
    if (afterSeq !== undefined) {
      void this.catchUp([watcher]);
    } else {
      latestSeq(this.db, accountId).then(
        (seq) => {
          watcher.floor = Math.max(seq, watcher.floor ?? 0);
        },
        (err: unknown) => this.log.error({ err }, 'notification stream: could not read the latest seq'),
      );
    }
    return () => {
      set.delete(watcher);
      if (set.size === 0 && this.watchers.get(accountId) === set) this.watchers.delete(accountId);
    };
  }

  /** Stops listening to the bus and drops pending retries. */
  close(): void {
    for (const u of this.unsubscribe) u();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private *allWatchers(): Iterable<Watcher> {
    for (const set of this.watchers.values()) yield* set;
  }

  private async received(refs: [string, string][], attempt: number): Promise<void> {
    const wanted = refs.filter(([accountId]) => this.watchers.has(accountId));
    if (wanted.length === 0) return;
    const rows = await rowsByIds(
      this.db,
      wanted.map(([, id]) => id),
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const row of rows) {
      // The reference must name the row's own recipient: a forged message cannot redirect a row.
      if (wanted.some(([a, id]) => id === row.id && a === row.recipientId)) this.deliver(row);
    }
    const missing = wanted.filter(([, id]) => !byId.has(id));
    if (missing.length > 0 && attempt < RETRY_MS.length) {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.received(missing, attempt + 1).catch((err: unknown) =>
          this.log.error({ err }, 'notification stream: could not load new notifications'),
        );
      }, RETRY_MS[attempt]);
      timer.unref();
      this.timers.add(timer);
    }
  }

  private deliver(row: NotificationRow): void {
    for (const w of this.watchers.get(row.recipientId) ?? []) {
      if (w.queued) w.queued.push(row);
      else this.send(w, row);
    }
  }

  private send(w: Watcher, row: NotificationRow): void {
    // Only what was already delivered is skipped: a live row below the floor is one the floor's reading
    // overtook, not one already sent.
    if (w.sent.has(row.seq)) return;
    w.sent.add(row.seq);
    if (w.sent.size > SENT_MEMORY) w.sent.delete(w.sent.values().next().value as number);
    w.floor = Math.max(w.floor ?? 0, row.seq);
    try {
      w.listener(row);
    } catch (err) {
      this.log.error({ err }, 'notification stream listener failed');
    }
  }

  /** Delivers what the watchers missed (rows after their floor), holding live rows back meanwhile. */
  private async catchUp(watchers: Watcher[]): Promise<void> {
    const ready = watchers.filter((w) => w.floor !== null && w.queued === null);
    if (ready.length === 0) return;
    const after = new Map<string, number>();
    for (const w of ready) {
      w.queued = [];
      after.set(w.accountId, Math.min(after.get(w.accountId) ?? Number.MAX_SAFE_INTEGER, w.floor!));
    }
    let rows: NotificationRow[] = [];
    try {
      rows = await rowsAfter(this.db, after, CATCH_UP_LIMIT);
    } catch (err) {
      this.log.error({ err }, 'notification stream: could not catch up');
    }
    for (const w of ready) {
      const queued = w.queued ?? [];
      w.queued = null;
      const floor = w.floor!;
      const mine = [...rows.filter((r) => r.recipientId === w.accountId && r.seq > floor), ...queued];
      mine.sort((a, b) => a.seq - b.seq);
      for (const row of mine) this.send(w, row);
    }
  }
}
