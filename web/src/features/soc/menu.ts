/**
 * Menu texts of the SOC screens: kept apart from their other texts because the menu (in the shell's chunk)
 * needs only these, not every SOC text.
 */
import { defineMessages } from '../../i18n/messages';

export const socMenu = defineMessages({
  group: { vi: 'SOC — Giám sát an toàn thông tin', en: 'SOC — Security monitoring' },
  search: { vi: 'Tìm kiếm sự kiện', en: 'Event search' },
  sources: { vi: 'Nguồn nhật ký', en: 'Log sources' },
  systems: { vi: 'Hệ thống thông tin & dải IP', en: 'Information systems & IP ranges' },
  health: { vi: 'Đầu vào & tình trạng SIEM', en: 'Inputs & SIEM health' },
  pipelines: { vi: 'Quy trình phân tích', en: 'Pipelines' },
  tokens: { vi: 'Mã nạp dữ liệu', en: 'Ingest tokens' },
  imports: { vi: 'Nhập tệp điều tra', en: 'Forensic imports' },
});
