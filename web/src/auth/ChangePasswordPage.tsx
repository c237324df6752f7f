/**
 * @module web/auth/ChangePasswordPage
 * The password change a session must make first (one-time password, password age: SEC-03), and the change of
 * an expired password that unlocks the account before login.
 */
import { useMutation } from '@tanstack/react-query';
import { Alert, App, Button, Form, Input, Typography } from 'antd';
import { useNavigate, useSearchParams } from 'react-router';
import { api, call } from '../api/client';
import { ProblemAlert } from '../components/ProblemAlert';
import { useI18n } from '../i18n';
import { AuthCard } from './AuthCard';
import { nextPath } from './LoginPage';
import { authText } from './messages';
import { PasswordFields } from './PasswordFields';
import { useSession } from './session';

interface ChangeForm {
  currentPassword: string;
  newPassword: string;
}

/** Change of password inside a session (forced at first login). */
export function ChangePasswordPage() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const session = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const forced = session.me?.stage === 'password_change';
  const change = useMutation({
    mutationFn: (body: ChangeForm) => call(api.POST('/api/iam/auth/change-password', { body })),
    onSuccess: async () => {
      message.success(t(authText.changed));
      await session.refresh();
      navigate(nextPath(params), { replace: true });
    },
  });
  return (
    <AuthCard title={t(authText.changeTitle)}>
      {forced && (
        <Alert type="warning" showIcon title={t(authText.changeForced)} style={{ marginBottom: 16 }} />
      )}
      <Form<ChangeForm & { confirm: string }>
        layout="vertical"
        requiredMark={false}
        onFinish={({ currentPassword, newPassword }) => change.mutate({ currentPassword, newPassword })}
      >
        <Form.Item
          label={t(authText.currentPassword)}
          name="currentPassword"
          rules={[
            {
              required: true,
              message: t(authText.required, { field: t(authText.currentPassword).toLowerCase() }),
            },
          ]}
        >
          <Input.Password autoComplete="current-password" autoFocus />
        </Form.Item>
        <PasswordFields />
        {change.error && (
          <div style={{ marginBottom: 16 }}>
            <ProblemAlert error={change.error} />
          </div>
        )}
        <Button type="primary" htmlType="submit" block loading={change.isPending}>
          {t(authText.changeTitle)}
        </Button>
      </Form>
    </AuthCard>
  );
}

/** Change of an expired password, which unlocks the account (no session yet). */
export function ExpiredPasswordPage() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const change = useMutation({
    mutationFn: (body: ChangeForm & { username: string }) =>
      call(api.POST('/api/iam/auth/change-expired-password', { body })),
    onSuccess: () => {
      message.success(t(authText.changed));
      navigate('/login', { replace: true });
    },
  });
  return (
    <AuthCard title={t(authText.expiredTitle)}>
      <Typography.Paragraph type="secondary">{t(authText.expiredHint)}</Typography.Paragraph>
      <Form<ChangeForm & { username: string; confirm: string }>
        layout="vertical"
        requiredMark={false}
        onFinish={({ username, currentPassword, newPassword }) =>
          change.mutate({ username, currentPassword, newPassword })
        }
      >
        <Form.Item label={t(authText.username)} name="username" rules={[{ required: true }]}>
          <Input autoComplete="username" autoFocus />
        </Form.Item>
        <Form.Item label={t(authText.currentPassword)} name="currentPassword" rules={[{ required: true }]}>
          <Input.Password autoComplete="current-password" />
        </Form.Item>
        <PasswordFields />
        {change.error && (
          <div style={{ marginBottom: 16 }}>
            <ProblemAlert error={change.error} />
          </div>
        )}
        <Button type="primary" htmlType="submit" block loading={change.isPending}>
          {t(authText.changeTitle)}
        </Button>
        <Button type="link" block onClick={() => navigate('/login')}>
          {t(authText.backToLogin)}
        </Button>
      </Form>
    </AuthCard>
  );
}
