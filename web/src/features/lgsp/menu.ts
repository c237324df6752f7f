/**
 * Menu texts of the LGSP screens: kept apart from their other texts because the menu (in the shell's chunk)
 * needs only these, not every LGSP text.
 */
import { defineMessages } from '../../i18n/messages';

export const lgspMenu = defineMessages({
  group: { vi: 'LGSP — Tích hợp, chia sẻ dữ liệu', en: 'LGSP — Data integration and sharing' },
  applications: { vi: 'Đơn vị kết nối & ứng dụng', en: 'Connected units & applications' },
  rights: { vi: 'Quyền truy xuất', en: 'Access rights' },
  services: { vi: 'Dịch vụ', en: 'Services' },
  exchanges: { vi: 'Nhật ký trao đổi', en: 'Exchange records' },
  statistics: { vi: 'Thống kê', en: 'Statistics' },
  maintenance: { vi: 'Lịch bảo trì', en: 'Maintenance calendar' },
});
