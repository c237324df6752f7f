/**
 * Properties of the account API under arbitrary input, through the HTTP edge: no input produces a
 * server error, a refused request writes nothing, usernames are case-insensitive, names are stored NFC.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type LoggedIn, loginAs, type TestApp } from '../../../test/helpers/app.ts';
import { systemCtx } from '../../core/context.ts';
import { sql } from '../../core/db/index.ts';
import { foldForSearch } from '../../core/text/vietnamese.ts';
import { buildProvince, type Province } from '../../org/testing.ts';
import type { AccountView } from './schema.ts';

let t: TestApp;
let p: Province;
let admin: LoggedIn;

beforeAll(async () => {
  t = await createTestApp();
  p = await buildProvince(t.services.org, systemCtx());
  admin = await loginAs(t, { roles: ['tech_admin'], unitId: p.root.id, scope: 'all' });
});
afterAll(() => t.close());

/** Sends `body` as JSON whatever it is (object, array, string, number, null). */
function send(method: 'POST' | 'PATCH', url: string, body: unknown) {
  return t.app.inject({
    method,
    url,
    headers: { ...admin.headers, 'content-type': 'application/json' },
    payload: JSON.stringify(body),
  });
}

async function rows<T>(query: ReturnType<typeof sql>): Promise<T[]> {
  return ((await t.platform.db.execute(query)) as unknown as { rows: T[] }).rows;
}

const countAccounts = async () =>
  (await rows<{ n: number }>(sql`select count(*)::int as n from iam_accounts`))[0]!.n;
const accountRow = async (id: string) =>
  JSON.stringify(await rows(sql`select * from iam_accounts where id = ${id}`)) +
  JSON.stringify(await rows(sql`select * from iam_account_roles where account_id = ${id} order by role_id`));
const countAccountAudit = async () =>
  (await rows<{ n: number }>(sql`select count(*)::int as n from audit_log where category = 'account'`))[0]!.n;

/** A response is a success, or a problem+json with a stable code; never a server error. */
function expectWellFormed(res: Awaited<ReturnType<typeof send>>): void {
  expect(res.statusCode, res.body).toBeLessThan(500);
  if (res.statusCode >= 400) {
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    const body = res.json();
    expect(typeof body.code).toBe('string');
    expect(body.status).toBe(res.statusCode);
  } else {
    expect(res.statusCode).toBeGreaterThanOrEqual(200);
  }
}

// Vietnamese syllables with their tone marks, for names that exercise NFC/NFD.
const syllables = [
  'Nguyễn',
  'Trần',
  'Lê',
  'Phạm',
  'Hoàng',
  'Huỳnh',
  'Võ',
  'Đặng',
  'Bùi',
  'Đỗ',
  'Hồ',
  'Ngô',
  'Dương',
  'Lý',
  'Thị',
  'Văn',
  'Đức',
  'Hương',
  'Thủy',
  'Quỳnh',
  'Nguyệt',
  'Ánh',
  'Ưng',
  'Ỷ',
  'Khuê',
];
const vietnameseName = fc
  .array(fc.constantFrom(...syllables), { minLength: 2, maxLength: 5 })
  .map((parts) => parts.join(' '));

const username = fc.stringMatching(/^[a-zA-Z0-9][a-zA-Z0-9._-]{2,30}$/);
/** Values that have broken text handling before: NUL, lone surrogates, controls, blanks, overlong. */
const nasty = [
  '',
  '   ',
  '\u0000',
  'x\u0000y',
  'Lê\ud800',
  'Lê\udc00Văn',
  'dòng\nmới',
  'tab\there',
  '\u0085\u009f',
  'a'.repeat(201),
  '../../etc/passwd',
  "'; drop table iam_accounts; --",
];
const junk = fc.oneof(
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 60 }) },
  { weight: 2, arbitrary: fc.constantFrom(...nasty) },
);
const maybe = <T>(valid: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 2, arbitrary: valid }, { weight: 1, arbitrary: junk });

/** A body that is valid, or valid but for one field replaced by junk (or one extra field). */
function nearlyValid(fields: Record<string, fc.Arbitrary<unknown>>, required: string[]) {
  const valid = fc.record(fields, { requiredKeys: required });
  const broken = fc
    .tuple(valid, fc.constantFrom(...Object.keys(fields), 'extra'), junk)
    .map(([body, key, value]) => ({ ...body, [key]: value }));
  return fc.oneof(
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
    { weight: 1, arbitrary: valid },
    { weight: 3, arbitrary: broken },
  );
}

const fullName = fc.oneof(vietnameseName, fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }));

const createBody = () =>
  nearlyValid(
    {
      username,
      fullName,
      email: fc.emailAddress(),
      unitId: fc.constantFrom(p.communeA.id, p.finance.id, null, '00000000-0000-4000-8000-000000000000'),
      scope: fc.constantFrom('own', 'subtree', 'all'),
      roles: fc.subarray(['user', 'business_admin', 'tech_admin', 'khong_co']),
    },
    ['username', 'fullName'],
  );

const patchBody = () =>
  nearlyValid(
    {
      fullName,
      email: fc.oneof(fc.emailAddress(), fc.constant(null)),
      unitId: fc.constantFrom(p.communeB.id, p.health.id, null, '00000000-0000-4000-8000-000000000000'),
      scope: fc.constantFrom('own', 'subtree', 'all'),
      lang: fc.constantFrom('vi', 'en'),
    },
    [],
  );

describe('POST /api/iam/accounts under arbitrary bodies', () => {
  it('answers 201 or a 4xx problem with a code, and a refused request writes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(createBody(), async (body) => {
        const [accounts, audits] = [await countAccounts(), await countAccountAudit()];
        const res = await send('POST', '/api/iam/accounts', body);
        expectWellFormed(res);
        if (res.statusCode === 201) {
          expect(await countAccounts()).toBe(accounts + 1);
          const { account } = res.json() as { account: AccountView };
          expect(account.fullName).toBe(account.fullName.normalize('NFC'));
        } else {
          expect(await countAccounts()).toBe(accounts);
          expect(await countAccountAudit()).toBe(audits);
        }
      }),
      {
        numRuns: 100,
        examples: nasty.map((fullName, i): [object] => [{ username: `vd${process.pid}x${i}`, fullName }]),
      },
    );
  });
});

describe('PATCH /api/iam/accounts/:id under arbitrary bodies', () => {
  it('answers 200 or a 4xx problem with a code, and a refused request leaves the account as it was', async () => {
    const { account } = await t.services.iam.accounts.create(systemCtx(), {
      username: `sua${process.pid}`,
      fullName: 'Tạ Văn Sửa',
      unitId: p.communeA.id,
    });
    await fc.assert(
      fc.asyncProperty(patchBody(), async (body) => {
        const [before, audits] = [await accountRow(account.id), await countAccountAudit()];
        const res = await send('PATCH', `/api/iam/accounts/${account.id}`, body);
        expectWellFormed(res);
        if (res.statusCode !== 200) {
          expect(await accountRow(account.id)).toBe(before);
          expect(await countAccountAudit()).toBe(audits);
        } else {
          const fullName = (res.json() as AccountView).fullName;
          expect(fullName).toBe(fullName.normalize('NFC'));
        }
      }),
      { numRuns: 100, examples: nasty.map((fullName): [object] => [{ fullName }]) },
    );
  });

  it('answers 400 or 404, never 5xx, for arbitrary ids in the path', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.uuid(), fc.string({ unit: 'binary', minLength: 1, maxLength: 40 })),
        async (id) => {
          const res = await send('PATCH', `/api/iam/accounts/${encodeURIComponent(id)}`, {
            fullName: 'Ai Đó',
          });
          expectWellFormed(res);
          expect([400, 404]).toContain(res.statusCode);
        },
      ),
      { numRuns: 50 },
    );
  });
});

describe('GET /api/iam/accounts under arbitrary queries', () => {
  it('never answers with a server error', async () => {
    const query = fc.record(
      {
        q: maybe(fc.string({ unit: 'grapheme', maxLength: 30 })),
        unitId: maybe(fc.uuid()),
        status: maybe(fc.constantFrom('active', 'locked', 'disabled', 'expired')),
        role: maybe(fc.constantFrom('user', 'tech_admin')),
        offset: maybe(fc.integer({ min: -5, max: 2_000_000 })),
        limit: maybe(fc.integer({ min: -5, max: 600 })),
        sort: maybe(fc.constantFrom('username', 'fullName', 'createdAt', 'lastLoginAt')),
        order: maybe(fc.constantFrom('asc', 'desc')),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(query, async (q) => {
        const search = new URLSearchParams(
          Object.entries(q).map(([k, v]): [string, string] => [
            k,
            typeof v === 'string' ? v : String(JSON.stringify(v)),
          ]),
        );
        const res = await t.app.inject({
          method: 'GET',
          url: `/api/iam/accounts?${search}`,
          headers: admin.headers,
        });
        expectWellFormed(res);
      }),
      { numRuns: 100 },
    );
  });
});

describe('usernames', () => {
  it('collide when they differ only in case (409 IAM_USERNAME_TAKEN), writing nothing', async () => {
    const pair = username
      .filter((u) => /[a-zA-Z]/.test(u))
      .chain((u) =>
        fc
          .array(fc.boolean(), { minLength: u.length, maxLength: u.length })
          .map(
            (flips) =>
              [u, [...u].map((c, i) => (flips[i] ? c.toUpperCase() : c.toLowerCase())).join('')] as const,
          ),
      );
    let n = 0;
    await fc.assert(
      fc.asyncProperty(pair, async ([first, second]) => {
        // Distinct per run, so one run's account does not decide another's.
        const suffix = `-${process.pid}-${++n}`;
        const a = await send('POST', '/api/iam/accounts', { username: `${first}${suffix}`, fullName: 'Một' });
        expect(a.statusCode, a.body).toBe(201);
        expect(a.json().account.username).toBe(`${first}${suffix}`.toLowerCase());
        const before = await countAccounts();
        const b = await send('POST', '/api/iam/accounts', {
          username: `${second}${suffix}`,
          fullName: 'Hai',
        });
        expect(b.statusCode).toBe(409);
        expect(b.json().code).toBe('IAM_USERNAME_TAKEN');
        expect(await countAccounts()).toBe(before);
      }),
      { numRuns: 15 },
    );
  });
});

describe('full names', () => {
  it('sent in NFD are stored in NFC and found by their folded form', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(vietnameseName, fc.boolean(), async (name, viaPatch) => {
        const nfd = name.normalize('NFD');
        const created = await send('POST', '/api/iam/accounts', {
          username: `nfd${process.pid}x${++n}`,
          fullName: viaPatch ? 'Tên Tạm' : nfd,
          unitId: p.health.id,
        });
        expect(created.statusCode, created.body).toBe(201);
        const id = (created.json() as { account: AccountView }).account.id;
        if (viaPatch) {
          const patched = await send('PATCH', `/api/iam/accounts/${id}`, { fullName: nfd });
          expect(patched.statusCode).toBe(200);
        }
        const stored = await rows<{ full_name: string; full_name_search: string }>(
          sql`select full_name, full_name_search from iam_accounts where id = ${id}`,
        );
        expect(stored[0]!.full_name).toBe(name.normalize('NFC'));
        expect(stored[0]!.full_name_search).toBe(foldForSearch(name));
        const found = await t.app.inject({
          method: 'GET',
          url: `/api/iam/accounts?unitId=${p.health.id}&q=${encodeURIComponent(foldForSearch(name))}`,
          headers: admin.headers,
        });
        expect((found.json() as { items: AccountView[] }).items.map((a) => a.id)).toContain(id);
      }),
      { numRuns: 15 },
    );
  });
});
