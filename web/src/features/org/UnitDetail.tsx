/** A unit's page (/org/units/:id): details, sub-units and change history (renames, moves, recodes…). */
import { EditOutlined, PlusOutlined, SwapOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Button, Descriptions, Empty, Flex, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api, call } from '../../api/client';
import { useSession } from '../../auth/session';
import { DetailPage } from '../../components/DetailPage';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useI18n } from '../../i18n';
import { formatDate, formatDateTime, viCollator } from '../../lib/format';
import { useCrumbs } from '../../shell/crumbs';
import { m } from './messages';
import { UnitStatusTag } from './parts';
import { ReorganiseModal } from './ReorganiseModal';
import { UnitFormModal } from './UnitForm';
import { useUnitTree } from './units';

const eventColour: Record<string, string> = {
  create: 'green',
  close: 'red',
  rename: 'blue',
  move: 'purple',
  recode: 'orange',
  dissolve: 'red',
  merge: 'magenta',
  split: 'cyan',
};

export function UnitDetail() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const { has } = useSession();
  const navigate = useNavigate();
  const canWrite = has('org.write');
  const [editing, setEditing] = useState(false);
  const [creating, setCreating] = useState(false);
  const [reorg, setReorg] = useState(false);
  const unit = useQuery({
    queryKey: ['org', 'unit', id],
    queryFn: () => call(api.GET('/api/org/units/{id}', { params: { path: { id } } })),
  });
  const history = useQuery({
    queryKey: ['org', 'history', id],
    queryFn: () =>
      call(api.GET('/api/org/units/{id}/history', { params: { path: { id }, query: { limit: 200 } } })),
  });
  const tree = useUnitTree(true);
  const children = (tree.data ?? [])
    .filter((u) => u.parentId === id)
    .sort((a, b) => viCollator.compare(a.name, b.name));
  const parent = unit.data?.parentId ? tree.data?.find((u) => u.id === unit.data?.parentId) : undefined;
  useCrumbs(unit.data ? [{ title: unit.data.name }] : []);

  const u = unit.data;
  const eventLabel = (k: string) => {
    const key = `ev_${k}` as keyof typeof m;
    return key in m ? t(m[key]) : k;
  };
  return (
    <>
      <DetailPage
        loading={unit.isLoading}
        error={unit.error}
        title={
          <Flex gap={12} align="center">
            {u?.name}
            {u && <UnitStatusTag status={u.status} />}
          </Flex>
        }
        subtitle={
          u && (
            <>
              <Typography.Text code copyable>
                {u.code}
              </Typography.Text>{' '}
              · {t(m[`kind_${u.kind}`])}
            </>
          )
        }
        actions={
          canWrite &&
          u?.status === 'active' && (
            <>
              <Button icon={<PlusOutlined />} onClick={() => setCreating(true)}>
                {t(m.createChild)}
              </Button>
              <Button icon={<SwapOutlined />} onClick={() => setReorg(true)}>
                {t(m.reorganise)}
              </Button>
              <Button type="primary" icon={<EditOutlined />} onClick={() => setEditing(true)}>
                {t(m.edit)}
              </Button>
            </>
          )
        }
        tabs={[
          {
            key: 'details',
            label: t(m.tabDetails),
            children: u && (
              <Descriptions
                bordered
                size="small"
                column={2}
                items={[
                  { key: 'name', label: t(m.name), children: u.name, span: 2 },
                  { key: 'short', label: t(m.shortName), children: u.shortName ?? '—' },
                  {
                    key: 'code',
                    label: t(m.code),
                    children: <Typography.Text code>{u.code}</Typography.Text>,
                  },
                  { key: 'kind', label: t(m.kind), children: t(m[`kind_${u.kind}`]) },
                  {
                    key: 'parent',
                    label: t(m.parent),
                    children: parent ? <Link to={`/org/units/${parent.id}`}>{parent.name}</Link> : '—',
                  },
                  { key: 'status', label: t(m.status), children: <UnitStatusTag status={u.status} /> },
                  {
                    key: 'valid',
                    label: t(m.validFrom),
                    children: `${formatDate(u.validFrom)}${u.validTo ? ` – ${formatDate(u.validTo)}` : ''}`,
                  },
                  { key: 'address', label: t(m.address), children: u.address ?? '—', span: 2 },
                  { key: 'email', label: t(m.email), children: u.email ?? '—' },
                  { key: 'phone', label: t(m.phone), children: u.phone ?? '—' },
                ]}
              />
            ),
          },
          {
            key: 'children',
            label: `${t(m.tabChildren)} (${children.length})`,
            children: (
              <Table
                size="small"
                rowKey="id"
                dataSource={children}
                pagination={children.length > 20 ? { pageSize: 20 } : false}
                locale={{ emptyText: <Empty description={t(m.noChildren)} /> }}
                onRow={(r) => ({
                  onClick: () => navigate(`/org/units/${r.id}`),
                  onKeyDown: (e) => e.key === 'Enter' && navigate(`/org/units/${r.id}`),
                  tabIndex: 0,
                  style: { cursor: 'pointer' },
                })}
                columns={[
                  { key: 'name', title: t(m.name), dataIndex: 'name' },
                  {
                    key: 'code',
                    title: t(m.codeShort),
                    render: (_, r) => <Typography.Text code>{r.code}</Typography.Text>,
                  },
                  { key: 'kind', title: t(m.kind), render: (_, r) => t(m[`kind_${r.kind}`]) },
                  {
                    key: 'status',
                    title: t(m.status),
                    render: (_, r) => <UnitStatusTag status={r.status} />,
                  },
                ]}
              />
            ),
          },
          {
            key: 'history',
            label: t(m.tabHistory),
            children: (
              <Flex vertical gap={12}>
                {history.error ? <ProblemAlert error={history.error} /> : null}
                <Table
                  size="small"
                  rowKey="id"
                  loading={history.isLoading}
                  dataSource={history.data?.events ?? []}
                  pagination={false}
                  locale={{ emptyText: <Empty description={t(m.noHistory)} /> }}
                  columns={[
                    {
                      key: 'effective',
                      title: t(m.effectiveDate),
                      render: (_, e) => formatDate(e.effectiveDate),
                      width: 110,
                    },
                    {
                      key: 'event',
                      title: t(m.event),
                      render: (_, e) => (
                        <Flex gap={4} wrap>
                          <Tag color={eventColour[e.eventType]}>{eventLabel(e.eventType)}</Tag>
                          {e.operation !== e.eventType && <Tag>{eventLabel(e.operation)}</Tag>}
                        </Flex>
                      ),
                    },
                    {
                      key: 'code',
                      title: t(m.codeChange),
                      render: (_, e) =>
                        e.oldCode || e.newCode ? (
                          <span>
                            {e.oldCode && (
                              <Typography.Text code delete>
                                {e.oldCode}
                              </Typography.Text>
                            )}
                            {e.oldCode && e.newCode && ' → '}
                            {e.newCode && <Typography.Text code>{e.newCode}</Typography.Text>}
                          </span>
                        ) : (
                          '—'
                        ),
                    },
                    { key: 'decision', title: t(m.decisionRef), render: (_, e) => e.decisionRef ?? '—' },
                    { key: 'actor', title: t(m.actor), dataIndex: 'actorName' },
                    {
                      key: 'at',
                      title: t(m.recordedAt),
                      render: (_, e) => formatDateTime(e.recordedAt),
                      width: 160,
                    },
                  ]}
                />
                {history.data && history.data.codes.length > 1 && (
                  <Descriptions
                    size="small"
                    column={1}
                    items={[
                      {
                        key: 'codes',
                        label: t(m.codes),
                        children: (
                          <Flex gap={4} wrap>
                            {history.data.codes.map((c) => (
                              <Tag key={c.code + c.validFrom}>
                                {c.code} ({formatDate(c.validFrom)}
                                {c.validTo ? ` – ${formatDate(c.validTo)}` : ''})
                              </Tag>
                            ))}
                          </Flex>
                        ),
                      },
                    ]}
                  />
                )}
                {history.data &&
                  (history.data.predecessors.length > 0 || history.data.successors.length > 0) && (
                    <Descriptions
                      size="small"
                      column={1}
                      items={[
                        ...(history.data.predecessors.length
                          ? [
                              {
                                key: 'pre',
                                label: t(m.predecessors),
                                children: history.data.predecessors.map((p) => (
                                  <Link key={p.id} to={`/org/units/${p.id}`} style={{ marginInlineEnd: 12 }}>
                                    {p.name} ({p.code})
                                  </Link>
                                )),
                              },
                            ]
                          : []),
                        ...(history.data.successors.length
                          ? [
                              {
                                key: 'suc',
                                label: t(m.successors),
                                children: history.data.successors.map((p) => (
                                  <Link key={p.id} to={`/org/units/${p.id}`} style={{ marginInlineEnd: 12 }}>
                                    {p.name} ({p.code})
                                  </Link>
                                )),
                              },
                            ]
                          : []),
                      ]}
                    />
                  )}
              </Flex>
            ),
          },
        ]}
      />
      {editing && u && (
        <UnitFormModal unit={u} onClose={() => setEditing(false)} onSaved={() => setEditing(false)} />
      )}
      {creating && u && (
        <UnitFormModal
          parentId={u.id}
          onClose={() => setCreating(false)}
          onSaved={(c) => {
            setCreating(false);
            navigate(`/org/units/${c.id}`);
          }}
        />
      )}
      {reorg && u && <ReorganiseModal unitId={u.id} onClose={() => setReorg(false)} />}
    </>
  );
}
