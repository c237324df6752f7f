/**
 * @module web/auth/LoginPage
 * Login with the server's own messages for wrong passwords (attempts left), lockout (SEC-04) and expired
 * passwords (SEC-03), then the TOTP step or the forced password change when the session needs one.
 */
import { useMutation } from '@tanstack/react-query';
import { Alert, Button, Form, Input } from 'antd';
import { useNavigate, useSearchParams } from 'react-router';
import { api, call, setCsrfToken } from '../api/client';
import { toApiError } from '../api/errors';
import { ProblemAlert } from '../components/ProblemAlert';
import { useI18n } from '../i18n';
import { AuthCard } from './AuthCard';
import { authText } from './messages';
import { useSession } from './session';

interface LoginForm {
  username: string;
  password: string;
}

/** Where to go after a successful step: a safe in-console path only (no open redirect). */
export function nextPath(params: URLSearchParams): string {
  const next = params.get('next');
  return next?.startsWith('/') && !next.startsWith('//') && !next.startsWith('/login') ? next : '/';
}

/** The login page. */
export function LoginPage() {
  const { t, lang } = useI18n();
  const session = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const login = useMutation({
    mutationFn: (body: LoginForm) => call(api.POST('/api/iam/auth/login', { body })),
    onSuccess: async (result) => {
      setCsrfToken(result.csrfToken);
      session.clearEnded();
      await session.refresh();
      const keep = params.toString() ? `?${params}` : '';
      if (result.stage === 'totp') navigate(`/login/totp${keep}`);
      else if (result.stage === 'password_change')
        navigate(`/change-password${keep}`, { state: { forced: true } });
      else navigate(nextPath(params), { replace: true });
    },
  });
  const error = login.error ? toApiError(login.error) : null;
  return (
    <AuthCard title={t(authText.title)}>
      {session.ended && !login.isPending && (
        <Alert
          style={{ marginBottom: 16 }}
          type="info"
          showIcon
          title={t(authText.sessionEnded)}
          description={session.ended.message_(lang)}
        />
      )}
      <Form<LoginForm> layout="vertical" onFinish={(v) => login.mutate(v)} requiredMark={false}>
        <Form.Item
          label={t(authText.username)}
          name="username"
          rules={[
            { required: true, message: t(authText.required, { field: t(authText.username).toLowerCase() }) },
          ]}
        >
          <Input autoComplete="username" autoFocus size="large" />
        </Form.Item>
        <Form.Item
          label={t(authText.password)}
          name="password"
          rules={[
            { required: true, message: t(authText.required, { field: t(authText.password).toLowerCase() }) },
          ]}
        >
          <Input.Password autoComplete="current-password" size="large" />
        </Form.Item>
        {error && (
          <div style={{ marginBottom: 16 }}>
            <ProblemAlert error={error} />
            {error.code === 'IAM_PASSWORD_EXPIRED' && (
              <Button type="link" onClick={() => navigate('/password-expired')} style={{ paddingInline: 0 }}>
                {t(authText.changeTitle)}
              </Button>
            )}
          </div>
        )}
        <Button type="primary" htmlType="submit" block size="large" loading={login.isPending}>
          {t(authText.submit)}
        </Button>
      </Form>
    </AuthCard>
  );
}
