/**
 * @module web/features/soc/SourcesPage
 * The source inventory (SOC-10, SOC-25): the open silence alerts on top, the server-paged inventory with its
 * filters in the URL (unit, system, kind, state, text), and a source's page (/soc/sources/:id) where an
 * administrator sets its unit, information system, expected reporting interval and retention.
 */
import { EditOutlined, WarningFilled } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  Button,
  Card,
  Descriptions,
  Flex,
  Form,
  Input,
  InputNumber,
  List,
  Select,
  Typography,
} from 'antd';
import { useState } from 'react';
import { Link, Route, Routes, useNavigate, useParams } from 'react-router';
import { useSession } from '../../auth/session';
import { type DataColumn, DataTable, useTableFilters } from '../../components/DataTable';
import { DetailPage } from '../../components/DetailPage';
import { FormModal } from '../../components/FormModal';
import { ProblemAlert } from '../../components/ProblemAlert';
import { TableSearch } from '../../components/TableSearch';
import { useI18n } from '../../i18n';
import { formatDateTime, formatNumber } from '../../lib/format';
import { useCrumbs } from '../../shell/crumbs';
import { UnitSelect } from '../org/UnitSelect';
import {
  type PageOf,
  type SilenceAlert,
  type Source,
  type SourceKind,
  soc,
  socKeys,
  sourceKinds,
} from './api';
import { m } from './messages';
import { PageHead, SourceStateTag, useAgo, useStatusText, WhenCell } from './parts';
import { SystemSelect } from './SystemSelect';

export default function SourcesPage() {
  return (
    <Routes>
      <Route index element={<SourceList />} />
      <Route path=":id" element={<SourceDetail />} />
    </Routes>
  );
}

const states = ['reporting', 'silent', 'never'] as const;

/** The open silence alerts, newest first; each opens its source. */
function OpenAlerts() {
  const { t } = useI18n();
  const { bad } = useStatusText();
  const ago = useAgo();
  const alerts = useQuery({
    queryKey: [...socKeys.alerts, 'open'],
    queryFn: () => soc.get<SilenceAlert[]>('/sources/alerts', { open: true }),
    refetchInterval: 30_000,
  });
  if (alerts.error) return <ProblemAlert error={alerts.error} onRetry={() => void alerts.refetch()} />;
  const open = alerts.data ?? [];
  if (open.length === 0)
    return alerts.data ? <Alert type="success" showIcon title={t(m.noOpenAlerts)} /> : null;
  return (
    <Card
      size="small"
      title={
        <Flex gap={8} align="center">
          <WarningFilled style={{ color: bad }} aria-hidden />
          {t(m.openAlerts, { n: open.length })}
        </Flex>
      }
    >
      <List
        size="small"
        dataSource={open}
        renderItem={(a) => (
          <List.Item>
            <Flex justify="space-between" wrap gap={8} style={{ width: '100%' }}>
              <Link to={a.sourceId}>{a.sourceName}</Link>
              <Typography.Text type="secondary">{a.unitName ?? t(m.none)}</Typography.Text>
              <Typography.Text>
                {t(m.alertRaised, { at: formatDateTime(a.raisedAt) })} · {t(m.lastSeen)}: {ago(a.lastSeen)}
              </Typography.Text>
            </Flex>
          </List.Item>
        )}
      />
    </Card>
  );
}

function SourceList() {
  const { t, lang } = useI18n();
  const navigate = useNavigate();
  const [filters, setFilters] = useTableFilters();
  const kindLabel = (k: SourceKind) => t(m[`kind_${k}`]);

  const columns: DataColumn<Source>[] = [
    {
      key: 'name',
      title: t(m.name),
      render: (_, s) => (
        <Flex vertical style={{ lineHeight: 1.25 }}>
          <Typography.Text strong>{s.name}</Typography.Text>
          {s.address && (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {s.address}
            </Typography.Text>
          )}
        </Flex>
      ),
    },
    { key: 'kind', title: t(m.kind), render: (_, s) => kindLabel(s.kind) },
    { key: 'unit', title: t(m.unit), render: (_, s) => s.unitName ?? t(m.none) },
    {
      key: 'system',
      title: t(m.system),
      render: (_, s) => (s.systemCode ? `${s.systemCode} — ${s.systemName ?? ''}` : t(m.none)),
    },
    { key: 'lastSeen', title: t(m.lastSeen), render: (_, s) => <WhenCell at={s.lastSeen} /> },
    { key: 'state', title: t(m.state), render: (_, s) => <SourceStateTag state={s.state} /> },
    {
      key: 'events',
      title: t(m.events),
      align: 'right',
      render: (_, s) => formatNumber(s.events, lang),
    },
    { key: 'input', title: t(m.inputKind), optional: true, dataIndex: 'inputKind' },
    {
      key: 'firstSeen',
      title: t(m.firstSeen),
      optional: true,
      render: (_, s) => formatDateTime(s.firstSeen),
    },
  ];

  return (
    <Flex vertical gap={12}>
      <PageHead title={t(m.sourcesTitle)} intro={t(m.sourcesIntro)} />
      <OpenAlerts />
      <Card size="small">
        <DataTable<Source>
          id="soc.sources"
          rowKey="id"
          columns={columns}
          fetchPage={(req) => {
            const f = req.filters;
            return soc.get<PageOf<Source>>('/sources', {
              offset: req.offset,
              limit: req.limit,
              q: f.q || undefined,
              unitId: f.unitId || undefined,
              systemId: f.systemId || undefined,
              kind: (sourceKinds as readonly string[]).includes(f.kind ?? '') ? f.kind : undefined,
              state: (states as readonly string[]).includes(f.state ?? '') ? f.state : undefined,
            });
          }}
          onRowClick={(s) => navigate(s.id)}
          toolbar={
            <>
              <TableSearch value={filters.q} onApply={(q) => setFilters({ q })} label={t(m.searchText)} />
              <UnitSelect
                placeholder={t(m.filterUnit)}
                value={filters.unitId}
                onChange={(v) => setFilters({ unitId: v as string | undefined })}
                style={{ width: 220 }}
              />
              <SystemSelect
                placeholder={t(m.system)}
                value={filters.systemId}
                onChange={(v) => setFilters({ systemId: v ?? undefined })}
                style={{ width: 220 }}
              />
              <Select
                allowClear
                aria-label={t(m.kind)}
                placeholder={t(m.kind)}
                value={filters.kind}
                onChange={(v) => setFilters({ kind: v })}
                style={{ width: 150 }}
                options={sourceKinds.map((k) => ({ value: k, label: kindLabel(k) }))}
              />
              <Select
                allowClear
                aria-label={t(m.state)}
                placeholder={t(m.state)}
                value={filters.state}
                onChange={(v) => setFilters({ state: v })}
                style={{ width: 150 }}
                options={states.map((s) => ({ value: s, label: t(m[`state_${s}`]) }))}
              />
            </>
          }
        />
      </Card>
    </Flex>
  );
}

interface SourceValues {
  name: string;
  kind: SourceKind;
  unitId: string | null;
  systemId: string | null;
  expectedIntervalSeconds: number | null;
  retentionDays: number | null;
}

function SourceDetail() {
  const { id = '' } = useParams();
  const { t, lang } = useI18n();
  const { has } = useSession();
  const qc = useQueryClient();
  const [editing, setEditing] = useState(false);
  const [form] = Form.useForm<SourceValues>();
  const unitId = Form.useWatch('unitId', form);
  const source = useQuery({
    queryKey: [...socKeys.sources, id],
    queryFn: () => soc.get<Source>(`/sources/${id}`),
  });
  const s = source.data;
  useCrumbs(s ? [{ title: s.name }] : []);
  const canWrite = has('soc.sources.write');
  const interval = (n: number | null) =>
    n === null ? t(m.defaultValue) : n === 0 ? t(m.notWatched) : t(m.seconds, { n: formatNumber(n, lang) });

  return (
    <>
      <DetailPage
        loading={source.isLoading}
        error={source.error}
        title={s?.name}
        subtitle={s ? <SourceStateTag state={s.state} /> : null}
        actions={
          canWrite && (
            <Button icon={<EditOutlined />} onClick={() => setEditing(true)}>
              {t(m.edit)}
            </Button>
          )
        }
        tabs={[
          {
            key: 'info',
            label: t(m.sourceDetail),
            children: s && (
              <Descriptions
                size="small"
                bordered
                column={1}
                styles={{ label: { width: 220 } }}
                items={[
                  { key: 'kind', label: t(m.kind), children: t(m[`kind_${s.kind}`]) },
                  {
                    key: 'key',
                    label: t(m.key),
                    children: <Typography.Text code>{s.key}</Typography.Text>,
                  },
                  { key: 'addr', label: t(m.address), children: s.address ?? t(m.none) },
                  { key: 'input', label: t(m.inputKind), children: s.inputKind },
                  { key: 'unit', label: t(m.unit), children: s.unitName ?? t(m.none) },
                  {
                    key: 'system',
                    label: t(m.system),
                    children: s.systemCode ? `${s.systemCode} — ${s.systemName ?? ''}` : t(m.none),
                  },
                  {
                    key: 'interval',
                    label: t(m.expectedInterval),
                    children: interval(s.expectedIntervalSeconds),
                  },
                  {
                    key: 'effective',
                    label: t(m.effectiveInterval),
                    children: interval(s.effectiveIntervalSeconds),
                  },
                  {
                    key: 'retention',
                    label: t(m.retentionDays),
                    children: s.retentionDays ?? t(m.defaultValue),
                  },
                  { key: 'first', label: t(m.firstSeen), children: <WhenCell at={s.firstSeen} /> },
                  { key: 'last', label: t(m.lastSeen), children: <WhenCell at={s.lastSeen} /> },
                  { key: 'events', label: t(m.events), children: formatNumber(s.events, lang) },
                ]}
              />
            ),
          },
        ]}
      />
      {editing && s && (
        <FormModal<SourceValues>
          form={form}
          title={t(m.editSource)}
          okText={t(m.save)}
          cancelText={t(m.cancel)}
          initialValues={{
            name: s.name,
            kind: s.kind,
            unitId: s.unitId,
            systemId: s.systemId,
            expectedIntervalSeconds: s.expectedIntervalSeconds,
            retentionDays: s.retentionDays,
          }}
          onClose={() => setEditing(false)}
          onSubmit={async (v) => {
            await soc.patch(`/sources/${id}`, {
              name: v.name.trim(),
              kind: v.kind,
              unitId: v.unitId ?? null,
              systemId: v.systemId ?? null,
              expectedIntervalSeconds: v.expectedIntervalSeconds ?? null,
              retentionDays: v.retentionDays ?? null,
            });
            await qc.invalidateQueries({ queryKey: socKeys.sources });
            setEditing(false);
          }}
        >
          <Form.Item name="name" label={t(m.name)} rules={[{ required: true, whitespace: true, max: 255 }]}>
            <Input />
          </Form.Item>
          <Form.Item name="kind" label={t(m.kind)} rules={[{ required: true }]}>
            <Select options={sourceKinds.map((k) => ({ value: k, label: t(m[`kind_${k}`]) }))} />
          </Form.Item>
          <Form.Item name="unitId" label={t(m.unit)}>
            <UnitSelect id="unitId" />
          </Form.Item>
          <Form.Item name="systemId" label={t(m.system)}>
            <SystemSelect id="systemId" unitId={unitId} />
          </Form.Item>
          <Form.Item
            name="expectedIntervalSeconds"
            label={t(m.expectedInterval)}
            extra={t(m.expectedIntervalHelp)}
          >
            <InputNumber min={0} max={31_536_000} style={{ width: 200 }} />
          </Form.Item>
          <Form.Item name="retentionDays" label={t(m.retentionDays)} extra={t(m.retentionHelp)}>
            <InputNumber min={1} max={36_500} style={{ width: 200 }} />
          </Form.Item>
        </FormModal>
      )}
    </>
  );
}
