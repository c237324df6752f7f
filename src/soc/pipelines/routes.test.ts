/**
 * The pipelines API: who may call it, validation with positions, audit, overriding shipped pipelines,
 * the simulator, and reload on another service instance (and, on PostgreSQL, another node) through the bus.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type LoggedIn, loginAs, type TestApp } from '../../../test/helpers/app.ts';
import { testDatabaseUrl } from '../../../test/helpers/db.ts';
import { systemCtx } from '../../core/context.ts';
import { queryRows, sql } from '../../core/db/index.ts';
import type { NormalisedEvent, RawEvent } from '../contracts.ts';
import type { SocDeps } from '../deps.ts';
import { createPipelines, type PipelineService } from './index.ts';
import type { PipelineList, PipelineView, SimulateResult } from './schema.ts';

/** One event through a pipeline service's batch path. */
const one = (p: PipelineService, r: RawEvent): NormalisedEvent => p.processBatch([r])[0] as NormalisedEvent;

let t: TestApp;
let admin: LoggedIn;
let reader: LoggedIn;

beforeAll(async () => {
  t = await createTestApp();
  admin = await loginAs(t, { roles: ['tech_admin'], scope: 'all' });
  reader = await loginAs(t, { roles: ['business_admin'], scope: 'all' });
});
afterAll(() => t.close());

function call(who: LoggedIn, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: object) {
  return t.app.inject(
    payload === undefined
      ? { method, url, headers: who.headers }
      : { method, url, headers: who.headers, payload },
  );
}

let n = 0;
function appPipeline(id = `app-${++n}`, extra = ''): string {
  return `id: ${id}
name: Ứng dụng thử ${id}
priority: 300
match: { field: log.syslog.appname, equals: ${id} }
processors:
  - kv: { field: message }
  - set: { field: event.dataset, value: ${id}.log }
${extra}`;
}

function raw(appname: string, message: string): RawEvent {
  return {
    input: 'syslog-udp',
    kind: 'syslog-udp',
    receivedAt: Date.parse('2024-03-05T03:00:00Z'),
    text: message,
    doc: { message, log: { syslog: { appname, hostname: 'h1' } } },
  };
}

async function auditActions(
  target: string,
): Promise<{ action: string; category: string; actor_name: string }[]> {
  return queryRows(
    t.platform.db,
    sql`select action, category, actor_name from audit_log where target_id = ${target} order by seq`,
  );
}

describe('GET /api/soc/pipelines', () => {
  it('lists the shipped pipelines with their YAML to a reader of events', async () => {
    const res = await call(reader, 'GET', '/api/soc/pipelines');
    expect(res.statusCode, res.body).toBe(200);
    const ids = (res.json() as PipelineList).items.filter((p) => p.origin === 'shipped').map((p) => p.id);
    for (const id of [
      'linux-auth',
      'nginx',
      'apache',
      'suricata',
      'zeek',
      'windows',
      'fortigate',
      'pfsense',
      'cisco-asa',
      'tinhso-audit',
      'tinhso-lgsp',
      'cef',
      'leef',
      'syslog',
      'json',
    ]) {
      expect(ids).toContain(id);
    }
    const nginx = (res.json() as PipelineList).items.find((p) => p.id === 'nginx');
    expect(nginx?.source).toContain('id: nginx');
  });
});

describe('writing pipelines', () => {
  it('refuses writes to a reader (403) and accepts them from an administrator, audited in config', async () => {
    const source = appPipeline('quan-ly-van-ban');
    const refused = await call(reader, 'POST', '/api/soc/pipelines', { source });
    expect(refused.statusCode).toBe(403);

    const res = await call(admin, 'POST', '/api/soc/pipelines', { source });
    expect(res.statusCode, res.body).toBe(201);
    const view = res.json() as PipelineView;
    expect(view).toMatchObject({
      id: 'quan-ly-van-ban',
      origin: 'operator',
      enabled: true,
      version: 1,
      active: true,
      priority: 300,
    });
    expect(await auditActions('quan-ly-van-ban')).toEqual([
      expect.objectContaining({ action: 'soc.pipeline.create', category: 'config' }),
    ]);
    // In force at once on this node.
    const event = one(t.services.soc.pipelines, raw('quan-ly-van-ban', 'user=an action=sign doc=42'));
    expect(event.doc).toMatchObject({
      user: 'an',
      action: 'sign',
      doc: '42',
      event: { dataset: 'quan-ly-van-ban.log' },
    });
  });

  it('answers 400 SOC_PIPELINE_INVALID with the line and column of an unknown processor', async () => {
    const res = await call(admin, 'POST', '/api/soc/pipelines', {
      source:
        'id: bad-one\nname: Bad\nprocessors:\n  - set: { field: a, value: 1 }\n  - frobnicate: { field: x }\n',
    });
    expect(res.statusCode).toBe(400);
    const body = res.json() as {
      code: string;
      title_en: string;
      errors: { field: string; message: string }[];
    };
    expect(body.code).toBe('SOC_PIPELINE_INVALID');
    expect(body.title_en).toContain('line 5, column 5');
    expect(body.title_en).toContain('unknown processor "frobnicate"');
    expect(body.errors[0]?.field).toBe('source:5:5');
  });

  it('answers 400 for YAML that does not parse, and for a bad option, with positions', async () => {
    const syntax = await call(admin, 'POST', '/api/soc/pipelines', { source: 'id: x\nname: [unclosed\n' });
    expect(syntax.statusCode).toBe(400);
    expect((syntax.json() as { code: string }).code).toBe('SOC_PIPELINE_INVALID');
    const option = await call(admin, 'POST', '/api/soc/pipelines', {
      source: 'id: x\nname: X\nprocessors:\n  - grok:\n      field: message\n      patterns: ["%{NOPE:x}"]\n',
    });
    expect(option.statusCode).toBe(400);
    expect((option.json() as { title_en: string }).title_en).toMatch(
      /line 6, column 18: .*unknown grok pattern %\{NOPE\}/,
    );
  });

  it('refuses a second pipeline with the same id (409)', async () => {
    const source = appPipeline();
    expect((await call(admin, 'POST', '/api/soc/pipelines', { source })).statusCode).toBe(201);
    const again = await call(admin, 'POST', '/api/soc/pipelines', { source });
    expect(again.statusCode).toBe(409);
    expect((again.json() as { code: string }).code).toBe('SOC_PIPELINE_EXISTS');
  });

  it('replaces a pipeline with version checks, and refuses another id in the source', async () => {
    const id = `app-${++n}`;
    await call(admin, 'POST', '/api/soc/pipelines', { source: appPipeline(id) });
    const updated = await call(admin, 'PUT', `/api/soc/pipelines/${id}`, {
      source: appPipeline(id, '  - set: { field: labels.team, value: ha-tang }'),
      version: 1,
    });
    expect(updated.statusCode, updated.body).toBe(200);
    expect((updated.json() as PipelineView).version).toBe(2);
    expect(one(t.services.soc.pipelines, raw(id, 'a=1')).doc).toMatchObject({
      labels: { team: 'ha-tang' },
    });

    const stale = await call(admin, 'PUT', `/api/soc/pipelines/${id}`, {
      source: appPipeline(id),
      version: 1,
    });
    expect(stale.statusCode).toBe(409);
    expect((stale.json() as { code: string }).code).toBe('SOC_PIPELINE_VERSION_CONFLICT');

    const mismatch = await call(admin, 'PUT', `/api/soc/pipelines/${id}`, {
      source: appPipeline('other-id'),
    });
    expect(mismatch.statusCode).toBe(400);
    expect((mismatch.json() as { code: string }).code).toBe('SOC_PIPELINE_ID_MISMATCH');

    const disabled = await call(admin, 'PUT', `/api/soc/pipelines/${id}`, {
      source: appPipeline(id),
      enabled: false,
    });
    expect((disabled.json() as PipelineView).active).toBe(false);
    // Disabled: the event falls back to the generic syslog pipeline.
    expect(one(t.services.soc.pipelines, raw(id, 'a=1')).doc).toMatchObject({
      event: { dataset: 'syslog' },
    });
    expect((await auditActions(id)).map((a) => a.action)).toEqual([
      'soc.pipeline.create',
      'soc.pipeline.update',
      'soc.pipeline.update',
    ]);
  });

  it('overrides a shipped pipeline with the same id, and restores it when deleted', async () => {
    const shippedOnly = await call(admin, 'PUT', '/api/soc/pipelines/pfsense', {
      source: 'id: pfsense\nname: x\nprocessors: []\n',
    });
    expect(shippedOnly.statusCode).toBe(409);
    expect((shippedOnly.json() as { code: string }).code).toBe('SOC_PIPELINE_READ_ONLY');
    expect((await call(admin, 'DELETE', '/api/soc/pipelines/pfsense')).statusCode).toBe(409);

    const line = '203.0.113.9 - - [05/Mar/2024:10:00:01 +0700] "GET / HTTP/1.1" 200 5 "-" "x"';
    const nginxRaw: RawEvent = {
      input: 'file:1',
      kind: 'file',
      receivedAt: Date.now(),
      text: line,
      pipeline: 'nginx',
    };
    expect(one(t.services.soc.pipelines, nginxRaw).doc).toMatchObject({
      event: { dataset: 'nginx.access' },
    });

    const created = await call(admin, 'POST', '/api/soc/pipelines', {
      source:
        'id: nginx\nname: Nginx của tỉnh\nprocessors:\n  - set: { field: event.dataset, value: nginx.custom }\n',
    });
    expect(created.statusCode, created.body).toBe(201);
    expect((created.json() as PipelineView).overrides).toBe(true);
    expect(one(t.services.soc.pipelines, nginxRaw).doc).toMatchObject({
      event: { dataset: 'nginx.custom' },
    });
    const list = (await call(reader, 'GET', '/api/soc/pipelines')).json() as PipelineList;
    const both = list.items.filter((p) => p.id === 'nginx');
    expect(both.map((p) => [p.origin, p.active, p.overrides])).toEqual([
      ['operator', true, true],
      ['shipped', false, true],
    ]);

    expect((await call(reader, 'DELETE', '/api/soc/pipelines/nginx')).statusCode).toBe(403);
    expect((await call(admin, 'DELETE', '/api/soc/pipelines/nginx')).statusCode).toBe(204);
    expect(one(t.services.soc.pipelines, nginxRaw).doc).toMatchObject({
      event: { dataset: 'nginx.access' },
    });
    expect((await auditActions('nginx')).map((a) => a.action)).toEqual([
      'soc.pipeline.create',
      'soc.pipeline.delete',
    ]);
    expect((await call(admin, 'DELETE', '/api/soc/pipelines/no-such')).statusCode).toBe(404);
  });
});

describe('POST /api/soc/pipelines/simulate', () => {
  it('runs a source on samples and reports output docs and errors per sample', async () => {
    const draft = {
      source: 'id: draft\nname: Draft\nprocessors:\n  - set: { field: a, value: 1 }\n',
      samples: [{ text: 'x' }],
    };
    // A reader simulates the pipelines in force, not sources of its own.
    expect((await call(reader, 'POST', '/api/soc/pipelines/simulate', draft)).statusCode).toBe(403);
    const res = await call(admin, 'POST', '/api/soc/pipelines/simulate', {
      source:
        'id: draft\nname: Draft\nprocessors:\n  - grok: { patterns: ["^%{WORD:event.action} by %{USERNAME:user.name}$"] }\n',
      samples: [{ text: 'login by an' }, { text: 'nothing to see' }],
    });
    expect(res.statusCode, res.body).toBe(200);
    const { results } = res.json() as SimulateResult;
    expect(results[0]).toMatchObject({
      pipeline: 'draft',
      error: null,
      doc: { event: { action: 'login' }, user: { name: 'an' } },
    });
    expect(results[1]?.error).toContain('no grok pattern matched');
    expect(results[1]?.doc).toMatchObject({ tags: ['_parse_error'], event: { original: 'nothing to see' } });
  });

  it('runs a pipeline by id, or chooses one per sample, and refuses unknown ids and bad sources', async () => {
    const byId = await call(reader, 'POST', '/api/soc/pipelines/simulate', {
      id: 'linux-auth',
      samples: [
        { text: 'Mar  5 10:00:01 web01 sshd[1]: Accepted password for an from 203.0.113.5 port 1 ssh2' },
      ],
    });
    expect((byId.json() as SimulateResult).results[0]?.doc).toMatchObject({ event: { outcome: 'success' } });
    const chosen = await call(reader, 'POST', '/api/soc/pipelines/simulate', {
      samples: [{ doc: { _path: 'conn', uid: 'C1', ts: 1709607601 } }],
    });
    expect((chosen.json() as SimulateResult).results[0]?.pipeline).toBe('zeek');
    expect(
      (await call(reader, 'POST', '/api/soc/pipelines/simulate', { id: 'nope', samples: [{ text: 'x' }] }))
        .statusCode,
    ).toBe(404);
    const bad = await call(admin, 'POST', '/api/soc/pipelines/simulate', {
      source: 'id: x\n',
      samples: [{ text: 'x' }],
    });
    expect(bad.statusCode).toBe(400);
  });

  it('stops a candidate whose pattern backtracks on a sample at the time limit, and answers with why', async () => {
    const started = Date.now();
    const res = await call(admin, 'POST', '/api/soc/pipelines/simulate', {
      source: 'id: draft\nname: Draft\nprocessors:\n  - grok: { patterns: ["^(?:\\\\w+\\\\s?)*$"] }\n',
      samples: [{ text: `${'a'.repeat(40)}!` }, { text: 'ok then' }],
    });
    expect(res.statusCode, res.body).toBe(200);
    // 2^40 ways to try: without the limit this request would hold the server for hours.
    expect(Date.now() - started).toBeLessThan(10_000);
    const { results } = res.json() as SimulateResult;
    expect(results[0]?.error).toMatch(/^\[draft\] stopped after \d+ ms/);
    expect(results[0]?.doc).toMatchObject({ tags: ['_parse_error', '_pipeline_timeout'] });
    expect(results[1]).toMatchObject({ error: null, pipeline: 'draft' });
  });
});

describe('reload on other instances', () => {
  it('a second service instance on the same database and bus reloads when a pipeline changes', async () => {
    const deps = { ...t.services, platform: t.platform } as unknown as SocDeps;
    const second = createPipelines(deps);
    await second.start?.();
    const id = `app-${++n}`;
    expect(one(second, raw(id, 'a=1')).doc).toMatchObject({ event: { dataset: 'syslog' } });
    expect((await call(admin, 'POST', '/api/soc/pipelines', { source: appPipeline(id) })).statusCode).toBe(
      201,
    );
    await expect
      .poll(() => (one(second, raw(id, 'a=1')).doc.event as { dataset: string }).dataset)
      .toBe(`${id}.log`);
    await second.close?.();
  });

  it.skipIf(!testDatabaseUrl)(
    'another node (its own app and bus over PostgreSQL) reloads through LISTEN/NOTIFY',
    async () => {
      const a = await createTestApp({ 'database.url': testDatabaseUrl });
      const b = await createTestApp({ 'database.url': testDatabaseUrl }, a.platform.database);
      try {
        await a.services.bus.ready();
        await b.services.bus.ready();
        await b.services.soc.pipelines.reload();
        const id = `app-${++n}`;
        const nodeB = () =>
          (one(b.services.soc.pipelines, raw(id, 'a=1')).doc.event as { dataset: string }).dataset;
        expect(nodeB()).toBe('syslog');
        await a.services.soc.pipelines.admin.create(systemCtx('test'), { source: appPipeline(id) });
        await expect.poll(nodeB, { timeout: 5000 }).toBe(`${id}.log`);
        await a.services.soc.pipelines.admin.remove(systemCtx('test'), id);
        await expect.poll(nodeB, { timeout: 5000 }).toBe('syslog');
      } finally {
        await b.close();
        await a.close();
      }
    },
  );
});
