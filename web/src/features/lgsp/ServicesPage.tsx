/**
 * @module web/features/lgsp/ServicesPage
 * Destination services (LGSP-13, LGSP-15): the server-paged list with each service's live online/offline
 * state (polled at the interval the availability route asks for), "probe now", registration and editing,
 * a service's page with its availability history (/lgsp/services/:id), and the destination directory.
 */
import { PlusOutlined, SyncOutlined } from '@ant-design/icons';
import { keepPreviousData, useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Descriptions,
  Flex,
  Input,
  Select,
  Table,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import { useMemo, useState } from 'react';
import { Link, Route, Routes, useNavigate, useParams, useSearchParams } from 'react-router';
import { api, call, type ResponseOf } from '../../api/client';
import { toApiError } from '../../api/errors';
import type { paths } from '../../api/schema';
import { useSession } from '../../auth/session';
import { type DataColumn, DataTable, type PageRequest, useTableFilters } from '../../components/DataTable';
import { DetailPage } from '../../components/DetailPage';
import { ProblemAlert } from '../../components/ProblemAlert';
import { TableSearch } from '../../components/TableSearch';
import { useI18n } from '../../i18n';
import { formatDateTime } from '../../lib/format';
import { useCrumbs } from '../../shell/crumbs';
import { UnitSelect } from '../org/UnitSelect';
import { type DirectoryEntry, lgspKeys, type Service } from './api';
import { m } from './messages';
import { StateTag, useDuration } from './parts';
import { ServiceFormModal } from './ServiceForm';

type Availability = ResponseOf<'/api/lgsp/availability', 'get'>;
type AvailabilityItem = Availability['items'][number];
type HistoryItem = ResponseOf<'/api/lgsp/availability/{serviceId}/history', 'get'>['items'][number];
type ServiceQuery = paths['/api/lgsp/services']['get']['parameters']['query'];

export default function ServicesPage() {
  return (
    <Routes>
      <Route index element={<ServicesHome />} />
      <Route path=":id" element={<ServiceDetail />} />
    </Routes>
  );
}

/** The live state of every destination the person may see, asked again at the server's interval. */
export function useAvailability() {
  const q = useQuery({
    queryKey: lgspKeys.availability,
    queryFn: () => call(api.GET('/api/lgsp/availability')),
    refetchInterval: (query) => (query.state.data?.pollSeconds ?? 10) * 1000,
    placeholderData: keepPreviousData,
  });
  const byService = useMemo(() => new Map((q.data?.items ?? []).map((i) => [i.serviceId, i])), [q.data]);
  return { ...q, byService };
}

/** "Kiểm tra ngay": probes one destination and refreshes the live states. */
function ProbeButton({ service, size }: { service: { id: string; code: string }; size?: 'small' }) {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [busy, setBusy] = useState(false);
  return (
    <Button
      size={size}
      icon={<SyncOutlined spin={busy} />}
      loading={busy}
      aria-label={`${t(m.probeNow)} ${service.code}`}
      onClick={async (e) => {
        e.stopPropagation();
        setBusy(true);
        try {
          const r = await call(
            api.POST('/api/lgsp/availability/{serviceId}/probe', {
              params: { path: { serviceId: service.id } },
            }),
          );
          const state =
            r.state.state === 'online'
              ? t(m.online)
              : r.state.state === 'offline'
                ? t(m.offline)
                : t(m.unknown);
          message.info(t(m.probeDone, { code: service.code, state }));
          await Promise.all([
            queryClient.invalidateQueries({ queryKey: lgspKeys.availability }),
            queryClient.invalidateQueries({ queryKey: ['lgsp', 'availability-history', service.id] }),
          ]);
        } catch (err) {
          const e = toApiError(err);
          message.error(`${e.message_(lang)} (${e.code})`);
        } finally {
          setBusy(false);
        }
      }}
    >
      {t(m.probeNow)}
    </Button>
  );
}

function LiveState({ item }: { item: AvailabilityItem | undefined }) {
  return <StateTag online={item ? item.online : null} since={item?.since} />;
}

function ServicesHome() {
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') === 'directory' ? 'directory' : 'services';
  return (
    <Flex vertical gap={12}>
      <div>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t(m.servicesTitle)}
        </Typography.Title>
        <Typography.Text type="secondary">{t(m.servicesIntro)}</Typography.Text>
      </div>
      <Card size="small">
        <Tabs
          activeKey={tab}
          onChange={(k) => setParams(k === 'directory' ? { tab: k } : {})}
          items={[
            {
              key: 'services',
              label: t(m.tabServices),
              children: tab === 'services' ? <ServiceList /> : null,
            },
            {
              key: 'directory',
              label: t(m.tabDirectory),
              children: tab === 'directory' ? <Directory /> : null,
            },
          ]}
        />
      </Card>
    </Flex>
  );
}

function queryOf(req: PageRequest): Omit<ServiceQuery, 'offset' | 'limit'> {
  const f = req.filters;
  return {
    q: f.q || undefined,
    unitId: f.unitId || undefined,
    active: f.active === 'true' ? true : f.active === 'false' ? false : undefined,
  };
}

function ServiceList() {
  const { t } = useI18n();
  const { has } = useSession();
  const navigate = useNavigate();
  const [filters, setFilters] = useTableFilters();
  const [creating, setCreating] = useState(false);
  const live = useAvailability();
  const canProbe = has('lgsp.registry.write');

  const columns: DataColumn<Service>[] = [
    {
      key: 'code',
      title: t(m.serviceCode),
      render: (_, s) => <Typography.Text strong>{s.code}</Typography.Text>,
    },
    { key: 'name', title: t(m.name), dataIndex: 'name' },
    {
      key: 'unit',
      title: t(m.unit),
      render: (_, s) => (
        <Flex vertical style={{ lineHeight: 1.25 }}>
          <span>{s.unit.name}</span>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {s.unit.code}
          </Typography.Text>
        </Flex>
      ),
    },
    { key: 'protocol', title: t(m.protocol), render: (_, s) => t(m[`protocol_${s.protocol}`]) },
    {
      key: 'state',
      title: t(m.state),
      render: (_, s) =>
        s.active ? <LiveState item={live.byService.get(s.id)} /> : <Tag>{t(m.inactive)}</Tag>,
    },
    {
      key: 'lastContact',
      title: t(m.lastContact),
      render: (_, s) => {
        const i = live.byService.get(s.id);
        return i?.lastOkAt ? (
          formatDateTime(i.lastOkAt)
        ) : (
          <Typography.Text type="secondary">{t(m.never)}</Typography.Text>
        );
      },
    },
    {
      key: 'dataTypes',
      title: t(m.dataTypes),
      optional: true,
      render: (_, s) => (
        <Flex gap={4} wrap>
          {s.dataTypes.map((d) => (
            <Tag key={d}>{d}</Tag>
          ))}
        </Flex>
      ),
    },
    {
      key: 'gatewayPath',
      title: t(m.gatewayPath),
      optional: true,
      render: (_, s) => <Typography.Text code>{s.gatewayPath}</Typography.Text>,
    },
    ...(canProbe
      ? [
          {
            key: 'probe',
            title: t(m.probeNow),
            render: (_: unknown, s: Service) => (s.active ? <ProbeButton service={s} size="small" /> : null),
          },
        ]
      : []),
  ];

  return (
    <>
      {live.error ? <ProblemAlert error={live.error} onRetry={() => void live.refetch()} /> : null}
      <DataTable<Service>
        id="lgsp.services"
        rowKey="id"
        columns={columns}
        fetchPage={(req) =>
          call(
            api.GET('/api/lgsp/services', {
              params: { query: { offset: req.offset, limit: req.limit, ...queryOf(req) } },
            }),
          )
        }
        onRowClick={(s) => navigate(s.id)}
        toolbar={
          <>
            <TableSearch value={filters.q} onApply={(q) => setFilters({ q })} label={t(m.searchServices)} />
            <UnitSelect
              value={filters.unitId}
              onChange={(v) => setFilters({ unitId: (v as string | undefined) ?? undefined })}
              placeholder={t(m.unitFilter)}
              style={{ width: 220 }}
            />
            <Select
              allowClear
              aria-label={t(m.status)}
              placeholder={t(m.status)}
              value={filters.active}
              onChange={(v) => setFilters({ active: v })}
              style={{ width: 160 }}
              options={[
                { value: 'true', label: t(m.active) },
                { value: 'false', label: t(m.inactive) },
              ]}
            />
          </>
        }
        extra={
          <>
            {live.data && (
              <Typography.Text type="secondary" role="status" style={{ alignSelf: 'center' }}>
                {t(m.liveNote, { at: formatDateTime(live.data.generatedAt) })}
              </Typography.Text>
            )}
            {has('lgsp.registry.write') && (
              <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
                {t(m.newService)}
              </Button>
            )}
          </>
        }
      />
      {creating && (
        <ServiceFormModal
          onClose={() => setCreating(false)}
          onSaved={(s) => {
            setCreating(false);
            navigate(s.id);
          }}
        />
      )}
    </>
  );
}

function ServiceDetail() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const { has } = useSession();
  const [editing, setEditing] = useState(false);
  const service = useQuery({
    queryKey: lgspKeys.service(id),
    queryFn: () => call(api.GET('/api/lgsp/services/{id}', { params: { path: { id } } })),
  });
  const live = useAvailability();
  const s = service.data;
  useCrumbs(s ? [{ title: s.code }] : []);
  const item = live.byService.get(id);

  return (
    <>
      <DetailPage
        loading={service.isLoading}
        error={service.error}
        title={
          <Flex gap={12} align="center" wrap>
            {s?.name}
            {s && (s.active ? <LiveState item={item} /> : <Tag>{t(m.inactive)}</Tag>)}
          </Flex>
        }
        subtitle={s && `${s.code} · ${s.unit.name} (${s.unit.code})`}
        actions={
          s && has('lgsp.registry.write') ? (
            <>
              {s.active && <ProbeButton service={s} />}
              <Button onClick={() => setEditing(true)}>{t(m.edit)}</Button>
            </>
          ) : null
        }
        tabs={
          s
            ? [
                {
                  key: 'info',
                  label: t(m.tabInfo),
                  children: (
                    <Descriptions
                      column={{ xs: 1, lg: 2 }}
                      size="small"
                      bordered
                      items={[
                        {
                          key: 'code',
                          label: t(m.serviceCode),
                          children: <Typography.Text code>{s.code}</Typography.Text>,
                        },
                        { key: 'unit', label: t(m.unit), children: `${s.unit.name} (${s.unit.code})` },
                        {
                          key: 'provider',
                          label: t(m.provider),
                          children: (
                            <Link to={`/lgsp/applications/${s.applicationId}`}>{s.applicationCode}</Link>
                          ),
                        },
                        { key: 'protocol', label: t(m.protocol), children: t(m[`protocol_${s.protocol}`]) },
                        {
                          key: 'base',
                          label: t(m.baseUrl),
                          children: <Typography.Text code>{s.baseUrl}</Typography.Text>,
                        },
                        { key: 'health', label: t(m.healthPath), children: s.healthPath ?? '' },
                        { key: 'timeout', label: t(m.timeoutMs), children: s.timeoutMs },
                        {
                          key: 'methods',
                          label: t(m.methods),
                          children: (
                            <Flex gap={4} wrap>
                              {s.allowedMethods.map((x) => (
                                <Tag key={x}>{x}</Tag>
                              ))}
                            </Flex>
                          ),
                        },
                        {
                          key: 'types',
                          label: t(m.dataTypes),
                          children: (
                            <Flex gap={4} wrap>
                              {s.dataTypes.map((x) => (
                                <Tag key={x}>{x}</Tag>
                              ))}
                            </Flex>
                          ),
                        },
                        {
                          key: 'path',
                          label: t(m.gatewayPath),
                          children: <Typography.Text code>{s.gatewayPath}</Typography.Text>,
                        },
                        {
                          key: 'status',
                          label: t(m.status),
                          children: s.active ? t(m.active) : t(m.inactive),
                        },
                        {
                          key: 'contact',
                          label: t(m.lastContact),
                          children: item?.lastOkAt ? formatDateTime(item.lastOkAt) : t(m.never),
                        },
                        ...(item?.lastError
                          ? [
                              {
                                key: 'error',
                                label: t(m.lastError),
                                children: `${item.lastError}${item.lastFailureAt ? ` (${formatDateTime(item.lastFailureAt)})` : ''}`,
                              },
                            ]
                          : []),
                        { key: 'desc', label: t(m.description), children: s.description ?? '' },
                        { key: 'created', label: t(m.createdAt), children: formatDateTime(s.createdAt) },
                        { key: 'updated', label: t(m.updatedAt), children: formatDateTime(s.updatedAt) },
                      ]}
                    />
                  ),
                },
                {
                  key: 'history',
                  label: t(m.availabilityHistory),
                  children: <AvailabilityHistory serviceId={s.id} />,
                },
              ]
            : []
        }
      />
      {editing && s && (
        <ServiceFormModal service={s} onClose={() => setEditing(false)} onSaved={() => setEditing(false)} />
      )}
    </>
  );
}

function AvailabilityHistory({ serviceId }: { serviceId: string }) {
  const { t } = useI18n();
  const duration = useDuration();
  const history = useInfiniteQuery({
    queryKey: ['lgsp', 'availability-history', serviceId],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      call(
        api.GET('/api/lgsp/availability/{serviceId}/history', {
          params: { path: { serviceId }, query: { limit: 50, cursor: pageParam } },
        }),
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const rows = history.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Flex vertical gap={8}>
      {history.error ? <ProblemAlert error={history.error} onRetry={() => void history.refetch()} /> : null}
      <Table<HistoryItem>
        size="small"
        rowKey="id"
        loading={history.isLoading}
        dataSource={rows}
        pagination={false}
        locale={{ emptyText: <Typography.Text type="secondary">{t(m.noHistory)}</Typography.Text> }}
        columns={[
          { key: 'state', title: t(m.state), render: (_, h) => <StateTag online={h.online} /> },
          { key: 'since', title: t(m.periodStart), render: (_, h) => formatDateTime(h.since) },
          {
            key: 'until',
            title: t(m.periodEnd),
            render: (_, h) =>
              h.until ? (
                formatDateTime(h.until)
              ) : (
                <Typography.Text type="secondary">{t(m.ongoing)}</Typography.Text>
              ),
          },
          { key: 'duration', title: t(m.duration), render: (_, h) => duration(h.durationSeconds) },
          { key: 'cause', title: t(m.cause), render: (_, h) => t(m[`cause_${h.cause}`]) },
          { key: 'detail', title: t(m.description), dataIndex: 'detail' },
        ]}
      />
      {history.hasNextPage && (
        <Flex justify="center">
          <Button loading={history.isFetchingNextPage} onClick={() => void history.fetchNextPage()}>
            {t(m.loadMore)}
          </Button>
        </Flex>
      )}
    </Flex>
  );
}

/** The destination directory: unit code (old codes too) or name without diacritics, service name, data type. */
function Directory() {
  const { t } = useI18n();
  const [filters, setFilters] = useTableFilters();
  const query = { q: filters.dq || undefined, dataType: filters.dtype || undefined };
  const enabled = !!(query.q || query.dataType);
  const dir = useQuery({
    queryKey: ['lgsp', 'directory', query],
    queryFn: () => call(api.GET('/api/lgsp/directory', { params: { query: { ...query, limit: 100 } } })),
    enabled,
    placeholderData: keepPreviousData,
  });
  return (
    <Flex vertical gap={12}>
      <Typography.Text type="secondary">{t(m.directoryIntro)}</Typography.Text>
      <Flex gap={8} wrap role="search">
        <Input.Search
          allowClear
          defaultValue={filters.dq}
          key={`q${filters.dq ?? ''}`}
          aria-label={t(m.directoryQuery)}
          placeholder={t(m.directoryQuery)}
          style={{ width: 320 }}
          onSearch={(v) => setFilters({ dq: v.trim() || undefined })}
        />
        <Input.Search
          allowClear
          defaultValue={filters.dtype}
          key={`t${filters.dtype ?? ''}`}
          aria-label={t(m.directoryDataType)}
          placeholder={t(m.directoryDataType)}
          style={{ width: 220 }}
          onSearch={(v) => setFilters({ dtype: v.trim() || undefined })}
        />
      </Flex>
      {dir.error ? <ProblemAlert error={dir.error} /> : null}
      {enabled &&
        (dir.data?.notes ?? []).map((n) => <Alert key={n} type="info" showIcon title={n} role="status" />)}
      <Table<DirectoryEntry>
        size="small"
        rowKey="serviceId"
        loading={dir.isFetching}
        dataSource={enabled ? (dir.data?.items ?? []) : []}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        locale={{
          emptyText: (
            <Typography.Text type="secondary">
              {enabled ? t(m.noDirectory) : t(m.directoryHint)}
            </Typography.Text>
          ),
        }}
        columns={[
          {
            key: 'unit',
            title: t(m.destinationUnit),
            render: (_, d) => (
              <Flex vertical style={{ lineHeight: 1.25 }}>
                <span>{d.unit.name}</span>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {d.unit.code}
                </Typography.Text>
              </Flex>
            ),
          },
          {
            key: 'service',
            title: t(m.service),
            render: (_, d) => (
              <Flex vertical style={{ lineHeight: 1.25 }}>
                <Link to={`/lgsp/services/${d.serviceId}`}>{d.name}</Link>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {d.serviceCode}
                </Typography.Text>
              </Flex>
            ),
          },
          {
            key: 'types',
            title: t(m.dataTypes),
            render: (_, d) => (
              <Flex gap={4} wrap>
                {d.dataTypes.map((x) => (
                  <Tag key={x}>{x}</Tag>
                ))}
              </Flex>
            ),
          },
          { key: 'protocol', title: t(m.protocol), render: (_, d) => t(m[`protocol_${d.protocol}`]) },
          {
            key: 'path',
            title: t(m.gatewayPath),
            render: (_, d) => <Typography.Text code>{d.gatewayPath}</Typography.Text>,
          },
        ]}
      />
    </Flex>
  );
}
