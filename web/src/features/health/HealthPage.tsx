/**
 * @module web/features/health/HealthPage
 * System health (this node): current figures as cards and the last hour's samples as line charts
 * (requests/min, 5xx rate, event-loop lag, memory, database pool), refreshed every 10 s.
 */
import { CheckCircleFilled, PauseCircleOutlined, PlayCircleOutlined } from '@ant-design/icons';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Col, Flex, Row, Statistic, Tag, Typography } from 'antd';
import type { EChartsCoreOption } from 'echarts/core';
import { type ReactNode, useMemo, useState } from 'react';
import { api, call, type ResponseOf } from '../../api/client';
import { statusText, useTheme } from '../../app/theme';
import { ChartCard } from '../../components/ChartCard';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useI18n } from '../../i18n';
import { formatDateTime, formatNumber } from '../../lib/format';
import { m } from './messages';

type Health = ResponseOf<'/api/system/health', 'get'>;
type Sample = Health['history'][number];

const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;

const time = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Asia/Ho_Chi_Minh',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

function Figure({
  title,
  value,
  suffix,
  note,
  status,
}: {
  title: string;
  value: ReactNode;
  suffix?: string;
  note?: ReactNode;
  status?: 'ok' | 'warn' | 'bad';
}) {
  const { theme } = useTheme();
  const color =
    status === 'bad' ? statusText[theme].bad : status === 'warn' ? statusText[theme].warn : undefined;
  return (
    <Card size="small" style={{ height: '100%' }}>
      <Statistic
        title={title}
        value={typeof value === 'string' || typeof value === 'number' ? value : undefined}
        formatter={typeof value === 'string' || typeof value === 'number' ? undefined : () => value}
        suffix={suffix}
        styles={{ content: { fontSize: 22, color } }}
      />
      {note && (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {note}
        </Typography.Text>
      )}
    </Card>
  );
}

function lineOption(
  history: Sample[],
  series: { name: string; value: (s: Sample) => number | null; area?: boolean }[],
  unit = '',
): EChartsCoreOption {
  return {
    grid: { left: 48, right: 16, top: series.length > 1 ? 32 : 16, bottom: 28 },
    tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => (v == null ? '—' : `${v}${unit}`) },
    legend: series.length > 1 ? { top: 0, data: series.map((s) => s.name) } : undefined,
    xAxis: { type: 'category', boundaryGap: false, data: history.map((s) => time.format(new Date(s.at))) },
    yAxis: { type: 'value', min: 0, axisLabel: { formatter: `{value}${unit}` } },
    series: series.map((s) => ({
      name: s.name,
      type: 'line',
      showSymbol: false,
      smooth: true,
      areaStyle: s.area ? { opacity: 0.15 } : undefined,
      data: history.map((h) => s.value(h)),
    })),
  };
}

export default function HealthPage() {
  const { t, lang } = useI18n();
  const [live, setLive] = useState(true);
  const q = useQuery({
    queryKey: ['system', 'health'],
    queryFn: () => call(api.GET('/api/system/health')),
    refetchInterval: live ? 10_000 : false,
    placeholderData: keepPreviousData,
  });
  const h = q.data;
  const history = h?.history ?? [];

  const charts = useMemo(() => {
    const hist = q.data?.history ?? [];
    return {
      rpm: lineOption(hist, [{ name: t(m.chartRpm), value: (s) => round(s.requestsPerMinute), area: true }]),
      errors: lineOption(
        hist,
        [{ name: t(m.chartErrors), value: (s) => round(s.errorRate * 100, 2), area: true }],
        '%',
      ),
      lag: lineOption(
        hist,
        [
          {
            name: t(m.chartLag),
            value: (s) => (s.eventLoopLagP99Ms == null ? null : round(s.eventLoopLagP99Ms)),
          },
        ],
        ' ms',
      ),
      memory: lineOption(
        hist,
        [
          { name: t(m.rss), value: (s) => round(s.rssMb) },
          { name: t(m.heapUsed), value: (s) => round(s.heapUsedMb) },
        ],
        ' MB',
      ),
      pool: lineOption(hist, [
        { name: t(m.poolTotal), value: (s) => s.dbPoolTotal },
        { name: t(m.poolIdle), value: (s) => s.dbPoolIdle },
        { name: t(m.poolWaiting), value: (s) => s.dbPoolWaiting },
      ]),
    };
  }, [q.data, t]);

  const uptime = (sec: number) => {
    const d = Math.floor(sec / 86_400);
    const hh = Math.floor((sec % 86_400) / 3600);
    const mm = Math.floor((sec % 3600) / 60);
    if (d) return t(m.days, { d, h: hh });
    if (hh) return t(m.hours, { h: hh, m: mm });
    return t(m.minutes, { m: mm });
  };
  const failedJobs = (h?.jobs ?? []).filter((j) => j.lastRun?.outcome === 'failure');
  const lag = h?.eventLoopLagP99Ms;
  const errPct = h ? h.http.errorRate * 100 : 0;
  const lb = h?.lastBackup;

  return (
    <Flex vertical gap={12}>
      <Flex justify="space-between" align="start" wrap gap={8}>
        <div>
          <Typography.Title level={4} style={{ margin: 0 }}>
            {t(m.title)}
          </Typography.Title>
          {h && (
            <Typography.Text type="secondary">
              {t(m.intro, { node: h.node, s: h.sampleIntervalSeconds })}
            </Typography.Text>
          )}
        </div>
        <Flex gap={8} align="center">
          {h && (
            <Typography.Text type="secondary" role="status">
              {t(m.updated, { at: formatDateTime(h.at) })}
            </Typography.Text>
          )}
          <Button
            icon={live ? <PauseCircleOutlined /> : <PlayCircleOutlined />}
            onClick={() => setLive((v) => !v)}
          >
            {live ? t(m.paused) : t(m.resume)}
          </Button>
        </Flex>
      </Flex>
      {q.error && <ProblemAlert error={q.error} onRetry={() => void q.refetch()} />}
      {failedJobs.map((j) => (
        <Alert
          key={j.name}
          type="warning"
          showIcon
          title={t(m.jobFailed, { name: j.name, msg: j.lastRun?.message ?? '' })}
        />
      ))}
      <Row gutter={[12, 12]}>
        <Col xs={12} md={8} xl={4}>
          <Figure
            title={t(m.uptime)}
            value={h ? uptime(h.uptimeSeconds) : '—'}
            note={h ? t(m.since, { at: formatDateTime(h.startedAt) }) : undefined}
          />
        </Col>
        <Col xs={12} md={8} xl={4}>
          <Figure
            title={t(m.rpm)}
            value={h ? formatNumber(round(h.http.requestsPerMinute), lang) : '—'}
            note={h ? t(m.totalRequests, { n: formatNumber(h.http.requestsTotal, lang) }) : undefined}
          />
        </Col>
        <Col xs={12} md={8} xl={4}>
          <Figure
            title={t(m.errorRate)}
            value={h ? formatNumber(round(errPct, 2), lang) : '—'}
            suffix="%"
            status={errPct >= 5 ? 'bad' : errPct >= 1 ? 'warn' : 'ok'}
            note={h ? t(m.totalErrors, { n: formatNumber(h.http.errorsTotal, lang) }) : undefined}
          />
        </Col>
        <Col xs={12} md={8} xl={4}>
          <Figure
            title={t(m.lag)}
            value={lag == null ? '—' : formatNumber(round(lag), lang)}
            suffix={lag == null ? undefined : 'ms'}
            status={lag == null ? undefined : lag >= 200 ? 'bad' : lag >= 50 ? 'warn' : 'ok'}
            note={t(m.lagHint)}
          />
        </Col>
        <Col xs={12} md={8} xl={4}>
          <Figure
            title={t(m.memory)}
            value={h ? formatNumber(Math.round(h.memory.rssMb), lang) : '—'}
            suffix="MB"
            note={
              h
                ? t(m.heap, {
                    used: Math.round(h.memory.heapUsedMb),
                    total: Math.round(h.memory.heapTotalMb),
                  })
                : undefined
            }
          />
        </Col>
        <Col xs={12} md={8} xl={4}>
          <Figure
            title={t(m.lastBackup)}
            value={
              lb ? (
                <Tag
                  color={lb.status === 'success' ? 'default' : lb.status === 'running' ? 'blue' : 'red'}
                  icon={
                    lb.status === 'success' ? <CheckCircleFilled style={{ color: '#389e0d' }} /> : undefined
                  }
                  style={{ fontSize: 14, padding: '2px 8px' }}
                >
                  {lb.status === 'success' ? t(m.ok) : lb.status === 'running' ? t(m.running) : t(m.failed)}
                </Tag>
              ) : (
                t(m.noBackup)
              )
            }
            note={lb ? formatDateTime(lb.startedAt) : undefined}
          />
        </Col>
        <Col xs={12} md={8} xl={8}>
          <Figure
            title={t(m.db)}
            value={h ? (h.database.kind === 'postgres' ? 'PostgreSQL' : 'PGlite') : '—'}
            note={h ? (h.database.pool ? t(m.pool, { ...h.database.pool }) : t(m.pglite)) : undefined}
          />
        </Col>
        <Col xs={12} md={8} xl={6}>
          <Figure
            title={t(m.accessLog)}
            value={h ? formatNumber(h.accessLog.pending, lang) : '—'}
            note={h ? t(m.written, { n: formatNumber(h.accessLog.written, lang) }) : undefined}
          />
        </Col>
        <Col xs={12} md={8} xl={5}>
          <Figure
            title={t(m.bus)}
            value={h ? h.bus.transport : '—'}
            status={h && !h.bus.listening ? 'warn' : undefined}
            note={
              h
                ? `${h.bus.listening ? t(m.busOk) : t(m.busDown)} · ${t(m.reconnects, { n: h.bus.reconnects })}`
                : undefined
            }
          />
        </Col>
        <Col xs={12} md={8} xl={5}>
          <Figure title={t(m.streams)} value={h ? formatNumber(h.notificationStreams, lang) : '—'} />
        </Col>
      </Row>
      {h && history.length === 0 && <Alert type="info" showIcon title={t(m.noHistory)} />}
      <Row gutter={[12, 12]}>
        {(
          [
            [m.chartRpm, charts.rpm],
            [m.chartErrors, charts.errors],
            [m.chartLag, charts.lag],
            [m.chartMemory, charts.memory],
          ] as const
        ).map(([title, option]) => (
          <Col xs={24} lg={12} key={title.en}>
            <ChartCard
              title={t(title)}
              option={option}
              height={220}
              loading={q.isLoading}
              empty={!!h && !history.length}
            />
          </Col>
        ))}
        {h?.database.pool && (
          <Col xs={24}>
            <ChartCard title={t(m.chartPool)} option={charts.pool} height={220} empty={!history.length} />
          </Col>
        )}
      </Row>
    </Flex>
  );
}
