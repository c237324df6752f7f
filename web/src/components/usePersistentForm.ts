/**
 * @module web/components/usePersistentForm
 * Keeps what a person types in a form in sessionStorage until it is saved, so a lost connection or an
 * expired session (log in again, come back) loses nothing.
 */
import type { FormInstance } from 'antd';
import { App } from 'antd';
import { useEffect, useRef } from 'react';
import { useI18n } from '../i18n';
import { shell } from '../i18n/messages';

const PREFIX = 'tinhso.draft.';

/**
 * Restores a saved draft into `form` once, and returns `onValuesChange` (pass it to <Form>) and `clear`
 * (call it after a successful save). A null key keeps no draft (the hook is still called: React's rules).
 */
export function usePersistentForm<T extends object>(key: string | null, form: FormInstance<T>) {
  const { message } = App.useApp();
  const { t } = useI18n();
  const restored = useRef(false);
  useEffect(() => {
    if (restored.current || key === null) return;
    restored.current = true;
    const saved = sessionStorage.getItem(PREFIX + key);
    if (saved) {
      form.setFieldsValue(JSON.parse(saved) as Parameters<FormInstance<T>['setFieldsValue']>[0]);
      message.info(t(shell.unsavedRestored));
    }
  }, [form, key, message, t]);
  return {
    onValuesChange: (_: unknown, all: T) => {
      if (key === null) return;
      // Passwords are never stored, even in a session-scoped draft.
      const safe = Object.fromEntries(Object.entries(all).filter(([k]) => !/password/i.test(k)));
      sessionStorage.setItem(PREFIX + key, JSON.stringify(safe));
    },
    clear: () => {
      if (key !== null) sessionStorage.removeItem(PREFIX + key);
    },
  };
}
