/**
 * @module web/features/roles/RolesPage
 * Roles × permissions matrix (SEC-08): permissions grouped by area with admin permissions marked, built-in
 * roles read-only, custom roles created, renamed, edited in the matrix and deleted.
 */
import { DeleteOutlined, EditOutlined, PlusOutlined, SafetyOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  App,
  Button,
  Card,
  Checkbox,
  Empty,
  Flex,
  Popconfirm,
  Space,
  Table,
  type TableColumnType,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import { useMemo, useState } from 'react';
import { api, call, type ResponseOf } from '../../api/client';
import { useSession } from '../../auth/session';
import { ProblemAlert, problemText } from '../../components/ProblemAlert';
import { useI18n } from '../../i18n';
import { areas, m } from './messages';
import { RoleFormModal } from './RoleFormModal';

export type Role = ResponseOf<'/api/iam/roles', 'get'>[number];
type Permission = ResponseOf<'/api/iam/permissions', 'get'>[number];

type Row =
  | { kind: 'area'; key: string; area: string; count: number }
  | ({ kind: 'perm'; key: string } & Permission);

export default function RolesPage() {
  const { t, lang } = useI18n();
  const { has } = useSession();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const canWrite = has('iam.role.write');
  const roles = useQuery({ queryKey: ['iam', 'roles'], queryFn: () => call(api.GET('/api/iam/roles')) });
  const perms = useQuery({
    queryKey: ['iam', 'permissions'],
    queryFn: () => call(api.GET('/api/iam/permissions')),
  });
  /** Edited permission lists of custom roles, not yet saved. */
  const [drafts, setDrafts] = useState<Record<string, string[]>>({});
  const [editing, setEditing] = useState<Role | 'new' | null>(null);
  const name = (r: Role) => (lang === 'vi' ? r.nameVi : r.nameEn);

  const rows = useMemo<Row[]>(() => {
    const byArea = new Map<string, Permission[]>();
    for (const p of perms.data ?? []) {
      const area = p.id.split('.')[0] ?? '';
      byArea.set(area, [...(byArea.get(area) ?? []), p]);
    }
    return [...byArea].flatMap(([area, list]) => [
      { kind: 'area' as const, key: `area:${area}`, area, count: list.length },
      ...list.map((p) => ({ kind: 'perm' as const, key: p.id, ...p })),
    ]);
  }, [perms.data]);

  const permsOf = (r: Role) => drafts[r.id] ?? r.permissions;
  const dirty = (roles.data ?? []).filter((r) => drafts[r.id] !== undefined);

  const toggle = (r: Role, perm: string, on: boolean) => {
    const current = permsOf(r);
    const next = on ? [...current, perm] : current.filter((p) => p !== perm);
    const same = next.length === r.permissions.length && next.every((p) => r.permissions.includes(p));
    setDrafts((d) => {
      const { [r.id]: _, ...rest } = d;
      return same ? rest : { ...rest, [r.id]: next };
    });
  };

  const saveAll = useMutation({
    mutationFn: async () => {
      for (const r of dirty) {
        await call(
          api.PUT('/api/iam/roles/{id}', {
            params: { path: { id: r.id } },
            body: { nameVi: r.nameVi, nameEn: r.nameEn, permissions: drafts[r.id] ?? r.permissions },
          }),
        );
        setDrafts(({ [r.id]: _, ...rest }) => rest);
        message.success(t(m.saved, { name: name(r) }));
      }
    },
    onSettled: () => qc.invalidateQueries({ queryKey: ['iam', 'roles'] }),
  });

  const remove = useMutation({
    mutationFn: (r: Role) => call(api.DELETE('/api/iam/roles/{id}', { params: { path: { id: r.id } } })),
    onSuccess: (_, r) => {
      setDrafts(({ [r.id]: _d, ...rest }) => rest);
      message.success(t(m.deleted));
      void qc.invalidateQueries({ queryKey: ['iam', 'roles'] });
    },
    onError: (err) => message.error(problemText(err, lang)),
  });

  const areaLabel = (a: string) =>
    a in areas ? t(areas[a as keyof typeof areas]) : `${t(m.areaOther)} (${a})`;
  const roleCount = roles.data?.length ?? 0;

  const columns: TableColumnType<Row>[] = [
    {
      key: 'perm',
      title: t(m.permission),
      fixed: 'left',
      width: 300,
      onCell: (row) => ({ colSpan: row.kind === 'area' ? roleCount + 1 : 1 }),
      render: (_, row) =>
        row.kind === 'area' ? (
          <Typography.Text strong>
            {areaLabel(row.area)}{' '}
            <Typography.Text type="secondary">· {t(m.countOf, { n: row.count })}</Typography.Text>
          </Typography.Text>
        ) : (
          <Flex vertical>
            <Space size={6}>
              <span>{lang === 'vi' ? row.vi : row.en}</span>
              {row.admin && (
                <Tooltip title={t(m.adminHint)}>
                  <Tag icon={<SafetyOutlined style={{ color: '#d4380d' }} />} style={{ marginInlineEnd: 0 }}>
                    {t(m.adminTag)}
                  </Tag>
                </Tooltip>
              )}
            </Space>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {row.id}
            </Typography.Text>
          </Flex>
        ),
    },
    ...(roles.data ?? []).map<TableColumnType<Row>>((r) => ({
      key: r.id,
      align: 'center',
      width: 150,
      onCell: (row) => ({ colSpan: row.kind === 'area' ? 0 : 1 }),
      title: (
        <Flex vertical align="center" gap={2}>
          <Typography.Text strong style={{ textAlign: 'center' }}>
            {name(r)}
          </Typography.Text>
          {r.builtin ? (
            <Tooltip title={t(m.builtinHint)}>
              <Tag>{t(m.builtin)}</Tag>
            </Tooltip>
          ) : (
            canWrite && (
              <Space size={0}>
                {drafts[r.id] && <Tag color="gold">{t(m.unsaved)}</Tag>}
                <Tooltip title={t(m.editRole)}>
                  <Button
                    type="text"
                    size="small"
                    icon={<EditOutlined />}
                    aria-label={`${t(m.editRole)} ${name(r)}`}
                    onClick={() => setEditing(r)}
                  />
                </Tooltip>
                <Popconfirm
                  title={t(m.deleteRole)}
                  description={t(m.deleteConfirm, { name: name(r) })}
                  okText={t(m.delete)}
                  cancelText={t(m.cancel)}
                  okButtonProps={{ danger: true }}
                  onConfirm={() => remove.mutateAsync(r)}
                >
                  <Button
                    type="text"
                    size="small"
                    danger
                    icon={<DeleteOutlined />}
                    aria-label={`${t(m.deleteRole)} ${name(r)}`}
                  />
                </Popconfirm>
              </Space>
            )
          )}
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t(m.countOf, { n: permsOf(r).length })}
          </Typography.Text>
        </Flex>
      ),
      render: (_, row) =>
        row.kind === 'perm' ? (
          <Checkbox
            checked={permsOf(r).includes(row.id)}
            disabled={r.builtin || !canWrite}
            aria-label={t(m.grant, { perm: lang === 'vi' ? row.vi : row.en, role: name(r) })}
            onChange={(e) => toggle(r, row.id, e.target.checked)}
          />
        ) : null,
    })),
  ];

  const error = roles.error ?? perms.error;
  return (
    <Flex vertical gap={12}>
      <Flex justify="space-between" align="start" gap={8}>
        <div style={{ flex: '1 1 auto' }}>
          <Typography.Title level={4} style={{ margin: 0 }}>
            {t(m.title)}
          </Typography.Title>
          <Typography.Text type="secondary">{t(m.intro)}</Typography.Text>
        </div>
        {canWrite && (
          <Space>
            {dirty.length > 0 && (
              <Button onClick={() => setDrafts({})} disabled={saveAll.isPending}>
                {t(m.discard)}
              </Button>
            )}
            {dirty.length > 0 && (
              <Button type="primary" loading={saveAll.isPending} onClick={() => saveAll.mutate()}>
                {t(m.saveChanges, { count: dirty.length })}
              </Button>
            )}
            <Button
              icon={<PlusOutlined />}
              onClick={() => setEditing('new')}
              type={dirty.length ? 'default' : 'primary'}
            >
              {t(m.newRole)}
            </Button>
          </Space>
        )}
      </Flex>
      {error && (
        <ProblemAlert
          error={error}
          onRetry={() => {
            void roles.refetch();
            void perms.refetch();
          }}
        />
      )}
      {saveAll.error && <ProblemAlert error={saveAll.error} />}
      <Card size="small" styles={{ body: { padding: 0 } }}>
        <Table<Row>
          size="small"
          rowKey="key"
          columns={columns}
          dataSource={rows}
          loading={roles.isLoading || perms.isLoading}
          pagination={false}
          scroll={{ x: 300 + roleCount * 150 }}
          sticky
          locale={{
            emptyText: (
              <Empty description={<Typography.Text type="secondary">{t(m.noRoles)}</Typography.Text>} />
            ),
          }}
          onRow={(row) =>
            row.kind === 'area' ? { style: { background: 'var(--ant-color-fill-quaternary)' } } : {}
          }
        />
      </Card>
      {editing && roles.data && (
        <RoleFormModal
          role={editing === 'new' ? undefined : editing}
          roles={roles.data}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            void qc.invalidateQueries({ queryKey: ['iam', 'roles'] });
          }}
        />
      )}
    </Flex>
  );
}
