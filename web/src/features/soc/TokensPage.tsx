/**
 * @module web/features/soc/TokensPage
 * Ingest tokens, the shippers' credentials: create one (its secret and the shippers' configuration snippets
 * shown once, with copy buttons), list them (never a secret), revoke one (every node refuses it at once).
 */
import { CopyOutlined, PlusOutlined, StopOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Flex,
  Form,
  Input,
  Modal,
  Popconfirm,
  Table,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { api, call } from '../../api/client';
import { FormModal } from '../../components/FormModal';
import { ProblemAlert, problemText } from '../../components/ProblemAlert';
import { useI18n } from '../../i18n';
import { formatDateTime } from '../../lib/format';
import { UnitSelect } from '../org/UnitSelect';
import { type IngestToken, type IssuedToken, type SiemInput, soc, socKeys } from './api';
import { m } from './messages';
import { DangerButton, OK_GREEN, PageHead, useCopy, WhenCell } from './parts';
import { shipperSnippets } from './snippets';

export default function TokensPage() {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [creating, setCreating] = useState(false);
  const [issued, setIssued] = useState<IssuedToken | null>(null);
  const tokens = useQuery({
    queryKey: socKeys.tokens,
    queryFn: () => soc.get<IngestToken[]>('/ingest-tokens'),
  });

  const revoke = async (tk: IngestToken) => {
    try {
      await call(api.POST('/api/soc/ingest-tokens/{id}/revoke', { params: { path: { id: tk.id } } }));
      message.success(t(m.revoked));
      await qc.invalidateQueries({ queryKey: socKeys.tokens });
    } catch (e) {
      message.error(problemText(e, lang));
    }
  };

  return (
    <Flex vertical gap={12}>
      <PageHead title={t(m.tokensTitle)} intro={t(m.tokensIntro)} />
      <Card
        size="small"
        extra={
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
            {t(m.newToken)}
          </Button>
        }
        title={t(m.tokensTitle)}
      >
        {tokens.error ? <ProblemAlert error={tokens.error} onRetry={() => void tokens.refetch()} /> : null}
        <Table<IngestToken>
          size="small"
          rowKey="id"
          loading={tokens.isLoading}
          dataSource={tokens.data ?? []}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          scroll={{ x: 'max-content' }}
          columns={[
            {
              key: 'name',
              title: t(m.name),
              render: (_, tk) => <Typography.Text strong>{tk.name}</Typography.Text>,
            },
            {
              key: 'prefix',
              title: t(m.prefix),
              render: (_, tk) => <Typography.Text code>{tk.prefix}…</Typography.Text>,
            },
            {
              key: 'state',
              title: t(m.state),
              render: (_, tk) =>
                tk.revokedAt ? (
                  <Tag title={formatDateTime(tk.revokedAt)}>{t(m.revoked)}</Tag>
                ) : (
                  <Tag color={OK_GREEN}>{t(m.active)}</Tag>
                ),
            },
            { key: 'lastUsed', title: t(m.lastUsed), render: (_, tk) => <WhenCell at={tk.lastUsedAt} /> },
            {
              key: 'created',
              title: t(m.createdAt),
              render: (_, tk) => (
                <Flex vertical style={{ lineHeight: 1.25 }}>
                  <span>{formatDateTime(tk.createdAt)}</span>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {tk.createdByName}
                  </Typography.Text>
                </Flex>
              ),
            },
            {
              key: 'actions',
              title: t(m.actions),
              render: (_, tk) =>
                tk.revokedAt ? null : (
                  <Popconfirm
                    title={t(m.confirmRevoke, { name: tk.name })}
                    okText={t(m.revoke)}
                    cancelText={t(m.cancel)}
                    onConfirm={() => revoke(tk)}
                  >
                    <DangerButton
                      size="small"
                      icon={<StopOutlined />}
                      aria-label={t(m.revokeToken, { name: tk.name })}
                    >
                      {t(m.revoke)}
                    </DangerButton>
                  </Popconfirm>
                ),
            },
          ]}
        />
      </Card>
      {creating && (
        <FormModal<{ name: string; unitId?: string | null }>
          title={t(m.newToken)}
          okText={t(m.newToken)}
          cancelText={t(m.cancel)}
          onClose={() => setCreating(false)}
          onSubmit={async (v) => {
            const created = await call(
              api.POST('/api/soc/ingest-tokens', { body: { name: v.name.trim(), unitId: v.unitId ?? null } }),
            );
            setCreating(false);
            setIssued(created);
            void qc.invalidateQueries({ queryKey: socKeys.tokens });
          }}
        >
          <Form.Item name="name" label={t(m.name)} rules={[{ required: true, whitespace: true, max: 200 }]}>
            <Input placeholder="filebeat-so-tu-phap" />
          </Form.Item>
          <Form.Item name="unitId" label={t(m.unit)}>
            <UnitSelect id="unitId" />
          </Form.Item>
        </FormModal>
      )}
      {issued && <SecretOnce token={issued} onClose={() => setIssued(null)} />}
    </Flex>
  );
}

/** A value with a copy button (read-only input so it can be selected with the keyboard). */
function CopyField({ label, value, testId }: { label: string; value: string; testId: string }) {
  const { t } = useI18n();
  const copy = useCopy();
  return (
    <Flex vertical gap={4}>
      <label htmlFor={testId}>
        <Typography.Text strong>{label}</Typography.Text>
      </label>
      <Flex gap={8}>
        <Input
          id={testId}
          readOnly
          value={value}
          data-testid={testId}
          style={{ fontFamily: 'monospace' }}
          onFocus={(e) => e.target.select()}
        />
        <Button icon={<CopyOutlined />} onClick={() => void copy(value)} aria-label={`${t(m.copy)} ${label}`}>
          {t(m.copy)}
        </Button>
      </Flex>
    </Flex>
  );
}

/**
 * The token's secret and snippets, shown once: the dialog closes only by saying it was saved; the secret
 * lives in this component's props only and is gone once it closes.
 */
function SecretOnce({ token, onClose }: { token: IssuedToken; onClose: () => void }) {
  const { t } = useI18n();
  const copy = useCopy();
  const inputs = useQuery({
    queryKey: socKeys.inputs,
    queryFn: async () => (await soc.get<{ items: SiemInput[] }>('/inputs')).items,
    retry: false,
  });
  const tcp = inputs.data?.find((i: SiemInput) => i.kind === 'syslog-tcp' || i.id === 'syslog-tcp');
  const port = (tcp?.address ?? tcp?.listen)?.port ?? 5514;
  const snippets = shipperSnippets(token, window.location.origin, { host: window.location.hostname, port });
  return (
    <Modal
      open
      title={t(m.tokenSecretTitle)}
      closable={false}
      mask={{ closable: false }}
      keyboard={false}
      width={820}
      footer={
        <Button type="primary" onClick={onClose}>
          {t(m.tokenDone)}
        </Button>
      }
    >
      <Flex vertical gap={12}>
        <Alert type="warning" showIcon title={t(m.tokenSecretWarning)} />
        <CopyField label={t(m.bearer)} value={token.token} testId="token-bearer" />
        <CopyField label={t(m.apiKey)} value={token.apiKey} testId="token-api-key" />
        <Flex gap={12} wrap>
          <div style={{ flex: 1, minWidth: 240 }}>
            <CopyField label={t(m.basicUser)} value={token.username} testId="token-username" />
          </div>
          <div style={{ flex: 1, minWidth: 240 }}>
            <CopyField label={t(m.basicPassword)} value={token.password} testId="token-password" />
          </div>
        </Flex>
        <Typography.Text strong>{t(m.snippets)}</Typography.Text>
        <Tabs
          size="small"
          items={snippets.map((s) => ({
            key: s.name,
            label: s.name,
            children: (
              <Flex vertical gap={8}>
                <div>
                  <Button size="small" icon={<CopyOutlined />} onClick={() => void copy(s.text)}>
                    {t(m.copySnippet, { name: s.name })}
                  </Button>
                </div>
                <pre
                  style={{ fontSize: 12, margin: 0, whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}
                  data-testid={`snippet-${s.language}`}
                >
                  {s.text}
                </pre>
              </Flex>
            ),
          }))}
        />
      </Flex>
    </Modal>
  );
}
