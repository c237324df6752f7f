/**
 * Import of a unit list (CSV/XLSX): the file is checked first (dry run, nothing written) and its row errors
 * shown; only a clean file can then be imported for real. Upload progress is shown for large files.
 */
import { useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Flex, Modal, Typography } from 'antd';
import { useState } from 'react';
import type { ResponseOf } from '../../api/client';
import { useSession } from '../../auth/session';
import { FileUpload, uploadWithProgress } from '../../components/FileUpload';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useI18n } from '../../i18n';
import { m } from './messages';
import { ExportButton } from './parts';

type ImportResult = ResponseOf<'/api/org/import', 'post'>;

function toBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}

export function ImportModal({ onClose }: { onClose: () => void }) {
  const { t } = useI18n();
  const { me } = useSession();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [file, setFile] = useState<{ format: 'csv' | 'xlsx'; content: string } | null>(null);
  const [percent, setPercent] = useState<number | null>(null);
  const [check, setCheck] = useState<ImportResult | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [badFormat, setBadFormat] = useState(false);

  const send = (f: { format: 'csv' | 'xlsx'; content: string }, dryRun: boolean) =>
    uploadWithProgress(
      '/api/org/import',
      JSON.stringify({ ...f, dryRun }),
      'application/json',
      me?.csrfToken ?? null,
      setPercent,
    ) as Promise<ImportResult>;

  const pick = async (picked: File) => {
    const ext = picked.name.toLowerCase().split('.').pop();
    setCheck(null);
    setError(null);
    setBadFormat(false);
    if (ext !== 'csv' && ext !== 'xlsx') {
      setBadFormat(true);
      return;
    }
    setBusy(true);
    try {
      const f = { format: ext, content: await toBase64(picked) } as const;
      setFile(f);
      setPercent(0);
      setCheck(await send(f, true));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const apply = async () => {
    if (!file) return;
    setBusy(true);
    try {
      const done = await send(file, false);
      await queryClient.invalidateQueries({ queryKey: ['org'] });
      message.success(t(m.imported, { created: done.created, updated: done.updated }));
      onClose();
    } catch (err) {
      setError(err);
      setCheck(null);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open
      width={720}
      title={t(m.importTitle)}
      onCancel={onClose}
      footer={
        <Flex justify="space-between">
          <ExportButton />
          <Flex gap={8}>
            <Button onClick={onClose}>{t(m.close)}</Button>
            <Button
              type="primary"
              disabled={!check || check.rows === 0}
              loading={busy && !!check}
              onClick={apply}
            >
              {t(m.applyImport, { rows: check?.rows ?? 0 })}
            </Button>
          </Flex>
        </Flex>
      }
    >
      <Typography.Paragraph type="secondary">{t(m.importHint)}</Typography.Paragraph>
      <FileUpload label={t(m.pickFile)} accept=".csv,.xlsx" onFile={(f) => void pick(f)} percent={percent} />
      <div style={{ marginTop: 12 }}>
        {badFormat && <Alert type="warning" showIcon title={t(m.badFormat)} />}
        {busy && !check && !error && <Typography.Text type="secondary">{t(m.checking)}</Typography.Text>}
        {check && (
          <Alert
            type="success"
            showIcon
            title={t(m.checkOk, {
              rows: check.rows,
              created: check.created,
              updated: check.updated,
              unchanged: check.unchanged,
            })}
          />
        )}
        {error ? (
          <Flex vertical gap={8}>
            <Typography.Text strong>{t(m.checkFailed)}</Typography.Text>
            <div style={{ maxHeight: 280, overflow: 'auto' }}>
              <ProblemAlert error={error} />
            </div>
          </Flex>
        ) : null}
      </div>
    </Modal>
  );
}
