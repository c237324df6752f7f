/** Registration of an application: unit, code, name, authentication kind and algorithms, contact. */
import { useQueryClient } from '@tanstack/react-query';
import { Alert, App, Form, Input, Modal, Radio, Select } from 'antd';
import { useState } from 'react';
import { api, call } from '../../api/client';
import { ProblemAlert } from '../../components/ProblemAlert';
import { usePersistentForm } from '../../components/usePersistentForm';
import { useI18n } from '../../i18n';
import { UnitSelect } from '../org/UnitSelect';
import { type Application, lgspKeys } from './api';
import { m } from './messages';

type Kind = 'hmac' | 'rsa';
type Algorithm = Application['algorithms'][number];

export const algorithmsOf: Record<Kind, Algorithm[]> = {
  hmac: ['HMAC-SHA256', 'HMAC-SHA1'],
  rsa: ['RSA-PSS-SHA256', 'RSA-SHA256'],
};
const defaults: Record<Kind, Algorithm[]> = { hmac: ['HMAC-SHA256'], rsa: ['RSA-PSS-SHA256', 'RSA-SHA256'] };

interface Values {
  unitId: string;
  code: string;
  name: string;
  description?: string;
  kind: Kind;
  algorithms: Algorithm[];
  contactName?: string;
  contactEmail?: string;
  contactPhone?: string;
}

const blank = (v: string | undefined) => (v?.trim() ? v.trim() : null);

/** The registration dialog; `onSaved` gets the new application. */
export function ApplicationFormModal({
  unitId,
  onClose,
  onSaved,
}: {
  unitId?: string;
  onClose: () => void;
  onSaved: (a: Application) => void;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<Values>();
  const draft = usePersistentForm<Values>('lgsp.application.new', form);
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const kind = Form.useWatch('kind', form) ?? 'hmac';
  const algorithms = Form.useWatch('algorithms', form) ?? [];

  const submit = async (v: Values) => {
    setSaving(true);
    setError(null);
    try {
      const created = await call(
        api.POST('/api/lgsp/applications', {
          body: {
            unitId: v.unitId,
            code: v.code.trim(),
            name: v.name.trim(),
            description: blank(v.description),
            kind: v.kind,
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
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: lgspKeys.applications }),
        queryClient.invalidateQueries({ queryKey: lgspKeys.units }),
      ]);
      message.success(t(m.appCreated, { code: created.code }));
      onSaved(created);
    } catch (err) {
      setError(err);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      open
      width={680}
      title={t(m.newApp)}
      okText={t(m.newApp)}
      cancelText={t(m.cancel)}
      confirmLoading={saving}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      {error ? <ProblemAlert error={error} /> : null}
      <Form<Values>
        form={form}
        layout="vertical"
        style={{ marginTop: 12 }}
        onFinish={submit}
        onValuesChange={(changed: Partial<Values>, all) => {
          // A new kind brings its own algorithm family.
          if (changed.kind) form.setFieldValue('algorithms', defaults[changed.kind]);
          draft.onValuesChange(changed, all);
        }}
        initialValues={{ kind: 'hmac', algorithms: defaults.hmac, unitId }}
      >
        <Form.Item name="unitId" label={t(m.unit)} rules={[{ required: true, message: t(m.required) }]}>
          <UnitSelect allowClear={false} />
        </Form.Item>
        <div style={{ display: 'flex', gap: 12 }}>
          <Form.Item
            name="code"
            label={t(m.appCode)}
            extra={t(m.appCodeHelp)}
            style={{ flex: 1 }}
            rules={[
              { required: true, message: t(m.required) },
              { pattern: /^[a-z0-9-]{2,40}$/, message: t(m.invalidCode) },
            ]}
          >
            <Input autoComplete="off" maxLength={40} />
          </Form.Item>
          <Form.Item
            name="name"
            label={t(m.name)}
            style={{ flex: 1 }}
            rules={[{ required: true, whitespace: true, message: t(m.required) }]}
          >
            <Input maxLength={255} />
          </Form.Item>
        </div>
        <Form.Item name="description" label={t(m.description)}>
          <Input.TextArea rows={2} maxLength={2000} />
        </Form.Item>
        <Form.Item name="kind" label={t(m.kind)} extra={t(m.kindHelp)}>
          <Radio.Group
            options={(['hmac', 'rsa'] as const).map((k) => ({ value: k, label: t(m[`kind_${k}`]) }))}
          />
        </Form.Item>
        <Form.Item
          name="algorithms"
          label={t(m.algorithms)}
          rules={[{ required: true, type: 'array', min: 1, message: t(m.required) }]}
        >
          <Select mode="multiple" options={algorithmsOf[kind].map((a) => ({ value: a, label: a }))} />
        </Form.Item>
        {algorithms.includes('HMAC-SHA1') && (
          <Alert type="warning" showIcon title={t(m.sha1Warning)} style={{ marginBottom: 16 }} />
        )}
        <div style={{ display: 'flex', gap: 12 }}>
          <Form.Item name="contactName" label={t(m.contactName)} style={{ flex: 1 }}>
            <Input maxLength={200} />
          </Form.Item>
          <Form.Item
            name="contactEmail"
            label={t(m.contactEmail)}
            style={{ flex: 1 }}
            rules={[{ type: 'email', message: t(m.invalidEmail) }]}
          >
            <Input maxLength={254} />
          </Form.Item>
          <Form.Item name="contactPhone" label={t(m.contactPhone)} style={{ flex: 1 }}>
            <Input maxLength={30} />
          </Form.Item>
        </div>
      </Form>
    </Modal>
  );
}
