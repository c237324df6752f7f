/**
 * @module web/i18n
 * The console's language: Vietnamese by default, English second; remembered per user on the server
 * (preferences) and in the browser before login.
 */
import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from 'react';
import { fill, type Text } from './messages';

export type Lang = 'vi' | 'en';

const STORAGE_KEY = 'tinhso.lang';

interface I18n {
  lang: Lang;
  setLang(lang: Lang): void;
  /** Renders a text in the current language, filling `{placeholders}`. */
  t(text: Text, values?: Record<string, string | number>): string;
}

const I18nContext = createContext<I18n | null>(null);

function initialLang(): Lang {
  const saved = localStorage.getItem(STORAGE_KEY);
  return saved === 'en' ? 'en' : 'vi';
}

/** Provides the language to the whole console. */
export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(initialLang);
  const setLang = useCallback((next: Lang) => {
    localStorage.setItem(STORAGE_KEY, next);
    document.documentElement.lang = next;
    setLangState(next);
  }, []);
  const value = useMemo<I18n>(
    () => ({ lang, setLang, t: (text, values) => fill(text[lang], values) }),
    [lang, setLang],
  );
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

/** The current language and the translate function. */
export function useI18n(): I18n {
  const ctx = useContext(I18nContext);
  if (!ctx) throw new Error('useI18n outside I18nProvider');
  return ctx;
}
