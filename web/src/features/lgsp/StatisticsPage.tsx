/**
 * @module web/features/lgsp/StatisticsPage
 * Exchange statistics (LGSP-18, LGSP-36) for a date range in the URL, for the whole scope or one unit:
 * sent/received per day (stacked), errors by code, latency p50/p95, and disconnections with uptime per unit,
 * each chart (ECharts through ChartCard) with its figures in a table underneath.
 */
import { useQuery } from '@tanstack/react-query';
import { Card, Col, DatePicker, Flex, Row, Select, Statistic, Table, Typography } from 'antd';
import dayjs from 'dayjs';
import type { EChartsCoreOption } from 'echarts/core';
import { useCallback, useMemo } from 'react';
import { api, call, type ResponseOf } from '../../api/client';
import { useSession } from '../../auth/session';
import { ChartCard } from '../../components/ChartCard';
import { useTableFilters } from '../../components/DataTable';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useI18n } from '../../i18n';
import { formatNumber } from '../../lib/format';
import { unitMap, useUnitTree } from '../org/units';
import { m } from './messages';
import { useDuration } from './parts';

type DayRow = ResponseOf<'/api/lgsp/statistics', 'get'>['items'][number];
type ErrorRow = ResponseOf<'/api/lgsp/errors', 'get'>['items'][number];
type UnitAvailability = ResponseOf<'/api/lgsp/availability/statistics', 'get'>['units'][number];

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const vnDay = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' });

/** Today in Vietnam as YYYY-MM-DD. */
function today(): string {
  return vnDay.format(new Date());
}

/** Every day from `from` to `to` inclusive (YYYY-MM-DD), so days without traffic still show. */
function daysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = dayjs(from); !d.isAfter(dayjs(to), 'day') && out.length < 400; d = d.add(1, 'day'))
    out.push(d.format('YYYY-MM-DD'));
  return out;
}

/** dd/MM for chart axes. */
const short = (day: string) => `${day.slice(8, 10)}/${day.slice(5, 7)}`;

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

export default function StatisticsPage() {
  const { t, lang } = useI18n();
  const { has } = useSession();
  const [filters, setFilters] = useTableFilters();
  const to = filters.to && DAY.test(filters.to) ? filters.to : today();
  const from =
    filters.from && DAY.test(filters.from)
      ? filters.from
      : dayjs(to).subtract(29, 'day').format('YYYY-MM-DD');
  const unitId = filters.unitId;
  const n = (v: number) => formatNumber(v, lang);

  const stats = useQuery({
    queryKey: ['lgsp', 'statistics', from, to],
    queryFn: () => call(api.GET('/api/lgsp/statistics', { params: { query: { from, to } } })),
  });
  const errors = useQuery({
    queryKey: ['lgsp', 'errors', from, to],
    queryFn: () => call(api.GET('/api/lgsp/errors', { params: { query: { from, to } } })),
  });
  const availability = useQuery({
    queryKey: ['lgsp', 'availability-statistics', from, to],
    queryFn: () => call(api.GET('/api/lgsp/availability/statistics', { params: { query: { from, to } } })),
    enabled: has('lgsp.registry.read'),
  });
  const tree = useUnitTree(true);
  const orgReadable = has('org.read');
  const unitLabel = useCallback(
    (id: string, code: string | null) => {
      const u = unitMap(orgReadable ? tree.data : undefined).get(id);
      return u ? `${u.shortName || u.name} (${u.code})` : (code ?? id.slice(0, 8));
    },
    [tree.data, orgReadable],
  );

  const days = useMemo(() => daysBetween(from, to), [from, to]);
  const rows = useMemo(
    () => (stats.data?.items ?? []).filter((r) => !unitId || r.unitId === unitId),
    [stats.data, unitId],
  );
  const unitOptions = useMemo(() => {
    const seen = new Map<string, string>();
    for (const r of stats.data?.items ?? []) seen.set(r.unitId, r.unitCode);
    for (const u of availability.data?.units ?? [])
      if (!seen.has(u.unitId)) seen.set(u.unitId, u.unitCode ?? '');
    return [...seen].map(([id, code]) => ({ value: id, label: unitLabel(id, code) }));
  }, [stats.data, availability.data, unitLabel]);

  // Traffic per day over the chosen units.
  const perDay = useMemo(
    () =>
      days.map((day) => {
        const ofDay = rows.filter((r) => r.day === day);
        return {
          day,
          sent: sum(ofDay.map((r) => r.sent)),
          received: sum(ofDay.map((r) => r.received)),
          errors: sum(ofDay.map((r) => r.errors)),
        };
      }),
    [days, rows],
  );
  const totals = {
    sent: sum(perDay.map((d) => d.sent)),
    received: sum(perDay.map((d) => d.received)),
    errors: sum(perDay.map((d) => d.errors)),
  };

  const errorRows = useMemo(() => {
    const byCode = new Map<string, { code: string; asSource: number; asDestination: number }>();
    for (const e of (errors.data?.items ?? []) as ErrorRow[]) {
      if (unitId && e.unitId !== unitId) continue;
      const cur = byCode.get(e.errorCode) ?? { code: e.errorCode, asSource: 0, asDestination: 0 };
      cur.asSource += e.asSource;
      cur.asDestination += e.asDestination;
      byCode.set(e.errorCode, cur);
    }
    return [...byCode.values()].sort((a, b) => b.asSource + b.asDestination - (a.asSource + a.asDestination));
  }, [errors.data, unitId]);

  // Latency: one unit shows its p50 and p95; the whole scope shows p95 of the five busiest units.
  const latency = useMemo(() => {
    if (unitId) {
      const byDay = new Map(rows.map((r) => [r.day, r]));
      return {
        series: [
          { name: t(m.p50), data: days.map((d) => byDay.get(d)?.p50Ms ?? null) },
          { name: t(m.p95), data: days.map((d) => byDay.get(d)?.p95Ms ?? null) },
        ],
        table: rows.filter((r) => r.p50Ms !== null || r.p95Ms !== null),
      };
    }
    const volume = new Map<string, number>();
    for (const r of rows) volume.set(r.unitId, (volume.get(r.unitId) ?? 0) + r.sent + r.received);
    const busiest = [...volume]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 5)
      .map(([id]) => id);
    return {
      series: busiest.map((id) => {
        const mine = new Map(rows.filter((r) => r.unitId === id).map((r) => [r.day, r]));
        const code = rows.find((r) => r.unitId === id)?.unitCode ?? null;
        return {
          name: `${t(m.p95)} · ${unitLabel(id, code)}`,
          data: days.map((d) => mine.get(d)?.p95Ms ?? null),
        };
      }),
      table: rows.filter((r) => busiest.includes(r.unitId) && (r.p50Ms !== null || r.p95Ms !== null)),
    };
  }, [rows, days, unitId, t, unitLabel]);

  const availabilityRows = useMemo(
    () => (availability.data?.units ?? []).filter((u) => !unitId || u.unitId === unitId),
    [availability.data, unitId],
  );

  const options = useMemo(() => {
    const axis = days.map(short);
    const traffic: EChartsCoreOption = {
      grid: { left: 48, right: 16, top: 32, bottom: 28 },
      tooltip: { trigger: 'axis' },
      legend: { top: 0, data: [t(m.sent), t(m.received)] },
      xAxis: { type: 'category', data: axis },
      yAxis: { type: 'value', min: 0, minInterval: 1 },
      series: [
        { name: t(m.sent), type: 'bar', stack: 'traffic', data: perDay.map((d) => d.sent) },
        { name: t(m.received), type: 'bar', stack: 'traffic', data: perDay.map((d) => d.received) },
      ],
    };
    const errorChart: EChartsCoreOption = {
      grid: { left: 200, right: 16, top: 32, bottom: 28 },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      legend: { top: 0, data: [t(m.sourceUnit), t(m.destinationUnit)] },
      xAxis: { type: 'value', min: 0, minInterval: 1 },
      yAxis: { type: 'category', inverse: true, data: errorRows.slice(0, 12).map((e) => e.code) },
      series: [
        {
          name: t(m.sourceUnit),
          type: 'bar',
          stack: 'e',
          data: errorRows.slice(0, 12).map((e) => e.asSource),
        },
        {
          name: t(m.destinationUnit),
          type: 'bar',
          stack: 'e',
          data: errorRows.slice(0, 12).map((e) => e.asDestination),
        },
      ],
    };
    const latencyChart: EChartsCoreOption = {
      grid: { left: 56, right: 16, top: 32, bottom: 28 },
      tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => (v == null ? '—' : `${v} ms`) },
      legend: { top: 0, type: 'scroll' },
      xAxis: { type: 'category', boundaryGap: false, data: axis },
      yAxis: { type: 'value', min: 0, axisLabel: { formatter: '{value} ms' } },
      // Every point drawn: a day between days without traffic would otherwise be invisible.
      series: latency.series.map((s) => ({
        ...s,
        type: 'line',
        showSymbol: true,
        showAllSymbol: true,
        symbolSize: 7,
      })),
    };
    const avail: EChartsCoreOption = {
      grid: { left: 48, right: 56, top: 32, bottom: 60 },
      tooltip: { trigger: 'axis' },
      legend: { top: 0, data: [t(m.disconnections), t(m.uptime)] },
      xAxis: {
        type: 'category',
        axisLabel: { rotate: 30 },
        data: availabilityRows.map((u) => u.unitCode ?? u.unitId.slice(0, 8)),
      },
      yAxis: [
        { type: 'value', min: 0, minInterval: 1, name: t(m.count) },
        { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%' } },
      ],
      series: [
        { name: t(m.disconnections), type: 'bar', data: availabilityRows.map((u) => u.disconnections) },
        {
          name: t(m.uptime),
          type: 'line',
          yAxisIndex: 1,
          data: availabilityRows.map((u) =>
            u.uptimePercent == null ? null : Math.round(u.uptimePercent * 100) / 100,
          ),
        },
      ],
    };
    return { traffic, errorChart, latencyChart, avail };
  }, [days, perDay, errorRows, latency, availabilityRows, t]);

  const duration = useDuration();
  const minutes = (v: number) => duration(Math.round(v * 60));

  return (
    <Flex vertical gap={12}>
      <div>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t(m.statsTitle)}
        </Typography.Title>
        <Typography.Text type="secondary">{t(m.statsIntro)}</Typography.Text>
      </div>
      <Card size="small">
        <Flex wrap gap={8} align="center">
          <DatePicker.RangePicker
            format="DD/MM/YYYY"
            value={[dayjs(from), dayjs(to)]}
            allowClear={false}
            placeholder={[t(m.from), t(m.to)]}
            aria-label={t(m.dateRange)}
            disabledDate={(d) => d.isAfter(dayjs(), 'day')}
            onChange={(v) =>
              setFilters({ from: v?.[0]?.format('YYYY-MM-DD'), to: v?.[1]?.format('YYYY-MM-DD') })
            }
          />
          <Select
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            value={unitId}
            placeholder={t(m.allUnits)}
            aria-label={t(m.unitFilter)}
            style={{ width: 320 }}
            options={unitOptions}
            onChange={(v?: string) => setFilters({ unitId: v })}
          />
          <Typography.Text type="secondary">{t(m.statsUnitHint)}</Typography.Text>
        </Flex>
      </Card>
      {stats.error ? <ProblemAlert error={stats.error} onRetry={() => void stats.refetch()} /> : null}
      <Row gutter={[12, 12]}>
        {(
          [
            [m.totalSent, totals.sent],
            [m.totalReceived, totals.received],
            [m.totalErrors, totals.errors],
          ] as const
        ).map(([title, value]) => (
          <Col xs={24} md={8} key={title.en}>
            <Card size="small">
              <Statistic title={t(title)} value={stats.data ? n(value) : '—'} />
            </Card>
          </Col>
        ))}
      </Row>
      <Row gutter={[12, 12]}>
        <Col xs={24} xl={12}>
          <Flex vertical gap={8}>
            <ChartCard
              title={t(m.chartTraffic)}
              option={options.traffic}
              loading={stats.isLoading}
              empty={!!stats.data && totals.sent + totals.received === 0}
            />
            <Table
              size="small"
              rowKey="day"
              dataSource={perDay.filter((d) => d.sent || d.received || d.errors).reverse()}
              pagination={{ pageSize: 7, hideOnSinglePage: true, size: 'small' }}
              locale={{ emptyText: <Typography.Text type="secondary">{t(m.noData)}</Typography.Text> }}
              columns={[
                { key: 'day', title: t(m.day), render: (_, d) => `${short(d.day)}/${d.day.slice(0, 4)}` },
                { key: 'sent', title: t(m.sent), align: 'right', render: (_, d) => n(d.sent) },
                { key: 'received', title: t(m.received), align: 'right', render: (_, d) => n(d.received) },
                { key: 'errors', title: t(m.errors), align: 'right', render: (_, d) => n(d.errors) },
              ]}
            />
          </Flex>
        </Col>
        <Col xs={24} xl={12}>
          <Flex vertical gap={8}>
            {errors.error ? <ProblemAlert error={errors.error} /> : null}
            <ChartCard
              title={t(m.chartErrors)}
              option={options.errorChart}
              loading={errors.isLoading}
              empty={!!errors.data && errorRows.length === 0}
            />
            <Table
              size="small"
              rowKey="code"
              dataSource={errorRows}
              pagination={{ pageSize: 7, hideOnSinglePage: true, size: 'small' }}
              locale={{ emptyText: <Typography.Text type="secondary">{t(m.noData)}</Typography.Text> }}
              columns={[
                {
                  key: 'code',
                  title: t(m.errorCode),
                  render: (_, e) => <Typography.Text code>{e.code}</Typography.Text>,
                },
                { key: 'src', title: t(m.sourceUnit), align: 'right', render: (_, e) => n(e.asSource) },
                {
                  key: 'dst',
                  title: t(m.destinationUnit),
                  align: 'right',
                  render: (_, e) => n(e.asDestination),
                },
              ]}
            />
          </Flex>
        </Col>
        <Col xs={24} xl={12}>
          <Flex vertical gap={8}>
            <ChartCard
              title={t(m.chartLatency)}
              option={options.latencyChart}
              loading={stats.isLoading}
              empty={!!stats.data && latency.table.length === 0}
            />
            <Table<DayRow>
              size="small"
              rowKey={(r) => `${r.unitId}/${r.day}`}
              dataSource={[...latency.table].reverse()}
              pagination={{ pageSize: 7, hideOnSinglePage: true, size: 'small' }}
              locale={{ emptyText: <Typography.Text type="secondary">{t(m.noData)}</Typography.Text> }}
              columns={[
                { key: 'day', title: t(m.day), render: (_, r) => `${short(r.day)}/${r.day.slice(0, 4)}` },
                { key: 'unit', title: t(m.unit), render: (_, r) => unitLabel(r.unitId, r.unitCode) },
                {
                  key: 'p50',
                  title: t(m.p50),
                  align: 'right',
                  render: (_, r) => (r.p50Ms == null ? '—' : t(m.ms, { n: n(r.p50Ms) })),
                },
                {
                  key: 'p95',
                  title: t(m.p95),
                  align: 'right',
                  render: (_, r) => (r.p95Ms == null ? '—' : t(m.ms, { n: n(r.p95Ms) })),
                },
              ]}
            />
          </Flex>
        </Col>
        {has('lgsp.registry.read') && (
          <Col xs={24} xl={12}>
            <Flex vertical gap={8}>
              {availability.error ? <ProblemAlert error={availability.error} /> : null}
              <ChartCard
                title={t(m.chartAvailability)}
                option={options.avail}
                loading={availability.isLoading}
                empty={!!availability.data && availabilityRows.length === 0}
              />
              <Table<UnitAvailability>
                size="small"
                rowKey="unitId"
                dataSource={availabilityRows}
                pagination={{ pageSize: 7, hideOnSinglePage: true, size: 'small' }}
                locale={{ emptyText: <Typography.Text type="secondary">{t(m.noData)}</Typography.Text> }}
                columns={[
                  { key: 'unit', title: t(m.unit), render: (_, u) => unitLabel(u.unitId, u.unitCode) },
                  {
                    key: 'services',
                    title: t(m.servicesCount),
                    align: 'right',
                    render: (_, u) => n(u.services),
                  },
                  {
                    key: 'disc',
                    title: t(m.disconnections),
                    align: 'right',
                    render: (_, u) => n(u.disconnections),
                  },
                  {
                    key: 'off',
                    title: t(m.offlineTime),
                    align: 'right',
                    render: (_, u) => minutes(u.offlineMinutes),
                  },
                  {
                    key: 'uptime',
                    title: t(m.uptime),
                    align: 'right',
                    render: (_, u) =>
                      u.uptimePercent == null
                        ? '—'
                        : `${formatNumber(Math.round(u.uptimePercent * 100) / 100, lang)}%`,
                  },
                ]}
              />
            </Flex>
          </Col>
        )}
      </Row>
    </Flex>
  );
}
