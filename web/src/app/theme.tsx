/**
 * @module web/app/theme
 * Light or dark theme, remembered in the browser and, once logged in, in the person's preferences.
 * The light theme's colours keep WCAG AA contrast (checked by axe-core in the browser tests).
 */
import { theme as antdTheme, type ThemeConfig } from 'antd';
import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from 'react';

export type ThemeName = 'light' | 'dark';
const STORAGE_KEY = 'tinhso.theme';

const ThemeContext = createContext<{ theme: ThemeName; setTheme(t: ThemeName): void } | null>(null);

/** Provides the theme name; the App turns it into Ant Design's algorithm. */
export function ThemeProvider({ children }: { children: ReactNode }) {
  const [theme, setThemeState] = useState<ThemeName>(() =>
    localStorage.getItem(STORAGE_KEY) === 'dark' ? 'dark' : 'light',
  );
  const setTheme = useCallback((t: ThemeName) => {
    localStorage.setItem(STORAGE_KEY, t);
    setThemeState(t);
  }, []);
  const value = useMemo(() => ({ theme, setTheme }), [theme, setTheme]);
  return <ThemeContext.Provider value={value}>{children}</ThemeContext.Provider>;
}

/** The current theme and its setter. */
export function useTheme() {
  const ctx = useContext(ThemeContext);
  if (!ctx) throw new Error('useTheme outside ThemeProvider');
  return ctx;
}

/** Ant Design tokens: a deeper primary blue than the default so text on it passes WCAG AA. */
export function themeConfig(name: ThemeName): ThemeConfig {
  return {
    algorithm: name === 'dark' ? antdTheme.darkAlgorithm : antdTheme.defaultAlgorithm,
    token: {
      colorPrimary: name === 'dark' ? '#4c8dff' : '#0958d9',
      // Ant Design's default link blue #1677ff is 4.1:1 on white; links take the deeper primary (AA).
      ...(name === 'light' ? { colorLink: '#0958d9' } : {}),
      colorTextSecondary: name === 'dark' ? 'rgba(255,255,255,0.72)' : 'rgba(0,0,0,0.65)',
      colorTextDescription: name === 'dark' ? 'rgba(255,255,255,0.72)' : 'rgba(0,0,0,0.65)',
      colorTextPlaceholder: name === 'dark' ? 'rgba(255,255,255,0.6)' : 'rgba(0,0,0,0.55)',
      borderRadius: 6,
      fontFamily: "'Segoe UI', Roboto, 'Noto Sans', 'Helvetica Neue', Arial, 'Liberation Sans', sans-serif",
    },
  };
}
