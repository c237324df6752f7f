/**
 * @module core/files/spreadsheet
 * Writing tables as CSV (UTF-8 with BOM, so Excel shows Vietnamese right) and XLSX, with cells that a
 * spreadsheet would run as a formula neutralised (CSV injection, OWASP). Every export uses these.
 */
import ExcelJS from 'exceljs';

const BOM = '\uFEFF';
// Excel and LibreOffice run a cell starting with = + - @ (or a tab/CR) as a formula. Such cells get a
// leading apostrophe, which importers strip again, so data round-trips. Phone numbers are left alone.
const FORMULA_START = /^[=+\-@\t\r]/u;
const PHONE_LIKE = /^[+-]?[\d\s().-]+$/u;

/** Neutralises a cell that a spreadsheet would evaluate as a formula. */
export function guardFormula(value: string): string {
  return FORMULA_START.test(value) && !PHONE_LIKE.test(value) ? `'${value}` : value;
}

/** Reverses `guardFormula` on import. */
export function unguardFormula(value: string): string {
  return value.startsWith("'") && FORMULA_START.test(value.slice(1)) ? value.slice(1) : value;
}

function csvCell(value: string): string {
  const v = guardFormula(value);
  return /[",;\t\r\n]|^\s|\s$/u.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
}

/** Writes records as CSV text with a BOM and CRLF line ends. */
export function writeCsv(records: readonly (readonly string[])[]): string {
  return `${BOM}${records.map((r) => r.map(csvCell).join(',')).join('\r\n')}\r\n`;
}

export interface XlsxOptions {
  sheetName: string;
  /** Column widths in characters. */
  widths?: readonly number[];
}

/** Writes records to a one-sheet XLSX workbook (first row bold and frozen); every cell is text. */
export async function writeXlsx(
  records: readonly (readonly string[])[],
  options: XlsxOptions,
): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Tỉnh Số';
  const sheet = workbook.addWorksheet(options.sheetName, { views: [{ state: 'frozen', ySplit: 1 }] });
  for (const r of records) sheet.addRow([...r]);
  sheet.getRow(1).font = { bold: true };
  const columns = Math.max(0, ...records.map((r) => r.length));
  for (let i = 0; i < columns; i++) {
    const col = sheet.getColumn(i + 1);
    col.width = options.widths?.[i] ?? 20;
    col.numFmt = '@';
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
