/**
 * @module web/features/lgsp/ExchangesPage
 * Exchange records (LGSP-17, LGSP-33, LGSP-37): filters in the URL (time range, source and destination unit,
 * service, outcome, error code), newest first with keyset paging ("load more" from the server's cursor),
 * CSV/XLSX export of the current filter, and one record's details in a drawer.
 */
import { CheckCircleFilled, CloseCircleFilled, DownloadOutlined, ReloadOutlined } from '@ant-design/icons';
import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import {
  Button,
  Card,
  DatePicker,
  Descriptions,
  Drawer,
  Dropdown,
  Empty,
  Flex,
  Input,
  Select,
  Space,
  Table,
  type TableColumnType,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import dayjs from 'dayjs';
import { useMemo, useState } from 'react';
import { api, call, type ResponseOf } from '../../api/client';
import type { paths } from '../../api/schema';
import { useSession } from '../../auth/session';
import { useTableFilters } from '../../components/DataTable';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useI18n } from '../../i18n';
import { formatBytes, formatDateTime, formatNumber } from '../../lib/format';
import { UnitSelect } from '../org/UnitSelect';
import { unitMap, useUnitTree } from '../org/units';
import { m } from './messages';
import { BAD_RED, OK_GREEN } from './parts';

type Exchange = ResponseOf<'/api/lgsp/exchanges', 'get'>['items'][number];
type Query = paths['/api/lgsp/exchanges']['get']['parameters']['query'];

const PAGE = 50;
const SERVICE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const ERROR_CODE = /^[A-Z][A-Z0-9_]{1,63}$/;

/** The server's filter from the URL's filters (shared by the list and the export). */
function toQuery(f: Record<string, string>): Omit<Query, 'limit' | 'cursor'> {
  const cls = Number(f.statusClass);
  return {
    from: f.from || undefined,
    to: f.to || undefined,
    sourceUnitId: f.sourceUnitId || undefined,
    destinationUnitId: f.destinationUnitId || undefined,
    service: f.service && SERVICE.test(f.service) ? f.service : undefined,
    statusClass: cls >= 1 && cls <= 5 ? cls : undefined,
    errorCode: f.errorCode && ERROR_CODE.test(f.errorCode) ? f.errorCode : undefined,
  };
}

function exportUrl(format: 'xlsx' | 'csv', q: ReturnType<typeof toQuery>): string {
  const p = new URLSearchParams({ format });
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== '') p.set(k, String(v));
  return `/api/lgsp/exchanges/export?${p}`;
}

function Outcome({ r }: { r: Exchange }) {
  const { t } = useI18n();
  const ok = r.status < 400 && !r.errorCode;
  return ok ? (
    <span>
      <CheckCircleFilled style={{ color: OK_GREEN }} aria-label={t(m.outcome_ok)} /> {r.status}
    </span>
  ) : (
    <span>
      <CloseCircleFilled style={{ color: BAD_RED }} aria-label={t(m.outcome_error)} /> {r.status}
    </span>
  );
}

/** A unit's name for display when the person may read the organisation tree; its code otherwise. */
function useUnitName() {
  const { has } = useSession();
  const tree = useUnitTree(true);
  const units = useMemo(() => unitMap(has('org.read') ? tree.data : undefined), [tree.data, has]);
  return (id: string | null) => {
    const u = id ? units.get(id) : undefined;
    return u ? u.shortName || u.name : null;
  };
}

export default function ExchangesPage() {
  const { t, lang } = useI18n();
  const unitName = useUnitName();
  const [filters, setFilters] = useTableFilters();
  const [open, setOpen] = useState<Exchange | null>(null);
  const query = toQuery(filters);

  const records = useInfiniteQuery({
    queryKey: ['lgsp', 'exchanges', query],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      call(
        api.GET('/api/lgsp/exchanges', { params: { query: { ...query, limit: PAGE, cursor: pageParam } } }),
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });
  const rows = records.data?.pages.flatMap((p) => p.items) ?? [];

  const columns: TableColumnType<Exchange>[] = [
    {
      key: 'timeIn',
      title: t(m.time),
      width: 160,
      render: (_, r) => <span style={{ whiteSpace: 'nowrap' }}>{formatDateTime(r.timeIn)}</span>,
    },
    {
      key: 'source',
      title: t(m.sourceUnit),
      width: 190,
      render: (_, r) => (
        <Flex vertical style={{ lineHeight: 1.25 }}>
          <span>{r.sourceUnitCode ?? '—'}</span>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {[unitName(r.sourceUnitId), r.sourceApplicationCode].filter(Boolean).join(' · ')}
          </Typography.Text>
        </Flex>
      ),
    },
    {
      key: 'destination',
      title: t(m.destinationUnit),
      width: 170,
      render: (_, r) => (
        <Flex vertical style={{ lineHeight: 1.25 }}>
          <span>{r.destinationUnitCode}</span>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {unitName(r.destinationUnitId)}
          </Typography.Text>
        </Flex>
      ),
    },
    {
      key: 'service',
      title: t(m.service),
      width: 130,
      render: (_, r) => <Typography.Text code>{r.serviceCode}</Typography.Text>,
    },
    {
      key: 'call',
      title: t(m.path),
      ellipsis: { showTitle: false },
      render: (_, r) => (
        <Tooltip title={`${r.method} ${r.path}`}>
          <Typography.Text style={{ fontSize: 12 }}>
            <strong>{r.method}</strong> {r.path}
          </Typography.Text>
        </Tooltip>
      ),
    },
    { key: 'status', title: t(m.httpStatus), width: 100, render: (_, r) => <Outcome r={r} /> },
    {
      key: 'error',
      title: t(m.errorCode),
      width: 190,
      ellipsis: true,
      render: (_, r) => (r.errorCode ? <Typography.Text code>{r.errorCode}</Typography.Text> : ''),
    },
    {
      key: 'latency',
      title: t(m.latency),
      width: 100,
      align: 'right',
      render: (_, r) => t(m.ms, { n: formatNumber(r.latencyMs, lang) }),
    },
  ];

  const range: [dayjs.Dayjs, dayjs.Dayjs] | null =
    filters.from && filters.to ? [dayjs(filters.from), dayjs(filters.to)] : null;
  const anyFilter = Object.keys(filters).length > 0;
  const download = (format: 'xlsx' | 'csv') => {
    const a = document.createElement('a');
    a.href = exportUrl(format, query);
    a.download = '';
    a.click();
  };

  return (
    <Flex vertical gap={12}>
      <div>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t(m.exchangesTitle)}
        </Typography.Title>
        <Typography.Text type="secondary">{t(m.exchangesIntro)}</Typography.Text>
      </div>
      <Card size="small">
        <Flex vertical gap={8}>
          <Flex wrap gap={8} role="search">
            <DatePicker.RangePicker
              showTime={{ format: 'HH:mm' }}
              format="DD/MM/YYYY HH:mm"
              value={range}
              placeholder={[t(m.from), t(m.to)]}
              aria-label={t(m.timeRange)}
              style={{ width: 330 }}
              onChange={(v) => setFilters({ from: v?.[0]?.toISOString(), to: v?.[1]?.toISOString() })}
            />
            <UnitSelect
              value={filters.sourceUnitId}
              onChange={(v) => setFilters({ sourceUnitId: (v as string | undefined) ?? undefined })}
              placeholder={t(m.anySource)}
              style={{ width: 220 }}
            />
            <UnitSelect
              value={filters.destinationUnitId}
              onChange={(v) => setFilters({ destinationUnitId: (v as string | undefined) ?? undefined })}
              placeholder={t(m.anyDestination)}
              style={{ width: 220 }}
            />
            <Input.Search
              allowClear
              defaultValue={filters.service}
              key={`s${filters.service ?? ''}`}
              placeholder={t(m.anyService)}
              aria-label={t(m.serviceCode)}
              style={{ width: 170 }}
              onSearch={(v) => setFilters({ service: v.trim() || undefined })}
            />
            <Select
              allowClear
              value={filters.statusClass}
              placeholder={t(m.anyStatus)}
              aria-label={t(m.httpStatus)}
              style={{ width: 150 }}
              options={[
                { value: '2', label: `2xx — ${t(m.outcome_ok)}` },
                { value: '4', label: '4xx' },
                { value: '5', label: '5xx' },
              ]}
              onChange={(v?: string) => setFilters({ statusClass: v })}
            />
            <Input.Search
              allowClear
              defaultValue={filters.errorCode}
              key={`e${filters.errorCode ?? ''}`}
              placeholder={t(m.errorCodeFilter)}
              aria-label={t(m.errorCode)}
              style={{ width: 260 }}
              onSearch={(v) => setFilters({ errorCode: v.trim().toUpperCase() || undefined })}
            />
          </Flex>
          <Flex justify="space-between" align="center" wrap gap={8}>
            <Space wrap>
              {anyFilter && (
                <Button
                  onClick={() =>
                    setFilters(Object.fromEntries(Object.keys(filters).map((k) => [k, undefined])))
                  }
                >
                  {t(m.clearFilters)}
                </Button>
              )}
            </Space>
            <Space>
              <Typography.Text type="secondary" role="status">
                {records.hasNextPage
                  ? t(m.shown, { n: formatNumber(rows.length, lang) })
                  : t(m.allShown, { n: formatNumber(rows.length, lang) })}
              </Typography.Text>
              <Tooltip title={t(m.refresh)}>
                <Button
                  icon={<ReloadOutlined />}
                  aria-label={t(m.refresh)}
                  loading={records.isRefetching}
                  onClick={() => void records.refetch()}
                />
              </Tooltip>
              <Dropdown
                menu={{
                  // The hint is the menu's heading: a tooltip on the button would cover the menu items.
                  items: [
                    {
                      type: 'group',
                      label: t(m.exportHint),
                      children: [
                        { key: 'xlsx', label: t(m.exportXlsx) },
                        { key: 'csv', label: t(m.exportCsv) },
                      ],
                    },
                  ],
                  onClick: ({ key }) => download(key as 'xlsx' | 'csv'),
                }}
              >
                <Button icon={<DownloadOutlined />}>{t(m.export)}</Button>
              </Dropdown>
            </Space>
          </Flex>
          {records.error && <ProblemAlert error={records.error} onRetry={() => void records.refetch()} />}
          <Table<Exchange>
            size="small"
            rowKey="id"
            columns={columns}
            dataSource={rows}
            loading={records.isLoading || records.isPlaceholderData}
            pagination={false}
            scroll={{ x: 1200 }}
            tableLayout="fixed"
            locale={{
              emptyText: (
                <Empty description={<Typography.Text type="secondary">{t(m.noExchanges)}</Typography.Text>} />
              ),
            }}
            onRow={(r) => ({
              onClick: () => setOpen(r),
              onKeyDown: (e) => {
                if (e.key === 'Enter') setOpen(r);
              },
              tabIndex: 0,
              style: { cursor: 'pointer' },
            })}
          />
          {records.hasNextPage && (
            <Flex justify="center">
              <Button loading={records.isFetchingNextPage} onClick={() => void records.fetchNextPage()}>
                {t(m.loadMore)}
              </Button>
            </Flex>
          )}
        </Flex>
      </Card>
      <ExchangeDrawer record={open} onClose={() => setOpen(null)} unitName={unitName} />
    </Flex>
  );
}

function ExchangeDrawer({
  record,
  onClose,
  unitName,
}: {
  record: Exchange | null;
  onClose: () => void;
  unitName: (id: string | null) => string | null;
}) {
  const named = (id: string | null, code: string | null) => {
    const name = unitName(id);
    return name ? `${code ?? '—'} · ${name}` : (code ?? '—');
  };
  const { t, lang } = useI18n();
  const mode = record ? (`mode_${record.mode}` as keyof typeof m) : null;
  return (
    <Drawer open={!!record} onClose={onClose} size={620} title={t(m.record)} destroyOnHidden>
      {record && (
        <Descriptions
          size="small"
          bordered
          column={1}
          styles={{ label: { width: 170 } }}
          items={[
            { key: 'in', label: t(m.timeIn), children: formatDateTime(record.timeIn) },
            { key: 'out', label: t(m.timeOut), children: formatDateTime(record.timeOut) },
            {
              key: 'src',
              label: t(m.sourceUnit),
              children: named(record.sourceUnitId, record.sourceUnitCode),
            },
            { key: 'app', label: t(m.sourceApp), children: record.sourceApplicationCode ?? '—' },
            {
              key: 'dst',
              label: t(m.destinationUnit),
              children: named(record.destinationUnitId, record.destinationUnitCode),
            },
            {
              key: 'svc',
              label: t(m.service),
              children: <Typography.Text code>{record.serviceCode}</Typography.Text>,
            },
            { key: 'method', label: t(m.method), children: record.method },
            {
              key: 'path',
              label: t(m.path),
              children: <Typography.Text code>{record.path}</Typography.Text>,
            },
            {
              key: 'status',
              label: t(m.httpStatus),
              children: (
                <Tag color={record.status < 400 && !record.errorCode ? OK_GREEN : BAD_RED}>
                  {record.status} —{' '}
                  {record.status < 400 && !record.errorCode ? t(m.outcome_ok) : t(m.outcome_error)}
                </Tag>
              ),
            },
            {
              key: 'error',
              label: t(m.errorCode),
              children: record.errorCode ? <Typography.Text code>{record.errorCode}</Typography.Text> : '',
            },
            {
              key: 'latency',
              label: t(m.latency),
              children: t(m.ms, { n: formatNumber(record.latencyMs, lang) }),
            },
            { key: 'req', label: t(m.requestBytes), children: formatBytes(record.requestBytes) },
            { key: 'res', label: t(m.responseBytes), children: formatBytes(record.responseBytes) },
            { key: 'mode', label: t(m.mode), children: mode && mode in m ? t(m[mode]) : record.mode },
            { key: 'node', label: t(m.node), children: record.node },
            {
              key: 'rid',
              label: t(m.requestId),
              children: (
                <Typography.Text copyable style={{ fontSize: 12 }}>
                  {record.requestId}
                </Typography.Text>
              ),
            },
          ]}
        />
      )}
    </Drawer>
  );
}
