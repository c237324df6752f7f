/**
 * @module org/transfer
 * The unit list as a file: CSV (UTF-8 with BOM, CRLF, RFC 4180 quoting, so Excel in a Vietnamese locale
 * opens it with the diacritics intact) and XLSX (exceljs). Only the file format lives here; what the
 * rows mean is checked by the importer.
 */
import { parse as parseCsvText } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { AppError } from '../core/errors/index.ts';
import { unguardFormula, writeXlsx } from '../core/files/spreadsheet.ts';
import { foldForSearch } from '../core/text/vietnamese.ts';

/** The columns of the unit list, in file order. */
export const columns = [
  'code',
  'name',
  'short_name',
  'kind',
  'parent_code',
  'address',
  'email',
  'phone',
] as const;

/** One column key. */
export type ColumnKey = (typeof columns)[number];

/** One data row of a file: its spreadsheet row number (the header is row 1) and its cells by column. */
export interface SheetRow {
  row: number;
  values: Partial<Record<ColumnKey, string>>;
}

/** Largest file accepted, in bytes. */
export const MAX_FILE_BYTES = 8 * 1024 * 1024;

/** Largest total uncompressed size of an XLSX file's parts, in bytes. */
export const MAX_XLSX_UNCOMPRESSED = 128 * 1024 * 1024;

/** Most data rows accepted in one import. */
export const MAX_ROWS = 10_000;

// Header names accepted besides the column keys, folded and stripped of everything but letters and
// digits, so "Mã định danh", "ma_dinh_danh" and "MÃ ĐỊNH DANH" all match.
const HEADER_ALIASES: Record<string, ColumnKey> = {
  code: 'code',
  ma: 'code',
  madinhdanh: 'code',
  madonvi: 'code',
  name: 'name',
  ten: 'name',
  tendonvi: 'name',
  shortname: 'short_name',
  tenviettat: 'short_name',
  kind: 'kind',
  loai: 'kind',
  loaidonvi: 'kind',
  parentcode: 'parent_code',
  macaptren: 'parent_code',
  madonvicaptren: 'parent_code',
  madinhdanhcaptren: 'parent_code',
  address: 'address',
  diachi: 'address',
  email: 'email',
  thudientu: 'email',
  phone: 'phone',
  dienthoai: 'phone',
  sodienthoai: 'phone',
};

const BOM = '\uFEFF';

/** Parses CSV text (comma, semicolon or tab separated, detected from the header) into numbered records. */
export function parseCsv(text: string): { row: number; cells: string[] }[] {
  const src = text.startsWith(BOM) ? text.slice(1) : text;
  const firstLine = src.slice(0, src.search(/\r?\n|$/u));
  // Excel saves "CSV" with the locale's list separator: ';' where ',' is the decimal mark (vi-VN).
  const delimiter = [',', ';', '\t'].reduce((best, d) =>
    countOutsideQuotes(firstLine, d) > countOutsideQuotes(firstLine, best) ? d : best,
  );
  let rows: string[][];
  try {
    // Files edited by hand mix line ends; every usual one ends a record.
    rows = parseCsvText(src, {
      delimiter,
      record_delimiter: ['\r\n', '\n', '\r'],
      relax_column_count: true,
      skip_empty_lines: false,
    });
  } catch (err) {
    throw new AppError(
      'ORG_IMPORT_UNREADABLE',
      { format: 'CSV', reason: (err as Error).message.slice(0, 200) },
      { cause: err },
    );
  }
  return rows.map((cells, i) => ({ row: i + 1, cells }));
}

/** Decodes an uploaded CSV file; refuses bytes that are not UTF-8 rather than guess a legacy code page. */
export function decodeCsv(data: Uint8Array | string): string {
  if (typeof data === 'string') return data;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(data);
  } catch {
    throw new AppError('ORG_IMPORT_UNREADABLE', {
      format: 'CSV',
      reason: 'the file is not UTF-8 text; save it as "CSV UTF-8"',
    });
  }
}

/** Reads the first worksheet of an XLSX file into numbered records of cell texts. */
export async function readXlsx(data: Uint8Array): Promise<{ row: number; cells: string[] }[]> {
  assertZipWithinLimits(data);
  const workbook = new ExcelJS.Workbook();
  try {
    // exceljs types its input as an ArrayBuffer; a copy gives one whatever backs `data`.
    await workbook.xlsx.load(new Uint8Array(data).buffer);
  } catch (err) {
    throw new AppError(
      'ORG_IMPORT_UNREADABLE',
      { format: 'XLSX', reason: 'the file is not an Excel workbook (.xlsx)' },
      { cause: err },
    );
  }
  const sheet = workbook.worksheets[0];
  if (!sheet)
    throw new AppError('ORG_IMPORT_UNREADABLE', { format: 'XLSX', reason: 'the workbook has no sheet' });
  const records: { row: number; cells: string[] }[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const cells: string[] = [];
    for (let c = 1; c <= row.cellCount; c++) cells.push(cellText(row.getCell(c).value));
    records.push({ row: rowNumber, cells });
  });
  return records;
}

/** Writes the unit table as XLSX (text cells, so codes and phone numbers keep their zeros). */
export function writeUnitsXlsx(records: readonly (readonly string[])[]): Promise<Buffer> {
  return writeXlsx(records, { sheetName: 'Đơn vị', widths: [16, 48, 20, 12, 16, 40, 28, 16] });
}

/**
 * Maps records to rows by their header (the first non-empty record). Unknown columns are ignored
 * (a "STT" numbering column is common); `code` and `name` are required. Blank records are skipped.
 */
export function rowsFromRecords(
  records: readonly { row: number; cells: string[] }[],
  format: string,
): SheetRow[] {
  const nonEmpty = records.filter((r) => r.cells.some((c) => c.trim() !== ''));
  const header = nonEmpty[0];
  if (!header) throw new AppError('ORG_IMPORT_UNREADABLE', { format, reason: 'the file is empty' });
  const keys = header.cells.map((h) => HEADER_ALIASES[foldForSearch(h).replace(/[^a-z0-9]/gu, '')] ?? null);
  for (const required of ['code', 'name'] as const) {
    if (!keys.includes(required)) {
      throw new AppError('ORG_IMPORT_UNREADABLE', {
        format,
        reason: `the header row has no "${required}" column (expected: ${columns.join(', ')})`,
      });
    }
  }
  const data = nonEmpty.slice(1);
  if (data.length > MAX_ROWS) {
    throw new AppError('ORG_IMPORT_UNREADABLE', {
      format,
      reason: `more than ${MAX_ROWS} rows; split the file`,
    });
  }
  return data.map((r) => {
    const values: Partial<Record<ColumnKey, string>> = {};
    keys.forEach((key, i) => {
      if (key && values[key] === undefined) values[key] = unguardFormula(r.cells[i] ?? '');
    });
    return { row: r.row, values };
  });
}

/**
 * Reads the ZIP central directory of an XLSX file and refuses it when its parts would inflate beyond
 * MAX_XLSX_UNCOMPRESSED: exceljs inflates everything into memory, so a small "zip bomb" could otherwise
 * exhaust the node. Anything that is not a plain ZIP (no end record, ZIP64) is refused too.
 */
export function assertZipWithinLimits(data: Uint8Array): void {
  const refuse = (reason: string) => {
    throw new AppError('ORG_IMPORT_UNREADABLE', { format: 'XLSX', reason });
  };
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  // The end-of-central-directory record is 22 bytes plus a comment of at most 65 535 bytes.
  let end = -1;
  for (let i = data.byteLength - 22; i >= Math.max(0, data.byteLength - 22 - 65_535); i--) {
    if (view.getUint32(i, true) === 0x06054b50) {
      end = i;
      break;
    }
  }
  if (end < 0) refuse('the file is not an Excel workbook (.xlsx)');
  const entries = view.getUint16(end + 10, true);
  let at = view.getUint32(end + 16, true);
  let total = 0;
  for (let n = 0; n < entries; n++) {
    if (at + 46 > data.byteLength || view.getUint32(at, true) !== 0x02014b50) {
      refuse('the workbook is damaged');
    }
    const size = view.getUint32(at + 24, true);
    if (size === 0xffffffff) refuse('the workbook is too large');
    total += size;
    if (total > MAX_XLSX_UNCOMPRESSED)
      refuse(`the workbook unpacks to more than ${MAX_XLSX_UNCOMPRESSED / 1024 / 1024} MB`);
    at += 46 + view.getUint16(at + 28, true) + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
  }
}

function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((t) => t.text).join('');
    if ('formula' in value || 'sharedFormula' in value) {
      return cellText((value as { result?: ExcelJS.CellValue }).result ?? null);
    }
    // A hyperlink: an e-mail address typed into Excel usually becomes one.
    if ('text' in value) return String((value as { text: unknown }).text ?? '');
  }
  return '';
}

function countOutsideQuotes(line: string, ch: string): number {
  let n = 0;
  let quoted = false;
  for (const c of line) {
    if (c === '"') quoted = !quoted;
    else if (c === ch && !quoted) n++;
  }
  return n;
}
