/**
 * Reorganisation (move, split, merge, dissolve): the plan is sent to /reorganisations/preview first and the
 * code changes it would make are shown in a table; only then can it be confirmed (and written).
 */
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  DatePicker,
  Flex,
  Form,
  Input,
  Modal,
  Radio,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useEffect, useMemo, useState } from 'react';
import { api, call, type ResponseOf } from '../../api/client';
import type { paths } from '../../api/schema';
import { ProblemAlert } from '../../components/ProblemAlert';
import { usePersistentForm } from '../../components/usePersistentForm';
import { useI18n } from '../../i18n';
import { m } from './messages';
import { UnitSelect } from './UnitSelect';
import { unitMap, useUnitTree } from './units';

type Preview = ResponseOf<'/api/org/reorganisations/preview', 'post'>;
type Body = paths['/api/org/reorganisations/preview']['post']['requestBody']['content']['application/json'];
type Kind = 'move' | 'split' | 'merge' | 'dissolve';

interface Values {
  type: Kind;
  unitId?: string;
  newParentId?: string;
  code?: string;
  parts?: { name: string; code?: string; childIds?: string[] }[];
  sourceIds?: string[];
  targetId?: string;
  mergeInto?: 'existing' | 'new';
  newUnit?: { name?: string; parentId?: string; code?: string };
  moveChildrenTo?: string;
  successorId?: string;
  decisionRef: string;
  effectiveDate?: Dayjs | null;
}

const actionColour: Record<string, string> = {
  create: 'green',
  close: 'red',
  move: 'blue',
  recode: 'orange',
};

function toBody(v: Values): Body {
  const common = {
    decisionRef: v.decisionRef.trim(),
    ...(v.effectiveDate ? { effectiveDate: v.effectiveDate.format('YYYY-MM-DD') } : {}),
  };
  switch (v.type) {
    case 'move':
      return {
        type: 'move',
        unitId: v.unitId ?? '',
        newParentId: v.newParentId ?? '',
        ...(v.code?.trim() ? { code: v.code.trim() } : {}),
        ...common,
      };
    case 'split':
      return {
        type: 'split',
        unitId: v.unitId ?? '',
        parts: (v.parts ?? []).map((p) => ({
          name: p.name.trim(),
          ...(p.code?.trim() ? { code: p.code.trim() } : {}),
          childIds: p.childIds ?? [],
        })),
        ...common,
      };
    case 'merge':
      return v.mergeInto === 'new'
        ? {
            type: 'merge',
            sourceIds: v.sourceIds ?? [],
            newUnit: {
              name: (v.newUnit?.name ?? '').trim(),
              ...(v.newUnit?.parentId ? { parentId: v.newUnit.parentId } : {}),
              ...(v.newUnit?.code?.trim() ? { code: v.newUnit.code.trim() } : {}),
            },
            ...common,
          }
        : { type: 'merge', sourceIds: v.sourceIds ?? [], targetId: v.targetId, ...common };
    case 'dissolve':
      return {
        type: 'dissolve',
        unitId: v.unitId ?? '',
        ...(v.moveChildrenTo ? { moveChildrenTo: v.moveChildrenTo } : {}),
        ...(v.successorId ? { successorId: v.successorId } : {}),
        ...common,
      };
  }
}

export function ReorganiseModal({ unitId, onClose }: { unitId: string | null; onClose: () => void }) {
  const { t } = useI18n();
  const { message, modal } = App.useApp();
  const queryClient = useQueryClient();
  const tree = useUnitTree(true);
  const units = unitMap(tree.data);
  const [form] = Form.useForm<Values>();
  const draft = usePersistentForm<Values>('org.reorganise', form);
  const type = Form.useWatch('type', form) ?? 'move';
  const mergeInto = Form.useWatch('mergeInto', form) ?? 'existing';
  const splitUnit = Form.useWatch('unitId', form);
  const parts = Form.useWatch('parts', form);
  const sourceIds = Form.useWatch('sourceIds', form);
  const newParent = Form.useWatch(['newUnit', 'parentId'], form);
  // The split unit's active sub-units: each must go to exactly one new unit (the server refuses otherwise).
  const children = useMemo(
    () =>
      type === 'split' && splitUnit
        ? (tree.data ?? []).filter((u) => u.parentId === splitUnit && u.status === 'active')
        : [],
    [tree.data, splitUnit, type],
  );
  const assigned = new Set((parts ?? []).flatMap((p) => p?.childIds ?? []));
  const childrenLeft = children.filter((c) => !assigned.has(c.id)).length;
  // The parent the merged unit will have: the chosen one, else the sources' common parent.
  const mergeParent = useMemo(() => {
    if (newParent) return newParent;
    const parents = new Set((sourceIds ?? []).map((id) => units.get(id)?.parentId ?? null));
    return parents.size === 1 ? [...parents][0] : null;
  }, [newParent, sourceIds, units]);
  const suggested = useSuggestedCode(type === 'merge' && mergeInto === 'new' ? mergeParent : null);
  const [preview, setPreview] = useState<{ body: string; result: Preview } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [stale, setStale] = useState(false);

  const runPreview = async (v: Values) => {
    setBusy(true);
    setError(null);
    try {
      const body = toBody(v);
      const result = await call(api.POST('/api/org/reorganisations/preview', { body }));
      setPreview({ body: JSON.stringify(body), result });
      setStale(false);
    } catch (err) {
      setPreview(null);
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const apply = () => {
    if (!preview) return;
    modal.confirm({
      title: t(m.confirmApply),
      content: t(m.confirmApplyText, { n: preview.result.changes.length }),
      okText: t(m.confirmApply),
      okButtonProps: { danger: true },
      cancelText: t(m.cancel),
      onOk: async () => {
        try {
          const done = await call(
            api.POST('/api/org/reorganisations', { body: JSON.parse(preview.body) as Body }),
          );
          draft.clear();
          await queryClient.invalidateQueries({ queryKey: ['org'] });
          message.success(t(m.reorgDone, { n: done.changes.length }));
          onClose();
        } catch (err) {
          setError(err);
        }
      },
    });
  };

  const unitLabel = (id: string | null) => (id ? (units.get(id)?.name ?? id) : '—');

  return (
    <Modal
      open
      width={860}
      title={t(m.reorgTitle)}
      onCancel={onClose}
      destroyOnHidden
      footer={
        <Flex justify="end" gap={8}>
          <Button onClick={onClose}>{t(m.cancel)}</Button>
          <Button
            onClick={() => form.submit()}
            loading={busy}
            type={preview && !stale ? 'default' : 'primary'}
          >
            {t(m.preview)}
          </Button>
          <Button
            type="primary"
            danger
            disabled={!preview || stale || preview.result.changes.length === 0}
            onClick={apply}
          >
            {t(m.confirmApply)}
          </Button>
        </Flex>
      }
    >
      <Form<Values>
        form={form}
        layout="vertical"
        initialValues={{
          type: 'move',
          unitId: unitId ?? undefined,
          mergeInto: 'existing',
          parts: [
            { name: '', childIds: [] },
            { name: '', childIds: [] },
          ],
        }}
        onFinish={runPreview}
        onValuesChange={(changed, all) => {
          draft.onValuesChange(changed, { ...all, effectiveDate: undefined });
          if (preview) setStale(true);
        }}
      >
        <Form.Item name="type" label={t(m.reorgType)}>
          <Radio.Group
            optionType="button"
            buttonStyle="solid"
            options={(['move', 'split', 'merge', 'dissolve'] as const).map((k) => ({
              value: k,
              label: t(m[`type_${k}`]),
            }))}
          />
        </Form.Item>
        <Flex gap={12}>
          {type !== 'merge' && (
            <Form.Item
              name="unitId"
              label={t(m.reorgUnit)}
              style={{ flex: 1 }}
              rules={[{ required: true, message: t(m.required) }]}
            >
              <UnitSelect allowClear={false} />
            </Form.Item>
          )}
          {type === 'move' && (
            <Form.Item
              name="newParentId"
              label={t(m.newParent)}
              style={{ flex: 1 }}
              rules={[{ required: true, message: t(m.required) }]}
            >
              <UnitSelect exclude={form.getFieldValue('unitId') as string | undefined} />
            </Form.Item>
          )}
          {type === 'merge' && (
            <>
              <Form.Item
                name="sourceIds"
                label={t(m.sources)}
                style={{ flex: 1 }}
                rules={[{ required: true, message: t(m.required) }]}
              >
                <UnitSelect multiple />
              </Form.Item>
              {mergeInto === 'existing' && (
                <Form.Item
                  name="targetId"
                  label={t(m.target)}
                  style={{ flex: 1 }}
                  rules={[{ required: true, message: t(m.required) }]}
                >
                  <UnitSelect />
                </Form.Item>
              )}
            </>
          )}
        </Flex>
        {type === 'merge' && (
          <Form.Item name="mergeInto" label={t(m.mergeInto)}>
            <Radio.Group
              options={(['existing', 'new'] as const).map((k) => ({
                value: k,
                label: t(m[`mergeInto_${k}`]),
              }))}
            />
          </Form.Item>
        )}
        {type === 'merge' && mergeInto === 'new' && (
          <>
            <Form.Item
              name={['newUnit', 'name']}
              label={t(m.newUnitName)}
              rules={[{ required: true, whitespace: true, message: t(m.required) }]}
            >
              <Input maxLength={255} />
            </Form.Item>
            <Flex gap={12}>
              <Form.Item name={['newUnit', 'parentId']} label={t(m.newUnitParent)} style={{ flex: 2 }}>
                <UnitSelect />
              </Form.Item>
              <Form.Item
                name={['newUnit', 'code']}
                label={t(m.newUnitCode)}
                style={{ flex: 1 }}
                extra={suggested ? t(m.suggestedCode, { code: suggested }) : undefined}
              >
                <Input
                  maxLength={40}
                  style={{ fontFamily: 'monospace' }}
                  placeholder={suggested ?? undefined}
                />
              </Form.Item>
            </Flex>
          </>
        )}
        {type === 'split' && (
          <Form.Item label={t(m.parts)} required>
            <Form.List name="parts">
              {(fields, { add, remove }) => (
                <Space direction="vertical" style={{ width: '100%' }}>
                  {fields.map((f, i) => (
                    <Card
                      key={f.key}
                      size="small"
                      data-testid={`split-part-${i + 1}`}
                      title={t(m.partName, { n: i + 1 })}
                      extra={
                        <Button
                          size="small"
                          icon={<DeleteOutlined />}
                          aria-label={`${t(m.removePart)} ${i + 1}`}
                          disabled={fields.length <= 2}
                          onClick={() => remove(f.name)}
                        />
                      }
                    >
                      <Flex gap={8}>
                        <Form.Item
                          name={[f.name, 'name']}
                          style={{ flex: 2, marginBottom: 8 }}
                          rules={[{ required: true, whitespace: true, message: t(m.required) }]}
                        >
                          <Input
                            placeholder={t(m.partName, { n: i + 1 })}
                            aria-label={t(m.partName, { n: i + 1 })}
                            maxLength={255}
                          />
                        </Form.Item>
                        <Form.Item name={[f.name, 'code']} style={{ flex: 1, marginBottom: 8 }}>
                          <Input
                            placeholder={t(m.newCodeOptional)}
                            aria-label={t(m.partCode, { n: i + 1 })}
                            maxLength={40}
                            style={{ fontFamily: 'monospace' }}
                          />
                        </Form.Item>
                      </Flex>
                      {children.length > 0 && (
                        <Form.Item name={[f.name, 'childIds']} style={{ marginBottom: 0 }}>
                          <Select
                            mode="multiple"
                            allowClear
                            aria-label={t(m.partChildren, { n: i + 1 })}
                            placeholder={t(m.partChildrenNone)}
                            optionFilterProp="label"
                            options={children.map((c) => ({
                              value: c.id,
                              label: `${c.name} (${c.code})`,
                              // A sub-unit given to another part is not offered again.
                              disabled:
                                assigned.has(c.id) && !(parts?.[f.name]?.childIds ?? []).includes(c.id),
                            }))}
                          />
                        </Form.Item>
                      )}
                    </Card>
                  ))}
                  <Button icon={<PlusOutlined />} onClick={() => add({ name: '', childIds: [] })}>
                    {t(m.addPart)}
                  </Button>
                  {childrenLeft > 0 && (
                    <Alert type="warning" showIcon title={t(m.childrenLeft, { n: childrenLeft })} />
                  )}
                </Space>
              )}
            </Form.List>
          </Form.Item>
        )}
        {(type === 'split' || type === 'merge') && (
          <Alert type="info" showIcon title={t(m.accountsStay)} style={{ marginBottom: 12 }} />
        )}
        {type === 'dissolve' && (
          <Flex gap={12}>
            <Form.Item name="moveChildrenTo" label={t(m.moveChildrenTo)} style={{ flex: 1 }}>
              <UnitSelect />
            </Form.Item>
            <Form.Item name="successorId" label={t(m.successor)} style={{ flex: 1 }}>
              <UnitSelect />
            </Form.Item>
          </Flex>
        )}
        <Flex gap={12}>
          <Form.Item
            name="decisionRef"
            label={t(m.decisionRef)}
            style={{ flex: 2 }}
            rules={[{ required: true, whitespace: true, message: t(m.required) }]}
          >
            <Input maxLength={300} placeholder={t(m.decisionRefPlaceholder)} />
          </Form.Item>
          {type === 'move' && (
            <Form.Item name="code" label={t(m.newCodeOptional)} style={{ flex: 1 }}>
              <Input maxLength={40} style={{ fontFamily: 'monospace' }} />
            </Form.Item>
          )}
          <Form.Item name="effectiveDate" label={t(m.effectiveDate)} style={{ flex: 1 }}>
            <DatePicker format="DD/MM/YYYY" style={{ width: '100%' }} />
          </Form.Item>
        </Flex>
      </Form>
      {error ? <ProblemAlert error={error} /> : null}
      {preview && (
        <>
          <Typography.Title level={5} style={{ marginTop: 8 }}>
            {t(m.previewTitle)}
          </Typography.Title>
          <Alert
            type={stale ? 'warning' : 'info'}
            showIcon
            title={
              stale ? t(m.previewStale) : preview.result.changes.length ? t(m.previewHint) : t(m.noChanges)
            }
            style={{ marginBottom: 8 }}
          />
          <Table
            size="small"
            rowKey={(r) => `${r.action}-${r.unitId}`}
            dataSource={preview.result.changes}
            pagination={false}
            scroll={{ y: 240 }}
            columns={[
              {
                key: 'action',
                title: t(m.action),
                width: 120,
                render: (_, r) => <Tag color={actionColour[r.action]}>{t(m[`action_${r.action}`])}</Tag>,
              },
              { key: 'name', title: t(m.name), dataIndex: 'name' },
              {
                key: 'old',
                title: t(m.oldCode),
                render: (_, r) =>
                  r.oldCode ? (
                    <Typography.Text code delete={r.action !== 'create'}>
                      {r.oldCode}
                    </Typography.Text>
                  ) : (
                    '—'
                  ),
              },
              {
                key: 'new',
                title: t(m.newCode),
                render: (_, r) =>
                  r.newCode ? (
                    <Typography.Text code strong>
                      {r.newCode}
                    </Typography.Text>
                  ) : (
                    '—'
                  ),
              },
              { key: 'parent', title: t(m.parent), render: (_, r) => unitLabel(r.parentId) },
            ]}
          />
        </>
      )}
    </Modal>
  );
}

/** The next free code under `parentId` as the server proposes it (GET …/next-code), or null. */
function useSuggestedCode(parentId: string | null | undefined): string | null {
  const [code, setCode] = useState<string | null>(null);
  useEffect(() => {
    setCode(null);
    if (!parentId) return;
    let live = true;
    call(api.GET('/api/org/units/{id}/next-code', { params: { path: { id: parentId } } }))
      .then((r) => {
        if (live) setCode(r.code);
      })
      .catch(() => {});
    return () => {
      live = false;
    };
  }, [parentId]);
  return code;
}
