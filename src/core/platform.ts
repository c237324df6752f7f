/**
 * @module core/platform
 * The running platform: configuration, database, logger, access log, settings and master key,
 * created once at boot and handed to every module's service factory.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AccessLog } from './audit/index.ts';
import type { Config } from './config/index.ts';
import { type Database, type Db, migrate, openDatabase } from './db/index.ts';
import { AppError } from './errors/index.ts';
import { createLogger, type Logger } from './log/logger.ts';
import { Settings } from './settings/index.ts';

export interface Platform {
  readonly config: Readonly<Config>;
  readonly database: Database;
  readonly db: Db;
  readonly log: Logger;
  readonly accessLog: AccessLog;
  readonly settings: Settings;
  /** 32-byte key for secrets at rest. */
  readonly masterKey: Buffer;
  /** The clock; tests replace it. */
  now(): Date;
}

export interface StartPlatformOptions {
  log?: Logger;
  /** An already open database (tests); otherwise opened from config. */
  database?: Database;
  /** Apply pending migrations (default true). */
  migrate?: boolean;
  now?: () => Date;
  onMigrate?: (done: number, total: number, name: string) => void;
}

/** Opens the database, applies migrations and assembles the platform. */
export async function startPlatform(
  config: Readonly<Config>,
  options: StartPlatformOptions = {},
): Promise<Platform> {
  const log = options.log ?? createLogger(config.log.level);
  const masterKey = resolveMasterKey(config);
  const database =
    options.database ??
    (await openDatabase({
      url: config.database.url,
      dataDir: config.database.url ? undefined : config.dataDir,
      poolSize: config.database.poolSize,
    }));
  if (options.migrate !== false) {
    const result = await migrate(database, options.onMigrate);
    if (result.applied.length > 0) log.info({ applied: result.applied }, 'migrations applied');
  }
  const accessLog = new AccessLog(database.db, {
    flushIntervalMs: config.audit.flushIntervalMs,
    batchSize: config.audit.flushBatchSize,
    onError: (err) => log.error({ err }, 'access log flush failed; entries kept for the next flush'),
  });
  return {
    config,
    database,
    db: database.db,
    log,
    accessLog,
    settings: new Settings(database.db),
    masterKey,
    now: options.now ?? (() => new Date()),
  };
}

/** Flushes buffered logs and closes the database. */
export async function stopPlatform(platform: Platform): Promise<void> {
  await platform.accessLog.close();
  await platform.database.close();
}

/**
 * The master key comes from configuration; with the embedded database and no key configured,
 * one is generated once into the data folder (readable by the owner only).
 */
function resolveMasterKey(config: Readonly<Config>): Buffer {
  if (config.security.masterKey) return Buffer.from(config.security.masterKey, 'hex');
  if (config.database.url) {
    throw new AppError('CONFIG_INVALID', {
      summary:
        'security.masterKey (TINHSO_SECURITY_MASTER_KEY or TINHSO_SECURITY_MASTER_KEY_FILE) is required with DATABASE_URL; generate one with `openssl rand -hex 32` and give every node the same key',
    });
  }
  const file = join(config.dataDir, 'master.key');
  if (existsSync(file)) return Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
  mkdirSync(config.dataDir, { recursive: true });
  const key = randomBytes(32);
  writeFileSync(file, key.toString('hex'), { mode: 0o600 });
  return key;
}
