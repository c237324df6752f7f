/**
 * The query bar: the query (KQL subset), the time range (relative or from/to), and the server's refusal of a
 * query shown at its position with its code.
 */
import { SearchOutlined } from '@ant-design/icons';
import { Button, DatePicker, Flex, Input, Select, Typography } from 'antd';
import dayjs from 'dayjs';
import { useEffect, useState } from 'react';
import { toApiError } from '../../../api/errors';
import { ProblemAlert } from '../../../components/ProblemAlert';
import { useI18n } from '../../../i18n';
import { m } from '../messages';
import { useStatusText } from '../parts';
import { RELATIVE, type TimeRange } from './state';

const relativeLabel = {
  '15m': m.last15m,
  '1h': m.last1h,
  '24h': m.last24h,
  '7d': m.last7d,
  '30d': m.last30d,
} as const;

/** True when the server refused the query itself (not the range, not a lost connection). */
function isQueryError(error: unknown): boolean {
  return !!error && toApiError(error).code.startsWith('SOC_QUERY_');
}

/** The query's error position (0-based), when the server's problem names one. */
export function errorPosition(error: unknown): number | null {
  const e = toApiError(error);
  if (e.code !== 'SOC_QUERY_SYNTAX' && e.code !== 'SOC_QUERY_VALUE') return null;
  for (const f of e.fieldErrors) {
    const hit = /position (\d+)/.exec(f.message);
    if (hit) return Number(hit[1]);
  }
  const inTitle = /position (\d+)/.exec(e.titleEn);
  return inTitle ? Number(inTitle[1]) : null;
}

/** The query with a marker under the character the server refused. */
function QueryError({ query, error }: { query: string; error: unknown }) {
  const { t } = useI18n();
  const { bad } = useStatusText();
  const at = errorPosition(error);
  return (
    <Flex vertical gap={4}>
      {at !== null && (
        <div data-testid="query-error-position">
          <Typography.Text type="secondary">{t(m.queryErrorAt, { position: at + 1 })}</Typography.Text>
          <pre style={{ margin: 0, fontSize: 13, overflowX: 'auto' }} aria-hidden>
            {query}
            {'\n'}
            <span
              style={{ color: bad, fontWeight: 700 }}
            >{`${' '.repeat(Math.min(at, query.length))}^`}</span>
          </pre>
        </div>
      )}
      <ProblemAlert error={error} />
    </Flex>
  );
}

/** Query input, range picker and search button; `onSearch` runs with what is typed. */
export function QueryBar({
  query,
  range,
  error,
  loading,
  onSearch,
  extra,
}: {
  query: string;
  range: TimeRange;
  error: unknown;
  loading: boolean;
  onSearch: (query: string, range: TimeRange) => void;
  extra?: React.ReactNode;
}) {
  const { t } = useI18n();
  const [text, setText] = useState(query);
  // A query set from outside (a field value clicked, a saved search opened, Back) replaces what is typed.
  useEffect(() => setText(query), [query]);
  const absolute = !('last' in range);
  const [mode, setMode] = useState<string>(absolute ? 'absolute' : range.last);
  useEffect(() => setMode('last' in range ? range.last : 'absolute'), [range]);

  const rangeValue: [dayjs.Dayjs, dayjs.Dayjs] | null =
    'from' in range ? [dayjs(range.from), dayjs(range.to)] : null;

  return (
    <Flex vertical gap={8}>
      <Flex gap={8} wrap align="start">
        <Input.TextArea
          aria-label={t(m.queryLabel)}
          placeholder={t(m.queryPlaceholder)}
          value={text}
          autoSize={{ minRows: 1, maxRows: 4 }}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            // Enter searches (Shift+Enter breaks a long query over lines).
            if (e.key === 'Enter' && !e.shiftKey) {
              e.preventDefault();
              onSearch(text, range);
            }
          }}
          status={isQueryError(error) ? 'error' : undefined}
          aria-invalid={isQueryError(error) || undefined}
          style={{ flex: '1 1 420px', fontFamily: 'monospace' }}
          spellCheck={false}
        />
        <Select
          aria-label={t(m.timeRange)}
          value={mode}
          style={{ width: 190 }}
          onChange={(v) => {
            setMode(v);
            if (v !== 'absolute') onSearch(text, { last: v });
          }}
          options={[
            ...RELATIVE.map((r) => ({ value: r, label: t(relativeLabel[r]) })),
            ...('last' in range && !RELATIVE.includes(range.last as (typeof RELATIVE)[number])
              ? [{ value: range.last, label: range.last }]
              : []),
            { value: 'absolute', label: t(m.absolute) },
          ]}
        />
        {mode === 'absolute' && (
          <DatePicker.RangePicker
            aria-label={t(m.absoluteRange)}
            showTime={{ format: 'HH:mm:ss' }}
            format="DD/MM/YYYY HH:mm:ss"
            value={rangeValue}
            allowClear={false}
            onChange={(v) => {
              if (v?.[0] && v[1]) onSearch(text, { from: v[0].toISOString(), to: v[1].toISOString() });
            }}
          />
        )}
        <Button
          type="primary"
          icon={<SearchOutlined />}
          loading={loading}
          onClick={() => onSearch(text, range)}
        >
          {t(m.runSearch)}
        </Button>
        {extra}
      </Flex>
      {error ? <QueryError query={query} error={error} /> : null}
    </Flex>
  );
}
