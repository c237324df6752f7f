/** Account creation: username, name, email, unit, data scope, roles; answers with the one-time password. */
import { useQueryClient } from '@tanstack/react-query';
import { App, Form, Input, Radio, Select } from 'antd';
import { api, call, type ResponseOf } from '../../api/client';
import { useSession } from '../../auth/session';
import { FormModal } from '../../components/FormModal';
import { useI18n } from '../../i18n';
import { UnitSelect } from '../org/UnitSelect';
import { m } from './messages';
import { scopes, useRoles } from './shared';

type Created = ResponseOf<'/api/iam/accounts', 'post'>;

interface Values {
  username: string;
  fullName: string;
  email?: string;
  unitId?: string | null;
  scope: 'own' | 'subtree' | 'all';
  roles: string[];
}

export function CreateAccountModal({
  onClose,
  onCreated,
}: {
  onClose: () => void;
  onCreated: (r: Created) => void;
}) {
  const { t, lang } = useI18n();
  const { me } = useSession();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const roles = useRoles();
  const submit = async (v: Values) => {
    const created = await call(
      api.POST('/api/iam/accounts', {
        body: {
          username: v.username.trim(),
          fullName: v.fullName.trim(),
          ...(v.email?.trim() ? { email: v.email.trim() } : {}),
          unitId: v.unitId ?? null,
          scope: v.scope,
          roles: v.roles ?? [],
        },
      }),
    );
    await queryClient.invalidateQueries({ queryKey: ['iam.accounts'] });
    message.success(t(m.created, { username: created.account.username }));
    onCreated(created);
  };

  return (
    <FormModal<Values>
      title={t(m.create)}
      okText={t(m.create)}
      cancelText={t(m.cancel)}
      draftKey="iam.account.new"
      onSubmit={submit}
      onClose={onClose}
      initialValues={{ scope: 'own', roles: ['user'], unitId: me?.unitId ?? undefined }}
      codeFields={{ IAM_USERNAME_TAKEN: 'username' }}
    >
      <div style={{ display: 'flex', gap: 12 }}>
        <Form.Item
          name="username"
          label={t(m.username)}
          extra={t(m.usernameHelp)}
          style={{ flex: 1 }}
          rules={[
            { required: true, message: t(m.required) },
            { pattern: /^[a-zA-Z0-9][a-zA-Z0-9._-]{2,63}$/, message: t(m.invalidUsername) },
          ]}
        >
          <Input autoFocus autoComplete="off" maxLength={64} />
        </Form.Item>
        <Form.Item
          name="fullName"
          label={t(m.fullName)}
          style={{ flex: 1 }}
          rules={[{ required: true, whitespace: true, message: t(m.required) }]}
        >
          <Input maxLength={200} />
        </Form.Item>
      </div>
      <Form.Item name="email" label={t(m.email)} rules={[{ type: 'email', message: t(m.invalidEmail) }]}>
        <Input maxLength={200} />
      </Form.Item>
      <Form.Item name="unitId" label={t(m.unit)}>
        <UnitSelect placeholder={t(m.noUnit)} />
      </Form.Item>
      <Form.Item name="scope" label={t(m.scope)} extra={t(m.scopeHelp)}>
        <Radio.Group options={scopes.map((s) => ({ value: s, label: t(m[`scope_${s}`]) }))} />
      </Form.Item>
      <Form.Item name="roles" label={t(m.roles)}>
        <Select
          mode="multiple"
          loading={roles.isLoading}
          options={(roles.data ?? []).map((r) => ({
            value: r.id,
            label: lang === 'en' ? r.nameEn : r.nameVi,
          }))}
        />
      </Form.Item>
    </FormModal>
  );
}
