/**
 * @module web/features/policies/PoliciesPage
 * Security policies (SEC-03, SEC-04, SEC-06, SEC-07): password, failed logins, sessions and the admin
 * networks, one form per tab. Admin networks are validated with the server's own CIDR rules and the
 * caller's address is shown beside the list, with the server's self-lockout guard explained.
 */
import { useQuery } from '@tanstack/react-query';
import { Card, Flex, Tabs, Typography } from 'antd';
import { useSearchParams } from 'react-router';
import { api, call } from '../../api/client';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useI18n } from '../../i18n';
import { AdminNetworksForm, LockoutForm, PasswordForm, SessionForm } from './forms';
import { m } from './messages';

export const POLICIES_KEY = ['iam', 'policies'];

export default function PoliciesPage() {
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') ?? 'password';
  const q = useQuery({ queryKey: POLICIES_KEY, queryFn: () => call(api.GET('/api/iam/policies')) });
  return (
    <Flex vertical gap={12}>
      <div>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t(m.title)}
        </Typography.Title>
        <Typography.Text type="secondary">{t(m.intro)}</Typography.Text>
      </div>
      {q.error && <ProblemAlert error={q.error} onRetry={() => void q.refetch()} />}
      <Card size="small" loading={q.isLoading}>
        {q.data && (
          <Tabs
            activeKey={tab}
            onChange={(k) => setParams({ tab: k }, { replace: true })}
            destroyOnHidden
            items={[
              {
                key: 'password',
                label: t(m.tabPassword),
                children: <PasswordForm value={q.data.password} />,
              },
              { key: 'lockout', label: t(m.tabLockout), children: <LockoutForm value={q.data.lockout} /> },
              { key: 'session', label: t(m.tabSession), children: <SessionForm value={q.data.session} /> },
              {
                key: 'networks',
                label: t(m.tabNetworks),
                children: <AdminNetworksForm value={q.data.adminNetworks} callerIp={q.data.callerIp} />,
              },
            ]}
          />
        )}
      </Card>
    </Flex>
  );
}
