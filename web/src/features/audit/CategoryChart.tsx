/**
 * @module web/features/audit/CategoryChart
 * Entries per category over the period of the audit viewer's filter: stacked bars by hour, day or month
 * (the server picks the width from the period and counts in one grouped query, GET /api/audit/stats).
 */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { EChartsCoreOption } from 'echarts/core';
import { useMemo } from 'react';
import { api, call, type ResponseOf } from '../../api/client';
import type { paths } from '../../api/schema';
import { ChartCard } from '../../components/ChartCard';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useI18n } from '../../i18n';
import { formatNumber } from '../../lib/format';
import { m } from './messages';

type Stats = ResponseOf<'/api/audit/stats', 'get'>;
type StatsQuery = NonNullable<paths['/api/audit/stats']['get']['parameters']['query']>;

/** Vietnam has one offset all year (UTC+7): the server's buckets are labelled in it. */
const VN_OFFSET_MS = 7 * 3_600_000;
/** More bars than this are not drawn one by one (the server keeps hours to 3 days, days to 120). */
const MAX_BUCKETS = 400;

/** Every bucket label of the period, so empty hours or days show as gaps and not as missing bars. */
export function bucketLabels(from: string, to: string, bucket: Stats['bucket']): string[] {
  const start = new Date(new Date(from).getTime() + VN_OFFSET_MS);
  const end = new Date(to).getTime() + VN_OFFSET_MS;
  const labels: string[] = [];
  const at = new Date(
    Date.UTC(
      start.getUTCFullYear(),
      start.getUTCMonth(),
      bucket === 'month' ? 1 : start.getUTCDate(),
      bucket === 'hour' ? start.getUTCHours() : 0,
    ),
  );
  while (at.getTime() <= end && labels.length < MAX_BUCKETS) {
    const iso = at.toISOString();
    labels.push(
      bucket === 'hour' ? `${iso.slice(0, 13)}:00` : bucket === 'day' ? iso.slice(0, 10) : iso.slice(0, 7),
    );
    if (bucket === 'hour') at.setUTCHours(at.getUTCHours() + 1);
    else if (bucket === 'day') at.setUTCDate(at.getUTCDate() + 1);
    else at.setUTCMonth(at.getUTCMonth() + 1);
  }
  return labels;
}

/** How a bucket is written under its bar: 23/11 09:00, 23/11/2026, 11/2026. */
function shortLabel(label: string, bucket: Stats['bucket']): string {
  const [y, mo, d] = [label.slice(0, 4), label.slice(5, 7), label.slice(8, 10)];
  if (bucket === 'hour') return `${d}/${mo} ${label.slice(11, 16)}`;
  if (bucket === 'day') return `${d}/${mo}/${y}`;
  return `${mo}/${y}`;
}

/** The chart of the audit screen, for the screen's current filter. */
export function CategoryChart({
  query,
  categoryLabel,
}: {
  query: StatsQuery;
  categoryLabel: (id: string) => string;
}) {
  const { t, lang } = useI18n();
  const stats = useQuery({
    queryKey: ['audit', 'stats', query],
    queryFn: () => call(api.GET('/api/audit/stats', { params: { query } })),
    placeholderData: keepPreviousData,
  });
  const data = stats.data;
  const option = useMemo<EChartsCoreOption>(() => {
    if (!data) return {};
    const labels = bucketLabels(data.from, data.to, data.bucket);
    const index = new Map(labels.map((l, i) => [l, i]));
    const series = data.byCategory.map(({ category }) => {
      const values: number[] = labels.map(() => 0);
      for (const r of data.series) {
        const i = index.get(r.bucket);
        if (r.category === category && i !== undefined) values[i] = r.n;
      }
      return { name: categoryLabel(category), type: 'bar', stack: 'all', data: values };
    });
    return {
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      legend: { type: 'scroll', top: 0 },
      grid: { left: 48, right: 16, top: 36, bottom: 28 },
      xAxis: { type: 'category', data: labels.map((l) => shortLabel(l, data.bucket)) },
      yAxis: { type: 'value', minInterval: 1 },
      series,
    };
  }, [data, categoryLabel]);

  if (stats.error) return <ProblemAlert error={stats.error} onRetry={() => void stats.refetch()} />;
  return (
    <ChartCard
      title={t(m.chartTitle)}
      option={option}
      height={220}
      loading={stats.isFetching}
      empty={!!data && data.total === 0}
      extra={
        data ? (
          <span data-testid="audit-chart-total">
            {t(m.chartTotal, {
              n: formatNumber(data.total, lang),
              parts: data.byCategory
                .map((c) => `${categoryLabel(c.category)} ${formatNumber(c.n, lang)}`)
                .join(', '),
            })}
          </span>
        ) : null
      }
    />
  );
}
