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

/**
 * Colours of status text that keep WCAG AA (4.5:1) on the theme's cards: light #ad4e00 / #a8071a on white,
 * dark #e8a33d / #ff7875 on #141414 (the light ones are 3.4:1 and 2.4:1 there).
 */
export const statusText: Record<ThemeName, { warn: string; bad: string }> = {
  light: { warn: '#ad4e00', bad: '#a8071a' },
  dark: { warn: '#e8a33d', bad: '#ff7875' },
};

/**
 * Ant Design tokens: a deeper primary blue than the default so text on it passes WCAG AA. In the dark theme
 * one blue cannot serve both uses (white on it needs it dark, it as text on #141414 needs it light), so the
 * primary (active tabs, links, selections) is light (#5d8fdc after the dark algorithm: 5.6:1 on #141414)
 * and primary buttons get a deeper one of their own (#2f63c4: white on it 5.7:1).
 */
export function themeConfig(name: ThemeName): ThemeConfig {
  return {
    algorithm: name === 'dark' ? antdTheme.darkAlgorithm : antdTheme.defaultAlgorithm,
    ...(name === 'dark'
      ? {
          components: {
            Button: { colorPrimary: '#2f63c4', colorPrimaryHover: '#3a6dcc', colorPrimaryActive: '#24529f' },
          },
        }
      : {}),
    token: {
      colorPrimary: name === 'dark' ? '#6aa5ff' : '#0958d9',
      // Ant Design's default link blue #1677ff is 4.1:1 on white; links take the deeper primary (AA). Its dark
      // default (#1668dc) is 3.4:1 on #141414: links there take a light blue.
      colorLink: name === 'dark' ? '#7fb0ff' : '#0958d9',
      colorTextSecondary: name === 'dark' ? 'rgba(255,255,255,0.72)' : 'rgba(0,0,0,0.65)',
      colorTextDescription: name === 'dark' ? 'rgba(255,255,255,0.72)' : 'rgba(0,0,0,0.65)',
      colorTextPlaceholder: name === 'dark' ? 'rgba(255,255,255,0.6)' : 'rgba(0,0,0,0.55)',
      borderRadius: 6,
      fontFamily: "'Segoe UI', Roboto, 'Noto Sans', 'Helvetica Neue', Arial, 'Liberation Sans', sans-serif",
    },
  };
}
