/**
 * @module web/shell/SessionGuard
 * Keeps people inside the console only with a full session: sends them to login (remembering where they were),
 * to the TOTP step or the forced password change; warns a minute before the idle timeout (SEC-06) and explains
 * an ended session instead of failing silently.
 */
import { Button, Modal, Spin } from 'antd';
import { type ReactNode, useEffect, useState } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router';
import { lastServerContact } from '../api/client';
import { useSession } from '../auth/session';
import { useI18n } from '../i18n';
import { shell } from '../i18n/messages';

const WARN_SECONDS = 60;

function useIdleSecondsLeft(timeoutMinutes: number | undefined): number | null {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(id);
  }, []);
  if (!timeoutMinutes) return null;
  return Math.round((lastServerContact() + timeoutMinutes * 60_000 - now) / 1000);
}

/** Renders the shell only for a full session. */
export function SessionGuard({ children }: { children: ReactNode }) {
  const session = useSession();
  const location = useLocation();
  const navigate = useNavigate();
  const { t, lang } = useI18n();
  const left = useIdleSecondsLeft(session.me?.idleTimeoutMinutes);
  const here = `${location.pathname}${location.search}`;
  const toLogin = `/login?next=${encodeURIComponent(here)}`;

  if (session.loading) return <Spin fullscreen tip={t(shell.loading)} />;
  if (!session.me) return <Navigate to={toLogin} replace />;
  if (session.me?.stage === 'totp')
    return <Navigate to={`/login/totp?next=${encodeURIComponent(here)}`} replace />;
  if (session.me?.stage === 'password_change')
    return <Navigate to={`/change-password?next=${encodeURIComponent(here)}`} replace />;

  const expiredLocally = left !== null && left <= 0;
  const ended = session.ended;
  return (
    <>
      {children}
      <Modal
        open={!!ended || expiredLocally}
        closable={false}
        maskClosable={false}
        keyboard={false}
        title={t(shell.sessionExpiredTitle)}
        footer={
          <Button type="primary" onClick={() => navigate(toLogin)} data-testid="login-again">
            {t(shell.loginAgain)}
          </Button>
        }
      >
        <p data-testid="session-ended-message">
          {ended
            ? `${ended.message_(lang)} (${ended.code})`
            : t(shell.sessionIdleExpired, { minutes: session.me?.idleTimeoutMinutes ?? 0 })}
        </p>
        <p>{t(shell.draftKept)}</p>
      </Modal>
      <Modal
        open={!ended && left !== null && left > 0 && left <= WARN_SECONDS}
        title={t(shell.sessionExpiredTitle)}
        closable={false}
        footer={
          <Button type="primary" onClick={() => void session.refresh()}>
            {t(shell.stayLoggedIn)}
          </Button>
        }
      >
        {t(shell.sessionExpiringSoon, { seconds: Math.max(left ?? 0, 0) })}
      </Modal>
    </>
  );
}
