/**
 * The account screens (issue #4): the list with server paging, sorting and filters kept in the URL, export,
 * account creation with its one-time password, and an account's page (/iam/accounts/:id).
 */
import { PlusOutlined, SafetyCertificateOutlined } from '@ant-design/icons';
import { Button, Select, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Route, Routes, useNavigate } from 'react-router';
import { api, call } from '../../api/client';
import { useSession } from '../../auth/session';
import { type DataColumn, DataTable, type PageRequest, useTableFilters } from '../../components/DataTable';
import { TableSearch } from '../../components/TableSearch';
import { useI18n } from '../../i18n';
import { formatDateTime } from '../../lib/format';
import { UnitSelect } from '../org/UnitSelect';
import { unitMap, useUnitTree } from '../org/units';
import { AccountDetail } from './AccountDetail';
import { CreateAccountModal } from './CreateAccount';
import { m } from './messages';
import {
  type Account,
  OK_GREEN,
  OneTimePasswordModal,
  type Status,
  StatusTag,
  statuses,
  useRoleName,
  useRoles,
} from './shared';

export default function AccountsPage() {
  return (
    <Routes>
      <Route index element={<AccountList />} />
      <Route path=":id" element={<AccountDetail />} />
    </Routes>
  );
}

type SortKey = 'username' | 'fullName' | 'createdAt' | 'lastLoginAt';
const SORTS = new Set<string>(['username', 'fullName', 'createdAt', 'lastLoginAt']);

function queryOf(req: PageRequest) {
  const f = req.filters;
  return {
    ...(f.q ? { q: f.q } : {}),
    ...(f.unitId ? { unitId: f.unitId } : {}),
    ...(f.status ? { status: f.status as Status } : {}),
    ...(f.role ? { role: f.role } : {}),
    sort: (req.sort && SORTS.has(req.sort) ? req.sort : 'username') as SortKey,
    order: req.order ?? 'asc',
  };
}

function AccountList() {
  const { t, lang } = useI18n();
  const { has } = useSession();
  const navigate = useNavigate();
  const [filters, setFilters] = useTableFilters();
  const [creating, setCreating] = useState(false);
  const [otp, setOtp] = useState<{ username: string; password: string; id: string } | null>(null);
  const tree = useUnitTree();
  const units = unitMap(tree.data);
  const roles = useRoles();
  const roleName = useRoleName();

  const columns: DataColumn<Account>[] = [
    {
      key: 'username',
      title: t(m.username),
      sortable: true,
      render: (_, a) => <Typography.Text strong>{a.username}</Typography.Text>,
    },
    { key: 'fullName', title: t(m.fullName), dataIndex: 'fullName', sortable: true },
    {
      key: 'unit',
      title: t(m.unit),
      render: (_, a) => {
        const u = a.unitId ? units.get(a.unitId) : undefined;
        if (!a.unitId) return <Typography.Text type="secondary">{t(m.noUnit)}</Typography.Text>;
        return (
          <Space size={4} direction="vertical" style={{ lineHeight: 1.2 }}>
            <span>{u?.name ?? '…'}</span>
            {u && (
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {u.code}
              </Typography.Text>
            )}
          </Space>
        );
      },
    },
    {
      key: 'roles',
      title: t(m.roles),
      render: (_, a) => (
        <Space size={[4, 4]} wrap>
          {a.roles.map((r) => (
            <Tag key={r} color="blue">
              {roleName(r)}
            </Tag>
          ))}
        </Space>
      ),
    },
    { key: 'status', title: t(m.status), render: (_, a) => <StatusTag status={a.status} /> },
    {
      key: 'lastLoginAt',
      title: t(m.lastLogin),
      sortable: true,
      render: (_, a) =>
        a.lastLoginAt ? (
          formatDateTime(a.lastLoginAt)
        ) : (
          <Typography.Text type="secondary">{t(m.never)}</Typography.Text>
        ),
    },
    {
      key: 'totp',
      title: t(m.totp),
      render: (_, a) =>
        a.totpEnabled ? (
          <Tag icon={<SafetyCertificateOutlined />} color={OK_GREEN}>
            {t(m.totpOn)}
          </Tag>
        ) : (
          <Typography.Text type="secondary">{t(m.totpOff)}</Typography.Text>
        ),
    },
    { key: 'email', title: t(m.email), dataIndex: 'email', optional: true },
    {
      key: 'createdAt',
      title: t(m.createdAt),
      sortable: true,
      optional: true,
      render: (_, a) => formatDateTime(a.createdAt),
    },
  ];

  return (
    <>
      <DataTable<Account>
        id="iam.accounts"
        rowKey="id"
        columns={columns}
        defaultSort={{ key: 'username', order: 'asc' }}
        fetchPage={(req) =>
          call(
            api.GET('/api/iam/accounts', {
              params: { query: { offset: req.offset, limit: req.limit, ...queryOf(req) } },
            }),
          )
        }
        exportUrl={(format, req) => {
          const p = new URLSearchParams({ format });
          for (const [k, v] of Object.entries(queryOf(req))) p.set(k, String(v));
          return `/api/iam/accounts/export?${p}`;
        }}
        onRowClick={(a) => navigate(a.id)}
        toolbar={
          <>
            <TableSearch
              value={filters.q}
              onApply={(q) => setFilters({ q })}
              label={t(m.searchLabel)}
              placeholder={t(m.searchPlaceholder)}
              width={250}
            />
            <UnitSelect
              value={filters.unitId}
              onChange={(v) => setFilters({ unitId: (v as string | undefined) ?? undefined })}
              placeholder={t(m.unitFilter)}
              style={{ width: 220 }}
            />
            <Select
              allowClear
              aria-label={t(m.statusFilter)}
              placeholder={t(m.statusFilter)}
              value={filters.status}
              onChange={(v) => setFilters({ status: v })}
              style={{ width: 150 }}
              options={statuses.map((s) => ({ value: s, label: t(m[`status_${s}`]) }))}
            />
            <Select
              allowClear
              aria-label={t(m.roleFilter)}
              placeholder={t(m.roleFilter)}
              value={filters.role}
              onChange={(v) => setFilters({ role: v })}
              style={{ width: 180 }}
              loading={roles.isLoading}
              options={(roles.data ?? []).map((r) => ({
                value: r.id,
                label: lang === 'en' ? r.nameEn : r.nameVi,
              }))}
            />
          </>
        }
        extra={
          has('iam.account.write') && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
              {t(m.create)}
            </Button>
          )
        }
      />
      {creating && (
        <CreateAccountModal
          onClose={() => setCreating(false)}
          onCreated={(r) => {
            setCreating(false);
            setOtp({ username: r.account.username, password: r.oneTimePassword, id: r.account.id });
          }}
        />
      )}
      {otp && (
        <OneTimePasswordModal
          username={otp.username}
          password={otp.password}
          onClose={() => {
            const id = otp.id;
            setOtp(null);
            navigate(id);
          }}
        />
      )}
    </>
  );
}
