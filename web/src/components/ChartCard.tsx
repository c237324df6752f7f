/**
 * @module web/components/ChartCard
 * A card with an ECharts chart. ECharts is loaded only by pages that draw charts (its own chunk), with just the
 * chart types and components the console uses, and follows the console's theme.
 */
import { Card, Empty, Spin } from 'antd';
import type { EChartsCoreOption } from 'echarts/core';
import { type ReactNode, useEffect, useRef, useState } from 'react';
import { useTheme } from '../app/theme';

type ECharts = typeof import('./echarts-setup');

/** A titled chart; `option` is an ECharts option object. */
export function ChartCard({
  title,
  option,
  height = 280,
  loading,
  empty,
  extra,
}: {
  title: ReactNode;
  option: EChartsCoreOption;
  height?: number;
  loading?: boolean;
  empty?: boolean;
  extra?: ReactNode;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const { theme } = useTheme();
  const [lib, setLib] = useState<ECharts | null>(null);
  useEffect(() => {
    void import('./echarts-setup').then(setLib);
  }, []);
  useEffect(() => {
    if (!lib || !ref.current || empty) return;
    const chart = lib.echarts.init(ref.current, theme === 'dark' ? 'dark' : undefined, {
      renderer: 'canvas',
    });
    chart.setOption({ backgroundColor: 'transparent', ...option });
    // Follow the card's own width (grid columns, a collapsing menu), not only the window's.
    const observer = new ResizeObserver(() => chart.resize());
    observer.observe(ref.current);
    return () => {
      observer.disconnect();
      chart.dispose();
    };
  }, [lib, option, theme, empty]);
  return (
    <Card title={title} extra={extra} size="small">
      {empty ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} style={{ height, margin: 0 }} />
      ) : (
        <Spin spinning={!lib || !!loading}>
          <div
            ref={ref}
            style={{ height, width: '100%' }}
            role="img"
            aria-label={typeof title === 'string' ? title : undefined}
          />
        </Spin>
      )}
    </Card>
  );
}
