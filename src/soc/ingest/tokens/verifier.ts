/**
 * @module soc/ingest/tokens/verifier
 * Checks a shipper's `Authorization` header against the ingest tokens, from memory: every request of every
 * shipper passes here, so it runs no SQL on the hot path. The table is read whole (tokens are few) at start,
 * whenever a token is created or revoked on any node (bus topic `soc.ingest.tokens.changed`), after a bus
 * reconnection, every minute as a safety net, and on an unknown id (at most every few seconds, so a flood
 * of invented ids cannot turn into a flood of queries). `last_used_at` is written in batches.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { BUS_RECONNECTED, type Bus } from '../../../core/bus/index.ts';
import type { Db } from '../../../core/db/index.ts';
import { touchTokens, verifierRows } from './store.ts';

/** Bus topic announcing that the token table changed (payload: `{ id }`). */
export const TOKENS_CHANGED = 'soc.ingest.tokens.changed';

/** Marker of the bearer form of a token: `tsi.<id>.<secret>`. */
export const TOKEN_MARK = 'tsi';

/** Who a verified request comes from. */
export interface IngestCredential {
  tokenId: string;
  name: string;
  unitId: string | null;
}

/** Why a header was refused (logged and counted, never told to the caller). */
export type RefusalReason = 'missing' | 'malformed' | 'unknown' | 'revoked' | 'mismatch';

export type VerifyResult = { ok: true; credential: IngestCredential } | { ok: false; reason: RefusalReason };

interface Known {
  hash: Buffer;
  revoked: boolean;
  credential: IngestCredential;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Compared against when the id is unknown, so an unknown id costs the same hashing as a known one. */
const DUMMY_HASH = Buffer.alloc(32);

/** SHA-256 of a secret as stored (hex). */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/**
 * The id and secret in an `Authorization` header: `Bearer tsi.<id>.<secret>`, `ApiKey base64(id:secret)`
 * (Beats' `api_key` set to `<id>:<secret>`, Elasticsearch's form) or `Basic base64(id:secret)` (Logstash, Fluent Bit,
 * Vector `user`/`password`). Null when it has none of these shapes.
 */
export function parseAuthorization(header: string | undefined): { id: string; secret: string } | null {
  if (!header) return null;
  const space = header.indexOf(' ');
  if (space < 0 || header.length > 1024) return null;
  const scheme = header.slice(0, space).toLowerCase();
  const value = header.slice(space + 1).trim();
  let id: string;
  let secret: string;
  if (scheme === 'bearer') {
    const parts = value.split('.');
    if (parts.length !== 3 || parts[0] !== TOKEN_MARK) return null;
    id = parts[1] as string;
    secret = parts[2] as string;
  } else if (scheme === 'apikey' || scheme === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return null;
    id = decoded.slice(0, colon);
    secret = decoded.slice(colon + 1);
  } else {
    return null;
  }
  id = id.toLowerCase();
  if (!UUID.test(id) || secret.length === 0 || secret.length > 200) return null;
  return { id, secret };
}

export interface VerifierOptions {
  db: Db;
  bus: Bus;
  now: () => number;
  onError: (err: unknown, what: string) => void;
  /** Full reload period (safety net when a bus message was lost). */
  refreshMs?: number;
  /** Shortest interval between reloads caused by unknown ids. */
  missReloadMs?: number;
  /** Period of the batched `last_used_at` write. */
  usageFlushMs?: number;
}

/** The in-memory token check of one node. */
export class TokenVerifier {
  private known = new Map<string, Known>();
  private loaded: Promise<void> | null = null;
  private lastLoad = 0;
  private uses = new Map<string, number>();
  private timers: NodeJS.Timeout[] = [];
  private unsubscribe: (() => void)[] = [];
  /** Refusals since start, by reason. */
  readonly refusals: Record<RefusalReason, number> = {
    missing: 0,
    malformed: 0,
    unknown: 0,
    revoked: 0,
    mismatch: 0,
  };

  constructor(private readonly options: VerifierOptions) {}

  /** Loads the tokens and follows changes announced on the bus. */
  start(): Promise<void> {
    if (this.unsubscribe.length === 0) {
      const reload = () => {
        this.reload().catch((err: unknown) => this.options.onError(err, 'reload ingest tokens'));
      };
      this.unsubscribe.push(this.options.bus.subscribe(TOKENS_CHANGED, reload));
      this.unsubscribe.push(this.options.bus.subscribe(BUS_RECONNECTED, reload));
      const refresh = setInterval(reload, this.options.refreshMs ?? 60_000);
      const flush = setInterval(() => {
        this.flushUsage().catch((err: unknown) => this.options.onError(err, 'write token last use'));
      }, this.options.usageFlushMs ?? 60_000);
      refresh.unref();
      flush.unref();
      this.timers.push(refresh, flush);
    }
    return this.reload();
  }

  /** Reads the whole table again (concurrent callers share one read). */
  reload(): Promise<void> {
    this.loaded ??= (async () => {
      try {
        this.lastLoad = this.options.now();
        const rows = await verifierRows(this.options.db);
        const next = new Map<string, Known>();
        for (const r of rows) {
          next.set(r.id, {
            hash: Buffer.from(r.secretHash, 'hex'),
            revoked: r.revoked,
            credential: Object.freeze({ tokenId: r.id, name: r.name, unitId: r.unitId }),
          });
        }
        this.known = next;
      } finally {
        this.loaded = null;
      }
    })();
    return this.loaded;
  }

  /** Checks an `Authorization` header. */
  async verify(header: string | undefined): Promise<VerifyResult> {
    const refuse = (reason: RefusalReason): VerifyResult => {
      this.refusals[reason]++;
      return { ok: false, reason };
    };
    if (!header) return refuse('missing');
    const parsed = parseAuthorization(header);
    if (!parsed) return refuse('malformed');
    let entry = this.known.get(parsed.id);
    // A token just created on another node may not have reached this one's bus yet.
    if (!entry && this.options.now() - this.lastLoad >= (this.options.missReloadMs ?? 5000)) {
      await this.reload();
      entry = this.known.get(parsed.id);
    }
    const presented = createHash('sha256').update(parsed.secret, 'utf8').digest();
    const same = timingSafeEqual(presented, entry?.hash.length === 32 ? entry.hash : DUMMY_HASH);
    if (!entry) return refuse('unknown');
    if (!same) return refuse('mismatch');
    if (entry.revoked) return refuse('revoked');
    this.uses.set(parsed.id, this.options.now());
    return { ok: true, credential: entry.credential };
  }

  /** Writes the last use of every token used since the previous write (one statement). */
  async flushUsage(): Promise<void> {
    if (this.uses.size === 0) return;
    const batch = [...this.uses].map(([id, at]) => ({ id, at: new Date(at) }));
    this.uses = new Map();
    await touchTokens(this.options.db, batch);
  }

  /** Stops following changes and writes the pending last uses. */
  async close(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    for (const u of this.unsubscribe) u();
    this.unsubscribe = [];
    await this.flushUsage().catch((err: unknown) => this.options.onError(err, 'write token last use'));
  }
}
