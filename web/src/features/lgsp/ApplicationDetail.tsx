/**
 * An application's page (/lgsp/applications/:id): information (edit, suspend, reactivate), access keys,
 * allowed networks, limits, the services it provides and the rights it holds.
 */
import { PauseCircleOutlined, PlayCircleOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Descriptions,
  Flex,
  Form,
  Input,
  InputNumber,
  Modal,
  Popconfirm,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, call } from '../../api/client';
import { useSession } from '../../auth/session';
import { DetailPage } from '../../components/DetailPage';
import { ProblemAlert } from '../../components/ProblemAlert';
import { usePersistentForm } from '../../components/usePersistentForm';
import { useI18n } from '../../i18n';
import { formatDateTime } from '../../lib/format';
import { useCrumbs } from '../../shell/crumbs';
import { algorithmsOf } from './ApplicationForm';
import { type Application, lgspKeys, type Right, type Service } from './api';
import { KeysTab } from './KeysTab';
import { m } from './messages';
import { AppStatusTag, CidrListEditor, DangerButton, ReadOnlyNote } from './parts';

/** Keeps the application's cached copies fresh after a change. */
export function useAfterAppChange(id: string) {
  const queryClient = useQueryClient();
  return async (a?: Application) => {
    if (a) queryClient.setQueryData(lgspKeys.application(id), a);
    await Promise.all([
      queryClient.invalidateQueries({ queryKey: lgspKeys.application(id) }),
      queryClient.invalidateQueries({ queryKey: lgspKeys.applications }),
      queryClient.invalidateQueries({ queryKey: lgspKeys.units }),
    ]);
  };
}

export function ApplicationDetail() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const { has } = useSession();
  const app = useQuery({
    queryKey: lgspKeys.application(id),
    queryFn: () => call(api.GET('/api/lgsp/applications/{id}', { params: { path: { id } } })),
  });
  const a = app.data;
  useCrumbs(a ? [{ title: a.code }] : []);
  const canWrite = has('lgsp.registry.write');

  return (
    <DetailPage
      loading={app.isLoading}
      error={app.error}
      title={
        <Flex gap={12} align="center" wrap>
          {a?.name}
          {a && <AppStatusTag status={a.status} />}
        </Flex>
      }
      subtitle={a && `${a.code} · ${a.unit.name} (${a.unit.code})`}
      actions={a && canWrite ? <StatusActions app={a} /> : null}
      tabs={
        a
          ? [
              { key: 'info', label: t(m.tabInfo), children: <InfoTab app={a} canWrite={canWrite} /> },
              {
                key: 'keys',
                label: t(m.tabKeys),
                children: <KeysTab app={a} canWrite={has('lgsp.keys.write')} />,
              },
              {
                key: 'networks',
                label: t(m.tabNetworks),
                children: <NetworksTab app={a} canWrite={canWrite} />,
              },
              { key: 'limits', label: t(m.tabLimits), children: <LimitsTab app={a} canWrite={canWrite} /> },
              { key: 'provides', label: t(m.tabProvides), children: <ProvidesTab app={a} /> },
              { key: 'rights', label: t(m.tabRights), children: <RightsHeldTab app={a} /> },
            ]
          : []
      }
    />
  );
}

/** Suspend (with a reason) or reactivate. */
function StatusActions({ app }: { app: Application }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const after = useAfterAppChange(app.id);
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const suspend = async () => {
    // The button is disabled without a reason; a suspension is always explained.
    if (!reason.trim()) return;
    setBusy(true);
    setError(null);
    try {
      const saved = await call(
        api.POST('/api/lgsp/applications/{id}/suspend', {
          params: { path: { id: app.id } },
          body: { reason: reason.trim() },
        }),
      );
      await after(saved);
      message.success(t(m.suspended));
      setOpen(false);
      setReason('');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const resume = async () => {
    try {
      const saved = await call(
        api.POST('/api/lgsp/applications/{id}/resume', { params: { path: { id: app.id } }, body: {} }),
      );
      await after(saved);
      message.success(t(m.activated));
    } catch (err) {
      setError(err);
    }
  };

  if (app.status === 'suspended')
    return (
      <>
        {error && !open ? <ProblemAlert error={error} /> : null}
        <Popconfirm title={t(m.activate)} onConfirm={() => void resume()} okText={t(m.activate)}>
          <Button icon={<PlayCircleOutlined />}>{t(m.activate)}</Button>
        </Popconfirm>
      </>
    );
  return (
    <>
      <DangerButton icon={<PauseCircleOutlined />} onClick={() => setOpen(true)}>
        {t(m.suspend)}
      </DangerButton>
      <Modal
        open={open}
        title={t(m.suspendTitle, { code: app.code })}
        okText={t(m.suspend)}
        okButtonProps={{ danger: true, disabled: !reason.trim() }}
        cancelText={t(m.cancel)}
        confirmLoading={busy}
        onOk={() => void suspend()}
        onCancel={() => setOpen(false)}
        destroyOnHidden
      >
        <Flex vertical gap={12}>
          <Alert type="warning" showIcon title={t(m.suspendHelp)} />
          {error ? <ProblemAlert error={error} /> : null}
          <label htmlFor="lgsp-suspend-reason">
            <Typography.Text strong>{t(m.reason)}</Typography.Text>
          </label>
          <Input.TextArea
            id="lgsp-suspend-reason"
            rows={3}
            maxLength={500}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
          />
        </Flex>
      </Modal>
    </>
  );
}

interface InfoValues {
  name: string;
  description?: string;
  algorithms: Application['algorithms'];
  contactName?: string;
  contactEmail?: string;
  contactPhone?: string;
}

const blank = (v: string | undefined) => (v?.trim() ? v.trim() : null);

function InfoTab({ app, canWrite }: { app: Application; canWrite: boolean }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const after = useAfterAppChange(app.id);
  const [form] = Form.useForm<InfoValues>();
  const draft = usePersistentForm(`lgsp.application.${app.id}`, form);
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const algorithms = Form.useWatch('algorithms', form) ?? app.algorithms;
  return (
    <Flex gap={32} wrap align="start">
      <div style={{ flex: '1 1 420px', maxWidth: 600 }}>
        <ReadOnlyNote canWrite={canWrite} />
        {error ? <ProblemAlert error={error} /> : null}
        <Form<InfoValues>
          form={form}
          layout="vertical"
          disabled={!canWrite}
          initialValues={{
            name: app.name,
            description: app.description ?? undefined,
            algorithms: app.algorithms,
            contactName: app.contact.name ?? undefined,
            contactEmail: app.contact.email ?? undefined,
            contactPhone: app.contact.phone ?? undefined,
          }}
          onValuesChange={draft.onValuesChange}
          onFinish={async (v) => {
            setSaving(true);
            setError(null);
            try {
              const saved = await call(
                api.PATCH('/api/lgsp/applications/{id}', {
                  params: { path: { id: app.id } },
                  body: {
                    name: v.name.trim(),
                    description: blank(v.description),
                    algorithms: v.algorithms,
                    contact: {
                      name: blank(v.contactName),
                      email: blank(v.contactEmail),
                      phone: blank(v.contactPhone),
                    },
                  },
                }),
              );
              draft.clear();
              await after(saved);
              message.success(t(m.saved));
            } catch (err) {
              setError(err);
            } finally {
              setSaving(false);
            }
          }}
        >
          <Form.Item
            name="name"
            label={t(m.name)}
            rules={[{ required: true, whitespace: true, message: t(m.required) }]}
          >
            <Input maxLength={255} />
          </Form.Item>
          <Form.Item name="description" label={t(m.description)}>
            <Input.TextArea rows={3} maxLength={2000} />
          </Form.Item>
          <Form.Item
            name="algorithms"
            label={t(m.algorithms)}
            rules={[{ required: true, type: 'array', min: 1, message: t(m.required) }]}
          >
            <Select mode="multiple" options={algorithmsOf[app.kind].map((a) => ({ value: a, label: a }))} />
          </Form.Item>
          {algorithms.includes('HMAC-SHA1') && (
            <Alert type="warning" showIcon title={t(m.sha1Warning)} style={{ marginBottom: 16 }} />
          )}
          <Form.Item name="contactName" label={t(m.contactName)}>
            <Input maxLength={200} />
          </Form.Item>
          <Form.Item
            name="contactEmail"
            label={t(m.contactEmail)}
            rules={[{ type: 'email', message: t(m.invalidEmail) }]}
          >
            <Input maxLength={254} />
          </Form.Item>
          <Form.Item name="contactPhone" label={t(m.contactPhone)}>
            <Input maxLength={30} />
          </Form.Item>
          {canWrite && (
            <Button type="primary" htmlType="submit" loading={saving}>
              {t(m.save)}
            </Button>
          )}
        </Form>
      </div>
      <Descriptions
        style={{ flex: '1 1 320px' }}
        column={1}
        size="small"
        bordered
        items={[
          { key: 'code', label: t(m.appCode), children: <Typography.Text code>{app.code}</Typography.Text> },
          { key: 'unit', label: t(m.unit), children: `${app.unit.name} (${app.unit.code})` },
          { key: 'kind', label: t(m.kind), children: t(m[`kind_${app.kind}`]) },
          { key: 'status', label: t(m.status), children: <AppStatusTag status={app.status} /> },
          ...(app.statusReason ? [{ key: 'reason', label: t(m.reason), children: app.statusReason }] : []),
          {
            key: 'key',
            label: t(m.accessKey),
            children: app.activeAccessKey ? (
              <Typography.Text code>{app.activeAccessKey}</Typography.Text>
            ) : (
              t(m.none)
            ),
          },
          { key: 'created', label: t(m.createdAt), children: formatDateTime(app.createdAt) },
          { key: 'updated', label: t(m.updatedAt), children: formatDateTime(app.updatedAt) },
        ]}
      />
    </Flex>
  );
}

function NetworksTab({ app, canWrite }: { app: Application; canWrite: boolean }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const after = useAfterAppChange(app.id);
  const [list, setList] = useState<string[]>(app.allowedNetworks);
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  useEffect(() => setList(app.allowedNetworks), [app.allowedNetworks]);
  const dirty = list.join() !== app.allowedNetworks.join();
  return (
    <div style={{ maxWidth: 640 }}>
      <ReadOnlyNote canWrite={canWrite} />
      <Typography.Paragraph type="secondary">{t(m.networksIntro)}</Typography.Paragraph>
      {error ? <ProblemAlert error={error} /> : null}
      <CidrListEditor value={list} onChange={setList} disabled={!canWrite} />
      {canWrite && (
        <Space style={{ marginTop: 16 }}>
          <Button
            type="primary"
            disabled={!dirty}
            loading={saving}
            onClick={async () => {
              setSaving(true);
              setError(null);
              try {
                const saved = await call(
                  api.PATCH('/api/lgsp/applications/{id}', {
                    params: { path: { id: app.id } },
                    body: { allowedNetworks: list },
                  }),
                );
                await after(saved);
                message.success(t(m.saved));
              } catch (err) {
                setError(err);
              } finally {
                setSaving(false);
              }
            }}
          >
            {t(m.save)}
          </Button>
          <Button disabled={!dirty} onClick={() => setList(app.allowedNetworks)}>
            {t(m.cancel)}
          </Button>
        </Space>
      )}
    </div>
  );
}

function LimitsTab({ app, canWrite }: { app: Application; canWrite: boolean }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const after = useAfterAppChange(app.id);
  const [form] = Form.useForm<{ rateLimitPerMinute?: number | null; quotaPerDay?: number | null }>();
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  return (
    <div style={{ maxWidth: 560 }}>
      <ReadOnlyNote canWrite={canWrite} />
      <Typography.Paragraph type="secondary">{t(m.limitsIntro)}</Typography.Paragraph>
      {error ? <ProblemAlert error={error} /> : null}
      <Form
        form={form}
        layout="vertical"
        disabled={!canWrite}
        initialValues={{ rateLimitPerMinute: app.rateLimitPerMinute, quotaPerDay: app.quotaPerDay }}
        onFinish={async (v) => {
          setSaving(true);
          setError(null);
          try {
            const saved = await call(
              api.PATCH('/api/lgsp/applications/{id}', {
                params: { path: { id: app.id } },
                body: {
                  rateLimitPerMinute: v.rateLimitPerMinute ?? null,
                  quotaPerDay: v.quotaPerDay ?? null,
                },
              }),
            );
            await after(saved);
            message.success(t(m.saved));
          } catch (err) {
            setError(err);
          } finally {
            setSaving(false);
          }
        }}
      >
        <Form.Item name="rateLimitPerMinute" label={t(m.ratePerMinute)}>
          <InputNumber
            min={1}
            max={10_000_000}
            precision={0}
            placeholder={t(m.platformDefault)}
            style={{ width: 260 }}
          />
        </Form.Item>
        <Form.Item name="quotaPerDay" label={t(m.quotaPerDay)}>
          <InputNumber
            min={1}
            max={1_000_000_000}
            precision={0}
            placeholder={t(m.unlimited)}
            style={{ width: 260 }}
          />
        </Form.Item>
        {canWrite && (
          <Button type="primary" htmlType="submit" loading={saving}>
            {t(m.save)}
          </Button>
        )}
      </Form>
    </div>
  );
}

function MethodTags({ methods }: { methods: readonly string[] }) {
  return (
    <Space size={[4, 4]} wrap>
      {methods.map((x) => (
        <Tag key={x}>{x}</Tag>
      ))}
    </Space>
  );
}

function ProvidesTab({ app }: { app: Application }) {
  const { t } = useI18n();
  const services = useQuery({
    queryKey: [...lgspKeys.services, 'of', app.id],
    queryFn: () =>
      call(
        api.GET('/api/lgsp/services', {
          params: { query: { applicationId: app.id, offset: 0, limit: 500 } },
        }),
      ),
  });
  return (
    <>
      {services.error ? <ProblemAlert error={services.error} /> : null}
      <Table<Service>
        size="small"
        rowKey="id"
        loading={services.isLoading}
        dataSource={services.data?.items ?? []}
        pagination={false}
        locale={{ emptyText: <Typography.Text type="secondary">{t(m.noProvided)}</Typography.Text> }}
        columns={[
          {
            key: 'code',
            title: t(m.serviceCode),
            render: (_, s) => <Link to={`/lgsp/services/${s.id}`}>{s.code}</Link>,
          },
          { key: 'name', title: t(m.name), dataIndex: 'name' },
          { key: 'protocol', title: t(m.protocol), render: (_, s) => t(m[`protocol_${s.protocol}`]) },
          {
            key: 'path',
            title: t(m.gatewayPath),
            render: (_, s) => <Typography.Text code>{s.gatewayPath}</Typography.Text>,
          },
          {
            key: 'methods',
            title: t(m.methods),
            render: (_, s) => <MethodTags methods={s.allowedMethods} />,
          },
          {
            key: 'active',
            title: t(m.status),
            render: (_, s) =>
              s.active ? t(m.active) : <Typography.Text type="secondary">{t(m.inactive)}</Typography.Text>,
          },
        ]}
      />
    </>
  );
}

function RightsHeldTab({ app }: { app: Application }) {
  const { t } = useI18n();
  const rights = useQuery({
    queryKey: [...lgspKeys.rights, 'of', app.id],
    queryFn: () =>
      call(
        api.GET('/api/lgsp/rights', { params: { query: { applicationId: app.id, offset: 0, limit: 500 } } }),
      ),
  });
  return (
    <>
      {rights.error ? <ProblemAlert error={rights.error} /> : null}
      <Table<Right>
        size="small"
        rowKey={(r) => r.service.id}
        loading={rights.isLoading}
        dataSource={rights.data?.items ?? []}
        pagination={false}
        locale={{ emptyText: <Typography.Text type="secondary">{t(m.noRightsHeld)}</Typography.Text> }}
        columns={[
          {
            key: 'service',
            title: t(m.service),
            render: (_, r) => (
              <Flex vertical style={{ lineHeight: 1.25 }}>
                <span>{r.service.name}</span>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {r.service.code}
                </Typography.Text>
              </Flex>
            ),
          },
          {
            key: 'unit',
            title: t(m.unit),
            render: (_, r) => `${r.service.unit.name} (${r.service.unit.code})`,
          },
          { key: 'ops', title: t(m.operations), render: (_, r) => <MethodTags methods={r.operations} /> },
          { key: 'at', title: t(m.grantedAt), render: (_, r) => formatDateTime(r.grantedAt) },
          { key: 'by', title: t(m.createdBy), dataIndex: 'grantedBy' },
        ]}
      />
    </>
  );
}
