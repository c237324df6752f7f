/** Create a custom role, or rename one (its permissions are edited in the matrix). */

import { useMutation } from '@tanstack/react-query';
import { App, Form, Input, Modal, Select } from 'antd';
import { api, call } from '../../api/client';
import { ProblemAlert } from '../../components/ProblemAlert';
import { usePersistentForm } from '../../components/usePersistentForm';
import { useI18n } from '../../i18n';
import { m } from './messages';
import type { Role } from './RolesPage';

interface Values {
  id: string;
  nameVi: string;
  nameEn: string;
  copyFrom?: string;
}

export function RoleFormModal({
  role,
  roles,
  onClose,
  onSaved,
}: {
  /** The role to rename; absent to create one. */
  role?: Role;
  roles: Role[];
  onClose: () => void;
  onSaved: (role: Role) => void;
}) {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const draft = usePersistentForm(role ? `roles.edit.${role.id}` : 'roles.new', form);
  const save = useMutation({
    mutationFn: (v: Values) => {
      const permissions = role
        ? role.permissions
        : (roles.find((r) => r.id === v.copyFrom)?.permissions ?? []);
      return call(
        api.PUT('/api/iam/roles/{id}', {
          params: { path: { id: role?.id ?? v.id } },
          body: { nameVi: v.nameVi.trim(), nameEn: v.nameEn.trim(), permissions },
        }),
      );
    },
    onSuccess: (saved) => {
      draft.clear();
      message.success(t(m.saved, { name: lang === 'vi' ? saved.nameVi : saved.nameEn }));
      onSaved(saved);
    },
  });
  return (
    <Modal
      open
      title={role ? t(m.editRole) : t(m.newRole)}
      okText={t(m.save)}
      cancelText={t(m.cancel)}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={save.isPending}
      destroyOnHidden
    >
      <Form<Values>
        form={form}
        layout="vertical"
        initialValues={role ? { id: role.id, nameVi: role.nameVi, nameEn: role.nameEn } : {}}
        onValuesChange={draft.onValuesChange}
        onFinish={(v) => save.mutate(v)}
      >
        <Form.Item
          name="id"
          label={t(m.roleId)}
          extra={role ? undefined : t(m.roleIdHelp)}
          rules={[
            { required: true, message: t(m.required) },
            { pattern: /^[a-z][a-z0-9_]{1,40}$/, message: t(m.roleIdInvalid) },
            {
              validator: (_, v: string) =>
                !role && roles.some((r) => r.id === v)
                  ? Promise.reject(new Error(t(m.roleIdTaken)))
                  : Promise.resolve(),
            },
          ]}
        >
          <Input disabled={!!role} autoFocus={!role} maxLength={41} />
        </Form.Item>
        <Form.Item
          name="nameVi"
          label={t(m.nameVi)}
          rules={[{ required: true, whitespace: true, message: t(m.required) }]}
        >
          <Input maxLength={100} autoFocus={!!role} />
        </Form.Item>
        <Form.Item
          name="nameEn"
          label={t(m.nameEn)}
          rules={[{ required: true, whitespace: true, message: t(m.required) }]}
        >
          <Input maxLength={100} />
        </Form.Item>
        {!role && (
          <Form.Item name="copyFrom" label={t(m.copyFrom)}>
            <Select
              allowClear
              placeholder={t(m.copyNone)}
              options={roles.map((r) => ({
                value: r.id,
                label: `${lang === 'vi' ? r.nameVi : r.nameEn} · ${t(m.countOf, { n: r.permissions.length })}`,
              }))}
            />
          </Form.Item>
        )}
      </Form>
      {save.error && <ProblemAlert error={save.error} />}
    </Modal>
  );
}
