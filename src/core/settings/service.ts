/**
 * @module core/settings/service
 * Typed, validated settings that administrators change at run time (password policy, lockout,
 * session timeout, admin networks, retention, backups). Each setting has a TypeBox schema and
 * defaults; a change is validated, audited as a configuration change, and cached briefly.
 */
import type { Static, TSchema } from 'typebox';
import { Value } from 'typebox/value';
import { audit } from '../audit/index.ts';
import type { Ctx } from '../context.ts';
import type { Db } from '../db/index.ts';
import { AppError } from '../errors/index.ts';
import { readSetting, settingTimes, writeSetting } from './store.ts';

/** A named setting with its schema (which carries the defaults). */
export interface SettingDef<S extends TSchema> {
  key: string;
  schema: S;
  /** Vietnamese label for audit descriptions. */
  label: string;
}

/** Declares a setting. */
export function defineSetting<S extends TSchema>(key: string, schema: S, label: string): SettingDef<S> {
  return { key, schema, label };
}

const CACHE_MS = 5000;

/** Reads settings with a short cache so hot paths (every request's session check) stay cheap. */
export class Settings {
  private cache = new Map<string, { value: unknown; until: number }>();

  constructor(private readonly db: Db) {}

  /** The current value, defaults filled in. */
  async get<S extends TSchema>(def: SettingDef<S>): Promise<Static<S>> {
    const hit = this.cache.get(def.key);
    if (hit && hit.until > Date.now()) return hit.value as Static<S>;
    const stored = (await readSetting(this.db, def.key)) ?? {};
    const value = Value.Default(def.schema, Value.Clone(stored)) as Static<S>;
    this.cache.set(def.key, { value, until: Date.now() + CACHE_MS });
    return value;
  }

  /** Validates, stores and audits a new value inside `tx`. */
  async set<S extends TSchema>(tx: Db, ctx: Ctx, def: SettingDef<S>, input: unknown): Promise<Static<S>> {
    const value = Value.Default(def.schema, Value.Clone(input)) as Static<S>;
    const errors = [...Value.Errors(def.schema, value)];
    if (errors.length > 0) {
      const list = errors.map((e) => ({ field: e.instancePath || def.key, message: e.message }));
      throw new AppError('VALIDATION_FAILED', {
        summary: list.map((e) => `${e.field}: ${e.message}`).join('; '),
        errors: list,
      });
    }
    const before = await readSetting(tx, def.key);
    await writeSetting(tx, def.key, value, ctx.actor.name);
    await audit(tx, ctx, {
      category: 'config',
      action: `settings.${def.key}.update`,
      description: `Thay đổi cấu hình: ${def.label}`,
      severity: 'notice',
      target: { type: 'setting', id: def.key },
      details: { before: before ?? null, after: value },
    });
    this.cache.delete(def.key);
    return value;
  }

  /** Which of these settings an administrator has set (rather than left at their defaults), and when. */
  setSince(defs: SettingDef<TSchema>[]): Promise<Map<string, Date>> {
    return settingTimes(
      this.db,
      defs.map((d) => d.key),
    );
  }

  /** Forgets cached values (after a restore, or in tests). */
  invalidate(): void {
    this.cache.clear();
  }
}
