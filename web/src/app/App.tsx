/**
 * @module web/app/App
 * Providers of the console: data fetching (TanStack Query), language, theme (Ant Design with vi_VN or en_US),
 * session and router.
 */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App as AntApp, ConfigProvider } from 'antd';
import enUS from 'antd/locale/en_US';
import viVN from 'antd/locale/vi_VN';
import dayjs from 'dayjs';
import 'dayjs/locale/vi';
import { useEffect } from 'react';
import { RouterProvider } from 'react-router';
import { toApiError } from '../api/errors';
import { SessionProvider } from '../auth/session';
import { I18nProvider, useI18n } from '../i18n';
import { router } from './router';
import { ThemeProvider, themeConfig, useTheme } from './theme';

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // Refusals and validation problems do not get better by retrying; network and 5xx may.
      retry: (count, err) => count < 2 && (toApiError(err).status === 0 || toApiError(err).status >= 500),
      refetchOnWindowFocus: false,
    },
  },
});

function Themed() {
  const { lang } = useI18n();
  const { theme } = useTheme();
  useEffect(() => {
    dayjs.locale(lang === 'vi' ? 'vi' : 'en');
    document.documentElement.lang = lang;
    document.documentElement.dataset.theme = theme;
  }, [lang, theme]);
  return (
    <ConfigProvider locale={lang === 'vi' ? viVN : enUS} theme={themeConfig(theme)}>
      <AntApp>
        <SessionProvider>
          <RouterProvider router={router} />
        </SessionProvider>
      </AntApp>
    </ConfigProvider>
  );
}

/** The whole console. */
export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <I18nProvider>
        <ThemeProvider>
          <Themed />
        </ThemeProvider>
      </I18nProvider>
    </QueryClientProvider>
  );
}
