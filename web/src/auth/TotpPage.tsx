/** The second login step when the account has TOTP enabled. */
import { useMutation } from '@tanstack/react-query';
import { Button, Form, Input, Typography } from 'antd';
import { useNavigate, useSearchParams } from 'react-router';
import { api, call } from '../api/client';
import { ProblemAlert } from '../components/ProblemAlert';
import { useI18n } from '../i18n';
import { AuthCard } from './AuthCard';
import { nextPath } from './LoginPage';
import { authText } from './messages';
import { useSession } from './session';

/** Asks for the 6-digit code, then continues to the forced password change or the console. */
export function TotpPage() {
  const { t } = useI18n();
  const session = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const verify = useMutation({
    mutationFn: (code: string) => call(api.POST('/api/iam/auth/totp', { body: { code } })),
    onSuccess: async (result) => {
      await session.refresh();
      if (result.stage === 'password_change')
        navigate(`/change-password?${params}`, { state: { forced: true } });
      else navigate(nextPath(params), { replace: true });
    },
  });
  return (
    <AuthCard title={t(authText.totpTitle)}>
      <Typography.Paragraph type="secondary">{t(authText.totpHint)}</Typography.Paragraph>
      <Form layout="vertical" onFinish={(v: { code: string }) => verify.mutate(v.code)} requiredMark={false}>
        <Form.Item
          label={t(authText.totpCode)}
          name="code"
          rules={[{ required: true, pattern: /^\d{6}$/, message: t(authText.totpHint) }]}
        >
          <Input inputMode="numeric" autoComplete="one-time-code" maxLength={6} autoFocus size="large" />
        </Form.Item>
        {verify.error && (
          <div style={{ marginBottom: 16 }}>
            <ProblemAlert error={verify.error} />
          </div>
        )}
        <Button type="primary" htmlType="submit" block size="large" loading={verify.isPending}>
          {t(authText.verify)}
        </Button>
      </Form>
    </AuthCard>
  );
}
