/**
 * @module web/features/soc/search/SearchPage
 * Event search (SOC-05), the SOC's main screen: the query bar with its time range, the histogram of the
 * results (a click or a brushed span narrows the range), the field sidebar (top values into the query), the
 * results with chosen columns and keyset "load more", an event's detail, saved searches and export. The
 * query, range and columns live in the URL, so a search is shared as a link.
 */
import { DownloadOutlined, LinkOutlined, ReloadOutlined } from '@ant-design/icons';
import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import {
  App,
  Button,
  Card,
  Col,
  Dropdown,
  Empty,
  Flex,
  Row,
  Table,
  type TableColumnType,
  Tooltip,
  Typography,
} from 'antd';
import { useMemo, useState } from 'react';
import { problemText } from '../../../components/ProblemAlert';
import { useI18n } from '../../../i18n';
import { formatDateTime, formatNumber } from '../../../lib/format';
import { type FieldsResult, type HistogramResult, type Hit, type SearchResult, soc } from '../api';
import { m } from '../messages';
import { PageHead, useCopy } from '../parts';
import { EventDrawer } from './EventDrawer';
import { FieldSidebar } from './FieldSidebar';
import { Histogram } from './Histogram';
import { QueryBar } from './QueryBar';
import { SavedSearches } from './SavedSearches';
import {
  addClause,
  DEFAULT_COLUMNS,
  fieldValue,
  queryFields,
  type SearchState,
  useSearchState,
  valueText,
} from './state';

const PAGE = 50;

/** A cell of the results: the event's time in Vietnam time, other fields as text. */
function cellText(hit: Hit, field: string): string {
  if (field === '@timestamp') return formatDateTime(hit.ts);
  return valueText(fieldValue(hit.doc, field));
}

export default function SearchPage() {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const copy = useCopy();
  const [state, setState] = useSearchState();
  const [open, setOpen] = useState<Hit | null>(null);
  const fields = queryFields(state);
  // The same request for the three calls; a new object per render would refetch, so key on its text.
  const key = JSON.stringify(fields);

  const results = useInfiniteQuery({
    queryKey: ['soc', 'search', key],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      soc.post<SearchResult>('/search', { ...fields, size: PAGE, cursor: pageParam }),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
    retry: false,
  });
  const histogram = useQuery({
    queryKey: ['soc', 'histogram', key],
    queryFn: () => soc.post<HistogramResult>('/search/histogram', fields),
    placeholderData: keepPreviousData,
    retry: false,
  });
  const sidebar = useQuery({
    queryKey: ['soc', 'fields', key],
    queryFn: () => soc.get<FieldsResult>('/search/fields', { ...fields, sample: 500 }),
    placeholderData: keepPreviousData,
    retry: false,
  });

  const hits = results.data?.pages.flatMap((p) => p.hits) ?? [];
  const first = results.data?.pages[0];
  const searchError = results.error;

  const addValue = (field: string, value: string, negate: boolean) => {
    setState({ query: addClause(state.query, field, value, negate) });
  };
  const toggleColumn = (field: string) => {
    const cols = state.columns.includes(field)
      ? state.columns.filter((c) => c !== field)
      : [...state.columns, field];
    setState({ columns: cols.length ? cols : [...DEFAULT_COLUMNS] });
  };
  const open_ = (s: SearchState) => setState(s);

  const columns: TableColumnType<Hit>[] = useMemo(
    () =>
      state.columns.map((c) => ({
        key: c,
        title: <span style={{ fontFamily: 'monospace', fontSize: 12 }}>{c}</span>,
        width: c === 'message' ? 520 : c === '@timestamp' ? 170 : 160,
        render: (_: unknown, hit: Hit) => {
          const text = cellText(hit, c);
          return c === 'message' ? (
            <Typography.Text
              style={{ fontSize: 12, fontFamily: 'monospace', maxWidth: 500 }}
              ellipsis={{ tooltip: text }}
            >
              {text}
            </Typography.Text>
          ) : (
            <span style={{ whiteSpace: 'nowrap', fontSize: 12 }}>{text}</span>
          );
        },
      })),
    [state.columns],
  );

  const download = (format: 'csv' | 'ndjson') =>
    soc
      .download(
        '/search/export',
        {
          ...fields,
          format,
          columns: state.columns,
        },
        `su-kien.${format}`,
      )
      .catch((e: unknown) => message.error(problemText(e, lang)));

  const total = first
    ? first.total.relation === 'gte'
      ? t(m.hitsCountMore, { n: formatNumber(first.total.value, lang) })
      : t(m.hitsCount, { n: formatNumber(first.total.value, lang) })
    : '';

  return (
    <Flex vertical gap={12}>
      <PageHead title={t(m.searchTitle)} intro={t(m.searchIntro)} />
      <Card size="small">
        <QueryBar
          query={state.query}
          range={state.range}
          error={searchError}
          loading={results.isFetching && !results.isFetchingNextPage}
          onSearch={(query, range) => {
            setState({ query, range });
            // The same query again (a refresh of a relative range) is a new search too.
            if (query === state.query && JSON.stringify(range) === JSON.stringify(state.range)) {
              void results.refetch();
              void histogram.refetch();
              void sidebar.refetch();
            }
          }}
          extra={
            <Flex gap={8} wrap>
              <SavedSearches state={state} onOpen={open_} />
              <Dropdown
                menu={{
                  items: [
                    { key: 'csv', label: t(m.exportCsv) },
                    { key: 'ndjson', label: t(m.exportNdjson) },
                  ],
                  onClick: ({ key: k }) => void download(k as 'csv' | 'ndjson'),
                }}
              >
                <Button icon={<DownloadOutlined />}>{t(m.export)}</Button>
              </Dropdown>
              <Tooltip title={t(m.copyLink)}>
                <Button
                  icon={<LinkOutlined />}
                  aria-label={t(m.copyLink)}
                  onClick={() => void copy(window.location.href)}
                />
              </Tooltip>
            </Flex>
          }
        />
      </Card>
      {!searchError && (
        <Histogram
          data={histogram.data}
          loading={histogram.isFetching}
          onRange={(from, to) => setState({ range: { from, to } })}
        />
      )}
      <Row gutter={[12, 12]}>
        <Col xs={24} lg={7} xl={6}>
          <FieldSidebar
            data={searchError ? undefined : sidebar.data}
            loading={sidebar.isFetching}
            columns={state.columns}
            onValue={addValue}
            onToggleColumn={toggleColumn}
          />
        </Col>
        <Col xs={24} lg={17} xl={18}>
          <Card
            size="small"
            title={
              <Flex gap={8} align="baseline" wrap>
                <span>{total}</span>
                {first && (
                  <Typography.Text type="secondary" style={{ fontSize: 12, fontWeight: 'normal' }}>
                    {t(m.took, { ms: first.took })} · {formatDateTime(first.from)} –{' '}
                    {formatDateTime(first.to)}
                  </Typography.Text>
                )}
              </Flex>
            }
            extra={
              <Flex gap={8}>
                <Button
                  size="small"
                  onClick={() => setState({ columns: [...DEFAULT_COLUMNS] })}
                  disabled={state.columns.join() === DEFAULT_COLUMNS.join()}
                >
                  {t(m.resetColumns)}
                </Button>
                <Button
                  size="small"
                  icon={<ReloadOutlined />}
                  aria-label={t(m.refresh)}
                  onClick={() => void results.refetch()}
                />
              </Flex>
            }
          >
            <Table<Hit>
              size="small"
              rowKey={(h) => `${h.ts}|${h.id}`}
              columns={columns}
              dataSource={searchError ? [] : hits}
              loading={results.isFetching && !results.isFetchingNextPage}
              pagination={false}
              scroll={{ x: 'max-content' }}
              locale={{
                emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t(m.noEvents)} />,
              }}
              onRow={(h) => ({
                onClick: () => setOpen(h),
                onKeyDown: (e) => {
                  if (e.key === 'Enter') setOpen(h);
                },
                tabIndex: 0,
                style: { cursor: 'pointer' },
              })}
            />
            {!searchError && hits.length > 0 && (
              <Flex vertical align="center" gap={8} style={{ marginTop: 12 }}>
                <Typography.Text type="secondary" role="status">
                  {results.hasNextPage
                    ? t(m.shownOf, { shown: formatNumber(hits.length, lang) })
                    : t(m.allShown, { shown: formatNumber(hits.length, lang) })}
                </Typography.Text>
                {results.hasNextPage && (
                  <Button loading={results.isFetchingNextPage} onClick={() => void results.fetchNextPage()}>
                    {t(m.loadMore)}
                  </Button>
                )}
              </Flex>
            )}
          </Card>
        </Col>
      </Row>
      <EventDrawer
        hit={open}
        onClose={() => setOpen(null)}
        onValue={(f, v, n) => {
          setOpen(null);
          addValue(f, v, n);
        }}
      />
    </Flex>
  );
}
