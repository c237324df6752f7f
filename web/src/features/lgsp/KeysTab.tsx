/**
 * An application's access keys (Article 10, LGSP-29): issue, rotate with an overlap, revoke with a reason;
 * HMAC secrets shown once in a dialog and never again; RSA applications register a PEM public key or
 * certificate and see its subject, serial and validity.
 */
import { KeyOutlined, StopOutlined, SwapOutlined, UploadOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Flex, Form, Input, Modal, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { api, call, type ResponseOf } from '../../api/client';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useI18n } from '../../i18n';
import { formatDate, formatDateTime } from '../../lib/format';
import { useAfterAppChange } from './ApplicationDetail';
import { type Application, type Key, lgspKeys } from './api';
import { m } from './messages';
import {
  BAD_RED,
  DangerButton,
  isPem,
  OK_GREEN,
  PemInput,
  ReadOnlyNote,
  SecretOnceModal,
  WARN_ORANGE,
} from './parts';

type Issued = ResponseOf<'/api/lgsp/applications/{id}/keys', 'post'>;

const keyColour: Record<Key['status'], string> = {
  active: OK_GREEN,
  rotated: WARN_ORANGE,
  revoked: BAD_RED,
  expired: 'default',
};

function KeyStatusTag({ status }: { status: Key['status'] }) {
  const { t } = useI18n();
  return <Tag color={keyColour[status]}>{t(m[`keyStatus_${status}`])}</Tag>;
}

export function KeysTab({ app, canWrite }: { app: Application; canWrite: boolean }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const afterApp = useAfterAppChange(app.id);
  const keys = useQuery({
    queryKey: lgspKeys.keys(app.id),
    queryFn: () => call(api.GET('/api/lgsp/applications/{id}/keys', { params: { path: { id: app.id } } })),
  });
  // The secret lives only here, in memory, until the dialog closes; nothing caches or stores it.
  const [secret, setSecret] = useState<{ accessKey: string; secret: string } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [rotating, setRotating] = useState(false);
  const [revoking, setRevoking] = useState<Key | null>(null);
  const [registering, setRegistering] = useState(false);
  const active = keys.data?.find((k) => k.status === 'active');

  const after = async (issued?: Issued) => {
    if (issued?.secretKey) setSecret({ accessKey: issued.key.accessKey, secret: issued.secretKey });
    else if (issued) message.success(t(m.keyIssued, { key: issued.key.accessKey }));
    await Promise.all([queryClient.invalidateQueries({ queryKey: lgspKeys.keys(app.id) }), afterApp()]);
  };

  const issue = async () => {
    setBusy(true);
    setError(null);
    try {
      await after(
        await call(api.POST('/api/lgsp/applications/{id}/keys', { params: { path: { id: app.id } } })),
      );
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Flex vertical gap={12}>
      <ReadOnlyNote canWrite={canWrite} />
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
        {t(m.keysIntro)}
      </Typography.Paragraph>
      {error ? <ProblemAlert error={error} /> : null}
      {keys.error ? <ProblemAlert error={keys.error} onRetry={() => void keys.refetch()} /> : null}
      {canWrite && (
        <Flex gap={8} wrap>
          {app.kind === 'hmac' && !active && (
            <Button type="primary" icon={<KeyOutlined />} loading={busy} onClick={() => void issue()}>
              {t(m.newKey)}
            </Button>
          )}
          {app.kind === 'hmac' && active && (
            <Button icon={<SwapOutlined />} onClick={() => setRotating(true)}>
              {t(m.rotateKey)}
            </Button>
          )}
          {app.kind === 'rsa' && (
            <Button
              type={active ? 'default' : 'primary'}
              icon={<UploadOutlined />}
              onClick={() => setRegistering(true)}
            >
              {t(m.registerKey)}
            </Button>
          )}
        </Flex>
      )}
      <Table<Key>
        size="small"
        rowKey="accessKey"
        loading={keys.isLoading}
        dataSource={keys.data ?? []}
        pagination={false}
        locale={{ emptyText: <Typography.Text type="secondary">{t(m.noKeys)}</Typography.Text> }}
        columns={[
          {
            key: 'accessKey',
            title: t(m.accessKey),
            render: (_, k) => (
              <Typography.Text code copyable={{ text: k.accessKey, tooltips: [t(m.copy), t(m.copied)] }}>
                {k.accessKey}
              </Typography.Text>
            ),
          },
          { key: 'status', title: t(m.status), render: (_, k) => <KeyStatusTag status={k.status} /> },
          ...(app.kind === 'rsa'
            ? [
                {
                  key: 'bits',
                  title: t(m.keyBits),
                  render: (_: unknown, k: Key) => (k.keyBits ? `RSA ${k.keyBits}` : ''),
                },
                {
                  key: 'subject',
                  title: t(m.certSubject),
                  render: (_: unknown, k: Key) =>
                    k.certificate ? (
                      <Flex vertical style={{ lineHeight: 1.25 }}>
                        <span>{k.certificate.subject}</span>
                        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                          {t(m.certSerial)}: {k.certificate.serial}
                        </Typography.Text>
                      </Flex>
                    ) : (
                      <Typography.Text type="secondary">{t(m.bareKey)}</Typography.Text>
                    ),
                },
                {
                  key: 'cert',
                  title: t(m.certValidity),
                  render: (_: unknown, k: Key) =>
                    k.certificate
                      ? `${formatDate(k.certificate.notBefore)} – ${formatDate(k.certificate.notAfter)}`
                      : '',
                },
              ]
            : []),
          { key: 'created', title: t(m.createdAt), render: (_, k) => formatDateTime(k.createdAt) },
          { key: 'by', title: t(m.createdBy), dataIndex: 'createdBy' },
          {
            key: 'until',
            title: t(m.validUntil),
            render: (_, k) =>
              k.revokedAt ? (
                <Flex vertical style={{ lineHeight: 1.25 }}>
                  <span>
                    {t(m.revokedAt)} {formatDateTime(k.revokedAt)}
                  </span>
                  {k.revokedReason && (
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {t(m.reason)}: {k.revokedReason}
                    </Typography.Text>
                  )}
                </Flex>
              ) : (
                formatDateTime(k.validUntil)
              ),
          },
          ...(canWrite
            ? [
                {
                  key: 'actions',
                  title: '',
                  render: (_: unknown, k: Key) =>
                    k.status === 'active' || k.status === 'rotated' ? (
                      <DangerButton
                        size="small"
                        icon={<StopOutlined />}
                        aria-label={t(m.revokeTitle, { key: k.accessKey })}
                        onClick={() => setRevoking(k)}
                      >
                        {t(m.revokeKey)}
                      </DangerButton>
                    ) : null,
                },
              ]
            : []),
        ]}
      />
      {rotating && (
        <RotateModal
          app={app}
          onClose={() => setRotating(false)}
          onDone={async (issued) => {
            setRotating(false);
            await after(issued);
          }}
        />
      )}
      {revoking && (
        <RevokeModal
          k={revoking}
          onClose={() => setRevoking(null)}
          onDone={async () => {
            setRevoking(null);
            message.success(t(m.revoked));
            await after();
          }}
        />
      )}
      {registering && (
        <PublicKeyModal
          app={app}
          onClose={() => setRegistering(false)}
          onDone={async (issued) => {
            setRegistering(false);
            await after(issued);
          }}
        />
      )}
      {secret && (
        <SecretOnceModal
          appCode={app.code}
          accessKey={secret.accessKey}
          secret={secret.secret}
          onClose={() => setSecret(null)}
        />
      )}
    </Flex>
  );
}

function RotateModal({
  app,
  onClose,
  onDone,
}: {
  app: Application;
  onClose: () => void;
  onDone: (issued: Issued) => Promise<void>;
}) {
  const { t } = useI18n();
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  return (
    <Modal
      open
      title={t(m.rotateKey)}
      okText={t(m.rotateKey)}
      cancelText={t(m.cancel)}
      confirmLoading={busy}
      onCancel={onClose}
      onOk={async () => {
        setBusy(true);
        setError(null);
        try {
          const issued = await call(
            api.POST('/api/lgsp/applications/{id}/keys/rotate', {
              params: { path: { id: app.id } },
              body: reason.trim() ? { reason: reason.trim() } : {},
            }),
          );
          await onDone(issued);
        } catch (err) {
          setError(err);
        } finally {
          setBusy(false);
        }
      }}
    >
      <Flex vertical gap={12}>
        <Alert type="info" showIcon title={t(m.rotateHelp)} />
        {error ? <ProblemAlert error={error} /> : null}
        <label htmlFor="lgsp-rotate-reason">
          <Typography.Text strong>{t(m.reason)}</Typography.Text>
        </label>
        <Input.TextArea
          id="lgsp-rotate-reason"
          rows={2}
          maxLength={500}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
        />
      </Flex>
    </Modal>
  );
}

function RevokeModal({ k, onClose, onDone }: { k: Key; onClose: () => void; onDone: () => Promise<void> }) {
  const { t } = useI18n();
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  return (
    <Modal
      open
      title={t(m.revokeTitle, { key: k.accessKey })}
      okText={t(m.revokeKey)}
      okButtonProps={{ danger: true, disabled: !reason.trim() }}
      cancelText={t(m.cancel)}
      confirmLoading={busy}
      onCancel={onClose}
      onOk={async () => {
        setBusy(true);
        setError(null);
        try {
          await call(
            api.POST('/api/lgsp/keys/{accessKey}/revoke', {
              params: { path: { accessKey: k.accessKey } },
              body: { reason: reason.trim() },
            }),
          );
          await onDone();
        } catch (err) {
          setError(err);
        } finally {
          setBusy(false);
        }
      }}
    >
      <Flex vertical gap={12}>
        <Alert type="warning" showIcon title={t(m.revokeHelp)} />
        {error ? <ProblemAlert error={error} /> : null}
        <label htmlFor="lgsp-revoke-reason">
          <Typography.Text strong>{t(m.reason)}</Typography.Text>
        </label>
        <Input.TextArea
          id="lgsp-revoke-reason"
          rows={3}
          maxLength={500}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
        />
      </Flex>
    </Modal>
  );
}

function PublicKeyModal({
  app,
  onClose,
  onDone,
}: {
  app: Application;
  onClose: () => void;
  onDone: (issued: Issued) => Promise<void>;
}) {
  const { t } = useI18n();
  const [form] = Form.useForm<{ pem: string }>();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  return (
    <Modal
      open
      width={680}
      title={t(m.registerKey)}
      okText={t(m.registerKey)}
      cancelText={t(m.cancel)}
      confirmLoading={busy}
      onCancel={onClose}
      onOk={() => form.submit()}
      destroyOnHidden
    >
      {error ? <ProblemAlert error={error} /> : null}
      <Form
        form={form}
        layout="vertical"
        style={{ marginTop: 12 }}
        onFinish={async (v) => {
          setBusy(true);
          setError(null);
          try {
            const issued = await call(
              api.POST('/api/lgsp/applications/{id}/public-key', {
                params: { path: { id: app.id } },
                body: { pem: v.pem.trim() },
              }),
            );
            await onDone(issued);
          } catch (err) {
            setError(err);
          } finally {
            setBusy(false);
          }
        }}
      >
        <Form.Item
          name="pem"
          label={t(m.publicKey)}
          extra={t(m.publicKeyHelp)}
          rules={[
            { required: true, message: t(m.required) },
            {
              validator: async (_, v: string) =>
                isPem(v) ? undefined : Promise.reject(new Error(t(m.pemNotPem))),
            },
          ]}
        >
          <PemInput />
        </Form.Item>
      </Form>
    </Modal>
  );
}
