/**
 * @module web/app/router
 * Routes: the pre-login pages, then the shell with the home page and every feature the person may open
 * (each lazily loaded). A feature outside the person's permissions shows a refusal, not an empty page.
 */
import { Button, Result } from 'antd';
import { lazy, type ReactNode } from 'react';
import { createBrowserRouter, Link } from 'react-router';
import { ChangePasswordPage, ExpiredPasswordPage } from '../auth/ChangePasswordPage';
import { LoginPage } from '../auth/LoginPage';
import { useSession } from '../auth/session';
import { TotpPage } from '../auth/TotpPage';
import { useI18n } from '../i18n';
import { shell } from '../i18n/messages';
import { AppLayout } from '../shell/AppLayout';
import { CrumbsProvider } from '../shell/crumbs';
import { SessionGuard } from '../shell/SessionGuard';
import { type Feature, features } from './features';

const HomePage = lazy(() => import('../features/home/HomePage'));

function Refusal({ status }: { status: 403 | 404 }) {
  const { t } = useI18n();
  return (
    <Result
      status={status}
      title={status}
      subTitle={t(status === 403 ? shell.forbidden : shell.notFound)}
      extra={
        <Link to="/">
          <Button type="primary">{t(shell.backHome)}</Button>
        </Link>
      }
    />
  );
}

function Allowed({ feature, children }: { feature: Feature; children: ReactNode }) {
  const { has } = useSession();
  return feature.permissions.some(has) ? children : <Refusal status={403} />;
}

/** The console's router. */
export const router = createBrowserRouter([
  { path: '/login', element: <LoginPage /> },
  { path: '/login/totp', element: <TotpPage /> },
  { path: '/change-password', element: <ChangePasswordPage /> },
  { path: '/password-expired', element: <ExpiredPasswordPage /> },
  {
    element: (
      <SessionGuard>
        <CrumbsProvider>
          <AppLayout />
        </CrumbsProvider>
      </SessionGuard>
    ),
    children: [
      { index: true, element: <HomePage /> },
      ...features.map((f) => {
        const Page = lazy(f.page);
        return {
          path: `${f.path}/*`,
          element: (
            <Allowed feature={f}>
              <Page />
            </Allowed>
          ),
        };
      }),
      { path: '*', element: <Refusal status={404} /> },
    ],
  },
]);
