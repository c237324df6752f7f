/**
 * @module soc/sources/notices
 * What holders of `soc.sources.read` are told when sources of a unit go silent or report again (SOC-25), in
 * Vietnamese and English. One notice per unit and check round, so a network outage that silences fifty
 * sources of one unit is one notice listing them, not fifty.
 */
import type { NotificationInput } from '../../core/notifications/index.ts';
import { formatDateTimeVn } from '../../core/time/format.ts';

/** The console page of the source inventory. */
export const SOURCES_PAGE = '/soc/sources';
/** Names listed in one notice; the rest are counted. */
const LISTED = 10;

/** One source in a notice. */
export interface NoticeSource {
  name: string;
  /** Last report before the silence (silent), or when the alert was raised (back). */
  at: Date;
}

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

const minute = (at: Date) => formatDateTimeVn(at).slice(0, 16);

function names(list: readonly NoticeSource[], lang: 'vi' | 'en'): string {
  const shown = list.slice(0, LISTED).map((s) => `${cut(s.name, 80)} (${minute(s.at)})`);
  const more = list.length - shown.length;
  if (more > 0) shown.push(lang === 'vi' ? `và ${more} nguồn khác` : `and ${more} more`);
  return shown.join(', ');
}

/** Sources of a unit (or without a unit) that stopped reporting. */
export function silentNotice(unitLabel: string | null, list: readonly NoticeSource[]): NotificationInput {
  const where = unitLabel ? { vi: ` của ${unitLabel}`, en: ` of ${unitLabel}` } : { vi: '', en: '' };
  const one = list.length === 1 ? list[0] : undefined;
  return {
    kind: 'soc.source.silent',
    severity: 'warning',
    title: {
      vi: cut(
        one
          ? `Nguồn nhật ký ${one.name}${where.vi} ngừng gửi sự kiện`
          : `${list.length} nguồn nhật ký${where.vi} ngừng gửi sự kiện`,
        200,
      ),
      en: cut(
        one
          ? `Log source ${one.name}${where.en} stopped reporting`
          : `${list.length} log sources${where.en} stopped reporting`,
        200,
      ),
    },
    body: {
      vi: cut(
        `Không nhận được sự kiện nào quá thời gian dự kiến từ: ${names(list, 'vi')} (giờ là lần gửi cuối). Kiểm tra thiết bị, tác tử thu thập và đường truyền tới SOC; cảnh báo tự đóng khi nguồn gửi lại.`,
        2000,
      ),
      en: cut(
        `No events arrived for longer than expected from: ${names(list, 'en')} (times are the last reports). Check the device, its shipper and the network path to the SOC; the alert clears when the source reports again.`,
        2000,
      ),
    },
    link: SOURCES_PAGE,
  };
}

/** Silent sources of a unit that report again. */
export function backNotice(unitLabel: string | null, list: readonly NoticeSource[]): NotificationInput {
  const where = unitLabel ? { vi: ` của ${unitLabel}`, en: ` of ${unitLabel}` } : { vi: '', en: '' };
  const one = list.length === 1 ? list[0] : undefined;
  return {
    kind: 'soc.source.back',
    severity: 'info',
    title: {
      vi: cut(
        one
          ? `Nguồn nhật ký ${one.name}${where.vi} đã gửi sự kiện trở lại`
          : `${list.length} nguồn nhật ký${where.vi} đã gửi sự kiện trở lại`,
        200,
      ),
      en: cut(
        one
          ? `Log source ${one.name}${where.en} is reporting again`
          : `${list.length} log sources${where.en} are reporting again`,
        200,
      ),
    },
    body: {
      vi: cut(`Đã nhận lại sự kiện từ: ${names(list, 'vi')} (giờ là lúc cảnh báo được phát ra).`, 2000),
      en: cut(`Events arrive again from: ${names(list, 'en')} (times are when the alert was raised).`, 2000),
    },
    link: SOURCES_PAGE,
  };
}
