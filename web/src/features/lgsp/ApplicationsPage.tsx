/**
 * @module web/features/lgsp/ApplicationsPage
 * Connected units and their applications (LGSP-17, LGSP-20, LGSP-21): the units with their counts beside the
 * server-paged list of applications (filters in the URL), registration of an application, and an
 * application's page (/lgsp/applications/:id).
 */
import { PlusOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Button, Card, Col, Flex, Input, Row, Select, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Route, Routes, useNavigate } from 'react-router';
import { api, call } from '../../api/client';
import type { paths } from '../../api/schema';
import { useSession } from '../../auth/session';
import { type DataColumn, DataTable, type PageRequest, useTableFilters } from '../../components/DataTable';
import { ProblemAlert } from '../../components/ProblemAlert';
import { TableSearch } from '../../components/TableSearch';
import { useI18n } from '../../i18n';
import { formatDateTime, formatNumber, matchesFolded } from '../../lib/format';
import { ApplicationDetail } from './ApplicationDetail';
import { ApplicationFormModal } from './ApplicationForm';
import { type Application, type ConnectedUnit, lgspKeys } from './api';
import { m } from './messages';
import { AppStatusTag } from './parts';

type AppQuery = paths['/api/lgsp/applications']['get']['parameters']['query'];

export default function ApplicationsPage() {
  return (
    <Routes>
      <Route index element={<ApplicationList />} />
      <Route path=":id" element={<ApplicationDetail />} />
    </Routes>
  );
}

function queryOf(req: PageRequest): Omit<AppQuery, 'offset' | 'limit'> {
  const f = req.filters;
  return {
    q: f.q || undefined,
    unitId: f.unitId || undefined,
    status: f.status === 'active' || f.status === 'suspended' ? f.status : undefined,
    kind: f.kind === 'hmac' || f.kind === 'rsa' ? f.kind : undefined,
  };
}

/** The connected units with their counts; a click filters the applications by the unit. */
function UnitsCard({ selected, onSelect }: { selected?: string; onSelect: (id?: string) => void }) {
  const { t, lang } = useI18n();
  const [q, setQ] = useState('');
  const units = useQuery({
    queryKey: lgspKeys.units,
    queryFn: () => call(api.GET('/api/lgsp/units', { params: { query: { offset: 0, limit: 500 } } })),
  });
  const rows = (units.data?.items ?? []).filter(
    (u) => !q || matchesFolded(u.unit.name, q) || u.unit.code.toLowerCase().includes(q.toLowerCase()),
  );
  const n = (v: number) => formatNumber(v, lang);
  return (
    <Card
      size="small"
      title={t(m.connectedUnits)}
      extra={
        selected ? (
          <Button size="small" onClick={() => onSelect(undefined)}>
            {t(m.allUnits)}
          </Button>
        ) : null
      }
    >
      <Flex vertical gap={8}>
        <Input.Search
          allowClear
          aria-label={t(m.searchUnits)}
          placeholder={t(m.searchUnits)}
          value={q}
          onChange={(e) => setQ(e.target.value)}
        />
        {units.error ? <ProblemAlert error={units.error} onRetry={() => void units.refetch()} /> : null}
        <Table<ConnectedUnit>
          size="small"
          rowKey={(u) => u.unit.id}
          loading={units.isLoading}
          dataSource={rows}
          pagination={{ pageSize: 10, size: 'small', hideOnSinglePage: true }}
          rowClassName={(u) => (u.unit.id === selected ? 'ant-table-row-selected' : '')}
          onRow={(u) => ({
            onClick: () => onSelect(u.unit.id),
            onKeyDown: (e) => {
              if (e.key === 'Enter') onSelect(u.unit.id);
            },
            tabIndex: 0,
            'aria-selected': u.unit.id === selected,
            style: { cursor: 'pointer' },
          })}
          columns={[
            {
              key: 'unit',
              title: t(m.unit),
              render: (_, u) => (
                <Flex vertical style={{ lineHeight: 1.25 }}>
                  <span>{u.unit.name}</span>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {u.unit.code} {u.status === 'closed' && <Tag>{t(m.closedCode)}</Tag>}
                  </Typography.Text>
                </Flex>
              ),
            },
            {
              key: 'apps',
              title: t(m.applicationsCount),
              align: 'right',
              render: (_, u) => n(u.applications),
            },
            { key: 'services', title: t(m.servicesCount), align: 'right', render: (_, u) => n(u.services) },
            { key: 'keys', title: t(m.activeKeysCount), align: 'right', render: (_, u) => n(u.activeKeys) },
          ]}
        />
      </Flex>
    </Card>
  );
}

function ApplicationList() {
  const { t } = useI18n();
  const { has } = useSession();
  const navigate = useNavigate();
  const [filters, setFilters] = useTableFilters();
  const [creating, setCreating] = useState(false);

  const columns: DataColumn<Application>[] = [
    {
      key: 'code',
      title: t(m.appCode),
      render: (_, a) => <Typography.Text strong>{a.code}</Typography.Text>,
    },
    { key: 'name', title: t(m.name), dataIndex: 'name' },
    {
      key: 'unit',
      title: t(m.unit),
      render: (_, a) => (
        <Flex vertical style={{ lineHeight: 1.25 }}>
          <span>{a.unit.name}</span>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {a.unit.code}
          </Typography.Text>
        </Flex>
      ),
    },
    { key: 'kind', title: t(m.kind), render: (_, a) => <Tag>{a.kind === 'hmac' ? 'HMAC' : 'RSA'}</Tag> },
    {
      key: 'accessKey',
      title: t(m.accessKey),
      render: (_, a) =>
        a.activeAccessKey ? (
          <Typography.Text code>{a.activeAccessKey}</Typography.Text>
        ) : (
          <Typography.Text type="secondary">{t(m.none)}</Typography.Text>
        ),
    },
    { key: 'services', title: t(m.servicesCount), align: 'right', dataIndex: 'serviceCount' },
    { key: 'status', title: t(m.status), render: (_, a) => <AppStatusTag status={a.status} /> },
    {
      key: 'createdAt',
      title: t(m.createdAt),
      optional: true,
      render: (_, a) => formatDateTime(a.createdAt),
    },
  ];

  return (
    <Flex vertical gap={12}>
      <div>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t(m.appsTitle)}
        </Typography.Title>
        <Typography.Text type="secondary">{t(m.appsIntro)}</Typography.Text>
      </div>
      <Row gutter={[12, 12]}>
        <Col xs={24} xl={9}>
          <UnitsCard selected={filters.unitId} onSelect={(id) => setFilters({ unitId: id })} />
        </Col>
        <Col xs={24} xl={15}>
          <Card size="small">
            <DataTable<Application>
              id="lgsp.applications"
              rowKey="id"
              columns={columns}
              fetchPage={(req) =>
                call(
                  api.GET('/api/lgsp/applications', {
                    params: { query: { offset: req.offset, limit: req.limit, ...queryOf(req) } },
                  }),
                )
              }
              onRowClick={(a) => navigate(a.id)}
              toolbar={
                <>
                  <TableSearch
                    value={filters.q}
                    onApply={(q) => setFilters({ q })}
                    label={t(m.searchApps)}
                    width={260}
                  />
                  <Select
                    allowClear
                    aria-label={t(m.status)}
                    placeholder={t(m.status)}
                    value={filters.status}
                    onChange={(v) => setFilters({ status: v })}
                    style={{ width: 150 }}
                    options={(['active', 'suspended'] as const).map((s) => ({
                      value: s,
                      label: t(m[`appStatus_${s}`]),
                    }))}
                  />
                  <Select
                    allowClear
                    aria-label={t(m.kind)}
                    placeholder={t(m.kind)}
                    value={filters.kind}
                    onChange={(v) => setFilters({ kind: v })}
                    style={{ width: 120 }}
                    options={[
                      { value: 'hmac', label: 'HMAC' },
                      { value: 'rsa', label: 'RSA' },
                    ]}
                  />
                </>
              }
              extra={
                has('lgsp.registry.write') && (
                  <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
                    {t(m.newApp)}
                  </Button>
                )
              }
            />
          </Card>
        </Col>
      </Row>
      {creating && (
        <ApplicationFormModal
          unitId={filters.unitId}
          onClose={() => setCreating(false)}
          onSaved={(a) => {
            setCreating(false);
            navigate(a.id);
          }}
        />
      )}
    </Flex>
  );
}
