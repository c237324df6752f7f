/**
 * @module core/config/load
 * The one configuration loader: `tinhso.config.json` (optional) overlaid by environment variables,
 * defaults applied, validated against the schema, every problem reported at once.
 * This is the only place in the product that reads `process.env`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { Value } from 'typebox/value';
import { AppError } from '../errors/index.ts';
import { type Config, ConfigSchema, envAliases, secretKeys } from './schema.ts';

/** A leaf of the schema: its dotted path, derived environment variable name and JSON type. */
interface Leaf {
  path: string;
  env: string;
  type: string;
  description?: string;
  /** Allowed values when the key is a union of literals. */
  choices?: string[];
}

interface SchemaNode {
  type?: string;
  properties?: Record<string, SchemaNode>;
  anyOf?: SchemaNode[];
  const?: unknown;
  description?: string;
}

/** Lists every configurable key with its environment variable, for errors and docs. */
export function configKeys(): Leaf[] {
  const out: Leaf[] = [];
  const walk = (node: SchemaNode, path: string[]) => {
    if (node.type === 'object' && node.properties) {
      for (const [k, child] of Object.entries(node.properties)) walk(child, [...path, k]);
      return;
    }
    const env = `TINHSO_${path.map((p) => p.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()).join('_')}`;
    const type = node.type ?? (node.anyOf ? typeof node.anyOf[0]?.const : 'string');
    const choices = node.anyOf?.every((o) => o.const !== undefined)
      ? node.anyOf.map((o) => String(o.const))
      : undefined;
    out.push({ path: path.join('.'), env, type, description: node.description, choices });
  };
  walk(ConfigSchema as unknown as SchemaNode, []);
  return out;
}

export interface LoadConfigOptions {
  /** Environment to read; defaults to the process environment. */
  env?: Record<string, string | undefined>;
  /** Path of the JSON config file; defaults to TINHSO_CONFIG or ./tinhso.config.json when present. */
  file?: string;
  /** Values that win over file and environment (tests, CLI flags). */
  overrides?: Record<string, unknown>;
}

/**
 * Loads and validates the configuration. Throws `CONFIG_INVALID` listing every problem,
 * each naming the key, its environment variable and what is expected.
 */
export function loadConfig(options: LoadConfigOptions = {}): Readonly<Config> {
  const env = options.env ?? process.env;
  const problems: string[] = [];
  const raw: Record<string, unknown> = {};

  const file =
    options.file ?? env.TINHSO_CONFIG ?? (existsSync('tinhso.config.json') ? 'tinhso.config.json' : '');
  if (file) {
    try {
      Object.assign(raw, JSON.parse(readFileSync(file, 'utf8')));
    } catch (err) {
      problems.push(`${file}: cannot be read as JSON (${(err as Error).message})`);
    }
  }

  const leaves = configKeys();
  const byPath = new Map(leaves.map((l) => [l.path, l]));
  const names = new Map<string, string>(leaves.map((l) => [l.env, l.path]));
  for (const [alias, path] of Object.entries(envAliases)) names.set(alias, path);

  for (const [name, path] of names) {
    const leaf = byPath.get(path);
    if (!leaf) continue;
    let value = env[name];
    const fileVar = env[`${name}_FILE`];
    if (fileVar !== undefined && (secretKeys as readonly string[]).includes(path)) {
      try {
        value = readFileSync(fileVar, 'utf8').replace(/\r?\n$/, '');
      } catch {
        problems.push(`${name}_FILE: cannot read file ${fileVar}`);
        continue;
      }
    }
    if (value === undefined || value === '') continue;
    const converted = convert(value, leaf.type);
    if (converted === undefined) {
      problems.push(`${path} (${name}): expected ${leaf.type}, got "${value}"`);
      continue;
    }
    setPath(raw, path, converted);
  }
  for (const [path, value] of Object.entries(options.overrides ?? {})) setPath(raw, path, value);

  const withDefaults = Value.Default(ConfigSchema, raw) as Record<string, unknown>;
  const reported = new Set<string>();
  for (const error of Value.Errors(ConfigSchema, withDefaults)) {
    const path = error.instancePath.replace(/^\//, '').replaceAll('/', '.');
    const leaf = byPath.get(path);
    const where = leaf ? `${path} (${leaf.env})` : path || 'root';
    // A union of literals fails once per member; say once which values are allowed.
    if (leaf?.choices) {
      if (!reported.has(path)) problems.push(`${where}: expected one of ${leaf.choices.join(', ')}`);
      reported.add(path);
      continue;
    }
    const extra =
      error.keyword === 'additionalProperties'
        ? ` unknown key(s) ${JSON.stringify((error.params as { additionalProperties?: string[] }).additionalProperties ?? [])}`
        : '';
    problems.push(`${where}: ${error.message}${extra}`);
  }
  if (problems.length === 0) problems.push(...crossFieldProblems(withDefaults as Config));
  if (problems.length > 0) {
    throw new AppError('CONFIG_INVALID', { summary: problems.join('; '), problems });
  }

  const config = withDefaults as Config;
  config.dataDir = resolve(config.dataDir);
  if (!config.backup.dir) config.backup.dir = resolve(config.dataDir, 'backups');
  if (!config.nodeId) config.nodeId = `${hostname()}:${process.pid}`;
  return deepFreeze(config);
}

function crossFieldProblems(c: Config): string[] {
  const out: string[] = [];
  if (c.tls.mode === 'files' && !c.tls.pfxFile && !(c.tls.certFile && c.tls.keyFile)) {
    out.push('tls.mode=files needs tls.certFile and tls.keyFile (PEM), or tls.pfxFile (PKCS#12)');
  }
  if (c.security.masterKey && !/^[0-9a-fA-F]{64}$/.test(c.security.masterKey)) {
    out.push(
      'security.masterKey (TINHSO_SECURITY_MASTER_KEY): expected 64 hex characters; use `openssl rand -hex 32`',
    );
  }
  if (c.database.url && !/^postgres(ql)?:\/\//.test(c.database.url)) {
    out.push('database.url (DATABASE_URL): expected postgres://user@host:port/database');
  }
  return out;
}

function convert(value: string, type: string): unknown {
  switch (type) {
    case 'integer':
    case 'number': {
      const n = Number(value);
      return Number.isFinite(n) ? n : undefined;
    }
    case 'boolean':
      if (['true', '1', 'yes', 'on'].includes(value.toLowerCase())) return true;
      if (['false', '0', 'no', 'off'].includes(value.toLowerCase())) return false;
      return undefined;
    case 'array':
      return value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    default:
      return value;
  }
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    if (typeof node[part] !== 'object' || node[part] === null) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts[parts.length - 1] as string] = value;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** A copy of the configuration with secret values replaced, safe to log or back up. */
export function redactedConfig(config: Config): Record<string, unknown> {
  const copy = structuredClone(config) as unknown as Record<string, unknown>;
  for (const path of secretKeys) {
    const parts = path.split('.');
    let node = copy;
    for (const p of parts.slice(0, -1)) node = node[p] as Record<string, unknown>;
    const last = parts[parts.length - 1] as string;
    if (node[last]) node[last] = '[redacted]';
  }
  return copy;
}
