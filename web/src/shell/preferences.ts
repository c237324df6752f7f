/** Saves the person's language and theme on the server so they follow them to any browser. */
import { api, call } from '../api/client';

/** Best effort: the choice already applies locally; a failure only means it is not remembered server-side. */
export async function savePreferences(prefs: {
  lang?: 'vi' | 'en';
  theme?: 'light' | 'dark';
}): Promise<void> {
  try {
    await call(api.PATCH('/api/iam/auth/me/preferences', { body: prefs }));
  } catch {
    // Not logged in yet, or offline: the browser keeps the choice in localStorage.
  }
}
