/** Registration and editing of a destination service: provider, code, protocol, URL, health path, timeout, methods, data types. */
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Checkbox, Form, Input, InputNumber, Modal, Select, Switch } from 'antd';
import { useState } from 'react';
import { api, call } from '../../api/client';
import { ProblemAlert } from '../../components/ProblemAlert';
import { usePersistentForm } from '../../components/usePersistentForm';
import { useI18n } from '../../i18n';
import { httpMethods, lgspKeys, protocols, type Service } from './api';
import { m } from './messages';

type Method = (typeof httpMethods)[number];

interface Values {
  applicationId: string;
  code: string;
  name: string;
  description?: string;
  protocol: Service['protocol'];
  baseUrl: string;
  healthPath?: string;
  timeoutMs: number;
  allowedMethods: Method[];
  dataTypes: string[];
  active: boolean;
}

/** Applications that can provide a service, found by name or code. */
function ProviderSelect({
  value,
  onChange,
  id,
}: {
  value?: string;
  onChange?: (v: string) => void;
  id?: string;
}) {
  const { t } = useI18n();
  const [search, setSearch] = useState('');
  const apps = useQuery({
    queryKey: ['lgsp', 'provider-options', search],
    queryFn: () =>
      call(
        api.GET('/api/lgsp/applications', {
          params: { query: { q: search || undefined, offset: 0, limit: 50 } },
        }),
      ),
    placeholderData: keepPreviousData,
  });
  return (
    <Select
      id={id}
      showSearch={{ filterOption: false, onSearch: setSearch }}
      value={value}
      onChange={onChange}
      loading={apps.isFetching}
      notFoundContent={t(m.noApps)}
      options={(apps.data?.items ?? []).map((a) => ({
        value: a.id,
        label: `${a.code} — ${a.name} (${a.unit.code})`,
      }))}
    />
  );
}

const blank = (v: string | undefined) => (v?.trim() ? v.trim() : null);

/** Creates a service (no `service`) or edits one. */
export function ServiceFormModal({
  service,
  onClose,
  onSaved,
}: {
  service?: Service;
  onClose: () => void;
  onSaved: (s: Service) => void;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<Values>();
  const draft = usePersistentForm<Values>(service ? `lgsp.service.${service.id}` : 'lgsp.service.new', form);
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);

  const submit = async (v: Values) => {
    setSaving(true);
    setError(null);
    const common = {
      name: v.name.trim(),
      description: blank(v.description),
      protocol: v.protocol,
      baseUrl: v.baseUrl.trim(),
      healthPath: blank(v.healthPath),
      timeoutMs: v.timeoutMs,
      allowedMethods: v.allowedMethods,
      dataTypes: v.dataTypes.map((d) => d.trim()).filter(Boolean),
      active: v.active,
    };
    try {
      const saved = service
        ? await call(
            api.PATCH('/api/lgsp/services/{id}', { params: { path: { id: service.id } }, body: common }),
          )
        : await call(
            api.POST('/api/lgsp/services', {
              body: { ...common, applicationId: v.applicationId, code: v.code.trim() },
            }),
          );
      draft.clear();
      queryClient.setQueryData(lgspKeys.service(saved.id), saved);
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: lgspKeys.services }),
        queryClient.invalidateQueries({ queryKey: lgspKeys.units }),
        queryClient.invalidateQueries({ queryKey: lgspKeys.availability }),
        queryClient.invalidateQueries({ queryKey: lgspKeys.rights }),
      ]);
      message.success(service ? t(m.saved) : t(m.serviceCreated, { code: saved.code }));
      onSaved(saved);
    } catch (err) {
      setError(err);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      open
      width={720}
      title={service ? t(m.editService) : t(m.newService)}
      okText={service ? t(m.save) : t(m.newService)}
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
        onValuesChange={draft.onValuesChange}
        initialValues={
          service
            ? {
                applicationId: service.applicationId,
                code: service.code,
                name: service.name,
                description: service.description ?? undefined,
                protocol: service.protocol,
                baseUrl: service.baseUrl,
                healthPath: service.healthPath ?? undefined,
                timeoutMs: service.timeoutMs,
                allowedMethods: service.allowedMethods as Method[],
                dataTypes: service.dataTypes,
                active: service.active,
              }
            : {
                protocol: 'rest-json',
                timeoutMs: 30_000,
                allowedMethods: ['GET', 'POST'],
                dataTypes: [],
                active: true,
              }
        }
      >
        {!service && (
          <Form.Item
            name="applicationId"
            label={t(m.provider)}
            rules={[{ required: true, message: t(m.required) }]}
          >
            <ProviderSelect />
          </Form.Item>
        )}
        <div style={{ display: 'flex', gap: 12 }}>
          <Form.Item
            name="code"
            label={t(m.serviceCode)}
            extra={service ? undefined : t(m.serviceCodeHelp)}
            style={{ flex: 1 }}
            rules={[
              { required: true, message: t(m.required) },
              { pattern: /^[a-z0-9-]{2,40}$/, message: t(m.invalidCode) },
            ]}
          >
            <Input autoComplete="off" maxLength={40} disabled={!!service} />
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
        <div style={{ display: 'flex', gap: 12 }}>
          <Form.Item name="protocol" label={t(m.protocol)} style={{ width: 180 }}>
            <Select options={protocols.map((p) => ({ value: p, label: t(m[`protocol_${p}`]) }))} />
          </Form.Item>
          <Form.Item
            name="baseUrl"
            label={t(m.baseUrl)}
            extra={t(m.baseUrlHelp)}
            style={{ flex: 1 }}
            rules={[
              { required: true, message: t(m.required) },
              { pattern: /^https?:\/\/[^\s?#]+$/, message: t(m.invalidUrl) },
            ]}
          >
            <Input maxLength={2000} placeholder="https://" />
          </Form.Item>
        </div>
        <div style={{ display: 'flex', gap: 12 }}>
          <Form.Item
            name="healthPath"
            label={t(m.healthPath)}
            extra={t(m.healthPathHelp)}
            style={{ flex: 1 }}
          >
            <Input maxLength={500} placeholder="/health" />
          </Form.Item>
          <Form.Item name="timeoutMs" label={t(m.timeoutMs)} style={{ width: 200 }}>
            <InputNumber min={100} max={120_000} step={1000} precision={0} style={{ width: '100%' }} />
          </Form.Item>
        </div>
        <Form.Item
          name="allowedMethods"
          label={t(m.methods)}
          rules={[{ required: true, type: 'array', min: 1, message: t(m.required) }]}
        >
          <Checkbox.Group options={httpMethods.map((x) => ({ value: x, label: x }))} />
        </Form.Item>
        <Form.Item name="dataTypes" label={t(m.dataTypes)} extra={t(m.dataTypesHelp)}>
          <Select mode="tags" tokenSeparators={[',']} open={false} suffixIcon={null} />
        </Form.Item>
        <Form.Item name="active" label={t(m.status)} valuePropName="checked">
          <Switch checkedChildren={t(m.active)} unCheckedChildren={t(m.inactive)} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
