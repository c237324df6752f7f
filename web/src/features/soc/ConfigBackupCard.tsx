/**
 * The SIEM configuration backup (SOC-16) on the health screen: download the configuration as JSON; pick a
 * file to see what importing it would change (a dry run), then apply exactly that.
 */
import { DownloadOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Flex, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useSession } from '../../auth/session';
import { FileUpload, uploadWithProgress } from '../../components/FileUpload';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useI18n } from '../../i18n';
import { m } from './messages';

interface ConfigChange {
  kind: 'input' | 'pipeline' | 'system' | 'range' | 'source';
  key: string;
  action: 'create' | 'update' | 'skip' | 'error';
  fields: string[];
  reason: string | null;
}
interface ImportResult {
  dryRun: boolean;
  counts: Record<string, { create: number; update: number; unchanged: number; skip: number; error: number }>;
  changes: ConfigChange[];
}

const ACTION_COLOR = { create: 'green', update: 'blue', skip: 'default', error: 'red' } as const;

const total = (r: ImportResult, a: 'create' | 'update' | 'error') =>
  Object.values(r.counts).reduce((n, c) => n + c[a], 0);

/** The card: export link, file picker, preview table, apply. */
export function ConfigBackupCard() {
  const { t } = useI18n();
  const { me } = useSession();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [doc, setDoc] = useState<string | null>(null);
  const [preview, setPreview] = useState<ImportResult | null>(null);
  const [percent, setPercent] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [notJson, setNotJson] = useState(false);
  const [busy, setBusy] = useState(false);

  const send = (body: string, dryRun: boolean) =>
    uploadWithProgress(
      `/api/soc/config/import${dryRun ? '?dryRun=true' : ''}`,
      body,
      'application/json',
      me?.csrfToken ?? null,
      setPercent,
    ) as Promise<ImportResult>;

  const pick = async (file: File) => {
    setPreview(null);
    setError(null);
    setNotJson(false);
    const text = await file.text();
    try {
      JSON.parse(text);
    } catch {
      setNotJson(true);
      return;
    }
    setDoc(text);
    setBusy(true);
    try {
      setPreview(await send(text, true));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const apply = async () => {
    if (!doc) return;
    setBusy(true);
    try {
      const done = await send(doc, false);
      message.success(
        t(m.configApplied, {
          created: total(done, 'create'),
          updated: total(done, 'update'),
          errors: total(done, 'error'),
        }),
      );
      setPreview(done.changes.some((c) => c.action === 'error') ? done : null);
      setDoc(null);
      await qc.invalidateQueries();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const applicable = preview?.dryRun
    ? preview.changes.filter((c) => c.action === 'create' || c.action === 'update').length
    : 0;

  return (
    <Card
      size="small"
      title={t(m.configTitle)}
      extra={
        <Button icon={<DownloadOutlined />} href="/api/soc/config/export" download>
          {t(m.configExport)}
        </Button>
      }
    >
      <Flex vertical gap={8}>
        <Typography.Text type="secondary">{t(m.configIntro)}</Typography.Text>
        <FileUpload
          label={t(m.configPick)}
          accept=".json,application/json"
          onFile={(f) => void pick(f)}
          percent={percent}
        />
        {notJson && <Alert type="warning" showIcon title={t(m.configNotJson)} />}
        {error ? <ProblemAlert error={error} /> : null}
        {preview && preview.changes.length === 0 && (
          <Alert type="success" showIcon title={t(m.configNothing)} />
        )}
        {preview && preview.changes.length > 0 && (
          <>
            {preview.dryRun && (
              <Typography.Text strong>{t(m.configPreview, { changes: applicable })}</Typography.Text>
            )}
            <Table<ConfigChange>
              size="small"
              rowKey={(c) => `${c.kind}:${c.key}`}
              dataSource={preview.changes}
              pagination={preview.changes.length > 20 ? { pageSize: 20 } : false}
              columns={[
                { key: 'kind', title: t(m.configKind), render: (_, c) => t(m[`configKind_${c.kind}`]) },
                {
                  key: 'key',
                  title: t(m.configKey),
                  render: (_, c) => <Typography.Text code>{c.key}</Typography.Text>,
                },
                {
                  key: 'action',
                  title: t(m.configAction),
                  render: (_, c) => (
                    <Tag color={ACTION_COLOR[c.action]}>{t(m[`configAction_${c.action}`])}</Tag>
                  ),
                },
                {
                  key: 'fields',
                  title: t(m.configFields),
                  render: (_, c) => c.reason ?? c.fields.join(', '),
                },
              ]}
            />
            {preview.dryRun && (
              <Flex justify="flex-end">
                <Button
                  type="primary"
                  disabled={applicable === 0}
                  loading={busy}
                  onClick={() => void apply()}
                >
                  {t(m.configApply, { changes: applicable })}
                </Button>
              </Flex>
            )}
          </>
        )}
      </Flex>
    </Card>
  );
}
