/**
 * @module web/features/soc/SystemsPage
 * Information systems (the monitored objects, SOC-10) and their public IP ranges (SOC-17): two server-paged
 * tables (tab in the URL) with create, edit and delete through FormModal; a CIDR is checked as typed and
 * normalised by the server, which also names the ranges it overlaps.
 */
import { DeleteOutlined, EditOutlined, PlusOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Flex, Form, Input, InputNumber, Popconfirm, Tabs, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { useSession } from '../../auth/session';
import { type DataColumn, DataTable, useTableFilters } from '../../components/DataTable';
import { FormModal } from '../../components/FormModal';
import { problemText } from '../../components/ProblemAlert';
import { TableSearch } from '../../components/TableSearch';
import { useI18n } from '../../i18n';
import { formatDateTime } from '../../lib/format';
import { UnitSelect } from '../org/UnitSelect';
import { type InfoSystem, type IpRange, type PageOf, soc, socKeys } from './api';
import { isCidr } from './cidr';
import { m } from './messages';
import { DangerButton, PageHead, ReadOnlyNote } from './parts';
import { SystemSelect, useSystems } from './SystemSelect';

export default function SystemsPage() {
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  const { has } = useSession();
  const tab = params.get('tab') === 'ranges' ? 'ranges' : 'systems';
  return (
    <Flex vertical gap={12}>
      <PageHead title={t(m.systemsTitle)} intro={t(m.systemsIntro)} />
      <ReadOnlyNote canWrite={has('soc.sources.write')} />
      <Card size="small">
        <Tabs
          activeKey={tab}
          onChange={(k) => setParams(k === 'systems' ? {} : { tab: k })}
          items={[
            { key: 'systems', label: t(m.tabSystems), children: tab === 'systems' && <Systems /> },
            { key: 'ranges', label: t(m.tabRanges), children: tab === 'ranges' && <Ranges /> },
          ]}
        />
      </Card>
    </Flex>
  );
}

interface SystemValues {
  unitId: string;
  code: string;
  name: string;
  securityLevel: number;
  description?: string | null;
}

function Systems() {
  const { t, lang } = useI18n();
  const { has } = useSession();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [filters, setFilters] = useTableFilters();
  const [editing, setEditing] = useState<InfoSystem | 'new' | null>(null);
  const canWrite = has('soc.sources.write');
  const refresh = () => qc.invalidateQueries({ queryKey: socKeys.systems });

  const remove = async (s: InfoSystem) => {
    try {
      await soc.del(`/systems/${s.id}`);
      message.success(t(m.deleted));
      await refresh();
    } catch (e) {
      message.error(problemText(e, lang));
    }
  };

  const columns: DataColumn<InfoSystem>[] = [
    { key: 'code', title: t(m.code), render: (_, s) => <Typography.Text strong>{s.code}</Typography.Text> },
    { key: 'name', title: t(m.name), dataIndex: 'name' },
    { key: 'unit', title: t(m.unit), render: (_, s) => s.unitName ?? t(m.none) },
    {
      key: 'level',
      title: t(m.securityLevel),
      render: (_, s) => <Tag>{t(m.level, { n: s.securityLevel })}</Tag>,
    },
    { key: 'ranges', title: t(m.rangesCount), align: 'right', dataIndex: 'ranges' },
    { key: 'updated', title: t(m.updatedAt), optional: true, render: (_, s) => formatDateTime(s.updatedAt) },
    ...(canWrite
      ? [
          {
            key: 'actions',
            title: t(m.actions),
            render: (_: unknown, s: InfoSystem) => (
              <Flex gap={4}>
                <Button
                  size="small"
                  icon={<EditOutlined />}
                  aria-label={`${t(m.edit)} ${s.code}`}
                  onClick={() => setEditing(s)}
                />
                <Popconfirm
                  title={t(m.confirmDelete, { name: s.code })}
                  okText={t(m.delete)}
                  cancelText={t(m.cancel)}
                  onConfirm={() => remove(s)}
                >
                  <DangerButton
                    size="small"
                    icon={<DeleteOutlined />}
                    aria-label={`${t(m.delete)} ${s.code}`}
                  />
                </Popconfirm>
              </Flex>
            ),
          },
        ]
      : []),
  ];

  return (
    <>
      <DataTable<InfoSystem>
        id="soc.systems"
        rowKey="id"
        columns={columns}
        fetchPage={(req) =>
          soc.get<PageOf<InfoSystem>>('/systems', {
            offset: req.offset,
            limit: req.limit,
            q: req.filters.q || undefined,
            unitId: req.filters.unitId || undefined,
          })
        }
        toolbar={
          <>
            <TableSearch value={filters.q} onApply={(q) => setFilters({ q })} label={t(m.searchText)} />
            <UnitSelect
              placeholder={t(m.filterUnit)}
              value={filters.unitId}
              onChange={(v) => setFilters({ unitId: v as string | undefined })}
              style={{ width: 240 }}
            />
          </>
        }
        extra={
          canWrite && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')}>
              {t(m.newSystem)}
            </Button>
          )
        }
      />
      {editing && (
        <FormModal<SystemValues>
          title={editing === 'new' ? t(m.newSystem) : t(m.editSystem)}
          okText={t(m.save)}
          cancelText={t(m.cancel)}
          draftKey={editing === 'new' ? 'soc.system.new' : undefined}
          codeFields={{ SOC_SYSTEM_CODE_TAKEN: 'code' }}
          initialValues={
            editing === 'new'
              ? { securityLevel: 2 }
              : {
                  unitId: editing.unitId,
                  code: editing.code,
                  name: editing.name,
                  securityLevel: editing.securityLevel,
                  description: editing.description,
                }
          }
          onClose={() => setEditing(null)}
          onSubmit={async (v) => {
            const body = {
              unitId: v.unitId,
              code: v.code.trim(),
              name: v.name.trim(),
              securityLevel: v.securityLevel,
              description: v.description?.trim() || null,
            };
            if (editing === 'new') await soc.post('/systems', body);
            else await soc.patch(`/systems/${editing.id}`, body);
            message.success(t(m.saved));
            await refresh();
            setEditing(null);
          }}
        >
          <Form.Item name="unitId" label={t(m.unit)} rules={[{ required: true, message: t(m.required) }]}>
            <UnitSelect id="unitId" allowClear={false} />
          </Form.Item>
          <Form.Item
            name="code"
            label={t(m.code)}
            extra={t(m.codeHelp)}
            rules={[{ required: true, pattern: /^[a-z0-9-]{2,40}$/, message: t(m.codeHelp) }]}
          >
            <Input style={{ fontFamily: 'monospace' }} />
          </Form.Item>
          <Form.Item name="name" label={t(m.name)} rules={[{ required: true, whitespace: true, max: 255 }]}>
            <Input />
          </Form.Item>
          <Form.Item name="securityLevel" label={t(m.securityLevel)} rules={[{ required: true }]}>
            <InputNumber min={1} max={5} />
          </Form.Item>
          <Form.Item name="description" label={t(m.description)} rules={[{ max: 2000 }]}>
            <Input.TextArea rows={3} />
          </Form.Item>
        </FormModal>
      )}
    </>
  );
}

interface RangeValues {
  cidr: string;
  systemId: string;
  description?: string | null;
}

function Ranges() {
  const { t, lang } = useI18n();
  const { has } = useSession();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [filters, setFilters] = useTableFilters();
  const [editing, setEditing] = useState<IpRange | 'new' | null>(null);
  const systems = useSystems();
  const canWrite = has('soc.sources.write');
  const refresh = () =>
    Promise.all([
      qc.invalidateQueries({ queryKey: socKeys.ranges }),
      qc.invalidateQueries({ queryKey: socKeys.systems }),
    ]);
  const systemName = (id: string) => systems.data?.items.find((s) => s.id === id)?.name ?? '';

  const remove = async (r: IpRange) => {
    try {
      await soc.del(`/ip-ranges/${r.id}`);
      message.success(t(m.deleted));
      await refresh();
    } catch (e) {
      message.error(problemText(e, lang));
    }
  };

  const columns: DataColumn<IpRange>[] = [
    {
      key: 'cidr',
      title: t(m.cidr),
      render: (_, r) => <Typography.Text code>{r.cidr}</Typography.Text>,
    },
    {
      key: 'system',
      title: t(m.system),
      render: (_, r) => (
        <Flex vertical style={{ lineHeight: 1.25 }}>
          <span>{r.systemCode}</span>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {systemName(r.systemId)}
          </Typography.Text>
        </Flex>
      ),
    },
    { key: 'description', title: t(m.description), render: (_, r) => r.description ?? '' },
    {
      key: 'overlaps',
      title: t(m.overlaps),
      render: (_, r) => (
        <Flex gap={4} wrap>
          {r.overlaps.map((o) => (
            <Tag key={o.id}>
              {o.cidr} ({o.systemCode})
            </Tag>
          ))}
          {r.overlapsOutsideScope > 0 && <Tag>{t(m.overlapsOutside, { n: r.overlapsOutsideScope })}</Tag>}
        </Flex>
      ),
    },
    { key: 'updated', title: t(m.updatedAt), optional: true, render: (_, r) => formatDateTime(r.updatedAt) },
    ...(canWrite
      ? [
          {
            key: 'actions',
            title: t(m.actions),
            render: (_: unknown, r: IpRange) => (
              <Flex gap={4}>
                <Button
                  size="small"
                  icon={<EditOutlined />}
                  aria-label={`${t(m.edit)} ${r.cidr}`}
                  onClick={() => setEditing(r)}
                />
                <Popconfirm
                  title={t(m.confirmDelete, { name: r.cidr })}
                  okText={t(m.delete)}
                  cancelText={t(m.cancel)}
                  onConfirm={() => remove(r)}
                >
                  <DangerButton
                    size="small"
                    icon={<DeleteOutlined />}
                    aria-label={`${t(m.delete)} ${r.cidr}`}
                  />
                </Popconfirm>
              </Flex>
            ),
          },
        ]
      : []),
  ];

  return (
    <>
      <DataTable<IpRange>
        id="soc.ranges"
        rowKey="id"
        columns={columns}
        fetchPage={(req) =>
          soc.get<PageOf<IpRange>>('/ip-ranges', {
            offset: req.offset,
            limit: req.limit,
            systemId: req.filters.systemId || undefined,
          })
        }
        toolbar={
          <SystemSelect
            placeholder={t(m.system)}
            value={filters.systemId}
            onChange={(v) => setFilters({ systemId: v ?? undefined })}
            style={{ width: 260 }}
          />
        }
        extra={
          canWrite && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')}>
              {t(m.newRange)}
            </Button>
          )
        }
      />
      {editing && (
        <FormModal<RangeValues>
          title={editing === 'new' ? t(m.newRange) : t(m.editRange)}
          okText={t(m.save)}
          cancelText={t(m.cancel)}
          draftKey={editing === 'new' ? 'soc.range.new' : undefined}
          codeFields={{ SOC_IP_RANGE_INVALID: 'cidr', SOC_IP_RANGE_TAKEN: 'cidr' }}
          initialValues={
            editing === 'new'
              ? { systemId: filters.systemId }
              : { cidr: editing.cidr, systemId: editing.systemId, description: editing.description }
          }
          onClose={() => setEditing(null)}
          onSubmit={async (v) => {
            const body = {
              cidr: v.cidr.trim(),
              systemId: v.systemId,
              description: v.description?.trim() || null,
            };
            if (editing === 'new') await soc.post('/ip-ranges', body);
            else await soc.patch(`/ip-ranges/${editing.id}`, body);
            message.success(t(m.saved));
            await refresh();
            setEditing(null);
          }}
        >
          <Form.Item
            name="cidr"
            label={t(m.cidr)}
            validateTrigger={['onChange', 'onBlur']}
            rules={[
              { required: true, message: t(m.required) },
              {
                validator: (_, v: string | undefined) =>
                  !v || isCidr(v) ? Promise.resolve() : Promise.reject(new Error(t(m.cidrInvalid))),
              },
            ]}
          >
            <Input placeholder="203.0.113.0/24" style={{ fontFamily: 'monospace' }} />
          </Form.Item>
          <Form.Item name="systemId" label={t(m.system)} rules={[{ required: true, message: t(m.required) }]}>
            <SystemSelect id="systemId" />
          </Form.Item>
          <Form.Item name="description" label={t(m.description)} rules={[{ max: 2000 }]}>
            <Input.TextArea rows={2} />
          </Form.Item>
        </FormModal>
      )}
    </>
  );
}
