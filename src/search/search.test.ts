import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type LoggedIn, loginAs, type TestApp } from '../../test/helpers/app.ts';
import { type Ctx, systemCtx } from '../core/context.ts';
import { queryRows, sql } from '../core/db/index.ts';
import { accountSearchParts } from '../iam/accounts/store.ts';
import { adminNetworkSetting } from '../iam/policies/schema.ts';
import { unitSearchParts } from '../org/store.ts';
import { actor, buildProvince, type Province } from '../org/testing.ts';
import type { OrgUnit } from '../org/types.ts';
import type { SearchItem } from './service.ts';

let t: TestApp;
let p: Province;
/** Units and accounts with diacritics the searches below must find typed without them. */
let hanoi: OrgUnit;
let dongDa: OrgUnit;
let financeClerk: { id: string; username: string };
let healthClerk: { id: string; username: string };
let provinceAdmin: LoggedIn;

beforeAll(async () => {
  t = await createTestApp();
  p = await buildProvince(t.services.org, systemCtx());
  hanoi = await t.services.org.createUnit(systemCtx(), {
    parentId: p.root.id,
    name: 'Văn phòng đại diện tại Hà Nội',
  });
  dongDa = await t.services.org.createUnit(systemCtx(), {
    parentId: p.district.id,
    name: 'Ủy ban nhân dân phường Đống Đa',
    kind: 'commune',
  });
  const account = async (username: string, fullName: string, unitId: string) => {
    const { account } = await t.services.iam.accounts.create(systemCtx(), { username, fullName, unitId });
    return { id: account.id, username };
  };
  financeClerk = await account(`dang.dao.${process.pid}`, 'Đặng Thị Đào', p.finance.id);
  healthClerk = await account(`dinh.duc.${process.pid}`, 'Đinh Văn Đức', p.health.id);
  provinceAdmin = await loginAs(t, { roles: ['business_admin'], scope: 'subtree', unitId: p.root.id });
});
afterAll(() => t.close());

async function search(who: LoggedIn, q: string, limit?: number) {
  const qs = new URLSearchParams({ q, ...(limit ? { limit: String(limit) } : {}) });
  return t.app.inject({ method: 'GET', url: `/api/search?${qs}`, headers: who.headers });
}

async function ids(who: LoggedIn, q: string): Promise<string[]> {
  const res = await search(who, q);
  expect(res.statusCode, res.body).toBe(200);
  return (res.json() as { items: SearchItem[] }).items.map((i) => i.id);
}

/** A context scoped to one province's root, so a test sees only the units it built. */
function within(province: Province, permissions = ['org.read']): Ctx {
  return actor({ unitId: province.root.id, scope: 'subtree', permissions });
}

describe('GET /api/search finds without diacritics', () => {
  it('finds "Hà Nội" and "Đống Đa" typed without marks, in capitals, with marks or decomposed (NFD)', async () => {
    for (const q of ['ha noi', 'HA NOI', 'Hà Nội', 'Hà Nội'.normalize('NFD'), 'tai ha']) {
      expect(await ids(provinceAdmin, q), q).toContain(hanoi.id);
    }
    for (const q of ['dong da', 'đống đa', 'ĐỐNG ĐA', 'phuong dong d']) {
      expect(await ids(provinceAdmin, q), q).toContain(dongDa.id);
    }
    // đ folds to d, and every word must match: "dong la" is not "Đống Đa".
    expect(await ids(provinceAdmin, 'dong la')).not.toContain(dongDa.id);
  });

  it('answers units and accounts with a title, a subtitle and the console link', async () => {
    const res = await search(provinceAdmin, 'dang thi dao');
    const items = (res.json() as { items: SearchItem[] }).items;
    expect(items).toContainEqual({
      kind: 'account',
      id: financeClerk.id,
      title: 'Đặng Thị Đào',
      subtitle: `${financeClerk.username} · Sở Tài chính`,
      link: `/iam/accounts/${financeClerk.id}`,
    });
    const unit = ((await search(provinceAdmin, 'dong da')).json() as { items: SearchItem[] }).items.find(
      (i) => i.id === dongDa.id,
    );
    expect(unit).toEqual({
      kind: 'unit',
      id: dongDa.id,
      title: 'Ủy ban nhân dân phường Đống Đa',
      subtitle: `${dongDa.code} · Ủy ban nhân dân huyện Đông Hưng`,
      link: `/org/units/${dongDa.id}`,
    });
  });

  it('finds accounts by a word of the username as well as of the name', async () => {
    expect(await ids(provinceAdmin, 'dinh.duc')).toContain(healthClerk.id);
    expect(await ids(provinceAdmin, 'duc')).toContain(healthClerk.id);
  });
});

describe('ordering', () => {
  it('puts the exact code first, then codes ending with it and names starting with it, then Vietnamese order', async () => {
    const q = await buildProvince(t.services.org, systemCtx());
    for (const name of ['Đồng Tâm', 'Đông Phong', 'Dòng Sông Xanh']) {
      await t.services.org.createUnit(systemCtx(), { parentId: q.root.id, name });
    }
    const titles = async (text: string) =>
      (await t.services.search.search(within(q), { q: text, limit: 50 })).items.map((i) => i.title);
    // Names starting with "dong" (Vietnamese order: D before Đ, then by the following words), then names
    // with "dong" as a later word.
    expect(await titles('dong')).toEqual([
      'Dòng Sông Xanh',
      'Đông Phong',
      'Đồng Tâm',
      'Ủy ban nhân dân huyện Đông Hưng',
      'Ủy ban nhân dân xã Đông La',
      'Ủy ban nhân dân xã Đông Xá',
    ]);
    // A short code names the district exactly; the units below it end with the same code.
    const byCode = await t.services.search.search(within(q), { q: `31.${q.group}` });
    expect(byCode.items.map((i) => i.id)).toEqual([q.district.id, q.communeA.id, q.communeB.id]);
    expect((await t.services.search.search(within(q), { q: q.communeB.code })).items[0]!.id).toBe(
      q.communeB.id,
    );
  });

  it('shows the first `limit` in Vietnamese order when more match than are shown, not the first in folded order', async () => {
    const q = await buildProvince(t.services.org, systemCtx());
    // Folded, "Ăn" is "an": SQL orders "ban an 01" … "ban an 11" before "ban an z", yet in Vietnamese
    // a < ă, so "Ban An Z" comes before every "Ban Ăn …", though it is the last row in SQL order.
    const names = [
      ...Array.from({ length: 11 }, (_, i) => `Ban Ăn ${String(i + 1).padStart(2, '0')}`),
      'Ban An Z',
    ];
    for (const name of names) await t.services.org.createUnit(systemCtx(), { parentId: q.root.id, name });
    const titles = async (limit: number) =>
      (await t.services.search.search(within(q), { q: 'ban an', limit })).items.map((i) => i.title);
    expect(await titles(2)).toEqual(['Ban An Z', 'Ban Ăn 01']);
    expect(await titles(1)).toEqual(['Ban An Z']);
    // Past the first window (50 rows for a limit of 10): 60 more "Ban Ăn" rows, and one "Ban An" at the end
    // of the folded order still comes first.
    const r = await buildProvince(t.services.org, systemCtx());
    for (let i = 0; i < 60; i++)
      await t.services.org.createUnit(systemCtx(), { parentId: r.root.id, name: `Ban Ăn ${i}` });
    await t.services.org.createUnit(systemCtx(), { parentId: r.root.id, name: 'Ban An Zê' });
    const wide = await t.services.search.search(within(r), { q: 'ban an', limit: 10 });
    expect(wide.items[0]!.title).toBe('Ban An Zê');
    expect(wide.items).toHaveLength(10);
  });

  it('returns at most `limit` results', async () => {
    const res = await search(provinceAdmin, 'uy ban', 2);
    expect((res.json() as { items: SearchItem[] }).items).toHaveLength(2);
  });
});

describe('scope and permissions', () => {
  it("does not show a user of one unit another unit's accounts or units", async () => {
    const financeAdmin = await loginAs(t, { roles: ['business_admin'], scope: 'own', unitId: p.finance.id });
    expect(await ids(financeAdmin, 'dang thi dao')).toContain(financeClerk.id);
    expect(await ids(financeAdmin, 'dinh van duc')).toEqual([]);
    expect(await ids(financeAdmin, 'so y te')).toEqual([]);
    expect(await ids(financeAdmin, p.health.code)).toEqual([]);
    // The province's administrator sees both.
    expect(await ids(provinceAdmin, 'dinh van duc')).toContain(healthClerk.id);
    expect(await ids(provinceAdmin, 'so y te')).toContain(p.health.id);
  });

  it('shows no accounts without the account-read permission, but still the units', async () => {
    const clerk = await loginAs(t, { roles: ['user'], scope: 'subtree', unitId: p.root.id });
    const found = await ids(clerk, 'dang thi dao');
    expect(found).not.toContain(financeClerk.id);
    expect(await ids(clerk, 'tai chinh')).toContain(p.finance.id);
  });

  it('shows no units without org.read', async () => {
    const none = await t.services.search.search(actor({ scope: 'all', permissions: [] }), { q: 'tai chinh' });
    expect(none.items).toEqual([]);
  });

  it('shows no accounts from outside the admin networks, as the account list route would refuse', async () => {
    const business = within(p, ['org.read', 'iam.account.read']);
    const found = async (ip: string) =>
      (await t.services.search.search({ ...business, ip }, { q: 'dang thi dao' })).items.map((i) => i.kind);
    expect(await found('10.0.0.7')).toContain('account');
    await t.platform.db.transaction((tx) =>
      t.platform.settings.set(tx, systemCtx(), adminNetworkSetting, { cidrs: ['192.0.2.0/24'] }),
    );
    t.platform.settings.invalidate();
    try {
      expect(await found('10.0.0.7')).not.toContain('account');
      expect(await found('192.0.2.10')).toContain('account');
    } finally {
      await t.platform.db.transaction((tx) =>
        t.platform.settings.set(tx, systemCtx(), adminNetworkSetting, {
          cidrs: ['127.0.0.0/8', '::1/128', '10.0.0.0/8'],
        }),
      );
      t.platform.settings.invalidate();
    }
  });
});

describe('bad input', () => {
  it('refuses an empty, blank, missing or over-long text with 400 and a code', async () => {
    const cases: [string, string][] = [
      ['/api/search?q=', 'VALIDATION_FAILED'],
      ['/api/search', 'VALIDATION_FAILED'],
      [`/api/search?q=${'a'.repeat(101)}`, 'VALIDATION_FAILED'],
      ['/api/search?q=%20%20%20', 'SEARCH_QUERY_INVALID'],
      ['/api/search?q=a&limit=0', 'VALIDATION_FAILED'],
      ['/api/search?q=a&limit=51', 'VALIDATION_FAILED'],
    ];
    for (const [url, code] of cases) {
      const res = await t.app.inject({ method: 'GET', url, headers: provinceAdmin.headers });
      expect(res.statusCode, url).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json().code, url).toBe(code);
    }
    // 100 characters are accepted.
    expect((await search(provinceAdmin, 'a'.repeat(100))).statusCode).toBe(200);
  });

  it('treats LIKE wildcards and query syntax as text', async () => {
    for (const q of ['%', '_', "' or 1=1 --", 'a & b | !c', 'dong:*']) {
      const res = await search(provinceAdmin, q);
      expect(res.statusCode, q).toBe(200);
    }
    expect(await ids(provinceAdmin, '%')).toEqual([]);
  });
});

describe('indexes', () => {
  /** The plan of a query with sequential scans priced out: it names the index when one can answer it. */
  async function plan(query: ReturnType<typeof sql>): Promise<string> {
    return t.platform.db.transaction(async (tx) => {
      await tx.execute(sql`set local enable_seqscan = off`);
      const rows = await queryRows<{ 'QUERY PLAN': string }>(tx, sql`explain ${query}`);
      return rows.map((r) => r['QUERY PLAN']).join('\n');
    });
  }

  it('answers the name, code and username matches from indexes, not by reading every row', async () => {
    const units = unitSearchParts({
      words: ['dong', 'da'],
      folded: 'dong da',
      exactCode: p.district.code,
      codeSuffix: `31.${p.group}`,
      limit: 10,
    });
    const unitPlan = await plan(sql`select id from org_units where ${units.match}`);
    expect(unitPlan).toContain('org_units_name_words');
    expect(unitPlan).toContain('org_units_code_reversed');
    expect(unitPlan).not.toContain('Seq Scan');
    const accounts = accountSearchParts({
      words: ['dang', 'dao'],
      folded: 'dang dao',
      username: 'dang dao',
      unitIds: 'all',
      limit: 10,
    });
    const accountPlan = await plan(sql`select id from iam_accounts where ${accounts.match}`);
    expect(accountPlan).toContain('iam_accounts_name_words');
    expect(accountPlan).not.toContain('Seq Scan');
  });
});
