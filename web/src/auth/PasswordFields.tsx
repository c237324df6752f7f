/** The new-password pair with a repeat check, shared by the forced and the expired password change. */
import { Form, Input } from 'antd';
import { useI18n } from '../i18n';
import { authText } from './messages';

/** New password and its repetition; the server enforces the policy and answers with its rules. */
export function PasswordFields() {
  const { t } = useI18n();
  return (
    <>
      <Form.Item
        label={t(authText.newPassword)}
        name="newPassword"
        extra={t(authText.passwordRules)}
        rules={[
          { required: true, message: t(authText.required, { field: t(authText.newPassword).toLowerCase() }) },
        ]}
      >
        <Input.Password autoComplete="new-password" />
      </Form.Item>
      <Form.Item
        label={t(authText.confirmPassword)}
        name="confirm"
        dependencies={['newPassword']}
        rules={[
          {
            required: true,
            message: t(authText.required, { field: t(authText.confirmPassword).toLowerCase() }),
          },
          ({ getFieldValue }) => ({
            validator: (_, value) =>
              !value || getFieldValue('newPassword') === value
                ? Promise.resolve()
                : Promise.reject(new Error(t(authText.mismatch))),
          }),
        ]}
      >
        <Input.Password autoComplete="new-password" />
      </Form.Item>
    </>
  );
}
