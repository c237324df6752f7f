/**
 * @module lgsp/availability/notices
 * What operators and the units concerned are told when a destination stays offline, and when it is
 * back (Art. 5.9: the source is told so it can decide in time), in Vietnamese and English.
 */
import type { NotificationInput } from '../../core/notifications/index.ts';
import { formatDateTimeVn } from '../../core/time/format.ts';

/** The console page of the live view. */
export const AVAILABILITY_PAGE = '/lgsp/availability';

/** The service and unit a notice names. */
export interface NoticeSubject {
  serviceCode: string;
  serviceName: string;
  unitCode: string;
  unitName: string;
}

/** `23/11/2026 10:15` in Vietnam time. */
function minute(at: Date): string {
  return formatDateTimeVn(at).slice(0, 16);
}

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** `2 giờ 5 phút` / `2 h 5 min` (at least one minute). */
function duration(ms: number): { vi: string; en: string } {
  const minutes = Math.max(1, Math.round(ms / 60_000));
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return {
    vi: [h ? `${h} giờ` : '', m ? `${m} phút` : ''].filter(Boolean).join(' '),
    en: [h ? `${h} h` : '', m ? `${m} min` : ''].filter(Boolean).join(' '),
  };
}

/** The notice of an outage that lasted past the threshold. */
export function offlineNotice(s: NoticeSubject, since: Date, detail: string | null): NotificationInput {
  const name = cut(s.serviceName, 80);
  const reason = detail ? ` (${cut(detail, 200)})` : '';
  return {
    kind: 'lgsp.destination.offline',
    severity: 'error',
    title: {
      vi: cut(`Dịch vụ ${name} của ${s.unitCode} ngừng kết nối`, 200),
      en: cut(`Service ${name} of ${s.unitCode} is offline`, 200),
    },
    body: {
      vi: cut(
        `Dịch vụ ${name} (${s.serviceCode}) của ${s.unitName} (${s.unitCode}) ngừng kết nối từ ${minute(since)}${reason}. Các yêu cầu gửi tới dịch vụ này chưa được xử lý; nền tảng sẽ báo khi dịch vụ kết nối trở lại.`,
        2000,
      ),
      en: cut(
        `Service ${name} (${s.serviceCode}) of ${s.unitName} (${s.unitCode}) has been offline since ${minute(since)}${reason}. Requests to it are not being served; you will be told when it is back online.`,
        2000,
      ),
    },
    link: AVAILABILITY_PAGE,
  };
}

/** The notice that a notified outage ended. */
export function backOnlineNotice(s: NoticeSubject, offlineSince: Date, onlineAt: Date): NotificationInput {
  const name = cut(s.serviceName, 80);
  const lasted = duration(onlineAt.getTime() - offlineSince.getTime());
  return {
    kind: 'lgsp.destination.online',
    severity: 'info',
    title: {
      vi: cut(`Dịch vụ ${name} của ${s.unitCode} đã kết nối trở lại`, 200),
      en: cut(`Service ${name} of ${s.unitCode} is back online`, 200),
    },
    body: {
      vi: `Dịch vụ ${name} (${s.serviceCode}) của ${s.unitName} (${s.unitCode}) kết nối trở lại lúc ${minute(onlineAt)}, sau ${lasted.vi} ngừng kết nối (từ ${minute(offlineSince)}).`,
      en: `Service ${name} (${s.serviceCode}) of ${s.unitName} (${s.unitCode}) is back online at ${minute(onlineAt)}, after ${lasted.en} offline (since ${minute(offlineSince)}).`,
    },
    link: AVAILABILITY_PAGE,
  };
}
