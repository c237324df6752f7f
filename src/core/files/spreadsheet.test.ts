import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { guardFormula, unguardFormula, writeCsv, writeXlsx } from './spreadsheet.ts';

describe('spreadsheet export', () => {
  it('neutralises cells a spreadsheet would run as formulas, and only those', () => {
    expect(guardFormula('=HYPERLINK("http://x")')).toBe('\'=HYPERLINK("http://x")');
    expect(guardFormula('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(guardFormula('+84 24 3823 4567')).toBe('+84 24 3823 4567');
    expect(guardFormula('Sở Tài chính')).toBe('Sở Tài chính');
    expect(unguardFormula(guardFormula('=1+1'))).toBe('=1+1');
  });

  it('writes CSV with a BOM, CRLF and quoted cells', () => {
    expect(
      writeCsv([
        ['a', 'b,c'],
        ['Hà "Nội"', '=1'],
      ]),
    ).toBe('\uFEFFa,"b,c"\r\n"Hà ""Nội""",\'=1\r\n');
  });

  it('writes XLSX whose cells keep leading zeros as text', async () => {
    const buffer = await writeXlsx([['Mã'], ['000.00.00.H23'], ['007']], { sheetName: 'Thử' });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(new Uint8Array(buffer).buffer);
    expect(wb.worksheets[0]!.name).toBe('Thử');
    expect(wb.worksheets[0]!.getRow(3).getCell(1).value).toBe('007');
  });
});
