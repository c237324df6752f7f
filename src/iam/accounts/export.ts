/**
 * @module iam/accounts/export
 * The account list as an XLSX or CSV file (the console's "Xuất Excel"): the same filters and the same unit
 * scope as the list, every matching row up to EXPORT_LIMIT, and an audit entry saying who exported what.
 */

import { auditAlone } from '../../core/audit/index.ts';
import type { Ctx } from '../../core/context.ts';
import type { Db } from '../../core/db/index.ts';
import { writeCsv, writeXlsx } from '../../core/files/spreadsheet.ts';
import { formatDateTimeVn } from '../../core/time/format.ts';
import type { UnitDirectory } from '../units.ts';
import type { AccountQueryInput, AccountView } from './schema.ts';
import type { AccountService } from './service.ts';

/** Most rows one export carries; a province has tens of thousands of accounts at most. */
export const EXPORT_LIMIT = 50_000;
const PAGE = 500;

const STATUS: Record<string, { vi: string; en: string }> = {
  active: { vi: 'Đang hoạt động', en: 'Active' },
  locked: { vi: 'Đã khóa', en: 'Locked' },
  disabled: { vi: 'Vô hiệu hóa', en: 'Disabled' },
  expired: { vi: 'Hết hạn', en: 'Expired' },
};
const SCOPE: Record<string, { vi: string; en: string }> = {
  own: { vi: 'Đơn vị của mình', en: 'Own unit' },
  subtree: { vi: 'Đơn vị và cấp dưới', en: 'Unit and subordinates' },
  all: { vi: 'Toàn tỉnh', en: 'Whole province' },
};
const HEADERS = {
  vi: [
    'Tên đăng nhập',
    'Họ và tên',
    'Thư điện tử',
    'Mã đơn vị',
    'Tên đơn vị',
    'Phạm vi dữ liệu',
    'Vai trò',
    'Trạng thái',
    'Xác thực hai lớp',
    'Đăng nhập gần nhất',
    'Ngày tạo',
  ],
  en: [
    'Username',
    'Full name',
    'Email',
    'Unit code',
    'Unit name',
    'Data scope',
    'Roles',
    'Status',
    'Two-factor',
    'Last login',
    'Created',
  ],
};

export type ExportFilters = Omit<AccountQueryInput, 'offset' | 'limit'>;

export interface ExportFile {
  filename: string;
  contentType: string;
  body: string | Buffer;
}

/** Builds the export of the accounts the actor may see that match `filters`. */
export function createAccountExport(db: Db, units: UnitDirectory, accounts: AccountService) {
  return async function exportAccounts(
    ctx: Ctx,
    filters: ExportFilters,
    format: 'xlsx' | 'csv',
  ): Promise<ExportFile> {
    const rows: AccountView[] = [];
    for (let offset = 0; offset < EXPORT_LIMIT; offset += PAGE) {
      const page = await accounts.list(ctx, {
        ...filters,
        offset,
        limit: Math.min(PAGE, EXPORT_LIMIT - offset),
      });
      rows.push(...page.items);
      if (page.items.length === 0 || rows.length >= page.total) break;
    }
    const unitIds = [...new Set(rows.map((r) => r.unitId).filter((u): u is string => u !== null))];
    const labels = new Map((await units.unitLabels(unitIds)).map((u) => [u.id, u]));
    const lang = ctx.lang;
    const yes = lang === 'en' ? 'Yes' : 'Có';
    const no = lang === 'en' ? 'No' : 'Không';
    const records = [
      HEADERS[lang],
      ...rows.map((r) => {
        const unit = r.unitId ? labels.get(r.unitId) : undefined;
        return [
          r.username,
          r.fullName,
          r.email ?? '',
          unit?.code ?? '',
          unit?.name ?? '',
          SCOPE[r.scope]?.[lang] ?? r.scope,
          r.roles.join(', '),
          STATUS[r.status]?.[lang] ?? r.status,
          r.totpEnabled ? yes : no,
          r.lastLoginAt ? formatDateTimeVn(new Date(r.lastLoginAt)) : '',
          formatDateTimeVn(new Date(r.createdAt)),
        ];
      }),
    ];
    await auditAlone(db, ctx, {
      category: 'access',
      action: 'iam.account.export',
      description: `Xuất ${rows.length} tài khoản (${format.toUpperCase()})`,
      severity: 'notice',
      details: { filter: filters, rows: rows.length },
    });
    const stamp = new Date().toISOString().slice(0, 10);
    const filename = `tai-khoan-${stamp}.${format}`;
    if (format === 'csv') {
      return { filename, contentType: 'text/csv; charset=utf-8', body: writeCsv(records) };
    }
    return {
      filename,
      contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      body: await writeXlsx(records, {
        sheetName: lang === 'en' ? 'Accounts' : 'Tài khoản',
        widths: [20, 28, 28, 16, 36, 20, 28, 16, 12, 20, 20],
      }),
    };
  };
}
