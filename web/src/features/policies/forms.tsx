/** The four policy forms: each restores an unsaved draft, saves with PUT and shows server problems. */
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Checkbox,
  Descriptions,
  Flex,
  Form,
  type FormInstance,
  Input,
  InputNumber,
  Space,
  Tag,
  Typography,
} from 'antd';
import type { ReactNode } from 'react';
import { ipInRanges, normaliseCidr } from '../../../../src/core/http/client-ip.ts';
import { api, call, type ResponseOf } from '../../api/client';
import { toApiError } from '../../api/errors';
import { ProblemAlert } from '../../components/ProblemAlert';
import { usePersistentForm } from '../../components/usePersistentForm';
import { useI18n } from '../../i18n';
import { m } from './messages';

type Policies = ResponseOf<'/api/iam/policies', 'get'>;

/** Shared frame of a policy form: draft kept, Save/Revert buttons, success message, problems. */
function PolicyForm<T extends object>({
  id,
  initial,
  save,
  children,
  form: given,
  errorView,
}: {
  id: string;
  initial: T;
  save: (v: T) => Promise<unknown>;
  children: ReactNode;
  form?: FormInstance<T>;
  errorView?: (err: unknown) => ReactNode;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [own] = Form.useForm<T>();
  const form = given ?? own;
  const draft = usePersistentForm(`policies.${id}`, form);
  const mutation = useMutation({
    mutationFn: save,
    onSuccess: () => {
      draft.clear();
      message.success(t(m.saved));
      void qc.invalidateQueries({ queryKey: ['iam', 'policies'] });
    },
  });
  return (
    <Form<T>
      form={form}
      layout="vertical"
      initialValues={initial}
      onValuesChange={draft.onValuesChange}
      onFinish={(v) => mutation.mutate(v)}
      style={{ maxWidth: 720 }}
    >
      {children}
      {mutation.error && (
        <div style={{ marginBottom: 16 }}>
          {errorView?.(mutation.error) ?? <ProblemAlert error={mutation.error} />}
        </div>
      )}
      <Space>
        <Button type="primary" htmlType="submit" loading={mutation.isPending}>
          {t(m.save)}
        </Button>
        <Button
          onClick={() => {
            form.setFieldsValue(initial as Parameters<typeof form.setFieldsValue>[0]);
            draft.clear();
            mutation.reset();
          }}
        >
          {t(m.reset)}
        </Button>
      </Space>
    </Form>
  );
}

const num = (min: number, max: number) => ({ min, max, style: { width: 160 }, precision: 0 });

export function PasswordForm({ value }: { value: Policies['password'] }) {
  const { t } = useI18n();
  const req = [{ required: true, message: t(m.required) }];
  return (
    <PolicyForm
      id="password"
      initial={value}
      save={(body) => call(api.PUT('/api/iam/policies/password', { body }))}
    >
      <Form.Item name="minLength" label={t(m.minLength)} extra={t(m.minLengthHelp)} rules={req}>
        <InputNumber {...num(8, 128)} />
      </Form.Item>
      <Form.Item label={t(m.classes)} style={{ marginBottom: 8 }}>
        <Flex wrap gap={16}>
          {(['requireLower', 'requireUpper', 'requireDigit', 'requireSymbol'] as const).map((k) => (
            <Form.Item key={k} name={k} valuePropName="checked" noStyle>
              <Checkbox>{t(m[k])}</Checkbox>
            </Form.Item>
          ))}
        </Flex>
      </Form.Item>
      <Form.Item name="historyCount" label={t(m.historyCount)} extra={t(m.historyHelp)} rules={req}>
        <InputNumber {...num(0, 24)} />
      </Form.Item>
      <Flex gap={24} wrap>
        <Form.Item
          name="changeAfterDays"
          label={t(m.changeAfterDays)}
          extra={t(m.changeAfterHelp)}
          rules={req}
          style={{ flex: 1, minWidth: 260 }}
        >
          <InputNumber {...num(0, 3650)} suffix={t(m.days)} />
        </Form.Item>
        <Form.Item
          name="validityDays"
          label={t(m.validityDays)}
          extra={t(m.validityHelp)}
          rules={req}
          style={{ flex: 1, minWidth: 260 }}
        >
          <InputNumber {...num(0, 3650)} suffix={t(m.days)} />
        </Form.Item>
      </Flex>
    </PolicyForm>
  );
}

export function LockoutForm({ value }: { value: Policies['lockout'] }) {
  const { t } = useI18n();
  const [form] = Form.useForm<Policies['lockout']>();
  const n = Form.useWatch('maxFailures', form) ?? value.maxFailures;
  const w = Form.useWatch('windowMinutes', form) ?? value.windowMinutes;
  const req = [{ required: true, message: t(m.required) }];
  return (
    <PolicyForm
      id="lockout"
      form={form}
      initial={value}
      save={(body) => call(api.PUT('/api/iam/policies/lockout', { body }))}
    >
      <Flex gap={24} wrap>
        <Form.Item name="maxFailures" label={t(m.maxFailures)} rules={req}>
          <InputNumber {...num(1, 100)} />
        </Form.Item>
        <Form.Item name="windowMinutes" label={t(m.windowMinutes)} rules={req}>
          <InputNumber {...num(1, 1440)} suffix={t(m.minutes)} />
        </Form.Item>
      </Flex>
      <Alert type="info" showIcon title={t(m.lockoutExplain, { n, w })} style={{ marginBottom: 16 }} />
    </PolicyForm>
  );
}

export function SessionForm({ value }: { value: Policies['session'] }) {
  const { t } = useI18n();
  const req = [{ required: true, message: t(m.required) }];
  return (
    <PolicyForm
      id="session"
      initial={value}
      save={(body) => call(api.PUT('/api/iam/policies/session', { body }))}
    >
      <Form.Item name="idleTimeoutMinutes" label={t(m.idleTimeout)} extra={t(m.idleHelp)} rules={req}>
        <InputNumber {...num(1, 1440)} suffix={t(m.minutes)} />
      </Form.Item>
      <Form.Item name="absoluteHours" label={t(m.absoluteHours)} extra={t(m.absoluteHelp)} rules={req}>
        <InputNumber {...num(1, 720)} suffix={t(m.hours)} />
      </Form.Item>
    </PolicyForm>
  );
}

interface NetworksValues {
  cidrs: string[];
}

export function AdminNetworksForm({
  value,
  callerIp,
}: {
  value: Policies['adminNetworks'];
  callerIp: string | null;
}) {
  const { t, lang } = useI18n();
  const [form] = Form.useForm<NetworksValues>();
  const cidrs = (Form.useWatch('cidrs', form) ?? value.cidrs) as (string | undefined)[];
  const valid = cidrs.map((c) => normaliseCidr(c ?? '')).filter((c): c is string => !!c);
  const inList = callerIp ? ipInRanges(callerIp, valid) : null;
  return (
    <Flex gap={24} wrap align="start">
      <div style={{ flex: '1 1 420px', maxWidth: 720 }}>
        <Typography.Paragraph>{t(m.networksExplain)}</Typography.Paragraph>
        <PolicyForm<NetworksValues>
          id="networks"
          form={form}
          initial={value}
          save={(v) =>
            call(
              api.PUT('/api/iam/policies/admin-networks', {
                body: { cidrs: v.cidrs.map((c) => c.trim()).filter(Boolean) },
              }),
            )
          }
          errorView={(err) => {
            const e = toApiError(err);
            if (e.code !== 'IAM_SELF_LOCKOUT') return <ProblemAlert error={err} />;
            return (
              <Alert
                type="error"
                showIcon
                role="alert"
                title={t(m.selfLockoutTitle)}
                description={
                  <>
                    {e.message_(lang)}
                    <br />
                    <Typography.Text type="secondary">IAM_SELF_LOCKOUT</Typography.Text>
                  </>
                }
              />
            );
          }}
        >
          <Form.List name="cidrs">
            {(fields, { add, remove }) => (
              <Form.Item label={`${t(m.cidrs)} · ${t(m.cidrCount, { n: fields.length })}`} required>
                <Flex vertical gap={6}>
                  {fields.map((field, i) => (
                    <Flex key={field.key} gap={6} align="start">
                      <Form.Item
                        name={field.name}
                        noStyle={false}
                        style={{ marginBottom: 0, flex: 1 }}
                        validateTrigger={['onChange', 'onBlur']}
                        rules={[
                          { required: true, whitespace: true, message: t(m.required) },
                          {
                            validator: (_, v: string) =>
                              !v || normaliseCidr(v)
                                ? Promise.resolve()
                                : Promise.reject(new Error(t(m.cidrInvalid))),
                          },
                          {
                            validator: (_, v: string) => {
                              const n = normaliseCidr(v ?? '');
                              const dup = n && cidrs.some((o, j) => j < i && normaliseCidr(o ?? '') === n);
                              return dup ? Promise.reject(new Error(t(m.cidrDuplicate))) : Promise.resolve();
                            },
                          },
                        ]}
                      >
                        <Input
                          placeholder={t(m.cidrPlaceholder)}
                          aria-label={`${t(m.cidrs)} ${i + 1}`}
                          style={{ fontFamily: 'monospace' }}
                        />
                      </Form.Item>
                      <Button
                        icon={<DeleteOutlined />}
                        aria-label={t(m.removeCidr)}
                        title={t(m.removeCidr)}
                        onClick={() => remove(field.name)}
                      />
                    </Flex>
                  ))}
                  <Space>
                    <Button icon={<PlusOutlined />} onClick={() => add('')}>
                      {t(m.addCidr)}
                    </Button>
                    {callerIp && inList === false && (
                      <Button onClick={() => add(callerIp)}>{t(m.addMine)}</Button>
                    )}
                  </Space>
                </Flex>
              </Form.Item>
            )}
          </Form.List>
        </PolicyForm>
      </div>
      <Flex vertical gap={12} style={{ flex: '0 1 380px' }}>
        <Descriptions
          size="small"
          bordered
          column={1}
          items={[
            {
              key: 'ip',
              label: t(m.yourIp),
              children: (
                <Space wrap>
                  <Typography.Text code copyable={!!callerIp}>
                    {callerIp ?? t(m.yourIpUnknown)}
                  </Typography.Text>
                  {inList !== null && (
                    <Tag color={inList ? 'green' : 'red'}>{inList ? t(m.yourIpIn) : t(m.yourIpOut)}</Tag>
                  )}
                </Space>
              ),
            },
          ]}
        />
        <Alert type={inList === false ? 'warning' : 'info'} showIcon title={t(m.selfLockoutGuard)} />
      </Flex>
    </Flex>
  );
}
