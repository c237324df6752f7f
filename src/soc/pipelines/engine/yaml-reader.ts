/**
 * @module soc/pipelines/engine/yaml-reader
 * Reads a pipeline's YAML keeping every node's position, so that an unknown processor, a bad option or a
 * pattern that does not compile is reported at its line and column (the console's editor marks it).
 */
import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument, type YAMLMap } from 'yaml';

/** A pipeline source that cannot be loaded, with where (1-based line and column). */
export class PipelineSourceError extends Error {
  readonly line: number;
  readonly column: number;
  readonly reason: string;

  constructor(reason: string, line: number, column: number) {
    super(`line ${line}, column ${column}: ${reason}`);
    this.name = 'PipelineSourceError';
    this.reason = reason;
    this.line = line;
    this.column = column;
  }
}

/** Positions of a parsed source. */
export class Source {
  constructor(private readonly lines: LineCounter) {}

  /** An error at `node` (or at the start of the source when the node has no range). */
  error(node: Node | null | undefined, reason: string): PipelineSourceError {
    const offset = node?.range?.[0] ?? 0;
    const { line, col } = this.lines.linePos(offset);
    return new PipelineSourceError(reason, line, col);
  }
}

/** Parses YAML text into its root node; syntax errors come back with their position. */
export function parseSource(text: string): { root: Node | null; source: Source } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const source = new Source(lines);
  const first = doc.errors[0];
  if (first) {
    const pos = lines.linePos(first.pos[0]);
    throw new PipelineSourceError(first.message.split('\n')[0] ?? 'YAML syntax error', pos.line, pos.col);
  }
  return { root: (doc.contents as Node | null) ?? null, source };
}

/** A YAML mapping read option by option; unknown keys are refused at their position. */
export class MapReader {
  private readonly seen = new Set<string>();

  constructor(
    readonly node: YAMLMap,
    readonly source: Source,
    /** What the map is, for messages (`processor grok`). */
    readonly what: string,
  ) {}

  /** Reads `node` as a mapping or fails. */
  static of(node: Node | null | undefined, source: Source, what: string): MapReader {
    if (!node || !isMap(node)) throw source.error(node, `${what} must be a mapping`);
    return new MapReader(node, source, what);
  }

  /** Names of the keys, in order. */
  keys(): string[] {
    return this.node.items.map((p) => String(isScalar(p.key) ? p.key.value : p.key));
  }

  /** The node of a key's value (marks the key as read). */
  node_(key: string): Node | undefined {
    this.seen.add(key);
    const pair = this.node.items.find((p) => isScalar(p.key) && p.key.value === key);
    return (pair?.value as Node | null | undefined) ?? undefined;
  }

  has(key: string): boolean {
    return this.node.items.some((p) => isScalar(p.key) && p.key.value === key);
  }

  /** The node of a key, for positions of errors about it. */
  keyNode(key: string): Node | undefined {
    const pair = this.node.items.find((p) => isScalar(p.key) && p.key.value === key);
    return (pair?.key as Node | undefined) ?? undefined;
  }

  error(key: string | null, reason: string): PipelineSourceError {
    const node = key === null ? this.node : (this.node_(key) ?? this.keyNode(key) ?? this.node);
    return this.source.error(node, reason);
  }

  /** A string option. */
  str(key: string): string | undefined;
  str(key: string, required: true): string;
  str(key: string, required = false): string | undefined {
    const n = this.node_(key);
    if (n === undefined || (isScalar(n) && n.value === null)) {
      if (required)
        throw this.source.error(this.keyNode(key) ?? this.node, `${this.what}: "${key}" is required`);
      return undefined;
    }
    if (!isScalar(n) || (typeof n.value !== 'string' && typeof n.value !== 'number')) {
      throw this.source.error(n, `${this.what}: "${key}" must be a string`);
    }
    return String(n.value);
  }

  /** A field path option (letters, digits, `_`, `@`, `-`, dots between names). */
  field(key: string): string | undefined;
  field(key: string, required: true): string;
  field(key: string, required = false): string | undefined {
    const value = required ? this.str(key, true) : this.str(key);
    if (value !== undefined && !FIELD.test(value)) {
      throw this.source.error(this.node_(key), `${this.what}: "${value}" is not a field path`);
    }
    return value;
  }

  /** A boolean option. */
  bool(key: string, fallback: boolean): boolean {
    const n = this.node_(key);
    if (n === undefined) return fallback;
    if (!isScalar(n) || typeof n.value !== 'boolean') {
      throw this.source.error(n, `${this.what}: "${key}" must be true or false`);
    }
    return n.value;
  }

  /** An integer option. */
  int(key: string, fallback: number, min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): number {
    const n = this.node_(key);
    if (n === undefined) return fallback;
    if (
      !isScalar(n) ||
      typeof n.value !== 'number' ||
      !Number.isInteger(n.value) ||
      n.value < min ||
      n.value > max
    ) {
      throw this.source.error(n, `${this.what}: "${key}" must be an integer from ${min} to ${max}`);
    }
    return n.value;
  }

  /** A list of strings (a single string counts as a list of one). */
  strList(key: string): string[] | undefined;
  strList(key: string, required: true): string[];
  strList(key: string, required = false): string[] | undefined {
    const n = this.node_(key);
    if (n === undefined) {
      if (required)
        throw this.source.error(this.keyNode(key) ?? this.node, `${this.what}: "${key}" is required`);
      return undefined;
    }
    if (isScalar(n) && (typeof n.value === 'string' || typeof n.value === 'number')) return [String(n.value)];
    if (!isSeq(n)) throw this.source.error(n, `${this.what}: "${key}" must be a list of strings`);
    return n.items.map((item) => {
      if (!isScalar(item) || item.value === null || typeof item.value === 'object') {
        throw this.source.error(item as Node, `${this.what}: "${key}" must be a list of strings`);
      }
      return String(item.value);
    });
  }

  /** Any JSON value (a `set` value, a dictionary). */
  json(key: string): unknown {
    const n = this.node_(key);
    if (n === undefined) return undefined;
    return n.toJSON();
  }

  /** Refuses keys that were not read, at the first one's position. */
  done(): void {
    for (const pair of this.node.items) {
      const name = isScalar(pair.key) ? String(pair.key.value) : '';
      if (!this.seen.has(name)) {
        throw this.source.error(pair.key as Node, `${this.what}: unknown option "${name}"`);
      }
    }
  }
}

/** A field path: names of letters, digits, `_`, `@`, `-`, `$` joined by dots. */
export const FIELD = /^[@$\p{L}\p{N}_-][\p{L}\p{N}_@-]*(?:\.[\p{L}\p{N}_@-]+)*$/u;

export { isMap, isScalar, isSeq, type Node };
