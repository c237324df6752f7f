/**
 * @module web/features/lgsp/RightsPage
 * Access rights (LGSP-21, LGSP-30): the applications × services matrix, each cell the operations allowed,
 * editable with lgsp.rights.write (grant, change, revoke with a reason), filtered by unit in the URL; and the
 * history of grants, changes and revocations.
 */
import { EditOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  Flex,
  Input,
  Modal,
  Table,
  Tabs,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import { useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import { api, call } from '../../api/client';
import { useSession } from '../../auth/session';
import { type DataColumn, DataTable, useTableFilters } from '../../components/DataTable';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useI18n } from '../../i18n';
import { formatDateTime } from '../../lib/format';
import { UnitSelect } from '../org/UnitSelect';
import { httpMethods, lgspKeys, type Matrix, type RightHistory } from './api';
import { m } from './messages';
import { BAD_RED, DangerButton, OK_GREEN, useStatusText } from './parts';

type MatrixApp = Matrix['applications'][number];
type MatrixService = Matrix['services'][number];
type Method = (typeof httpMethods)[number];

export default function RightsPage() {
  const { t } = useI18n();
  const { has } = useSession();
  const [params, setParams] = useSearchParams();
  const [filters, setFilters] = useTableFilters();
  const tab = params.get('tab') === 'history' ? 'history' : 'matrix';
  const canWrite = has('lgsp.rights.write');
  return (
    <Flex vertical gap={12}>
      <div>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t(m.rightsTitle)}
        </Typography.Title>
        <Typography.Text type="secondary">{t(m.rightsIntro)}</Typography.Text>
      </div>
      {!canWrite && <Alert type="info" showIcon title={t(m.rightsReadOnly)} />}
      <Card size="small">
        <Flex vertical gap={8}>
          <UnitSelect
            value={filters.unitId}
            onChange={(v) => setFilters({ unitId: (v as string | undefined) ?? undefined })}
            placeholder={t(m.unitFilter)}
            style={{ width: 320 }}
          />
          <Tabs
            activeKey={tab}
            onChange={(k) =>
              setParams((prev) => {
                const p = new URLSearchParams(prev);
                if (k === 'history') p.set('tab', k);
                else p.delete('tab');
                p.delete('page');
                return p;
              })
            }
            items={[
              {
                key: 'matrix',
                label: t(m.matrix),
                children:
                  tab === 'matrix' ? <RightsMatrix unitId={filters.unitId} canWrite={canWrite} /> : null,
              },
              {
                key: 'history',
                label: t(m.rightsHistory),
                children: tab === 'history' ? <RightsHistory /> : null,
              },
            ]}
          />
        </Flex>
      </Card>
    </Flex>
  );
}

function RightsMatrix({ unitId, canWrite }: { unitId?: string; canWrite: boolean }) {
  const { t } = useI18n();
  const [editing, setEditing] = useState<{ app: MatrixApp; service: MatrixService; ops: string[] } | null>(
    null,
  );
  const matrix = useQuery({
    queryKey: [...lgspKeys.rights, 'matrix', unitId ?? null],
    queryFn: () => call(api.GET('/api/lgsp/rights/matrix', { params: { query: { unitId } } })),
  });
  const cells = useMemo(() => {
    const map = new Map<string, string[]>();
    for (const c of matrix.data?.cells ?? []) map.set(`${c.applicationId}/${c.serviceId}`, c.operations);
    return map;
  }, [matrix.data]);
  const services = matrix.data?.services ?? [];
  const apps = matrix.data?.applications ?? [];

  const columns = [
    {
      key: 'app',
      title: t(m.application),
      fixed: 'left' as const,
      width: 240,
      render: (_: unknown, a: MatrixApp) => (
        <Flex vertical style={{ lineHeight: 1.25 }}>
          <Typography.Text strong>{a.code}</Typography.Text>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {a.name} · {a.unit.code}
          </Typography.Text>
        </Flex>
      ),
    },
    ...services.map((s) => ({
      key: s.id,
      width: 170,
      title: (
        <Tooltip title={`${s.name} — ${s.unit.name}`}>
          <Flex vertical style={{ lineHeight: 1.25 }}>
            <span>{s.code}</span>
            <Typography.Text type="secondary" style={{ fontSize: 12, fontWeight: 'normal' }}>
              {s.unit.code}
            </Typography.Text>
          </Flex>
        </Tooltip>
      ),
      render: (_: unknown, a: MatrixApp) => {
        const ops = cells.get(`${a.id}/${s.id}`) ?? [];
        const text = ops.length ? ops.join(', ') : t(m.noRight);
        const content = ops.length ? (
          <Flex gap={2} wrap>
            {ops.map((o) => (
              <Tag key={o} style={{ marginInlineEnd: 0 }}>
                {o}
              </Tag>
            ))}
          </Flex>
        ) : (
          <Typography.Text type="secondary">—</Typography.Text>
        );
        return canWrite ? (
          <Button
            type="text"
            size="small"
            style={{
              height: 'auto',
              padding: 4,
              width: '100%',
              justifyContent: 'flex-start',
              whiteSpace: 'normal',
            }}
            aria-label={t(m.cellLabel, { app: a.code, service: s.code, ops: text })}
            data-testid={`right-${a.code}-${s.code}`}
            onClick={() => setEditing({ app: a, service: s, ops })}
          >
            {content}
            <EditOutlined style={{ marginInlineStart: 'auto', opacity: 0.45 }} aria-hidden />
          </Button>
        ) : (
          content
        );
      },
    })),
  ];

  return (
    <Flex vertical gap={8}>
      {matrix.error ? <ProblemAlert error={matrix.error} onRetry={() => void matrix.refetch()} /> : null}
      {matrix.data?.truncated && <Alert type="warning" showIcon title={t(m.matrixTruncated)} />}
      <Table<MatrixApp>
        size="small"
        bordered
        rowKey="id"
        loading={matrix.isLoading}
        dataSource={apps}
        columns={columns}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        scroll={{ x: 240 + 170 * services.length }}
        locale={{ emptyText: <Typography.Text type="secondary">{t(m.noMatrix)}</Typography.Text> }}
      />
      {editing && (
        <RightModal
          app={editing.app}
          service={editing.service}
          current={editing.ops}
          onClose={() => setEditing(null)}
        />
      )}
    </Flex>
  );
}

/** Grants, changes or revokes one application's right on one service. */
function RightModal({
  app,
  service,
  current,
  onClose,
}: {
  app: MatrixApp;
  service: MatrixService;
  current: string[];
  onClose: () => void;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const statusColours = useStatusText();
  const [ops, setOps] = useState<string[]>(current.length ? current : service.allowedMethods.slice(0, 1));
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState<'save' | 'revoke' | null>(null);
  const path = { applicationId: app.id, serviceId: service.id };
  const offered = httpMethods.filter((x) => service.allowedMethods.includes(x) || current.includes(x));

  const done = async (text: string) => {
    await queryClient.invalidateQueries({ queryKey: lgspKeys.rights });
    message.success(text);
    onClose();
  };
  const save = async () => {
    setBusy('save');
    setError(null);
    try {
      await call(
        api.PUT('/api/lgsp/rights/{applicationId}/{serviceId}', {
          params: { path },
          body: { operations: ops as Method[], ...(reason.trim() ? { reason: reason.trim() } : {}) },
        }),
      );
      await done(current.length ? t(m.changed) : t(m.granted));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  };
  const revoke = async () => {
    setBusy('revoke');
    setError(null);
    try {
      await call(
        api.DELETE('/api/lgsp/rights/{applicationId}/{serviceId}', {
          params: { path },
          body: { reason: reason.trim() },
        }),
      );
      await done(t(m.revokedRight));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  };

  return (
    <Modal
      open
      width={600}
      title={t(m.grantTitle, { app: app.code, service: `${service.code} (${service.unit.code})` })}
      onCancel={onClose}
      footer={
        <Flex justify="space-between" gap={8}>
          <div>
            {current.length > 0 && (
              <DangerButton
                loading={busy === 'revoke'}
                disabled={!reason.trim()}
                onClick={() => void revoke()}
              >
                {t(m.revoke)}
              </DangerButton>
            )}
          </div>
          <Flex gap={8}>
            <Button onClick={onClose}>{t(m.cancel)}</Button>
            <Button
              type="primary"
              loading={busy === 'save'}
              disabled={ops.length === 0}
              onClick={() => void save()}
            >
              {current.length ? t(m.change) : t(m.grant)}
            </Button>
          </Flex>
        </Flex>
      }
    >
      <Flex vertical gap={12}>
        {error ? <ProblemAlert error={error} /> : null}
        <Typography.Text type="secondary">
          {app.name} ({app.unit.name}) → {service.name} ({service.unit.name})
        </Typography.Text>
        <fieldset style={{ border: 0, padding: 0, margin: 0 }}>
          <legend style={{ fontSize: 14, marginBottom: 4 }}>
            <Typography.Text strong>{t(m.operations)}</Typography.Text>
          </legend>
          <Checkbox.Group
            value={ops}
            onChange={(v) => setOps(v as string[])}
            options={offered.map((x) => ({ value: x, label: x }))}
          />
          {ops.length === 0 && (
            <Typography.Text style={{ display: 'block', color: statusColours.bad }}>
              {t(m.pickOperations)}
            </Typography.Text>
          )}
        </fieldset>
        <label htmlFor="lgsp-right-reason">
          <Typography.Text strong>{t(m.reason)}</Typography.Text>
        </label>
        <Input.TextArea
          id="lgsp-right-reason"
          rows={2}
          maxLength={500}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
        />
      </Flex>
    </Modal>
  );
}

function OpsTags({ ops }: { ops: string[] | null }) {
  return ops?.length ? (
    <Flex gap={2} wrap>
      {ops.map((o) => (
        <Tag key={o}>{o}</Tag>
      ))}
    </Flex>
  ) : (
    <Typography.Text type="secondary">—</Typography.Text>
  );
}

function RightsHistory() {
  const { t } = useI18n();
  const columns: DataColumn<RightHistory>[] = [
    {
      key: 'at',
      title: t(m.time),
      render: (_, h) => <span style={{ whiteSpace: 'nowrap' }}>{formatDateTime(h.at)}</span>,
    },
    {
      key: 'action',
      title: t(m.action),
      render: (_, h) => (
        <Tag color={h.action === 'revoke' ? BAD_RED : h.action === 'grant' ? OK_GREEN : undefined}>
          {t(m[`action_${h.action}`])}
        </Tag>
      ),
    },
    {
      key: 'app',
      title: t(m.application),
      render: (_, h) => <Typography.Text code>{h.applicationCode}</Typography.Text>,
    },
    {
      key: 'service',
      title: t(m.service),
      render: (_, h) => (
        <Flex vertical style={{ lineHeight: 1.25 }}>
          <span>{h.serviceName}</span>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {h.serviceCode}
          </Typography.Text>
        </Flex>
      ),
    },
    { key: 'before', title: t(m.before), render: (_, h) => <OpsTags ops={h.operationsBefore} /> },
    { key: 'after', title: t(m.after), render: (_, h) => <OpsTags ops={h.operationsAfter} /> },
    { key: 'reason', title: t(m.reason), render: (_, h) => h.reason ?? '' },
    { key: 'actor', title: t(m.actor), dataIndex: 'actorName' },
  ];
  return (
    <DataTable<RightHistory>
      id="lgsp.rights.history"
      rowKey="id"
      columns={columns}
      fetchPage={(req) =>
        call(
          api.GET('/api/lgsp/rights/history', {
            params: {
              query: { offset: req.offset, limit: req.limit, unitId: req.filters.unitId || undefined },
            },
          }),
        )
      }
    />
  );
}
