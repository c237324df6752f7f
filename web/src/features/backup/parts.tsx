/** Pieces of the backups screen: durations, the policy form and the scheduler tables. */
import { CheckCircleFilled } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Flex,
  Form,
  Input,
  InputNumber,
  Radio,
  Select,
  Space,
  Switch,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { api, call, type ResponseOf } from '../../api/client';
import { ProblemAlert } from '../../components/ProblemAlert';
import { usePersistentForm } from '../../components/usePersistentForm';
import { useI18n } from '../../i18n';
import type { Text } from '../../i18n/messages';
import { formatDateTime } from '../../lib/format';
import { jobNames, m } from './messages';

function JobName({ name }: { name: string }) {
  const { t } = useI18n();
  const label = (jobNames as Record<string, Text | undefined>)[name];
  return (
    <Flex vertical>
      {label && <span>{t(label)}</span>}
      <Typography.Text code style={{ fontSize: 12 }}>
        {name}
      </Typography.Text>
    </Flex>
  );
}

type PolicyView = ResponseOf<'/api/system/backup/policy', 'get'>;
type Policy = PolicyView['policy'];
type Run = ResponseOf<'/api/system/scheduler/runs', 'get'>[number];
type Job = ResponseOf<'/api/system/scheduler/jobs', 'get'>[number];

/** A duration in ms as seconds, minutes, hours or days. */
export function useDuration() {
  const { t } = useI18n();
  return (ms: number) => {
    const s = Math.round(ms / 1000);
    if (s < 120) return t(m.secondsN, { n: s });
    if (s < 7200) return t(m.minutesN, { n: Math.round(s / 60) });
    if (s < 172_800) return t(m.hoursN, { n: Math.round(s / 3600) });
    return t(m.daysN, { n: Math.round(s / 86_400) });
  };
}

export function PolicyForm({ view, canWrite }: { view: PolicyView; canWrite: boolean }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm<Policy>();
  const draft = usePersistentForm('backup.policy', form);
  const mode = Form.useWatch('mode', form) ?? view.policy.mode;
  const enabled = Form.useWatch('enabled', form) ?? view.policy.enabled;
  const save = useMutation({
    mutationFn: (body: Policy) => call(api.PUT('/api/system/backup/policy', { body })),
    onSuccess: (next) => {
      draft.clear();
      qc.setQueryData(['backup', 'policy'], next);
      message.success(t(m.saved));
    },
  });
  const req = [{ required: true, message: t(m.required) }];
  return (
    <Form<Policy>
      form={form}
      layout="vertical"
      initialValues={view.policy}
      disabled={!canWrite}
      onValuesChange={draft.onValuesChange}
      onFinish={(v) => save.mutate({ ...v, destination: v.destination?.trim() ?? '' })}
      style={{ maxWidth: 720 }}
    >
      {!canWrite && <Alert type="info" showIcon title={t(m.readOnly)} style={{ marginBottom: 12 }} />}
      <Flex gap={32} wrap>
        <Form.Item name="enabled" label={t(m.enabled)} valuePropName="checked">
          <Switch />
        </Form.Item>
        <Form.Item name="mode" label={t(m.mode)}>
          <Radio.Group
            disabled={!enabled || !canWrite}
            options={[
              { value: 'daily', label: t(m.daily) },
              { value: 'interval', label: t(m.interval) },
            ]}
          />
        </Form.Item>
        {mode === 'daily' ? (
          <Form.Item
            name="dailyAt"
            label={t(m.dailyAt)}
            rules={[...req, { pattern: /^([01][0-9]|2[0-3]):[0-5][0-9]$/, message: 'HH:mm' }]}
          >
            <Input
              placeholder="02:00"
              style={{ width: 120 }}
              maxLength={5}
              disabled={!enabled || !canWrite}
            />
          </Form.Item>
        ) : (
          <Form.Item name="intervalHours" label={t(m.intervalHours)} rules={req}>
            <InputNumber
              min={1}
              max={720}
              precision={0}
              suffix={t(m.hours)}
              style={{ width: 160 }}
              disabled={!enabled || !canWrite}
            />
          </Form.Item>
        )}
      </Flex>
      <Form.Item
        name="destination"
        label={t(m.destination)}
        extra={t(m.destinationHelp, { dir: view.destination })}
        rules={[
          { pattern: /^(\/|[A-Za-z]:[\\/]|$)/, message: t(m.destinationHelp, { dir: view.destination }) },
        ]}
      >
        <Input placeholder={view.destination} maxLength={1024} style={{ fontFamily: 'monospace' }} />
      </Form.Item>
      <Flex gap={32} wrap>
        <Form.Item name="keep" label={t(m.keep)} extra={t(m.keepHelp)} rules={req}>
          <InputNumber min={1} max={1000} precision={0} style={{ width: 160 }} />
        </Form.Item>
        <Form.Item
          name="verifyRestore"
          label={t(m.verifyRestore)}
          extra={t(m.verifyRestoreHelp)}
          style={{ flex: '1 1 300px' }}
          valuePropName="checked"
        >
          <Switch />
        </Form.Item>
      </Flex>
      {save.error && (
        <div style={{ marginBottom: 16 }}>
          <ProblemAlert error={save.error} />
        </div>
      )}
      {canWrite && (
        <Space>
          <Button type="primary" htmlType="submit" loading={save.isPending}>
            {t(m.save)}
          </Button>
          <Button
            onClick={() => {
              form.setFieldsValue(view.policy);
              draft.clear();
              save.reset();
            }}
          >
            {t(m.reset)}
          </Button>
        </Space>
      )}
    </Form>
  );
}

const outcomeTag: Record<string, { color: string; text: Text }> = {
  running: { color: 'processing', text: m.stRunning },
  success: { color: 'default', text: m.stSuccess },
  failure: { color: 'red', text: m.stFailure },
};

export function OutcomeTag({ outcome }: { outcome: string | null }) {
  const { t } = useI18n();
  const o = outcome ? outcomeTag[outcome] : undefined;
  if (!o) return null;
  return (
    <Tag
      color={o.color}
      icon={outcome === 'success' ? <CheckCircleFilled style={{ color: '#389e0d' }} /> : undefined}
    >
      {t(o.text)}
    </Tag>
  );
}

export function JobsPanel() {
  const { t } = useI18n();
  const duration = useDuration();
  const [job, setJob] = useState<string | undefined>();
  const jobs = useQuery({
    queryKey: ['scheduler', 'jobs'],
    queryFn: () => call(api.GET('/api/system/scheduler/jobs')),
    refetchInterval: 15_000,
  });
  const runs = useQuery({
    queryKey: ['scheduler', 'runs', job],
    queryFn: () => call(api.GET('/api/system/scheduler/runs', { params: { query: { job, limit: 50 } } })),
    refetchInterval: 15_000,
  });
  return (
    <Flex vertical gap={12}>
      {jobs.error && <ProblemAlert error={jobs.error} onRetry={() => void jobs.refetch()} />}
      <Table<Job>
        size="small"
        rowKey="name"
        loading={jobs.isLoading}
        dataSource={jobs.data ?? []}
        pagination={false}
        locale={{ emptyText: <Typography.Text type="secondary">{t(m.noJobs)}</Typography.Text> }}
        columns={[
          {
            key: 'name',
            title: t(m.job),
            render: (_, j) => <JobName name={j.name} />,
          },
          {
            key: 'on',
            title: t(m.status),
            width: 90,
            render: (_, j) => (
              <Tag color={j.enabled ? 'blue' : 'default'}>{j.enabled ? t(m.jobOn) : t(m.jobOff)}</Tag>
            ),
          },
          { key: 'every', title: t(m.every), width: 110, render: (_, j) => duration(j.intervalMs) },
          { key: 'next', title: t(m.nextRunAt), width: 170, render: (_, j) => formatDateTime(j.nextRunAt) },
          {
            key: 'last',
            title: t(m.lastRun),
            width: 280,
            render: (_, j) =>
              j.lastRun ? (
                <Space size={4}>
                  {formatDateTime(j.lastRun.startedAt)}
                  <OutcomeTag outcome={j.lastRun.outcome} />
                </Space>
              ) : (
                '—'
              ),
          },
          { key: 'node', title: t(m.node), width: 160, ellipsis: true, render: (_, j) => j.leaseOwner ?? '' },
        ]}
      />
      <Flex justify="space-between" align="center">
        <Typography.Title level={5} style={{ margin: 0 }}>
          {t(m.runs)}
        </Typography.Title>
        <Select
          allowClear
          value={job}
          onChange={setJob}
          placeholder={t(m.allJobs)}
          aria-label={t(m.job)}
          style={{ width: 280 }}
          options={(jobs.data ?? []).map((j) => {
            const label = (jobNames as Record<string, Text | undefined>)[j.name];
            return { value: j.name, label: label ? t(label) : j.name };
          })}
        />
      </Flex>
      {runs.error && <ProblemAlert error={runs.error} onRetry={() => void runs.refetch()} />}
      <Table<Run>
        size="small"
        rowKey="id"
        loading={runs.isLoading}
        dataSource={runs.data ?? []}
        pagination={{ pageSize: 10, showSizeChanger: false, hideOnSinglePage: true }}
        locale={{ emptyText: <Typography.Text type="secondary">{t(m.noRuns)}</Typography.Text> }}
        columns={[
          { key: 'at', title: t(m.time), width: 170, render: (_, r) => formatDateTime(r.startedAt) },
          {
            key: 'job',
            title: t(m.job),
            width: 240,
            render: (_, r) => <JobName name={r.job} />,
          },
          {
            key: 'outcome',
            title: t(m.status),
            width: 130,
            render: (_, r) => <OutcomeTag outcome={r.outcome} />,
          },
          {
            key: 'dur',
            title: t(m.duration),
            width: 100,
            render: (_, r) =>
              r.finishedAt
                ? duration(new Date(r.finishedAt).getTime() - new Date(r.startedAt).getTime())
                : '',
          },
          { key: 'node', title: t(m.node), width: 150, ellipsis: true, dataIndex: 'node' },
          { key: 'msg', title: t(m.message), ellipsis: true, dataIndex: 'message' },
        ]}
      />
    </Flex>
  );
}
