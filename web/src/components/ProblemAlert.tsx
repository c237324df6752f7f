/**
 * @module web/components/ProblemAlert
 * How every API problem is shown: its message in the person's language and its code, never a raw error.
 */
import { Alert, Typography } from 'antd';
import { toApiError } from '../api/errors';
import { useI18n } from '../i18n';
import { shell } from '../i18n/messages';

/** The message of an API error with its code (and field problems of a validation error). */
export function ProblemAlert({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { lang, t } = useI18n();
  if (!error) return null;
  const e = toApiError(error);
  return (
    <Alert
      type={e.status >= 500 || e.status === 0 ? 'error' : 'warning'}
      showIcon
      role="alert"
      title={e.message_(lang)}
      description={
        <>
          {e.fieldErrors.length > 0 && (
            <ul style={{ margin: 0, paddingInlineStart: 18 }}>
              {e.fieldErrors.map((f) => (
                <li key={f.field + f.message}>
                  <Typography.Text code>{f.field}</Typography.Text> {f.message}
                </li>
              ))}
            </ul>
          )}
          <Typography.Text type="secondary" data-testid="error-code">
            {t(shell.errorCode)}: {e.code}
            {e.requestId ? ` · ${e.requestId}` : ''}
          </Typography.Text>
        </>
      }
      action={
        onRetry ? (
          <Typography.Link onClick={onRetry} data-testid="retry">
            {t(shell.retry)}
          </Typography.Link>
        ) : undefined
      }
    />
  );
}

/** The message of an error as one line (for toasts), with its code. */
export function problemText(error: unknown, lang: 'vi' | 'en'): string {
  const e = toApiError(error);
  return `${e.message_(lang)} (${e.code})`;
}
