/**
 * @module test/security/probe
 * Sends requests for the security walks and checks every answer against the rules that hold for any
 * request at all (SEC-13, SEC-14): no 5xx; an error is application/problem+json with a catalogue code; a
 * success is never served as HTML; the security headers are there; and no body shows a stack trace,
 * a dependency path, a database message or a password hash.
 */
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import type { App } from '../../src/core/http/types.ts';
import { catalogue } from '../../src/errors.ts';

/** Text that must never reach a client, with what it would mean. */
const LEAKS: [RegExp, string][] = [
  [/\bat\s+(?:\S+\s+\()?(?:file:\/\/)?[\w./\\:-]*\.(?:ts|js|mjs|cjs)\b/, 'a stack trace'],
  [/node_modules/, 'a dependency path'],
  [/password_hash|\$argon2/, 'a password hash or its column'],
  [
    /syntax error|\bpg_\w|PGlite|drizzle|Failed query|violates|duplicate key|relation "/i,
    'a database message',
  ],
  [
    /TypeError|ReferenceError|RangeError|Cannot read propert|is not a function|ECONNREFUSED/,
    'a runtime error',
  ],
  [/root:x:0:0/, 'the content of /etc/passwd'],
];

/** Content types a successful API answer may have (JSON, or the export files as attachments). */
const SUCCESS_TYPES =
  /^(application\/json|text\/csv|application\/vnd\.openxmlformats-officedocument\.spreadsheetml\.sheet)\b/;

export interface ProbeOptions {
  /** Strings the test itself sent (hostile payloads): removed before looking for leaks, since an API
   * may rightly echo a stored name or a refused value back. */
  sent: readonly string[];
}

/** A request sender that checks every response; counts what it saw. */
export class Probe {
  count = 0;
  readonly statuses = new Map<number, number>();
  private readonly echoes: RegExp;

  constructor(
    private readonly app: App,
    options: ProbeOptions,
  ) {
    // Raw, JSON-escaped and percent-encoded (the access log records request paths), longest first so
    // a payload containing another is removed whole; without regard to case, since usernames are stored
    // lower-cased.
    const forms = (s: string) => [s, JSON.stringify(s).slice(1, -1), encodeURIComponent(s)];
    const echoes = [...new Set(options.sent.flatMap(forms))].sort((a, b) => b.length - a.length);
    this.echoes = new RegExp(echoes.map((e) => e.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'gi');
  }

  /** Sends and checks; `label` names the request in failure messages. */
  async send(
    options: InjectOptions,
    label = `${options.method} ${options.url}`,
  ): Promise<LightMyRequestResponse> {
    const res = await this.app.inject(options);
    this.check(res, label);
    return res;
  }

  /** The rules every response obeys. */
  check(res: LightMyRequestResponse, label: string): void {
    this.count++;
    this.statuses.set(res.statusCode, (this.statuses.get(res.statusCode) ?? 0) + 1);
    const type = String(res.headers['content-type'] ?? '');
    const where = `${label} → ${res.statusCode} ${res.body.slice(0, 300)}`;
    expect(res.statusCode, where).toBeLessThan(500);
    expect(res.headers['x-content-type-options'], where).toBe('nosniff');
    expect(String(res.headers['content-security-policy']), where).toContain("script-src 'self'");
    expect(type, where).not.toMatch(/html/i);
    if (res.statusCode >= 400) {
      expect(type, where).toMatch(/^application\/problem\+json/);
      const code = (res.json() as { code?: string }).code;
      expect(Object.keys(catalogue), where).toContain(code);
    } else if (res.statusCode !== 204 && res.statusCode < 300) {
      expect(type, where).toMatch(SUCCESS_TYPES);
    }
    if (!/json|csv/.test(type)) return;
    let body = res.body;
    body = body.replace(this.echoes, '');
    for (const [pattern, what] of LEAKS) {
      expect(pattern.test(body), `${where}\n shows ${what}: ${body.match(pattern)?.[0]}`).toBe(false);
    }
  }

  /** "200×12, 400×30 …" for the report. */
  summary(): string {
    return [...this.statuses.entries()]
      .sort(([a], [b]) => a - b)
      .map(([s, n]) => `${s}×${n}`)
      .join(', ');
  }
}
