/**
 * @module web/features/soc/ImportsPage
 * Forensic imports: a log file uploaded as is (the body is the file; progress of the upload from
 * XMLHttpRequest) with its format chosen or detected, then each import's progress (bytes, events, problem
 * lines, ETA) polled until it ends, the list of imports, and a link that searches the imported events.
 */
import { SearchOutlined, StopOutlined } from '@ant-design/icons';
import { keepPreviousData, useInfiniteQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Flex, Progress, Select, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { useSession } from '../../auth/session';
import { FileUpload, uploadWithProgress } from '../../components/FileUpload';
import { ProblemAlert, problemText } from '../../components/ProblemAlert';
import { useI18n } from '../../i18n';
import { formatBytes, formatDateTime, formatNumber } from '../../lib/format';
import { type ImportFormatChoice, type ImportJob, importFormats, soc, socKeys } from './api';
import { m } from './messages';
import { BAD_RED, DangerButton, OK_GREEN, PageHead } from './parts';

const ACTIVE = new Set(['queued', 'running']);

/**
 * The search link of an import's events: they all carry the tag `import:<id>`; forensic logs may be old, so
 * the range is the longest a search takes.
 */
export function importSearchLink(job: Pick<ImportJob, 'id'>): string {
  const p = new URLSearchParams({ q: `tags:"import:${job.id}"`, last: '400d' });
  return `/soc/search?${p}`;
}

/** "3 phút 20 giây" of an ETA in seconds. */
function duration(seconds: number, lang: 'vi' | 'en'): string {
  const s = Math.max(0, Math.round(seconds));
  const min = Math.floor(s / 60);
  const sec = s % 60;
  if (lang === 'vi') return min ? `${min} phút ${sec} giây` : `${sec} giây`;
  return min ? `${min} min ${sec} s` : `${sec} s`;
}

function StateTag({ state }: { state: ImportJob['state'] }) {
  const { t } = useI18n();
  const color = state === 'done' ? OK_GREEN : state === 'failed' ? BAD_RED : undefined;
  return <Tag color={color}>{t(m[`import_${state}`])}</Tag>;
}

export default function ImportsPage() {
  const { t, lang } = useI18n();
  const { me } = useSession();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [format, setFormat] = useState<ImportFormatChoice>('auto');
  const [percent, setPercent] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);

  const jobs = useInfiniteQuery({
    queryKey: socKeys.imports,
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      soc.get<{ items: ImportJob[]; nextCursor: string | null }>('/imports', {
        limit: 50,
        cursor: pageParam,
      }),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
    // Poll while an import is under way; stop once every one has ended.
    refetchInterval: (q) =>
      q.state.data?.pages.some((p) => p.items.some((j) => ACTIVE.has(j.state))) ? 1500 : false,
  });
  const rows = jobs.data?.pages.flatMap((p) => p.items) ?? [];

  const upload = async (file: File) => {
    setError(null);
    setPercent(0);
    try {
      const q = new URLSearchParams({ name: file.name, format });
      await uploadWithProgress(
        `/api/soc/imports?${q}`,
        file,
        'application/octet-stream',
        me?.csrfToken ?? null,
        setPercent,
      );
      message.success(t(m.uploaded));
      await qc.invalidateQueries({ queryKey: socKeys.imports });
    } catch (e) {
      setError(e);
    } finally {
      setPercent(null);
    }
  };

  const cancel = async (job: ImportJob) => {
    try {
      await soc.post(`/imports/${job.id}/cancel`);
      await qc.invalidateQueries({ queryKey: socKeys.imports });
    } catch (e) {
      message.error(problemText(e, lang));
    }
  };

  return (
    <Flex vertical gap={12}>
      <PageHead title={t(m.importsTitle)} intro={t(m.importsIntro)} />
      <Card size="small">
        <Flex gap={12} wrap align="start">
          <Flex vertical gap={4}>
            <label htmlFor="soc-import-format">
              <Typography.Text strong>{t(m.format)}</Typography.Text>
            </label>
            <Select
              id="soc-import-format"
              value={format}
              onChange={setFormat}
              style={{ width: 260 }}
              options={importFormats.map((f) => ({ value: f, label: t(m[`format_${f}`]) }))}
            />
          </Flex>
          <div style={{ flex: '1 1 320px', paddingTop: 26 }}>
            <FileUpload
              label={t(m.chooseFile)}
              accept="*/*"
              percent={percent}
              onFile={(f) => void upload(f)}
            />
          </div>
        </Flex>
        {error ? <ProblemAlert error={error} /> : null}
      </Card>
      <Card size="small" title={t(m.importsTitle)}>
        {jobs.error ? <ProblemAlert error={jobs.error} onRetry={() => void jobs.refetch()} /> : null}
        <Table<ImportJob>
          size="small"
          rowKey="id"
          loading={jobs.isLoading}
          dataSource={rows}
          pagination={false}
          scroll={{ x: 'max-content' }}
          columns={[
            {
              key: 'file',
              title: t(m.fileName),
              render: (_, j) => (
                <Flex vertical style={{ lineHeight: 1.25 }}>
                  <Typography.Text strong>{j.fileName}</Typography.Text>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {formatBytes(j.sizeBytes)} · {j.format ?? j.requestedFormat} · {j.createdBy.name} ·{' '}
                    {formatDateTime(j.createdAt)}
                  </Typography.Text>
                </Flex>
              ),
            },
            { key: 'state', title: t(m.state), render: (_, j) => <StateTag state={j.state} /> },
            {
              key: 'progress',
              title: t(m.progress),
              width: 260,
              render: (_, j) => (
                <Flex vertical>
                  <Progress
                    percent={Math.floor(j.percent)}
                    size="small"
                    status={j.state === 'failed' ? 'exception' : ACTIVE.has(j.state) ? 'active' : undefined}
                    aria-label={`${t(m.progress)} ${j.fileName}`}
                  />
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {formatBytes(j.bytesRead)} / {formatBytes(j.sizeBytes)}
                    {ACTIVE.has(j.state) && j.etaSeconds !== null
                      ? ` · ${t(m.eta, { t: duration(j.etaSeconds, lang) })}`
                      : ''}
                  </Typography.Text>
                  {j.errorMessage && (
                    <Typography.Text type="danger" style={{ fontSize: 12 }}>
                      {j.errorMessage} {j.errorCode ? `(${j.errorCode})` : ''}
                    </Typography.Text>
                  )}
                </Flex>
              ),
            },
            {
              key: 'events',
              title: t(m.events),
              align: 'right',
              render: (_, j) => formatNumber(j.eventsSubmitted, lang),
            },
            {
              key: 'problems',
              title: t(m.problems),
              align: 'right',
              render: (_, j) => formatNumber(j.problemLines, lang),
            },
            {
              key: 'actions',
              title: t(m.actions),
              render: (_, j) => (
                <Flex gap={4}>
                  <Button
                    size="small"
                    icon={<SearchOutlined />}
                    aria-label={`${t(m.searchTheseEvents)}: ${j.fileName}`}
                    onClick={() => navigate(importSearchLink(j))}
                  >
                    {t(m.searchTheseEvents)}
                  </Button>
                  {ACTIVE.has(j.state) && (
                    <DangerButton size="small" icon={<StopOutlined />} onClick={() => void cancel(j)}>
                      {t(m.cancel)}
                    </DangerButton>
                  )}
                </Flex>
              ),
            },
          ]}
        />
        {jobs.hasNextPage && (
          <Flex justify="center" style={{ marginTop: 12 }}>
            <Button loading={jobs.isFetchingNextPage} onClick={() => void jobs.fetchNextPage()}>
              {t(m.loadMore)}
            </Button>
          </Flex>
        )}
      </Card>
    </Flex>
  );
}
