/**
 * An account's page (/iam/accounts/:id): details, roles, unit and data scope, individual grants, security
 * (lock, unlock, disable, reset password) and the audit entries about the account.
 */
import {
  KeyOutlined,
  LockOutlined,
  SafetyCertificateOutlined,
  StopOutlined,
  UnlockOutlined,
} from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Checkbox,
  Descriptions,
  Empty,
  Flex,
  Form,
  Input,
  Modal,
  Popconfirm,
  Radio,
  Segmented,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useParams } from 'react-router';
import { api, call } from '../../api/client';
import { useSession } from '../../auth/session';
import { DetailPage } from '../../components/DetailPage';
import { ProblemAlert, problemText } from '../../components/ProblemAlert';
import { usePersistentForm } from '../../components/usePersistentForm';
import { useI18n } from '../../i18n';
import { formatDateTime, matchesFolded, viCollator } from '../../lib/format';
import { useCrumbs } from '../../shell/crumbs';
import { UnitSelect } from '../org/UnitSelect';
import { unitMap, useUnitTree } from '../org/units';
import { m } from './messages';
import {
  type Account,
  OK_GREEN,
  OneTimePasswordModal,
  StatusTag,
  scopes,
  usePermissionCatalogue,
  useRoles,
} from './shared';

/** Keeps the account's cached copies fresh after a change. */
function useAfterChange(id: string) {
  const queryClient = useQueryClient();
  return async (a?: Account) => {
    if (a) queryClient.setQueryData(['iam', 'account', id], a);
    await Promise.all([
      queryClient.invalidateQueries({ queryKey: ['iam', 'account', id] }),
      queryClient.invalidateQueries({ queryKey: ['iam.accounts'] }),
      queryClient.invalidateQueries({ queryKey: ['iam', 'account-history', id] }),
    ]);
  };
}

export function AccountDetail() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const { has } = useSession();
  const account = useQuery({
    queryKey: ['iam', 'account', id],
    queryFn: () => call(api.GET('/api/iam/accounts/{id}', { params: { path: { id } } })),
  });
  const tree = useUnitTree();
  const unit = account.data?.unitId ? unitMap(tree.data).get(account.data.unitId) : undefined;
  useCrumbs(account.data ? [{ title: account.data.username }] : []);
  const a = account.data;

  return (
    <DetailPage
      loading={account.isLoading}
      error={account.error}
      title={
        <Flex gap={12} align="center">
          {a?.fullName}
          {a && <StatusTag status={a.status} />}
          {a?.totpEnabled && (
            <Tag icon={<SafetyCertificateOutlined />} color={OK_GREEN}>
              {t(m.totp)}
            </Tag>
          )}
        </Flex>
      }
      subtitle={a && `${a.username}${unit ? ` · ${unit.name} (${unit.code})` : ''}`}
      tabs={
        a
          ? [
              {
                key: 'details',
                label: t(m.tabDetails),
                children: <DetailsTab account={a} canWrite={has('iam.account.write')} />,
              },
              {
                key: 'roles',
                label: t(m.tabRoles),
                children: <RolesTab account={a} canWrite={has('iam.role.write')} />,
              },
              {
                key: 'scope',
                label: t(m.tabScope),
                children: <ScopeTab account={a} canWrite={has('iam.account.write')} />,
              },
              {
                key: 'grants',
                label: t(m.tabGrants),
                children: <GrantsTab account={a} canWrite={has('iam.role.write')} />,
              },
              {
                key: 'security',
                label: t(m.tabSecurity),
                children: <SecurityTab account={a} canWrite={has('iam.account.write')} />,
              },
              {
                key: 'history',
                label: t(m.tabHistory),
                children: <HistoryTab id={a.id} allowed={has('audit.read')} />,
              },
            ]
          : []
      }
    />
  );
}

function ReadOnlyNote({ canWrite }: { canWrite: boolean }) {
  const { t } = useI18n();
  return canWrite ? null : (
    <Alert type="info" showIcon title={t(m.noWriteRight)} style={{ marginBottom: 12 }} />
  );
}

function DetailsTab({ account, canWrite }: { account: Account; canWrite: boolean }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const after = useAfterChange(account.id);
  const [form] = Form.useForm<{ fullName: string; email?: string; lang: 'vi' | 'en' }>();
  const draft = usePersistentForm(`iam.account.${account.id}`, form);
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  return (
    <Flex gap={32} wrap align="start">
      <div style={{ flex: '1 1 420px', maxWidth: 560 }}>
        <ReadOnlyNote canWrite={canWrite} />
        {error ? <ProblemAlert error={error} /> : null}
        <Form
          form={form}
          layout="vertical"
          disabled={!canWrite}
          initialValues={{
            fullName: account.fullName,
            email: account.email ?? undefined,
            lang: account.lang === 'en' ? 'en' : 'vi',
          }}
          onValuesChange={draft.onValuesChange}
          onFinish={async (v) => {
            setSaving(true);
            setError(null);
            try {
              const saved = await call(
                api.PATCH('/api/iam/accounts/{id}', {
                  params: { path: { id: account.id } },
                  body: { fullName: v.fullName.trim(), email: v.email?.trim() || null, lang: v.lang },
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
          <Form.Item label={t(m.username)}>
            <Input value={account.username} disabled />
          </Form.Item>
          <Form.Item
            name="fullName"
            label={t(m.fullName)}
            rules={[{ required: true, whitespace: true, message: t(m.required) }]}
          >
            <Input maxLength={200} />
          </Form.Item>
          <Form.Item name="email" label={t(m.email)} rules={[{ type: 'email', message: t(m.invalidEmail) }]}>
            <Input maxLength={200} />
          </Form.Item>
          <Form.Item name="lang" label={t(m.language)}>
            <Radio.Group
              options={[
                { value: 'vi', label: 'Tiếng Việt' },
                { value: 'en', label: 'English' },
              ]}
            />
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
        items={[
          { key: 'created', label: t(m.createdAt), children: formatDateTime(account.createdAt) },
          {
            key: 'last',
            label: t(m.lastLogin),
            children: account.lastLoginAt ? formatDateTime(account.lastLoginAt) : t(m.never),
          },
          { key: 'pw', label: t(m.passwordChangedAt), children: formatDateTime(account.passwordChangedAt) },
          { key: 'status', label: t(m.status), children: <StatusTag status={account.status} /> },
        ]}
      />
    </Flex>
  );
}

function RolesTab({ account, canWrite }: { account: Account; canWrite: boolean }) {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const after = useAfterChange(account.id);
  const roles = useRoles();
  const [chosen, setChosen] = useState<string[]>(account.roles);
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  useEffect(() => setChosen(account.roles), [account.roles]);
  const dirty = [...chosen].sort().join() !== [...account.roles].sort().join();
  const sorted = [...(roles.data ?? [])].sort((a, b) => viCollator.compare(a.nameVi, b.nameVi));
  return (
    <div style={{ maxWidth: 720 }}>
      <ReadOnlyNote canWrite={canWrite} />
      <Typography.Paragraph type="secondary">{t(m.rolesHint)}</Typography.Paragraph>
      {error ? <ProblemAlert error={error} /> : null}
      {roles.error ? <ProblemAlert error={roles.error} /> : null}
      <Checkbox.Group
        value={chosen}
        onChange={(v) => setChosen(v as string[])}
        disabled={!canWrite}
        style={{ width: '100%' }}
      >
        <Flex vertical gap={8} style={{ width: '100%' }}>
          {sorted.map((r) => (
            <Checkbox key={r.id} value={r.id}>
              <Flex gap={8} align="center">
                <Typography.Text strong>{lang === 'en' ? r.nameEn : r.nameVi}</Typography.Text>
                <Typography.Text type="secondary" code>
                  {r.id}
                </Typography.Text>
                {r.builtin && <Tag>{t(m.builtin)}</Tag>}
                <Typography.Text type="secondary">
                  {t(m.permissionsCount, { n: r.permissions.length })}
                </Typography.Text>
              </Flex>
            </Checkbox>
          ))}
        </Flex>
      </Checkbox.Group>
      {canWrite && (
        <Flex gap={8} style={{ marginTop: 16 }}>
          <Button
            type="primary"
            disabled={!dirty}
            loading={saving}
            onClick={async () => {
              setSaving(true);
              setError(null);
              try {
                const saved = await call(
                  api.PUT('/api/iam/accounts/{id}/roles', {
                    params: { path: { id: account.id } },
                    body: { roles: chosen },
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
          <Button disabled={!dirty} onClick={() => setChosen(account.roles)}>
            {t(m.cancel)}
          </Button>
        </Flex>
      )}
    </div>
  );
}

function ScopeTab({ account, canWrite }: { account: Account; canWrite: boolean }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const after = useAfterChange(account.id);
  const [form] = Form.useForm<{ unitId?: string | null; scope: Account['scope'] }>();
  const draft = usePersistentForm(`iam.account.${account.id}.scope`, form);
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  return (
    <div style={{ maxWidth: 560 }}>
      <ReadOnlyNote canWrite={canWrite} />
      {error ? <ProblemAlert error={error} /> : null}
      <Form
        form={form}
        layout="vertical"
        disabled={!canWrite}
        initialValues={{ unitId: account.unitId ?? undefined, scope: account.scope }}
        onValuesChange={draft.onValuesChange}
        onFinish={async (v) => {
          setSaving(true);
          setError(null);
          try {
            const saved = await call(
              api.PATCH('/api/iam/accounts/{id}', {
                params: { path: { id: account.id } },
                body: { unitId: v.unitId ?? null, scope: v.scope },
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
        <Form.Item name="unitId" label={t(m.unit)}>
          <UnitSelect placeholder={t(m.noUnit)} />
        </Form.Item>
        <Form.Item name="scope" label={t(m.scope)} extra={t(m.scopeHelp)}>
          <Radio.Group
            optionType="button"
            options={scopes.map((s) => ({ value: s, label: t(m[`scope_${s}`]) }))}
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

type Effect = 'inherit' | 'allow' | 'deny';

function GrantsTab({ account, canWrite }: { account: Account; canWrite: boolean }) {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const after = useAfterChange(account.id);
  const catalogue = usePermissionCatalogue();
  const roles = useRoles();
  const initial = useMemo(
    () => Object.fromEntries(account.grants.map((g) => [g.permission, g.effect])) as Record<string, Effect>,
    [account.grants],
  );
  const [grants, setGrants] = useState<Record<string, Effect>>(initial);
  const [filter, setFilter] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  useEffect(() => setGrants(initial), [initial]);
  const viaRoles = useMemo(
    () =>
      new Set((roles.data ?? []).filter((r) => account.roles.includes(r.id)).flatMap((r) => r.permissions)),
    [roles.data, account.roles],
  );
  const list = (catalogue.data ?? []).filter(
    (p) => !filter || matchesFolded(`${p.id} ${p.vi} ${p.en}`, filter),
  );
  const chosen = Object.entries(grants).filter(([, e]) => e !== 'inherit');
  const dirty =
    JSON.stringify(chosen.sort()) !==
    JSON.stringify(
      Object.entries(initial)
        .filter(([, e]) => e !== 'inherit')
        .sort(),
    );
  return (
    <Flex vertical gap={12}>
      <ReadOnlyNote canWrite={canWrite} />
      <Typography.Text type="secondary">{t(m.grantsHint)}</Typography.Text>
      {error ? <ProblemAlert error={error} /> : null}
      {catalogue.error ? <ProblemAlert error={catalogue.error} /> : null}
      <Flex gap={8} align="center">
        <Input.Search
          allowClear
          aria-label={t(m.filterPermissions)}
          placeholder={t(m.filterPermissions)}
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
          style={{ width: 320 }}
        />
        {canWrite && (
          <>
            <Button
              type="primary"
              disabled={!dirty}
              loading={saving}
              onClick={async () => {
                setSaving(true);
                setError(null);
                try {
                  const saved = await call(
                    api.PUT('/api/iam/accounts/{id}/grants', {
                      params: { path: { id: account.id } },
                      body: {
                        grants: chosen.map(([permission, effect]) => ({
                          permission,
                          effect: effect as 'allow' | 'deny',
                        })),
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
              {t(m.save)}
            </Button>
            <Button disabled={!dirty} onClick={() => setGrants(initial)}>
              {t(m.cancel)}
            </Button>
          </>
        )}
      </Flex>
      <Table
        size="small"
        rowKey="id"
        loading={catalogue.isLoading}
        dataSource={list}
        pagination={false}
        scroll={{ y: 'calc(100vh - 430px)' }}
        columns={[
          {
            key: 'label',
            title: t(m.permission),
            render: (_, p) => (
              <Flex vertical>
                <span>
                  {lang === 'en' ? p.en : p.vi} {p.admin && <Tag color="purple">{t(m.adminPermission)}</Tag>}
                </span>
                <Typography.Text type="secondary" style={{ fontSize: 12 }} code>
                  {p.id}
                </Typography.Text>
              </Flex>
            ),
          },
          {
            key: 'role',
            title: t(m.viaRole),
            width: 150,
            render: (_, p) => (viaRoles.has(p.id) ? <Tag color="blue">{t(m.viaRole)}</Tag> : null),
          },
          {
            key: 'effect',
            title: t(m.tabGrants),
            width: 300,
            render: (_, p) => (
              <Segmented<Effect>
                disabled={!canWrite}
                value={grants[p.id] ?? 'inherit'}
                onChange={(v) => setGrants((g) => ({ ...g, [p.id]: v }))}
                options={[
                  { value: 'inherit', label: t(m.fromRoles) },
                  { value: 'allow', label: t(m.allow) },
                  { value: 'deny', label: t(m.deny) },
                ]}
              />
            ),
          },
        ]}
      />
    </Flex>
  );
}

type StatusAction = 'lock' | 'unlock' | 'disable' | 'enable';

function SecurityTab({ account, canWrite }: { account: Account; canWrite: boolean }) {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const after = useAfterChange(account.id);
  const [action, setAction] = useState<StatusAction | null>(null);
  const [otp, setOtp] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<{ reason?: string }>();
  const needsReason = action === 'lock' || action === 'disable';

  const actions: { key: StatusAction; icon: React.ReactNode; danger?: boolean; show: boolean }[] = [
    { key: 'lock', icon: <LockOutlined />, danger: true, show: account.status === 'active' },
    { key: 'unlock', icon: <UnlockOutlined />, show: account.status === 'locked' },
    { key: 'disable', icon: <StopOutlined />, danger: true, show: account.status !== 'disabled' },
    { key: 'enable', icon: <UnlockOutlined />, show: account.status === 'disabled' },
  ];

  return (
    <Flex vertical gap={16} style={{ maxWidth: 760 }}>
      <Descriptions
        bordered
        size="small"
        column={1}
        items={[
          { key: 'status', label: t(m.status), children: <StatusTag status={account.status} /> },
          ...(account.statusReason
            ? [{ key: 'reason', label: t(m.statusReason), children: account.statusReason }]
            : []),
          {
            key: 'totp',
            label: t(m.totp),
            children: account.totpEnabled ? (
              <Tag color={OK_GREEN} icon={<SafetyCertificateOutlined />}>
                {t(m.totpOn)}
              </Tag>
            ) : (
              t(m.totpOff)
            ),
          },
          { key: 'pw', label: t(m.passwordChangedAt), children: formatDateTime(account.passwordChangedAt) },
          {
            key: 'must',
            label: t(m.mustChange),
            children: account.mustChangePassword ? <Tag color="orange">{t(m.yes)}</Tag> : '—',
          },
          {
            key: 'last',
            label: t(m.lastLogin),
            children: account.lastLoginAt ? formatDateTime(account.lastLoginAt) : t(m.never),
          },
        ]}
      />
      {error ? <ProblemAlert error={error} /> : null}
      {canWrite ? (
        <>
          <Typography.Title level={5} style={{ margin: 0 }}>
            {t(m.securityActions)}
          </Typography.Title>
          <Flex gap={8} wrap>
            {actions
              .filter((a) => a.show)
              .map((a) => (
                <Button
                  key={a.key}
                  icon={a.icon}
                  danger={a.danger}
                  onClick={() => {
                    form.resetFields();
                    setAction(a.key);
                  }}
                >
                  {t(m[a.key])}
                </Button>
              ))}
            <Popconfirm
              title={t(m.resetPassword)}
              description={
                <div style={{ maxWidth: 320 }}>{t(m.resetConfirm, { username: account.username })}</div>
              }
              okText={t(m.resetPassword)}
              okButtonProps={{ danger: true }}
              cancelText={t(m.cancel)}
              onConfirm={async () => {
                setError(null);
                try {
                  const r = await call(
                    api.POST('/api/iam/accounts/{id}/reset-password', {
                      params: { path: { id: account.id } },
                    }),
                  );
                  setOtp(r.oneTimePassword);
                  await after();
                } catch (err) {
                  message.error(problemText(err, lang));
                }
              }}
            >
              <Button icon={<KeyOutlined />}>{t(m.resetPassword)}</Button>
            </Popconfirm>
          </Flex>
        </>
      ) : (
        <ReadOnlyNote canWrite={false} />
      )}
      {action && (
        <Modal
          open
          title={t(m[action])}
          okText={t(m[action])}
          okButtonProps={{ danger: needsReason }}
          cancelText={t(m.cancel)}
          confirmLoading={busy}
          onCancel={() => setAction(null)}
          onOk={() => form.submit()}
        >
          <Typography.Paragraph>
            {t(m[`statusConfirm_${action}`], { username: account.username })}
          </Typography.Paragraph>
          <Form
            form={form}
            layout="vertical"
            onFinish={async (v) => {
              setBusy(true);
              setError(null);
              try {
                const saved = await call(
                  api.POST('/api/iam/accounts/{id}/status', {
                    params: { path: { id: account.id } },
                    body: { action, ...(v.reason?.trim() ? { reason: v.reason.trim() } : {}) },
                  }),
                );
                await after(saved);
                message.success(t(m.statusDone));
                setAction(null);
              } catch (err) {
                setError(err);
                setAction(null);
              } finally {
                setBusy(false);
              }
            }}
          >
            <Form.Item
              name="reason"
              label={t(m.reasonLabel)}
              rules={needsReason ? [{ required: true, whitespace: true, message: t(m.reasonRequired) }] : []}
            >
              <Input.TextArea rows={3} maxLength={500} showCount autoFocus />
            </Form.Item>
          </Form>
        </Modal>
      )}
      {otp && (
        <OneTimePasswordModal username={account.username} password={otp} onClose={() => setOtp(null)} />
      )}
    </Flex>
  );
}

function HistoryTab({ id, allowed }: { id: string; allowed: boolean }) {
  const { t } = useI18n();
  const [limit, setLimit] = useState(50);
  const history = useQuery({
    queryKey: ['iam', 'account-history', id, limit],
    enabled: allowed,
    queryFn: () =>
      call(
        api.GET('/api/audit/entries', {
          params: { query: { targetType: 'account', targetId: id, limit } },
        }),
      ),
  });
  if (!allowed) return <Alert type="info" showIcon title={t(m.noAuditRight)} />;
  return (
    <Flex vertical gap={8}>
      {history.error ? <ProblemAlert error={history.error} onRetry={() => void history.refetch()} /> : null}
      <Table
        size="small"
        rowKey="seq"
        loading={history.isFetching}
        dataSource={history.data?.items ?? []}
        pagination={false}
        locale={{ emptyText: <Empty description={t(m.noHistory)} /> }}
        columns={[
          { key: 'at', title: t(m.at), width: 170, render: (_, e) => formatDateTime(e.at) },
          {
            key: 'action',
            title: t(m.action),
            render: (_, e) => <Typography.Text code>{e.action}</Typography.Text>,
          },
          { key: 'description', title: t(m.description), dataIndex: 'description' },
          { key: 'actor', title: t(m.actor), dataIndex: 'actorName' },
          {
            key: 'outcome',
            title: t(m.outcome),
            render: (_, e) =>
              e.outcome === 'success' ? (
                <Tag color={OK_GREEN}>{t(m.success)}</Tag>
              ) : (
                <Tag color="red">{t(m.failure)}</Tag>
              ),
          },
        ]}
      />
      {history.data?.nextBeforeSeq && (
        <Button onClick={() => setLimit((l) => Math.min(500, l + 50))} disabled={limit >= 500}>
          {t(m.loadMore)}
        </Button>
      )}
    </Flex>
  );
}
