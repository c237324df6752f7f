/**
 * @module web/features/audit/AuditPage
 * The audit log viewer (SEC-11): filters kept in the URL, newest entries first with keyset paging ("load
 * more" from the last sequence number), full details in a drawer, XLSX/CSV export of the current filter,
 * and the hash-chain check per category.
 */
import { CheckCircleFilled, CloseCircleFilled, DownloadOutlined, ReloadOutlined } from '@ant-design/icons';
import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import {
  Button,
  Card,
  DatePicker,
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
import { formatDateTime, formatNumber } from '../../lib/format';
import { CategoryChart } from './CategoryChart';
import { EntryDrawer } from './EntryDrawer';
import { m, type Severity, severities } from './messages';
import { VerifyCard } from './VerifyCard';

export type Entry = ResponseOf<'/api/audit/entries', 'get'>['items'][number];
type Query = paths['/api/audit/entries']['get']['parameters']['query'];
type Category = NonNullable<Query['category']>[number];

const PAGE = 50;
const list = (v: string | undefined) => (v ? v.split(',').filter(Boolean) : undefined);

/** The server's filter from the URL's filters (shared by the list and the export). */
function toQuery(f: Record<string, string>): Omit<Query, 'limit' | 'beforeSeq'> {
  return {
    category: list(f.category) as Category[] | undefined,
    severity: list(f.severity) as Severity[] | undefined,
    outcome: f.outcome === 'success' || f.outcome === 'failure' ? f.outcome : undefined,
    actorId: f.actor || undefined,
    from: f.from || undefined,
    to: f.to || undefined,
    q: f.q || undefined,
  };
}

function exportUrl(format: 'xlsx' | 'csv', q: ReturnType<typeof toQuery>): string {
  const p = new URLSearchParams({ format });
  for (const [k, v] of Object.entries(q)) {
    if (Array.isArray(v)) for (const x of v) p.append(k, x);
    else if (v) p.set(k, String(v));
  }
  return `/api/audit/export?${p}`;
}

function ActorSelect({
  value,
  label,
  onChange,
}: {
  value?: string;
  label?: string;
  onChange: (id?: string, name?: string) => void;
}) {
  const { t } = useI18n();
  const [search, setSearch] = useState('');
  const q = useQuery({
    queryKey: ['audit', 'actors', search],
    queryFn: () =>
      call(
        api.GET('/api/iam/accounts', {
          params: { query: { q: search || undefined, limit: 20, offset: 0, sort: 'username', order: 'asc' } },
        }),
      ),
    placeholderData: keepPreviousData,
  });
  const options = (q.data?.items ?? []).map((a) => ({ value: a.id, label: `${a.fullName} (${a.username})` }));
  if (value && !options.some((o) => o.value === value)) options.unshift({ value, label: label ?? value });
  return (
    <Select
      showSearch={{ filterOption: false, onSearch: setSearch }}
      allowClear
      value={value}
      placeholder={t(m.anyActor)}
      aria-label={t(m.actor)}
      options={options}
      loading={q.isFetching}
      notFoundContent={t(m.actorSearch)}
      style={{ width: 200 }}
      onChange={(id, opt) => onChange(id, (opt as { label?: string } | undefined)?.label)}
    />
  );
}

export default function AuditPage() {
  const { t, lang } = useI18n();
  const { has } = useSession();
  const [filters, setFilters] = useTableFilters();
  const [open, setOpen] = useState<Entry | null>(null);
  const query = toQuery(filters);

  const cats = useQuery({
    queryKey: ['audit', 'categories'],
    queryFn: () => call(api.GET('/api/audit/categories')),
    staleTime: Number.POSITIVE_INFINITY,
  });
  const units = useQuery({
    queryKey: ['org', 'tree'],
    queryFn: () => call(api.GET('/api/org/tree', { params: { query: { includeClosed: true } } })),
    enabled: has('org.read'),
    staleTime: 5 * 60_000,
  });
  const catLabel = useMemo(() => {
    const map = new Map((cats.data ?? []).map((c) => [c.id, lang === 'vi' ? c.vi : c.en]));
    return (id: string) => map.get(id) ?? id;
  }, [cats.data, lang]);
  const unitLabel = useMemo(() => {
    const map = new Map((units.data ?? []).map((u) => [u.id, u.shortName || u.name]));
    return (id: string | null) => (id ? (map.get(id) ?? id.slice(0, 8)) : '');
  }, [units.data]);

  const entries = useInfiniteQuery({
    queryKey: ['audit', 'entries', query],
    initialPageParam: undefined as number | undefined,
    queryFn: ({ pageParam }) =>
      call(
        api.GET('/api/audit/entries', { params: { query: { ...query, limit: PAGE, beforeSeq: pageParam } } }),
      ),
    getNextPageParam: (last) => last.nextBeforeSeq ?? undefined,
    placeholderData: keepPreviousData,
  });
  const rows = entries.data?.pages.flatMap((p) => p.items) ?? [];

  const columns: TableColumnType<Entry>[] = [
    {
      key: 'at',
      title: t(m.time),
      width: 150,
      render: (_, r) => <span style={{ whiteSpace: 'nowrap' }}>{formatDateTime(r.at)}</span>,
    },
    {
      key: 'category',
      title: t(m.category),
      width: 130,
      ellipsis: true,
      render: (_, r) => catLabel(r.category),
    },
    {
      key: 'action',
      title: t(m.action),
      width: 150,
      ellipsis: { showTitle: false },
      render: (_, r) => (
        <Tooltip title={r.action}>
          <Typography.Text code style={{ fontSize: 12 }}>
            {r.action}
          </Typography.Text>
        </Tooltip>
      ),
    },
    {
      key: 'description',
      title: t(m.description),
      ellipsis: { showTitle: false },
      render: (_, r) => <Tooltip title={r.description}>{r.description}</Tooltip>,
    },
    { key: 'actor', title: t(m.actor), width: 120, ellipsis: true, dataIndex: 'actorName' },
    { key: 'unit', title: t(m.unit), width: 110, ellipsis: true, render: (_, r) => unitLabel(r.unitId) },
    {
      key: 'severity',
      title: t(m.severity),
      width: 105,
      render: (_, r) => {
        const s = severities[r.severity as Severity];
        return <Tag color={s?.color}>{s ? s[lang] : r.severity}</Tag>;
      },
    },
    { key: 'ip', title: t(m.sourceIp), width: 115, ellipsis: true, dataIndex: 'sourceIp' },
    {
      key: 'outcome',
      title: t(m.outcome),
      width: 100,
      render: (_, r) =>
        r.outcome === 'success' ? (
          <span>
            <CheckCircleFilled style={{ color: '#389e0d' }} /> {t(m.success)}
          </span>
        ) : (
          <span>
            <CloseCircleFilled style={{ color: '#cf1322' }} /> {t(m.failure)}
          </span>
        ),
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
      <Flex justify="space-between" align="start" gap={12} wrap>
        <div style={{ flex: '1 1 420px' }}>
          <Typography.Title level={4} style={{ margin: 0 }}>
            {t(m.title)}
          </Typography.Title>
          <Typography.Text type="secondary">{t(m.intro)}</Typography.Text>
        </div>
        <div style={{ flex: '1 1 520px', maxWidth: 760 }}>
          <VerifyCard categoryLabel={catLabel} />
        </div>
      </Flex>
      <Card size="small">
        <Flex vertical gap={8}>
          <Flex wrap gap={8} role="search">
            <Input.Search
              allowClear
              defaultValue={filters.q}
              key={filters.q ?? ''}
              placeholder={t(m.text)}
              aria-label={t(m.text)}
              style={{ width: 240 }}
              onSearch={(v) => setFilters({ q: v.trim() || undefined })}
            />
            <Select
              mode="multiple"
              allowClear
              maxTagCount="responsive"
              value={list(filters.category) ?? []}
              placeholder={t(m.allCategories)}
              aria-label={t(m.category)}
              style={{ width: 240 }}
              options={(cats.data ?? []).map((c) => ({ value: c.id, label: lang === 'vi' ? c.vi : c.en }))}
              onChange={(v: string[]) => setFilters({ category: v.join(',') || undefined })}
            />
            <Select
              mode="multiple"
              allowClear
              maxTagCount="responsive"
              value={list(filters.severity) ?? []}
              placeholder={t(m.allSeverities)}
              aria-label={t(m.severity)}
              style={{ width: 180 }}
              options={Object.entries(severities).map(([k, s]) => ({ value: k, label: s[lang] }))}
              onChange={(v: string[]) => setFilters({ severity: v.join(',') || undefined })}
            />
            <Select
              allowClear
              value={filters.outcome}
              placeholder={t(m.anyOutcome)}
              aria-label={t(m.outcome)}
              style={{ width: 150 }}
              options={[
                { value: 'success', label: t(m.success) },
                { value: 'failure', label: t(m.failure) },
              ]}
              onChange={(v?: string) => setFilters({ outcome: v })}
            />
            {has('iam.account.read') && (
              <ActorSelect
                value={filters.actor}
                label={filters.actorName}
                onChange={(id, name) => setFilters({ actor: id, actorName: id ? name : undefined })}
              />
            )}
          </Flex>
          <Flex justify="space-between" align="center" wrap gap={8}>
            <Space wrap>
              <DatePicker.RangePicker
                showTime={{ format: 'HH:mm' }}
                format="DD/MM/YYYY HH:mm"
                value={range}
                placeholder={[t(m.from), t(m.to)]}
                aria-label={t(m.timeRange)}
                style={{ width: 330 }}
                onChange={(v) =>
                  setFilters({
                    from: v?.[0]?.toISOString(),
                    to: v?.[1]?.toISOString(),
                  })
                }
              />
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
                {entries.hasNextPage
                  ? t(m.shown, { n: formatNumber(rows.length, lang) })
                  : t(m.allShown, { n: formatNumber(rows.length, lang) })}
              </Typography.Text>
              <Tooltip title={t(m.refresh)}>
                <Button
                  icon={<ReloadOutlined />}
                  aria-label={t(m.refresh)}
                  loading={entries.isRefetching}
                  onClick={() => void entries.refetch()}
                />
              </Tooltip>
              <Dropdown
                menu={{
                  items: [
                    { key: 'xlsx', label: t(m.exportXlsx) },
                    { key: 'csv', label: t(m.exportCsv) },
                  ],
                  onClick: ({ key }) => download(key as 'xlsx' | 'csv'),
                }}
              >
                <Tooltip title={t(m.exportHint)} placement="topRight">
                  <Button icon={<DownloadOutlined />}>{t(m.export)}</Button>
                </Tooltip>
              </Dropdown>
            </Space>
          </Flex>
          <CategoryChart query={query} categoryLabel={catLabel} />
          {entries.error && <ProblemAlert error={entries.error} onRetry={() => void entries.refetch()} />}
          <Table<Entry>
            size="small"
            rowKey="seq"
            columns={columns}
            dataSource={rows}
            loading={entries.isLoading || entries.isPlaceholderData}
            pagination={false}
            scroll={{ x: 1200, y: 'calc(100vh - 420px)' }}
            tableLayout="fixed"
            locale={{
              emptyText: (
                <Empty description={<Typography.Text type="secondary">{t(m.empty)}</Typography.Text>} />
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
          {entries.hasNextPage && (
            <Flex justify="center">
              <Button loading={entries.isFetchingNextPage} onClick={() => void entries.fetchNextPage()}>
                {t(m.loadMore)}
              </Button>
            </Flex>
          )}
        </Flex>
      </Card>
      <EntryDrawer
        entry={open}
        onClose={() => setOpen(null)}
        categoryLabel={catLabel}
        unitLabel={unitLabel}
      />
    </Flex>
  );
}
