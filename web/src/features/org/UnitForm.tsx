/** Create or edit a unit in a modal; a new unit's code is proposed from its parent (next free code). */
import { useQueryClient } from '@tanstack/react-query';
import { App, Form, Input, Select } from 'antd';
import { useEffect } from 'react';
import { api, call } from '../../api/client';
import { FormModal } from '../../components/FormModal';
import { useI18n } from '../../i18n';
import { m } from './messages';
import { UnitSelect } from './UnitSelect';
import { type Unit, type UnitKind, unitKinds } from './units';

interface Values {
  parentId?: string | null;
  code?: string;
  name: string;
  shortName?: string;
  kind?: UnitKind;
  address?: string;
  email?: string;
  phone?: string;
  decisionRef?: string;
}

const blank = (v: string | undefined) => (v?.trim() ? v.trim() : null);

/** The server's codes that are about the unit code the person typed. */
const codeFields = {
  ORG_CODE_INVALID: 'code',
  ORG_CODE_TAKEN: 'code',
  ORG_CODE_PARENT_MISMATCH: 'code',
  ORG_CODE_LEVEL_EXCEEDED: 'code',
} as const;

/** With `unit`: edit it; without: create one under `parentId`. */
export function UnitFormModal({
  unit,
  parentId,
  onClose,
  onSaved,
}: {
  unit?: Unit;
  parentId?: string | null;
  onClose: () => void;
  onSaved: (u: Unit) => void;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<Values>();
  const parent = Form.useWatch('parentId', form);

  // Propose the next free code under the chosen parent (only while creating).
  useEffect(() => {
    if (unit || !parent) return;
    let live = true;
    call(api.GET('/api/org/units/{id}/next-code', { params: { path: { id: parent } } }))
      .then((r) => {
        if (live && !form.isFieldTouched('code')) form.setFieldValue('code', r.code);
      })
      .catch(() => {});
    return () => {
      live = false;
    };
  }, [parent, unit, form]);

  const submit = async (v: Values) => {
    const contact = {
      shortName: blank(v.shortName),
      address: blank(v.address),
      email: blank(v.email),
      phone: blank(v.phone),
      ...(v.decisionRef?.trim() ? { decisionRef: v.decisionRef.trim() } : {}),
    };
    const saved = unit
      ? await call(
          api.PATCH('/api/org/units/{id}', {
            params: { path: { id: unit.id } },
            body: { name: v.name.trim(), kind: v.kind, ...contact },
          }),
        )
      : await call(
          api.POST('/api/org/units', {
            body: {
              parentId: v.parentId ?? null,
              name: v.name.trim(),
              kind: v.kind,
              ...(v.code?.trim() ? { code: v.code.trim() } : {}),
              ...contact,
            },
          }),
        );
    await queryClient.invalidateQueries({ queryKey: ['org'] });
    message.success(unit ? t(m.saved) : t(m.created, { name: saved.name, code: saved.code }));
    onSaved(saved);
  };

  return (
    <FormModal<Values>
      form={form}
      title={unit ? `${t(m.editTitle)}: ${unit.name}` : t(m.create)}
      okText={t(m.save)}
      cancelText={t(m.cancel)}
      draftKey={unit ? `org.unit.${unit.id}` : 'org.unit.new'}
      onSubmit={submit}
      onClose={onClose}
      codeFields={codeFields}
      initialValues={
        unit
          ? {
              name: unit.name,
              shortName: unit.shortName ?? undefined,
              kind: unit.kind,
              address: unit.address ?? undefined,
              email: unit.email ?? undefined,
              phone: unit.phone ?? undefined,
            }
          : { parentId: parentId ?? undefined, kind: 'department' }
      }
    >
      {!unit && (
        <Form.Item name="parentId" label={t(m.parent)}>
          <UnitSelect placeholder={t(m.parentNone)} />
        </Form.Item>
      )}
      <Form.Item
        name="name"
        label={t(m.name)}
        rules={[{ required: true, whitespace: true, message: t(m.required) }]}
      >
        <Input maxLength={255} autoFocus />
      </Form.Item>
      <Flex2>
        <Form.Item name="shortName" label={t(m.shortName)} style={{ flex: 1 }}>
          <Input maxLength={100} />
        </Form.Item>
        <Form.Item name="kind" label={t(m.kind)} style={{ flex: 1 }}>
          <Select options={unitKinds.map((k) => ({ value: k, label: t(m[`kind_${k}`]) }))} />
        </Form.Item>
      </Flex2>
      {unit ? (
        <Form.Item label={t(m.code)}>
          <Input value={unit.code} disabled />
        </Form.Item>
      ) : (
        <Form.Item name="code" label={t(m.code)} extra={t(m.codeHelp)}>
          <Input maxLength={40} style={{ fontFamily: 'monospace' }} />
        </Form.Item>
      )}
      <Form.Item name="address" label={t(m.address)}>
        <Input maxLength={500} />
      </Form.Item>
      <Flex2>
        <Form.Item name="email" label={t(m.email)} style={{ flex: 1 }} rules={[{ type: 'email' }]}>
          <Input maxLength={254} />
        </Form.Item>
        <Form.Item name="phone" label={t(m.phone)} style={{ flex: 1 }}>
          <Input maxLength={30} />
        </Form.Item>
      </Flex2>
      <Form.Item name="decisionRef" label={t(m.decisionRef)}>
        <Input maxLength={300} placeholder={t(m.decisionRefPlaceholder)} />
      </Form.Item>
    </FormModal>
  );
}

function Flex2({ children }: { children: React.ReactNode }) {
  return <div style={{ display: 'flex', gap: 12 }}>{children}</div>;
}
