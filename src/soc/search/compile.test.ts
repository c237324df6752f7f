import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PgDialect } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/db.ts';
import { systemCtx } from '../../core/context.ts';
import { queryRows, sql } from '../../core/db/index.ts';
import { AppError } from '../../core/errors/index.ts';
import { foldForSearch } from '../../core/text/vietnamese.ts';
import { compileQuery, likePattern } from './compile.ts';
import { foldedTextSql, foldedVectorSql } from './fold.ts';
import { parseQuery } from './parser.ts';
import { createSearchService, type SearchService } from './service.ts';
import { insertEvents } from './testing.ts';

let database: TestDatabase;
let svc: SearchService;
const now = new Date('2026-12-05T05:00:00Z');
const ids: Record<string, string> = {};

const events: Record<string, Record<string, unknown>> = {
  sshFail: {
    event: {
      dataset: 'linux.auth',
      outcome: 'failure',
      category: ['authentication'],
      action: 'ssh_login',
      severity: 5,
    },
    host: { name: 'web-01' },
    user: { name: 'admin' },
    source: { ip: '10.1.2.3', port: 51000 },
    message: 'Failed password for admin from 10.1.2.3 port 51000 ssh2',
    tags: ['ssh'],
  },
  sshOk: {
    event: {
      dataset: 'linux.auth',
      outcome: 'success',
      category: ['authentication'],
      action: 'ssh_login',
      severity: 1,
    },
    host: { name: 'Web-02' },
    user: { name: 'administrator' },
    source: { ip: '192.168.1.20', port: 40000 },
    message: 'Accepted publickey for administrator',
  },
  nginx: {
    event: { dataset: 'nginx.access', category: ['web'], severity: 2 },
    host: { name: 'portal' },
    source: { ip: '2001:db8::5', port: 443 },
    url: { path: '/dịch-vụ/tra-cứu' },
    http: { response: { status_code: 404 } },
    message: 'GET /tra-cuu HTTP/1.1 404 — Không tìm thấy hồ sơ của Sở Tài chính',
  },
  suricata: {
    event: {
      dataset: 'suricata.eve',
      kind: 'alert',
      category: ['network', 'intrusion_detection'],
      severity: 3,
    },
    source: { ip: '203.0.113.9' },
    destination: { ip: '10.1.2.3', port: 22 },
    rule: { name: 'ET SCAN ssh', id: ['2001', '2002'] },
    http: { response: { status_code: 'n/a' } },
    message: 'ET SCAN Potential SSH Scan 100% _underscore_',
    tags: ['_parse_error', 'ids'],
  },
};

beforeAll(async () => {
  database = await createTestDatabase();
  svc = createSearchService({ db: database.db, org: { visibleUnitIds: async () => 'all' }, now: () => now });
  const names = Object.keys(events);
  const addresses = await insertEvents(
    database.db,
    names.map((n, i) => ({
      ts: new Date(now.getTime() - (i + 1) * 60_000),
      doc: events[n] as Record<string, unknown>,
    })),
  );
  names.forEach((n, i) => {
    ids[n] = addresses[i]!.id;
  });
});
afterAll(() => database.close());

async function matches(query: string): Promise<string[]> {
  const r = await svc.search(systemCtx(), { query, last: '1d', size: 100 });
  const byId = Object.fromEntries(Object.entries(ids).map(([k, v]) => [v, k]));
  return r.hits.map((h) => byId[h.id] ?? h.id).sort();
}

describe('compiled queries over stored events, by field type', () => {
  it('keyword columns: exact and case-sensitive, wildcards as escaped LIKE', async () => {
    expect(await matches('host.name:web-01')).toEqual(['sshFail']);
    expect(await matches('host.name:WEB-01')).toEqual([]);
    expect(await matches('user.name:admin*')).toEqual(['sshFail', 'sshOk']);
    expect(await matches('user.name:admi?')).toEqual(['sshFail']);
    expect(await matches('event.dataset:linux.auth AND NOT user.name:admin')).toEqual(['sshOk']);
  });

  it('ECS lower-case categorisation fields match whatever the case typed', async () => {
    expect(await matches('event.outcome:FAILURE')).toEqual(['sshFail']);
    expect(await matches('event.kind:Alert')).toEqual(['suricata']);
  });

  it('array columns: element match, lists as overlap, wildcards over elements', async () => {
    expect(await matches('event.category:authentication')).toEqual(['sshFail', 'sshOk']);
    expect(await matches('tags:(ssh OR ids)')).toEqual(['sshFail', 'suricata']);
    expect(await matches('tags:_parse*')).toEqual(['suricata']);
    expect(await matches('tags:*')).toEqual(['sshFail', 'suricata']);
  });

  it('IP columns: address, IPv4 and IPv6 CIDR, ranges', async () => {
    expect(await matches('source.ip:10.1.2.3')).toEqual(['sshFail']);
    expect(await matches('source.ip:10.0.0.0/8')).toEqual(['sshFail']);
    expect(await matches('source.ip:2001:db8::/32')).toEqual(['nginx']);
    expect(await matches('source.ip:(10.0.0.0/8 OR 192.168.0.0/16)')).toEqual(['sshFail', 'sshOk']);
    expect(await matches('destination.ip:10.1.2.3')).toEqual(['suricata']);
    expect(await matches('source.ip >= 200.0.0.0 AND source.ip < 255.255.255.255')).toEqual(['suricata']);
  });

  it('numeric columns: equality, comparisons, inclusive and exclusive ranges', async () => {
    expect(await matches('event.severity >= 3')).toEqual(['suricata', 'sshFail'].sort());
    expect(await matches('event.severity:[2 TO 3]')).toEqual(['nginx', 'suricata']);
    expect(await matches('event.severity:{2 TO 5}')).toEqual(['suricata']);
    expect(await matches('source.port:443')).toEqual(['nginx']);
    expect(await matches('destination.port:*')).toEqual(['suricata']);
  });

  it('@timestamp: moments and days (Vietnam time)', async () => {
    const all = ['nginx', 'sshFail', 'sshOk', 'suricata'];
    expect(await matches('@timestamp >= 2026-12-05T04:58:30Z')).toEqual(['sshFail']);
    expect(await matches('@timestamp:2026-12-05')).toEqual(all);
    expect(await matches('@timestamp < 2026-12-05')).toEqual([]);
    expect(await matches('@timestamp:[2026-12-05T11:56:00+07:00 TO 2026-12-05T11:57:30+07:00]')).toEqual([
      'nginx',
      'suricata',
    ]);
  });

  it('doc fields: text equality, array elements, safe numeric comparison, wildcards, exists', async () => {
    expect(await matches('rule.name:"ET SCAN ssh"')).toEqual(['suricata']);
    expect(await matches('rule.id:2002')).toEqual(['suricata']);
    expect(await matches('http.response.status_code:404')).toEqual(['nginx']);
    // A text value ('n/a') in a numeric comparison is skipped, not a cast error.
    expect(await matches('http.response.status_code >= 400')).toEqual(['nginx']);
    expect(await matches('url.path:/dịch-vụ*')).toEqual(['nginx']);
    expect(await matches('url.path:*')).toEqual(['nginx']);
    expect(await matches('NOT url.path:*')).toEqual(['sshFail', 'sshOk', 'suricata']);
  });

  it('message: words and phrases, case- and diacritic-insensitive; prefixes; substrings for other wildcards', async () => {
    expect(await matches('failed')).toEqual(['sshFail']);
    expect(await matches('"FAILED password"')).toEqual(['sshFail']);
    expect(await matches('"password failed"')).toEqual([]);
    expect(await matches('"khong tim thay"')).toEqual(['nginx']);
    expect(await matches('"Sở tài CHÍNH"')).toEqual(['nginx']);
    expect(await matches('"so tai chinh"')).toEqual(['nginx']);
    expect(await matches('admin*')).toEqual(['sshFail', 'sshOk']);
    expect(await matches('message:*ccept*')).toEqual(['sshOk']);
    expect(await matches('message:*100%*')).toEqual(['suricata']);
    expect(await matches('message:*_under*')).toEqual(['suricata']);
    expect(await matches('message:"publickey"')).toEqual(['sshOk']);
  });

  it('NOT includes events without the field, as Lucene does', async () => {
    expect(await matches('NOT user.name:admin')).toEqual(['nginx', 'sshOk', 'suricata']);
  });
});

describe('compiler safety', () => {
  const dialect = new PgDialect();
  const attempts = ["'; drop table soc_events; --", "x' or '1'='1", 'a\\"b', '$1; select 1', '%_\\ or true'];

  it.each(attempts)('keeps %s a bind parameter in every field kind', (attempt) => {
    for (const field of ['host.name', 'tags', 'rule.name', 'message']) {
      const query = dialect.sqlToQuery(
        compileQuery({ type: 'match', field, value: { kind: 'word', text: attempt } }),
      );
      expect(query.sql).not.toContain(attempt);
      expect(query.params.length, field).toBeGreaterThan(0);
    }
  });

  it('stored injection attempts are searched as data', async () => {
    expect(await matches(`host.name:"'; drop table soc_events; --"`)).toEqual([]);
    expect(await matches('host.name:web-01')).toEqual(['sshFail']);
  });

  it('refuses values a typed column cannot hold, with the position of the value', () => {
    const bad: [string, number][] = [
      ['event.severity:abc', 15],
      ['a:1 AND source.port > 99999999999', 22],
      ['source.ip:10.0.*', 10],
      ['source.ip:10.0.0.0/33', 10],
      ['@timestamp:yesterday', 11],
      ['message > 5', 10],
    ];
    for (const [q, position] of bad) {
      let err: unknown;
      try {
        compileQuery(parseQuery(q));
      } catch (e) {
        err = e;
      }
      expect(err, q).toBeInstanceOf(AppError);
      expect((err as AppError).code).toBe('SOC_QUERY_VALUE');
      expect((err as AppError).details.position, q).toBe(position);
    }
  });

  it('escapes LIKE metacharacters of literal text', () => {
    expect(likePattern('a%b_c\\*d*')).toBe('a\\%b\\_c*d%');
  });
});

describe('diacritic folding', () => {
  it('folds every Vietnamese letter in SQL exactly as core/text folds it, composed or decomposed', async () => {
    const vi = 'àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ';
    const text = `${vi} ${vi.toUpperCase()} Sở Tài Chính`;
    for (const form of [text, text.normalize('NFD')]) {
      // The literal holds no quote; foldedTextSql takes SQL text (a column), so the test gives it a literal.
      const rows = await queryRows<{ f: string }>(
        database.db,
        sql.raw(`select ${foldedTextSql(`'${form}'`)} as f`),
      );
      expect(rows[0]!.f).toBe(foldForSearch(text));
    }
  });

  it('the index migration repeats the query expression verbatim (else the index is never used)', () => {
    const migration = readFileSync(
      join(import.meta.dirname, '../migrations/202612070141_soc_events_indexes.sql'),
      'utf8',
    );
    expect(migration).toContain(foldedVectorSql('message'));
  });
});
