/**
 * @module web/auth/session
 * Who is logged in: the server's /auth/me, the CSRF token for state changes, the idle timeout (SEC-06) with a
 * warning before it ends, and the explanation shown when a call finds the session gone.
 */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  createContext,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import { api, call, onSessionGone, type ResponseOf, setCsrfToken } from '../api/client';
import { type ApiError, toApiError } from '../api/errors';
import { useI18n } from '../i18n';

export type Me = ResponseOf<'/api/iam/auth/me', 'get'>;

interface Session {
  /** The logged-in account, or null before login. */
  me: Me | null;
  loading: boolean;
  /** Why the session ended (expired, logged out elsewhere), until the person logs in again. */
  ended: ApiError | null;
  has(permission: string): boolean;
  /** Re-reads /auth/me (after login, password change, preference change). */
  refresh(): Promise<Me | null>;
  logout(): Promise<void>;
  /** Marks activity so the idle countdown restarts (any successful call to the server counts). */
  touch(): void;
  lastActivity: number;
  clearEnded(): void;
}

const SessionContext = createContext<Session | null>(null);

async function fetchMe(): Promise<Me | null> {
  try {
    return await call(api.GET('/api/iam/auth/me'));
  } catch (err) {
    const e = toApiError(err);
    if (e.status === 401) return null;
    throw e;
  }
}

/** Provides the session to the console. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const { setLang } = useI18n();
  const [ended, setEnded] = useState<ApiError | null>(null);
  const [lastActivity, setLastActivity] = useState(() => Date.now());
  const query = useQuery({ queryKey: ['me'], queryFn: fetchMe, staleTime: 60_000, retry: false });
  const me = query.data ?? null;

  useEffect(() => {
    setCsrfToken(me?.csrfToken ?? null);
    if (me?.lang === 'vi' || me?.lang === 'en') setLang(me.lang);
  }, [me, setLang]);

  // A 401 before anyone logged in just means "not logged in"; only a session that existed can end.
  const hadSession = useRef(false);
  useEffect(() => {
    if (me) hadSession.current = true;
  }, [me]);
  useEffect(
    () =>
      onSessionGone((err) => {
        if (!hadSession.current) return;
        setEnded(err);
        setCsrfToken(null);
      }),
    [],
  );

  const refresh = useCallback(async () => {
    const next = await fetchMe();
    queryClient.setQueryData(['me'], next);
    setLastActivity(Date.now());
    return next;
  }, [queryClient]);

  const logout = useCallback(async () => {
    try {
      await call(api.POST('/api/iam/auth/logout'));
    } finally {
      setCsrfToken(null);
      queryClient.clear();
      queryClient.setQueryData(['me'], null);
    }
  }, [queryClient]);

  const value = useMemo<Session>(
    () => ({
      me,
      loading: query.isLoading,
      ended,
      has: (p) => me?.permissions.includes(p) ?? false,
      refresh,
      logout,
      touch: () => setLastActivity(Date.now()),
      lastActivity,
      clearEnded: () => {
        hadSession.current = false;
        setEnded(null);
      },
    }),
    [me, query.isLoading, ended, refresh, logout, lastActivity],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

/** The current session. */
export function useSession(): Session {
  const ctx = useContext(SessionContext);
  if (!ctx) throw new Error('useSession outside SessionProvider');
  return ctx;
}
