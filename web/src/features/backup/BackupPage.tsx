/**
 * @module web/features/backup/BackupPage
 * Backups (SEC-17): the last and next backup at a glance, "back up now" with progress until it finishes
 * (the history is polled while a backup runs), the history, the policy form and the scheduler's jobs.
 */
import { CloudUploadOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Descriptions,
  Flex,
  Progress,
  Table,
  Tabs,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useSearchParams } from 'react-router';
import { api, call, type ResponseOf } from '../../api/client';
import { useSession } from '../../auth/session';
import { ProblemAlert, problemText } from '../../components/ProblemAlert';
import { useI18n } from '../../i18n';
import { formatBytes, formatDateTime, formatNumber } from '../../lib/format';
import { m } from './messages';
import { JobsPanel, OutcomeTag, PolicyForm, useDuration } from './parts';

type Backup = ResponseOf<'/api/system/backups', 'get'>[number];

function useNow(active: boolean) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!active) return;
    const id = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(id);
  }, [active]);
  return now;
}

export default function BackupPage() {
  const { t, lang } = useI18n();
  const { has } = useSession();
  const { message, notification } = App.useApp();
  const qc = useQueryClient();
  const duration = useDuration();
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') ?? 'history';

  const history = useQuery({
    queryKey: ['backup', 'history'],
    queryFn: () => call(api.GET('/api/system/backups', { params: { query: { limit: 100 } } })),
    refetchInterval: (q) => (q.state.data?.some((b) => b.status === 'running') ? 2000 : 30_000),
  });
  const policy = useQuery({
    queryKey: ['backup', 'policy'],
    queryFn: () => call(api.GET('/api/system/backup/policy')),
  });
  const running = history.data?.find((b) => b.status === 'running');
  const now = useNow(!!running);

  // Announce the end of a backup this page saw running.
  const watched = useRef<string | null>(null);
  useEffect(() => {
    if (running) {
      watched.current = running.id;
      return;
    }
    const id = watched.current;
    if (!id) return;
    const done = history.data?.find((b) => b.id === id);
    if (!done) return;
    watched.current = null;
    if (done.status === 'success') {
      notification.success({ title: t(m.finishedOk, { size: formatBytes(done.sizeBytes ?? 0) }) });
    } else {
      notification.error({ title: t(m.finishedFail, { msg: done.message ?? '' }) });
    }
    void qc.invalidateQueries({ queryKey: ['backup', 'policy'] });
  }, [running, history.data, notification, t, qc]);

  const start = useMutation({
    mutationFn: () => call(api.POST('/api/system/backups')),
    onSuccess: (b) => {
      watched.current = b.id;
      message.info(t(m.started));
      qc.setQueryData<Backup[]>(['backup', 'history'], (old) => [b, ...(old ?? [])]);
      void qc.invalidateQueries({ queryKey: ['backup', 'history'] });
    },
    onError: (err) => message.error(problemText(err, lang)),
  });

  const last = history.data?.find((b) => b.status !== 'running');
  const typical = history.data?.find((b) => b.status === 'success' && b.finishedAt);
  const typicalMs = typical?.finishedAt
    ? new Date(typical.finishedAt).getTime() - new Date(typical.startedAt).getTime()
    : null;
  const elapsed = running ? now - new Date(running.startedAt).getTime() : 0;
  const percent = typicalMs
    ? Math.min(95, Math.round((elapsed / Math.max(typicalMs, 1000)) * 100))
    : undefined;

  const triggerLabel = { manual: m.manual, scheduled: m.scheduled, cli: m.cli } as const;
  const columns = [
    {
      key: 'at',
      title: t(m.time),
      width: 160,
      render: (_: unknown, b: Backup) => formatDateTime(b.startedAt),
    },
    {
      key: 'trigger',
      title: t(m.trigger),
      width: 110,
      render: (_: unknown, b: Backup) => t(triggerLabel[b.trigger]),
    },
    {
      key: 'status',
      title: t(m.status),
      width: 150,
      render: (_: unknown, b: Backup) =>
        b.status === 'failure' && b.message ? (
          <Tooltip title={b.message}>
            <span>
              <OutcomeTag outcome={b.status} />
            </span>
          </Tooltip>
        ) : (
          <OutcomeTag outcome={b.status} />
        ),
    },
    {
      key: 'size',
      title: t(m.size),
      width: 100,
      align: 'right' as const,
      render: (_: unknown, b: Backup) =>
        b.sizeBytes == null ? (
          ''
        ) : (
          <Tooltip title={b.rowCount != null ? t(m.rows, { n: formatNumber(b.rowCount, lang) }) : undefined}>
            {formatBytes(b.sizeBytes)}
          </Tooltip>
        ),
    },
    {
      key: 'sha',
      title: t(m.checksum),
      width: 170,
      render: (_: unknown, b: Backup) =>
        b.sha256 ? (
          <Typography.Text code copyable={{ text: b.sha256 }} style={{ fontSize: 12 }}>
            {b.sha256.slice(0, 12)}…
          </Typography.Text>
        ) : (
          ''
        ),
    },
    {
      key: 'verified',
      title: t(m.verified),
      width: 120,
      render: (_: unknown, b: Backup) =>
        b.status === 'success' ? (
          <Tag color={b.verified ? 'blue' : 'default'}>{b.verified ? t(m.verifiedYes) : t(m.verifiedNo)}</Tag>
        ) : null,
    },
    {
      key: 'duration',
      title: t(m.duration),
      width: 100,
      render: (_: unknown, b: Backup) =>
        b.finishedAt ? duration(new Date(b.finishedAt).getTime() - new Date(b.startedAt).getTime()) : '',
    },
    {
      key: 'who',
      title: t(m.who),
      width: 130,
      ellipsis: true,
      render: (_: unknown, b: Backup) => b.actorName ?? '',
    },
    {
      key: 'file',
      title: t(m.file),
      ellipsis: { showTitle: false },
      render: (_: unknown, b: Backup) => (
        <Tooltip title={b.deletedAt ? `${b.file} — ${t(m.deleted)}` : b.file}>
          <Typography.Text
            delete={!!b.deletedAt}
            type={b.deletedAt ? 'secondary' : undefined}
            style={{ fontSize: 12 }}
          >
            {b.file.split(/[\\/]/).pop()}
          </Typography.Text>
        </Tooltip>
      ),
    },
  ];

  return (
    <Flex vertical gap={12}>
      <Flex justify="space-between" align="start" gap={12} wrap>
        <div>
          <Typography.Title level={4} style={{ margin: 0 }}>
            {t(m.title)}
          </Typography.Title>
          <Typography.Text type="secondary">{t(m.intro)}</Typography.Text>
        </div>
        {has('backup.run') && (
          <Button
            type="primary"
            icon={<CloudUploadOutlined />}
            loading={start.isPending || !!running}
            disabled={!!running}
            onClick={() => start.mutate()}
          >
            {t(m.backupNow)}
          </Button>
        )}
      </Flex>
      {running && (
        <Alert
          type="info"
          showIcon
          role="status"
          title={t(m.running, { at: formatDateTime(running.startedAt), elapsed: duration(elapsed) })}
          description={<Progress percent={percent ?? 100} status="active" showInfo={percent !== undefined} />}
        />
      )}
      <Card size="small">
        <Descriptions
          size="small"
          column={3}
          styles={{ label: { color: 'var(--ant-color-text-secondary)' } }}
          items={[
            {
              key: 'last',
              label: t(m.lastBackup),
              children: last ? (
                <Flex gap={6} align="center" wrap>
                  {formatDateTime(last.startedAt)} <OutcomeTag outcome={last.status} />
                  {last.sizeBytes != null && formatBytes(last.sizeBytes)}
                </Flex>
              ) : (
                t(m.none)
              ),
            },
            {
              key: 'next',
              label: t(m.nextRun),
              children: policy.data?.policy.enabled
                ? formatDateTime(policy.data.nextRunAt)
                : policy.data
                  ? t(m.disabled)
                  : '',
            },
            {
              key: 'dest',
              label: t(m.destination),
              children: <Typography.Text code>{policy.data?.destination ?? ''}</Typography.Text>,
            },
          ]}
        />
      </Card>
      <Card size="small">
        <Tabs
          activeKey={tab}
          onChange={(k) => setParams({ tab: k }, { replace: true })}
          items={[
            {
              key: 'history',
              label: t(m.tabHistory),
              children: (
                <>
                  {history.error && (
                    <ProblemAlert error={history.error} onRetry={() => void history.refetch()} />
                  )}
                  <Table<Backup>
                    size="small"
                    rowKey="id"
                    loading={history.isLoading}
                    dataSource={history.data ?? []}
                    columns={columns}
                    pagination={{ pageSize: 10, showSizeChanger: false, hideOnSinglePage: true }}
                    scroll={{ x: 1150 }}
                    locale={{ emptyText: <Typography.Text type="secondary">{t(m.empty)}</Typography.Text> }}
                  />
                </>
              ),
            },
            {
              key: 'policy',
              label: t(m.tabPolicy),
              children: policy.error ? (
                <ProblemAlert error={policy.error} onRetry={() => void policy.refetch()} />
              ) : policy.data ? (
                <PolicyForm view={policy.data} canWrite={has('backup.policy.write')} />
              ) : null,
            },
            ...(has('system.read') ? [{ key: 'jobs', label: t(m.tabJobs), children: <JobsPanel /> }] : []),
          ]}
        />
      </Card>
    </Flex>
  );
}
