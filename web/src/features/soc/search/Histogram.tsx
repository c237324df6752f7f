/**
 * The histogram of the search's results over time. ChartCard draws options but hands out no chart events,
 * and this chart must answer clicks and brushing (both narrow the range), so it holds its own chart instance
 * over the console's ECharts build, adding only the brush component. The buckets are also a hidden table, so
 * the figures reach a screen reader and the keyboard (the range picker narrows the range too).
 */
import { Card, Empty, Spin, Typography } from 'antd';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTheme } from '../../../app/theme';
import { useI18n } from '../../../i18n';
import { formatDateTime, formatNumber } from '../../../lib/format';
import type { HistogramResult } from '../api';
import { m } from '../messages';
import { visuallyHidden } from '../parts';

type ECharts = typeof import('../../../components/echarts-setup');

async function loadCharts(): Promise<ECharts> {
  const [lib, components] = await Promise.all([
    import('../../../components/echarts-setup'),
    import('echarts/components'),
  ]);
  lib.echarts.use([components.BrushComponent]);
  return lib;
}

/** `dd/MM HH:mm` (or `dd/MM/yyyy` for day buckets) of a bucket start, Vietnam time. */
function bucketLabel(at: string, intervalMs: number): string {
  const full = formatDateTime(at); // dd/MM/yyyy HH:mm:ss
  return intervalMs >= 86_400_000 ? full.slice(0, 10) : `${full.slice(0, 5)} ${full.slice(11, 16)}`;
}

/** Bars of event counts per bucket; `onRange` gets the ISO range of a clicked bar or brushed bars. */
export function Histogram({
  data,
  loading,
  onRange,
}: {
  data: HistogramResult | undefined;
  loading: boolean;
  onRange: (from: string, to: string) => void;
}) {
  const { t, lang } = useI18n();
  const { theme } = useTheme();
  const ref = useRef<HTMLDivElement>(null);
  const [lib, setLib] = useState<ECharts | null>(null);
  const onRangeRef = useRef(onRange);
  onRangeRef.current = onRange;
  useEffect(() => {
    void loadCharts().then(setLib);
  }, []);

  const buckets = data?.buckets ?? [];
  const total = buckets.reduce((s, b) => s + b.count, 0);
  const empty = !!data && total === 0;
  const label = data
    ? t(m.histogramSummary, { interval: data.interval, n: formatNumber(total, lang) })
    : t(m.histogram);

  const option = useMemo(
    () => ({
      backgroundColor: 'transparent',
      grid: { left: 48, right: 16, top: 16, bottom: 28 },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      brush: {
        xAxisIndex: 0,
        brushType: 'lineX',
        brushMode: 'single',
        transformable: false,
        throttleType: 'debounce',
        throttleDelay: 300,
      },
      xAxis: {
        type: 'category',
        data: buckets.map((b) => (data ? bucketLabel(b.at, data.intervalMs) : b.at)),
        axisTick: { alignWithLabel: true },
      },
      yAxis: { type: 'value', minInterval: 1 },
      series: [
        {
          type: 'bar',
          name: t(m.eventsSeries),
          data: buckets.map((b) => b.count),
          barCategoryGap: '10%',
          itemStyle: { color: theme === 'dark' ? '#5d8fdc' : '#2f63c4' },
        },
      ],
    }),
    [buckets, data, t, theme],
  );

  useEffect(() => {
    if (!lib || !ref.current || !data || empty) return;
    const chart = lib.echarts.init(ref.current, theme === 'dark' ? 'dark' : undefined, {
      renderer: 'canvas',
    });
    chart.setOption(option);
    const bucketRange = (first: number, last: number) => {
      const a = buckets[Math.max(0, first)];
      const b = buckets[Math.min(buckets.length - 1, last)];
      if (!a || !b) return;
      const end = new Date(Date.parse(b.at) + data.intervalMs).toISOString();
      onRangeRef.current(a.at, end);
    };
    chart.on('click', (p) => {
      const i = (p as { dataIndex?: number }).dataIndex;
      if (typeof i === 'number') bucketRange(i, i);
    });
    // Dragging over the plot selects bars; the brush stays armed so no toolbar button is needed.
    chart.dispatchAction({
      type: 'takeGlobalCursor',
      key: 'brush',
      brushOption: { brushType: 'lineX', brushMode: 'single' },
    });
    chart.on('brushEnd', (p) => {
      const area = (p as { areas?: { coordRange?: [number, number] }[] }).areas?.[0];
      if (area?.coordRange) bucketRange(area.coordRange[0], area.coordRange[1]);
    });
    const observer = new ResizeObserver(() => chart.resize());
    observer.observe(ref.current);
    return () => {
      observer.disconnect();
      chart.dispose();
    };
  }, [lib, option, theme, data, empty, buckets]);

  return (
    <Card
      size="small"
      title={t(m.histogram)}
      extra={
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t(m.histogramHelp)}
        </Typography.Text>
      }
    >
      {empty ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} style={{ height: 160, margin: 0 }} />
      ) : (
        <Spin spinning={!lib || loading}>
          <div
            ref={ref}
            role="img"
            aria-label={label}
            data-testid="soc-histogram"
            style={{ height: 160, width: '100%' }}
          />
        </Spin>
      )}
      {data && !empty && (
        <table style={visuallyHidden}>
          <caption>{label}</caption>
          <tbody>
            {buckets
              .filter((b) => b.count > 0)
              .map((b) => (
                <tr key={b.at}>
                  <th scope="row">{formatDateTime(b.at)}</th>
                  <td>{b.count}</td>
                </tr>
              ))}
          </tbody>
        </table>
      )}
    </Card>
  );
}
