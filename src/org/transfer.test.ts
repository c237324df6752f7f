import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/db.ts';
import { searchAudit } from '../core/audit/index.ts';
import { type AppError, isAppError } from '../core/errors/index.ts';
import { writeCsv } from '../core/files/spreadsheet.ts';
import type { OrgService } from './service.ts';
import { actor, admin, buildProvince, freshGroup, testOrg } from './testing.ts';
import { parseCsv, readXlsx, rowsFromRecords } from './transfer.ts';

let database: TestDatabase;
let org: OrgService;
beforeAll(async () => {
  database = await createTestDatabase();
  org = testOrg(database.db).org;
});
afterAll(() => database.close());

const HEADER = 'code,name,short_name,kind,parent_code,address,email,phone';
const csv = (...lines: string[]) => [HEADER, ...lines].join('\r\n');

async function importError(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (err) {
    if (isAppError(err)) return err;
    throw err;
  }
  throw new Error('expected the import to be refused');
}

describe('CSV format', () => {
  it('parses quotes, doubled quotes, embedded line breaks, CRLF and a BOM', () => {
    const text = '\uFEFFa,b,c\r\n"x, y","say ""hi""","two\nlines"\r\n1,,3\n';
    expect(parseCsv(text)).toEqual([
      { row: 1, cells: ['a', 'b', 'c'] },
      { row: 2, cells: ['x, y', 'say "hi"', 'two\nlines'] },
      { row: 3, cells: ['1', '', '3'] },
    ]);
  });

  it('detects the semicolon separator Excel uses in a Vietnamese locale, and Vietnamese headers', () => {
    const text = 'Mã định danh;Tên đơn vị;Loại\r\n000.00.00.H23;"Ủy ban; tỉnh";Tỉnh\r\n';
    const rows = rowsFromRecords(parseCsv(text), 'CSV');
    expect(rows).toEqual([{ row: 2, values: { code: '000.00.00.H23', name: 'Ủy ban; tỉnh', kind: 'Tỉnh' } }]);
  });

  it('writes a BOM, CRLF line ends and quotes, and neutralises formulas without breaking phone numbers', () => {
    const out = writeCsv([
      ['a', 'b'],
      ['=HYPERLINK("http://x")', '+84 24 3823 4567'],
      ['x,y', 'line\nbreak'],
    ]);
    expect(out.startsWith('\uFEFFa,b\r\n')).toBe(true);
    expect(out).toContain(`"'=HYPERLINK(""http://x"")",+84 24 3823 4567\r\n`);
    const back = rowsFromRecords(parseCsv(`code,name\r\n${out.split('\r\n').slice(1).join('\r\n')}`), 'CSV');
    expect(back[0]!.values).toEqual({ code: '=HYPERLINK("http://x")', name: '+84 24 3823 4567' });
  });

  it('reports an unclosed quote and a missing header column as unreadable', () => {
    expect(() => parseCsv('code,name\r\n"open,x')).toThrow(
      expect.objectContaining({ code: 'ORG_IMPORT_UNREADABLE' }),
    );
    expect(() => rowsFromRecords(parseCsv('ma,ten_khac\r\n1,2'), 'CSV')).toThrow(
      expect.objectContaining({ code: 'ORG_IMPORT_UNREADABLE' }),
    );
  });
});

describe('XLSX limits', () => {
  it('refuses a workbook whose parts would inflate beyond the limit, before unpacking it', async () => {
    const { deflateRawSync } = await import('node:zlib');
    // A one-entry ZIP whose entry claims (and really has) 200 MB of zeros: a few hundred KB on the wire.
    const name = Buffer.from('xl/worksheets/sheet1.xml');
    const raw = 200 * 1024 * 1024;
    const body = deflateRawSync(Buffer.alloc(raw));
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(raw, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(raw, 24);
    central.writeUInt16LE(name.length, 28);
    const cdOffset = local.length + name.length + body.length;
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(1, 8);
    end.writeUInt16LE(1, 10);
    end.writeUInt32LE(central.length + name.length, 12);
    end.writeUInt32LE(cdOffset, 16);
    const zip = Buffer.concat([local, name, body, central, name, end]);
    expect(zip.length).toBeLessThan(1024 * 1024);
    await expect(readXlsx(zip)).rejects.toMatchObject({ code: 'ORG_IMPORT_UNREADABLE' });
    await expect(readXlsx(Buffer.from('PK not really'))).rejects.toMatchObject({
      code: 'ORG_IMPORT_UNREADABLE',
    });
  });
});

describe('import', () => {
  it('creates a whole tree from a file in any row order, with one audit entry summarising the counts', async () => {
    const g = freshGroup();
    const file = csv(
      `001.01.31.${g},Thôn Đông,,unit,000.01.31.${g},,,`,
      `000.01.31.${g},UBND xã Đông La,,xã,,"Xã Đông La, huyện Đông Hưng",,`,
      `000.00.31.${g},UBND huyện Đông Hưng,,district,000.00.00.${g},,,`,
      `${g},Ủy ban nhân dân tỉnh ${g},UBND tỉnh,province,,,ubnd@${g.toLowerCase()}.gov.vn,0227 3731 000`,
    );
    const result = await org.importUnits(admin(), { format: 'csv', data: Buffer.from(file, 'utf8') });
    expect(result).toEqual({ rows: 4, created: 4, updated: 0, unchanged: 0, dryRun: false });

    const [root] = (await org.listUnits(admin(), { q: `00.00.${g}` })).items;
    expect(root).toMatchObject({ code: `000.00.00.${g}`, shortName: 'UBND tỉnh', parentId: null });
    const tree = await org.tree(admin(), { rootId: root!.id });
    expect(tree.map((u) => [u.code, u.depth])).toEqual([
      [`000.00.00.${g}`, 0],
      [`000.00.31.${g}`, 1],
      [`000.01.31.${g}`, 2],
      [`001.01.31.${g}`, 3],
    ]);
    expect(tree[2]).toMatchObject({ kind: 'commune', address: 'Xã Đông La, huyện Đông Hưng' });
    expect((await org.history(admin(), { id: tree[3]!.id })).events[0]).toMatchObject({
      eventType: 'create',
      operation: 'import',
    });

    const entries = await searchAudit(database.db, {
      categories: ['org'],
      text: `tệp CSV: 4 tạo mới`,
      limit: 5,
    });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      action: 'org.unit.import',
      details: expect.objectContaining({ format: 'csv', rows: 4, created: 4, updated: 0, unchanged: 0 }),
    });
  });

  it('refuses the whole file and lists every row error with its row number', async () => {
    const p = await buildProvince(org);
    await org.reorganise(admin(), { type: 'dissolve', unitId: p.health.id, decisionRef: 'QĐ 9' });
    const g = p.group;
    const file = csv(
      `000.00.50.${g},Sở Công Thương,,department,,,,`, // row 2: valid
      `H55.242,Sai mã,,,,,,`, // row 3: invalid code
      `000.00.51.${g},Sở A,,department,000.00.31.${g},,,`, // row 4: parent column disagrees with the code
      `000.00.50.${g},Sở Công Thương lần hai,,,,,,`, // row 5: duplicate code
      `000.00.52.${g},,,,,,,`, // row 6: no name
      `000.07.40.${g},UBND xã X,,commune,,,,`, // row 7: parent 000.00.40 is nowhere
      `${p.health.code},Sở Y tế,,,,,,`, // row 8: closed unit
      `000.00.53.${g},Sở B,,,,,not-mail,`, // row 9: bad e-mail
      `000.00.54.${g},Sở C,,kho,,,,`, // row 10: unknown kind
    );
    const before = await org.listUnits(admin(), { q: g, status: 'all' });
    const err = await importError(org.importUnits(admin(), { format: 'csv', data: file }));
    expect(err.code).toBe('ORG_IMPORT_INVALID');
    const errors = err.details.errors as { row: number; field: string; error: string }[];
    expect(errors.map((e) => [e.row, e.error])).toEqual([
      [3, 'ORG_CODE_INVALID'],
      [4, 'ORG_CODE_PARENT_MISMATCH'],
      [5, 'VALIDATION_FAILED'],
      [6, 'VALIDATION_FAILED'],
      [7, 'VALIDATION_FAILED'],
      [8, 'ORG_UNIT_CLOSED'],
      [9, 'VALIDATION_FAILED'],
      [10, 'VALIDATION_FAILED'],
    ]);
    expect(err.details.count).toBe(8);
    expect(err.message).toContain('8 invalid rows');
    expect(errors[0]!.field).toBe('row 3: code');
    // All or nothing: the valid row 2 was not written either.
    const after = await org.listUnits(admin(), { q: g, status: 'all' });
    expect(after.total).toBe(before.total);
  });

  it('refuses a re-issued code even though no unit holds it now', async () => {
    const p = await buildProvince(org);
    const d2 = await org.createUnit(admin(), { parentId: p.root.id, name: 'UBND huyện Hai' });
    await org.reorganise(admin(), {
      type: 'move',
      unitId: p.communeA.id,
      newParentId: d2.id,
      decisionRef: 'QĐ',
    });
    const err = await importError(
      org.importUnits(admin(), { format: 'csv', data: csv(`${p.communeA.code},Xã cũ,,,,,,`) }),
    );
    expect((err.details.errors as { error: string }[])[0]!.error).toBe('ORG_CODE_TAKEN');
  });

  it('updates existing units by code, records renames, and counts unchanged rows', async () => {
    const p = await buildProvince(org);
    const file = csv(
      `${p.finance.code},Sở Tài chính,,department,${p.root.code},,,`,
      `${p.health.code},Sở Y tế tỉnh,SYT,department,${p.root.code},,,`,
    );
    const dry = await org.importUnits(admin(), { format: 'csv', data: file, dryRun: true });
    expect(dry).toEqual({ rows: 2, created: 0, updated: 1, unchanged: 1, dryRun: true });
    expect((await org.getUnit(admin(), p.health.id)).name).toBe('Sở Y tế');

    expect(await org.importUnits(admin(), { format: 'csv', data: file })).toEqual({ ...dry, dryRun: false });
    expect(await org.getUnit(admin(), p.health.id)).toMatchObject({ name: 'Sở Y tế tỉnh', shortName: 'SYT' });
    expect((await org.history(admin(), { id: p.health.id })).events[0]).toMatchObject({
      eventType: 'rename',
      operation: 'import',
      before: { name: 'Sở Y tế', shortName: null },
      after: { name: 'Sở Y tế tỉnh', shortName: 'SYT' },
    });
  });

  it('keeps the fields of columns the file does not have', async () => {
    const p = await buildProvince(org);
    await org.updateUnit(admin(), { id: p.finance.id, shortName: 'STC', email: 'stc@example.gov.vn' });
    const file = `Mã định danh,Tên đơn vị\r\n${p.finance.code},Sở Tài chính tỉnh\r\n`;
    expect(await org.importUnits(admin(), { format: 'csv', data: file })).toMatchObject({ updated: 1 });
    expect(await org.getUnit(admin(), p.finance.id)).toMatchObject({
      name: 'Sở Tài chính tỉnh',
      shortName: 'STC',
      email: 'stc@example.gov.vn',
      kind: 'department',
    });
  });

  it('keeps an actor to its subtree: rows outside it are errors, rows inside are written', async () => {
    const p = await buildProvince(org);
    const districtAdmin = actor({ unitId: p.district.id, scope: 'subtree' });
    const outside = await importError(
      org.importUnits(districtAdmin, {
        format: 'csv',
        data: csv(`${p.finance.code},Sở bị sửa,,,,,,`, `000.00.60.${p.group},Sở mới,,,,,,`),
      }),
    );
    expect((outside.details.errors as { row: number; error: string }[]).map((e) => [e.row, e.error])).toEqual(
      [
        [2, 'NOT_FOUND'],
        [3, 'VALIDATION_FAILED'],
      ],
    );
    const inside = await org.importUnits(districtAdmin, {
      format: 'csv',
      data: csv(`001.02.31.${p.group},Thôn Bắc,,unit,,,,`),
    });
    expect(inside.created).toBe(1);
  });

  it('refuses a file that is not UTF-8 or not a workbook', async () => {
    const latin1 = Buffer.from('code,name\r\n000.00.00.H23,\xd0\xf4ng', 'latin1');
    latin1[latin1.length - 1] = 0xff;
    await expect(org.importUnits(admin(), { format: 'csv', data: latin1 })).rejects.toMatchObject({
      code: 'ORG_IMPORT_UNREADABLE',
    });
    await expect(
      org.importUnits(admin(), { format: 'xlsx', data: Buffer.from('not a zip') }),
    ).rejects.toMatchObject({ code: 'ORG_IMPORT_UNREADABLE' });
  });
});

describe('export', () => {
  it('writes CSV with a BOM, parent before child and siblings in Vietnamese order, within the actor scope', async () => {
    const p = await buildProvince(org);
    await org.createUnit(admin(), { parentId: p.root.id, name: 'Sở Âm nhạc', phone: '+84 227 000' });
    await org.createUnit(admin(), { parentId: p.root.id, name: 'Sở An ninh' });
    const districtAdmin = actor({ unitId: p.district.id, scope: 'subtree' });
    const file = await org.exportUnits(districtAdmin, { format: 'csv' });
    expect(file.contentType).toBe('text/csv; charset=utf-8');
    expect(file.filename).toMatch(/^don-vi-\d{4}-\d{2}-\d{2}\.csv$/);
    const text = file.body.toString('utf8');
    expect(text.startsWith(`\uFEFF${HEADER}\r\n`)).toBe(true);
    expect(
      parseCsv(text)
        .slice(1)
        .map((r) => r.cells[0]),
    ).toEqual([p.district.code, p.communeA.code, p.communeB.code]);
    // The district's parent is outside the actor's scope, but its code is still written.
    expect(parseCsv(text)[1]!.cells[4]).toBe(p.root.code);

    const all = await org.exportUnits(admin(), { format: 'csv' });
    const names = parseCsv(all.body.toString('utf8'))
      .map((r) => r.cells)
      .filter((c) => c[4] === p.root.code)
      .map((c) => c[1]);
    // Vietnamese order: A < Â, and "Sở An" before "Sở Âm"; "Ủy" after "Sở".
    expect(names).toEqual([
      'Sở An ninh',
      'Sở Âm nhạc',
      'Sở Tài chính',
      'Sở Y tế',
      'Ủy ban nhân dân huyện Đông Hưng',
    ]);
  });

  it('round-trips through CSV and XLSX: unchanged in place, identical in a fresh database', async () => {
    const p = await buildProvince(org);
    await org.updateUnit(admin(), {
      id: p.finance.id,
      shortName: 'STC',
      address: 'Số 1, đường Lê Lợi, "khu A"',
      email: 'stc@example.gov.vn',
      phone: '0227 3838 000',
    });
    const other = await createTestDatabase();
    try {
      const fresh = testOrg(other.db).org;
      for (const format of ['csv', 'xlsx'] as const) {
        const file = await org.exportUnits(admin(), { format });
        const rows = format === 'xlsx' ? await readXlsx(file.body) : parseCsv(file.body.toString('utf8'));
        const mine = rows.filter((r) => r.cells[0]?.endsWith(p.group)).length;
        const again = await org.importUnits(admin(), { format, data: file.body });
        expect(again).toMatchObject({ created: 0, updated: 0, unchanged: rows.length - 1 });
        expect(mine).toBe(6);
        if (format === 'csv') {
          const copied = await fresh.importUnits(admin(), { format, data: file.body });
          expect(copied.created).toBe(rows.length - 1);
        } else {
          // The fresh database already holds the CSV copy: the XLSX import must find nothing to change.
          expect(await fresh.importUnits(admin(), { format, data: file.body })).toMatchObject({
            created: 0,
            updated: 0,
          });
        }
      }
      const [copy] = (await fresh.listUnits(admin(), { q: p.finance.code })).items;
      expect(copy).toMatchObject({
        name: 'Sở Tài chính',
        shortName: 'STC',
        address: 'Số 1, đường Lê Lợi, "khu A"',
        email: 'stc@example.gov.vn',
        phone: '0227 3838 000',
        kind: 'department',
      });
      const [commune] = (await fresh.listUnits(admin(), { q: p.communeB.code })).items;
      expect(commune!.name).toBe('Ủy ban nhân dân xã Đông Xá');
      const [district] = (await fresh.listUnits(admin(), { q: p.district.code })).items;
      expect(commune!.parentId).toBe(district!.id);
    } finally {
      await other.close();
    }
  });

  it('writes XLSX whose cells are text, so codes and leading zeros survive', async () => {
    const p = await buildProvince(org);
    await org.updateUnit(admin(), { id: p.health.id, phone: '0227 000 111' });
    const file = await org.exportUnits(actor({ unitId: p.root.id, scope: 'subtree' }), { format: 'xlsx' });
    expect(file.contentType).toContain('spreadsheetml');
    const rows = await readXlsx(file.body);
    expect(rows[0]!.cells).toEqual(HEADER.split(','));
    const health = rows.find((r) => r.cells[0] === p.health.code)!;
    expect(health.cells).toEqual([
      p.health.code,
      'Sở Y tế',
      '',
      'department',
      p.root.code,
      '',
      '',
      '0227 000 111',
    ]);
  });
});
