/**
 * @module soc/sources/errors
 * Error codes of the source inventory, information systems and public IP ranges.
 */
import { defineErrors } from '../../core/errors/define.ts';

/** The sources part's error codes, spread into `socErrors`. */
export const sourcesErrors = defineErrors({
  SOC_SOURCE_NOT_FOUND: {
    status: 404,
    // No id in the text: another unit's source must read exactly like one that does not exist.
    vi: 'Không tìm thấy nguồn nhật ký, hoặc bạn không có quyền truy cập.',
    en: 'Log source not found, or no access.',
  },
  SOC_SYSTEM_NOT_FOUND: {
    status: 404,
    vi: 'Không tìm thấy hệ thống thông tin, hoặc bạn không có quyền truy cập.',
    en: 'Information system not found, or no access.',
  },
  SOC_SYSTEM_CODE_TAKEN: {
    status: 409,
    vi: 'Mã hệ thống thông tin {code} đã được dùng.',
    en: 'Information system code {code} is already taken.',
  },
  SOC_SYSTEM_HAS_RANGES: {
    status: 409,
    vi: 'Hệ thống thông tin {code} còn {count} dải IP công khai; hãy xóa các dải IP trước.',
    en: 'Information system {code} still has {count} public IP ranges; delete them first.',
  },
  SOC_IP_RANGE_NOT_FOUND: {
    status: 404,
    vi: 'Không tìm thấy dải IP, hoặc bạn không có quyền truy cập.',
    en: 'IP range not found, or no access.',
  },
  SOC_IP_RANGE_INVALID: {
    status: 400,
    vi: 'Dải IP không hợp lệ (cần địa chỉ IPv4/IPv6 hoặc CIDR như 203.0.113.0/24): {value}',
    en: 'Not an IPv4/IPv6 address or CIDR such as 203.0.113.0/24: {value}',
  },
  SOC_IP_RANGE_TAKEN: {
    status: 409,
    vi: 'Dải IP {cidr} đã được đăng ký.',
    en: 'IP range {cidr} is already registered.',
  },
});
