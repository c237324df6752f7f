/**
 * @module web/features/soc/HealthPage
 * Operating the SIEM itself (SOC-16): its inputs with their running state, listen address and totals, start
 * and stop (confirmed, audited by the server); charts of events per second per input, drops, queue depth,
 * parse-error rate and storage lag, refreshed every 10 s; and the event store's size and volume report.
 */
import { CaretRightOutlined, PauseOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Col, Flex, Row, Statistic, Table, Tag, Typography } from 'antd';
import { useMemo } from 'react';
import { useSession } from '../../auth/session';
import { ChartCard } from '../../components/ChartCard';
import { ProblemAlert, problemText } from '../../components/ProblemAlert';
import { useI18n } from '../../i18n';
import { formatBytes, formatDateTime, formatNumber } from '../../lib/format';
import {
  type PageOf,
  type SiemHealth,
  type SiemInput,
  type Source,
  type StoreReport,
  soc,
  socKeys,
} from './api';
import { ConfigBackupCard } from './ConfigBackupCard';
import { m } from './messages';
import { OK_GREEN, PageHead } from './parts';

const REFRESH_MS = 10_000;

/** Where an input listens: its bound address, else what it will bind; the HTTP inputs' paths. */
function listenText(i: SiemInput): string {
  if (i.kind === 'http') return '/api/soc/ingest/events';
  if (i.kind === 'bulk') return '/api/soc/ingest/es';
  const a = i.address ?? i.listen;
  if (!a) return '—';
  return `${a.host.includes(':') ? `[${a.host}]` : a.host}:${a.port}`;
}

/** `HH:mm:ss` of a sample, Vietnam time. */
const clock = (iso: string) => formatDateTime(iso).slice(11);

function lineOption(times: string[], series: { name: string; data: (number | null)[] }[], unit = '') {
  return {
    tooltip: { trigger: 'axis' },
    legend: { type: 'scroll', bottom: 0 },
    grid: { left: 48, right: 16, top: 16, bottom: series.length > 1 ? 48 : 28 },
    xAxis: { type: 'category', data: times, boundaryGap: false },
    yAxis: { type: 'value', axisLabel: { formatter: `{value}${unit}` }, minInterval: unit ? undefined : 1 },
    series: series.map((s) => ({
      type: 'line',
      name: s.name,
      data: s.data,
      showSymbol: false,
      smooth: true,
    })),
  };
}

export default function HealthPage() {
  const { t } = useI18n();
  const { has } = useSession();
  return (
    <Flex vertical gap={12}>
      <PageHead title={t(m.healthTitle)} intro={t(m.healthIntro)} />
      <InputsAndCharts />
      <StoreCard />
      {has('soc.config.write') && <ConfigBackupCard />}
    </Flex>
  );
}

function InputsAndCharts() {
  const { t, lang } = useI18n();
  const { has } = useSession();
  const { message, modal } = App.useApp();
  const qc = useQueryClient();
  const canWrite = has('soc.config.write');
  const inputs = useQuery({
    queryKey: socKeys.inputs,
    queryFn: async () => (await soc.get<{ items: SiemInput[] }>('/inputs')).items,
    refetchInterval: REFRESH_MS,
  });
  const health = useQuery({
    queryKey: socKeys.health,
    queryFn: () => soc.get<SiemHealth>('/health'),
    refetchInterval: REFRESH_MS,
  });
  const samples = health.data?.history ?? [];

  const toggle = useMutation({
    mutationFn: ({ id, run }: { id: string; run: boolean }) =>
      soc.post(`/inputs/${encodeURIComponent(id)}/${run ? 'start' : 'stop'}`),
    onSuccess: (_, v) => {
      message.success(t(v.run ? m.inputStarted : m.inputStopped, { id: v.id }));
      void qc.invalidateQueries({ queryKey: socKeys.inputs });
    },
    onError: (e) => message.error(problemText(e, lang)),
  });
  const confirm = (input: SiemInput) => {
    const run = !input.enabled;
    modal.confirm({
      title: t(run ? m.confirmStart : m.confirmStop, { id: input.id }),
      okText: t(run ? m.start : m.stop),
      cancelText: t(m.cancel),
      okButtonProps: { danger: !run },
      onOk: () => toggle.mutateAsync({ id: input.id, run }),
    });
  };

  const charts = useMemo(() => {
    const times = samples.map((s) => clock(s.at));
    const ids = [...new Set(samples.flatMap((s) => Object.keys(s.inputs)))].sort();
    const round = (v: number, places = 1) => Math.round(v * 10 ** places) / 10 ** places;
    return {
      empty: samples.length === 0,
      eps: lineOption(
        times,
        ids.map((id) => ({
          name: id,
          data: samples.map((s) => (id in s.inputs ? round(s.inputs[id] ?? 0) : null)),
        })),
      ),
      drops: lineOption(times, [
        { name: t(m.droppedPerSecond), data: samples.map((s) => round(s.droppedPerSecond)) },
      ]),
      queue: lineOption(times, [{ name: t(m.queueChart), data: samples.map((s) => s.queueDepth) }]),
      parse: lineOption(
        times,
        [{ name: t(m.parseErrorChart), data: samples.map((s) => round(s.parseErrorRate * 100, 2)) }],
        '%',
      ),
      lag: lineOption(times, [
        {
          name: t(m.lagChart),
          data: samples.map((s) => (s.storageLagMs === null ? null : round(s.storageLagMs / 1000, 2))),
        },
      ]),
    };
  }, [samples, t]);
  const inv = health.data?.inventory;

  const n = (v: number | undefined) => (v === undefined ? t(m.none) : formatNumber(v, lang));

  return (
    <>
      <Card size="small" title={t(m.inputs)}>
        {inputs.error ? (
          <ProblemAlert error={inputs.error} onRetry={() => void inputs.refetch()} />
        ) : (
          <Table<SiemInput>
            size="small"
            rowKey="id"
            loading={inputs.isLoading}
            dataSource={inputs.data ?? []}
            pagination={false}
            scroll={{ x: 'max-content' }}
            columns={[
              {
                key: 'id',
                title: t(m.input),
                render: (_, i) => (
                  <Flex vertical style={{ lineHeight: 1.25 }}>
                    <Typography.Text strong>{i.id}</Typography.Text>
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {t(m[`inputKind_${i.kind}`])}
                    </Typography.Text>
                  </Flex>
                ),
              },
              {
                key: 'listen',
                title: t(m.listen),
                render: (_, i) => <Typography.Text code>{listenText(i)}</Typography.Text>,
              },
              {
                key: 'state',
                title: t(m.state),
                render: (_, i) =>
                  i.running ? <Tag color={OK_GREEN}>{t(m.running)}</Tag> : <Tag>{t(m.stopped)}</Tag>,
              },
              { key: 'events', title: t(m.received), align: 'right', render: (_, i) => n(i.totals.events) },
              {
                key: 'bytes',
                title: t(m.bytes),
                align: 'right',
                render: (_, i) => formatBytes(i.totals.bytes),
              },
              { key: 'dropped', title: t(m.dropped), align: 'right', render: (_, i) => n(i.totals.dropped) },
              ...(canWrite
                ? [
                    {
                      key: 'actions',
                      title: t(m.actions),
                      render: (_: unknown, i: SiemInput) =>
                        i.enabled ? (
                          <Button
                            size="small"
                            icon={<PauseOutlined />}
                            aria-label={t(m.stopInput, { id: i.id })}
                            onClick={() => confirm(i)}
                          >
                            {t(m.stop)}
                          </Button>
                        ) : (
                          <Button
                            size="small"
                            icon={<CaretRightOutlined />}
                            aria-label={t(m.startInput, { id: i.id })}
                            onClick={() => confirm(i)}
                          >
                            {t(m.start)}
                          </Button>
                        ),
                    },
                  ]
                : []),
            ]}
          />
        )}
      </Card>
      {health.error ? <ProblemAlert error={health.error} onRetry={() => void health.refetch()} /> : null}
      {health.data && health.data.totals.pipelineTimeouts.length > 0 && (
        <Alert
          type="warning"
          showIcon
          data-testid="pipeline-timeouts"
          message={t(m.timeoutsTitle)}
          description={
            <>
              <ul style={{ margin: '4px 0', paddingInlineStart: 20 }}>
                {health.data.totals.pipelineTimeouts.map((x) => (
                  <li key={x.pipeline}>
                    {t(m.timeoutsLine, {
                      pipeline: x.pipeline === '(choice)' ? t(m.timeoutsChoice) : x.pipeline,
                      n: formatNumber(x.events, lang),
                    })}
                  </li>
                ))}
              </ul>
              {t(m.timeoutsBody)}
            </>
          }
        />
      )}
      {health.data?.processing.threads?.lastError &&
        health.data.processing.threads.running < health.data.processing.threads.configured && (
          <Alert
            type="error"
            showIcon
            data-testid="processing-threads-down"
            message={t(m.threadDownTitle)}
            description={t(m.threadDownBody, {
              error: health.data.processing.threads.lastError,
              at: health.data.processing.threads.lastErrorAt
                ? formatDateTime(health.data.processing.threads.lastErrorAt)
                : '—',
            })}
          />
        )}
      {health.data && (
        <Card size="small">
          <Flex gap={32} wrap>
            <Statistic
              title={t(m.nowReceived)}
              value={formatNumber(Math.round(health.data.now.receivedPerSecond), lang)}
            />
            <Statistic
              title={t(m.nowStored)}
              value={formatNumber(Math.round(health.data.now.storedPerSecond), lang)}
            />
            <Statistic title={t(m.queueChart)} value={formatNumber(health.data.now.queueDepth, lang)} />
            <Statistic
              title={t(m.processingTitle)}
              value={t(m[`processing_${health.data.processing.mode}`], {
                running: health.data.processing.threads?.running ?? 0,
                configured: health.data.processing.threads?.configured ?? 0,
              })}
            />
            <Statistic
              title={t(m.lastStored)}
              value={
                health.data.totals.lastStoredAt ? formatDateTime(health.data.totals.lastStoredAt) : t(m.never)
              }
            />
            {inv && (
              <>
                <Statistic title={t(m.sourcesTitle)} value={formatNumber(inv.sources, lang)} />
                <Statistic title={t(m.state_silent)} value={formatNumber(inv.silent, lang)} />
                <Statistic title={t(m.openAlertsShort)} value={formatNumber(inv.openAlerts, lang)} />
              </>
            )}
          </Flex>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t(m.nodeFigures, { node: health.data.node, s: health.data.sampleSeconds })}
          </Typography.Text>
        </Card>
      )}
      <Row gutter={[12, 12]}>
        <Col xs={24} xl={12}>
          <ChartCard title={t(m.epsChart)} option={charts.eps} empty={charts.empty} height={240} />
        </Col>
        <Col xs={24} xl={12}>
          <ChartCard title={t(m.dropsChart)} option={charts.drops} empty={charts.empty} height={240} />
        </Col>
        <Col xs={24} xl={8}>
          <ChartCard title={t(m.queueChart)} option={charts.queue} empty={charts.empty} height={200} />
        </Col>
        <Col xs={24} xl={8}>
          <ChartCard title={t(m.parseErrorChart)} option={charts.parse} empty={charts.empty} height={200} />
        </Col>
        <Col xs={24} xl={8}>
          <ChartCard title={t(m.lagChart)} option={charts.lag} empty={charts.empty} height={200} />
        </Col>
      </Row>
    </>
  );
}

/** The store's size and its volume per day and per source/dataset (last 30 days). */
function StoreCard() {
  const { t, lang } = useI18n();
  const report = useQuery({
    queryKey: socKeys.store,
    queryFn: () => soc.get<StoreReport>('/store/report'),
    refetchInterval: 60_000,
  });
  // The report names sources by id: their names come from the inventory (the largest page it gives).
  const sources = useQuery({
    queryKey: [...socKeys.sources, 'names'],
    queryFn: () => soc.get<PageOf<Source>>('/sources', { limit: 500, offset: 0 }),
    retry: false,
  });
  const sourceName = (id: string | null) =>
    (id && sources.data?.items.find((s) => s.id === id)?.name) ?? id?.slice(0, 8) ?? t(m.none);
  const r = report.data;
  const option = useMemo(
    () => ({
      tooltip: { trigger: 'axis' },
      grid: { left: 56, right: 16, top: 16, bottom: 28 },
      xAxis: {
        type: 'category',
        data: (r?.days ?? []).map((d) => `${d.day.slice(8, 10)}/${d.day.slice(5, 7)}`),
      },
      yAxis: { type: 'value', minInterval: 1 },
      series: [{ type: 'bar', name: t(m.eventsSeries), data: (r?.days ?? []).map((d) => d.events) }],
    }),
    [r, t],
  );
  const top = [...(r?.sources ?? [])].sort((a, b) => b.events - a.events).slice(0, 15);
  return (
    <Card size="small" title={t(m.storeTitle)}>
      {report.error ? <ProblemAlert error={report.error} onRetry={() => void report.refetch()} /> : null}
      <Flex vertical gap={12}>
        <Flex gap={32} wrap>
          <Statistic title={t(m.totalEvents)} value={r ? formatNumber(r.totals.events, lang) : '—'} />
          <Statistic title={t(m.totalBytes)} value={r ? formatBytes(r.totals.bytes) : '—'} />
          {r?.totals.storedBytes != null && (
            <Statistic title={t(m.storedBytes)} value={formatBytes(r.totals.storedBytes)} />
          )}
          {r?.totals.partitions != null && <Statistic title={t(m.partitions)} value={r.totals.partitions} />}
        </Flex>
        <Row gutter={[12, 12]}>
          <Col xs={24} xl={14}>
            <ChartCard
              title={t(m.perDayChart)}
              option={option}
              loading={report.isLoading}
              empty={!!r && r.days.every((d) => d.events === 0)}
              height={240}
            />
          </Col>
          <Col xs={24} xl={10}>
            <Card size="small" title={t(m.topSources)}>
              <Table
                size="small"
                rowKey={(s) => `${s.sourceId}|${s.dataset}|${s.unitId}`}
                dataSource={top}
                pagination={false}
                loading={report.isLoading}
                columns={[
                  { key: 'dataset', title: t(m.dataset), render: (_, s) => s.dataset ?? t(m.none) },
                  {
                    key: 'source',
                    title: t(m.source),
                    render: (_, s) => (
                      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                        {sourceName(s.sourceId)}
                      </Typography.Text>
                    ),
                  },
                  {
                    key: 'events',
                    title: t(m.events),
                    align: 'right',
                    render: (_, s) => formatNumber(s.events, lang),
                  },
                  { key: 'bytes', title: t(m.bytes), align: 'right', render: (_, s) => formatBytes(s.bytes) },
                ]}
              />
            </Card>
          </Col>
        </Row>
      </Flex>
    </Card>
  );
}
