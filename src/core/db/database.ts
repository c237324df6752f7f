/**
 * @module core/db/database
 * Opens the one database of Tỉnh Số: embedded PGlite in the data folder, or PostgreSQL via `pg`.
 * Both are wrapped by Drizzle so every store writes the same PostgreSQL SQL against either.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { type SQL, sql } from 'drizzle-orm';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import pg from 'pg';
import { lockDataFolder } from './data-lock.ts';

/** The query interface every store uses; a transaction has the same type. */
export type Db = PgDatabase<PgQueryResultHKT, Record<string, never>>;

export type DatabaseKind = 'pglite' | 'postgres';

/** An open database: Drizzle handle, its kind, and how to close it. */
export interface Database {
  readonly db: Db;
  readonly kind: DatabaseKind;
  /** The PGlite instance when embedded (backups dump its data folder). */
  readonly pglite?: PGlite;
  /** The pool when on PostgreSQL: a raw client for what Drizzle cannot do (COPY, statements outside a transaction). */
  readonly pool?: pg.Pool;
  /** How another connection (a processing thread) opens the same PostgreSQL database and schema. */
  readonly connection?: { readonly url: string; readonly schema?: string };
  /** Runs `fn` in a transaction on one raw connection that accepts multi-statement scripts. */
  rawTransaction<T>(fn: (tx: RawTx) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** A raw connection inside a transaction: parameterised queries, and scripts without parameters. */
export interface RawTx {
  query<T extends Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  /** Executes a script of several statements (migrations); never pass user input here. */
  exec(script: string): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** postgres:// URL; empty opens PGlite. */
  url?: string;
  /** Folder for PGlite; omitted = in memory. */
  dataDir?: string;
  /** PostgreSQL schema used as search_path (tests isolate by schema). */
  schema?: string;
  poolSize?: number;
}

// int8 and numeric come back as strings from pg by default; counts and sequences fit in a double.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

/** Opens PGlite or PostgreSQL according to `url`. */
export async function openDatabase(options: OpenDatabaseOptions = {}): Promise<Database> {
  if (options.url) {
    const searchPath = options.schema ? `-c search_path=${quoteIdent(options.schema)}` : undefined;
    const pool = new pg.Pool({
      connectionString: options.url,
      max: options.poolSize ?? 20,
      options: searchPath,
    });
    // An idle client's error (server restart) must not crash the process; the pool replaces it.
    pool.on('error', () => {});
    await pool.query('select 1');
    const db = drizzlePg(pool) as unknown as Db;
    const rawTransaction = async <T>(fn: (tx: RawTx) => Promise<T>): Promise<T> => {
      const client = await pool.connect();
      try {
        await client.query('begin');
        const result = await fn({
          query: async <R extends Record<string, unknown>>(text: string, params?: unknown[]) =>
            (await client.query<R>(text, params)).rows,
          exec: async (script) => {
            await client.query(script);
          },
        });
        await client.query('commit');
        return result;
      } catch (err) {
        await client.query('rollback').catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    };
    const connection = { url: options.url, ...(options.schema ? { schema: options.schema } : {}) };
    return { db, kind: 'postgres', pool, connection, rawTransaction, close: () => pool.end() };
  }
  let dir: string | undefined;
  let unlock = () => {};
  if (options.dataDir) {
    dir = join(options.dataDir, 'pglite');
    mkdirSync(dir, { recursive: true });
    unlock = lockDataFolder(dir);
  }
  let client: PGlite;
  try {
    client = new PGlite(dir);
    await client.waitReady;
  } catch (err) {
    unlock();
    throw err;
  }
  const db = drizzlePglite(client) as unknown as Db;
  const rawTransaction = <T>(fn: (tx: RawTx) => Promise<T>): Promise<T> =>
    client.transaction((tx) =>
      fn({
        query: async <R extends Record<string, unknown>>(text: string, params?: unknown[]) =>
          (await tx.query<R>(text, params)).rows,
        exec: async (script) => {
          await tx.exec(script);
        },
      }),
    );
  const close = async () => {
    try {
      await client.close();
    } finally {
      unlock();
    }
  };
  return { db, kind: 'pglite', pglite: client, rawTransaction, close };
}

/** Runs a raw SQL statement and returns its rows. */
export async function queryRows<T extends Record<string, unknown>>(db: Db, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}

/** Quotes an SQL identifier (schema or table name that cannot be a bind parameter). */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export { sql };
