/**
 * Pieces the SOC screens share: relative time with the absolute one beside it, the source state tag, a copy
 * button, a read-only note, and the colours that keep WCAG AA in both themes.
 */
import { CheckCircleFilled, CopyOutlined, MinusCircleFilled, PauseCircleFilled } from '@ant-design/icons';
import { Alert, App, Button, type ButtonProps, Flex, Tag, Typography } from 'antd';
import { statusText, useTheme } from '../../app/theme';
import { useI18n } from '../../i18n';
import { formatDateTime } from '../../lib/format';
import type { SourceState } from './api';
import { m } from './messages';

// Solid dark tags with white text (6.9:1 and more): Ant Design's light preset tags fail AA contrast.
export const OK_GREEN = '#237804';
export const BAD_RED = '#a8071a';
export const WARN_ORANGE = '#ad4e00';

/** Warning and error text colours that keep WCAG AA in the current theme. */
export function useStatusText() {
  return statusText[useTheme().theme];
}

/** "5 phút trước", from a time and now. */
export function useAgo() {
  const { t } = useI18n();
  return (iso: string, now = Date.now()) => {
    const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
    if (s < 60) return t(m.agoSeconds, { n: s });
    if (s < 3600) return t(m.agoMinutes, { n: Math.floor(s / 60) });
    if (s < 86_400) return t(m.agoHours, { n: Math.floor(s / 3600) });
    return t(m.agoDays, { n: Math.floor(s / 86_400) });
  };
}

/** A time as "5 phút trước" with dd/MM/yyyy HH:mm:ss under it; "never" for null. */
export function WhenCell({ at }: { at: string | null }) {
  const { t } = useI18n();
  const ago = useAgo();
  if (!at) return <Typography.Text type="secondary">{t(m.never)}</Typography.Text>;
  return (
    <Flex vertical style={{ lineHeight: 1.25 }}>
      <span>{ago(at)}</span>
      <Typography.Text type="secondary" style={{ fontSize: 12, whiteSpace: 'nowrap' }}>
        {formatDateTime(at)}
      </Typography.Text>
    </Flex>
  );
}

/** Reporting / silent / never. */
export function SourceStateTag({ state }: { state: SourceState }) {
  const { t } = useI18n();
  if (state === 'reporting')
    return (
      <Tag color={OK_GREEN} icon={<CheckCircleFilled />}>
        {t(m.state_reporting)}
      </Tag>
    );
  if (state === 'silent')
    return (
      <Tag color={BAD_RED} icon={<PauseCircleFilled />}>
        {t(m.state_silent)}
      </Tag>
    );
  return <Tag icon={<MinusCircleFilled />}>{t(m.state_never)}</Tag>;
}

/** Copies `text` to the clipboard and says so. */
export function useCopy() {
  const { message } = App.useApp();
  const { t } = useI18n();
  return async (text: string) => {
    await navigator.clipboard.writeText(text);
    message.success(t(m.copied));
  };
}

/** A small copy button with an accessible name. */
export function CopyButton({ text, label, ...rest }: { text: string; label: string } & ButtonProps) {
  const copy = useCopy();
  return (
    <Button
      size="small"
      icon={<CopyOutlined />}
      aria-label={label}
      title={label}
      onClick={() => void copy(text)}
      {...rest}
    />
  );
}

/** A danger button whose text passes WCAG AA (antd's danger red is 3.3:1 on white). */
export function DangerButton(props: ButtonProps) {
  const { bad } = useStatusText();
  const style = props.disabled ? props.style : { color: bad, borderColor: bad, ...props.style };
  return <Button danger {...props} style={style} />;
}

/** Says the person may only look. */
export function ReadOnlyNote({ canWrite }: { canWrite: boolean }) {
  const { t } = useI18n();
  return canWrite ? null : <Alert type="info" showIcon title={t(m.readOnly)} />;
}

/** Title and one line of introduction of a SOC screen. */
export function PageHead({ title, intro }: { title: string; intro: string }) {
  return (
    <div>
      <Typography.Title level={4} style={{ margin: 0 }}>
        {title}
      </Typography.Title>
      <Typography.Text type="secondary">{intro}</Typography.Text>
    </div>
  );
}

/** Styles that hide an element from sight but not from screen readers. */
export const visuallyHidden = {
  position: 'absolute',
  width: 1,
  height: 1,
  overflow: 'hidden',
  clip: 'rect(0 0 0 0)',
  whiteSpace: 'nowrap',
} as const;

/** Text only screen readers get (a column header with no visible title, a chart's figures). */
export function ScreenReaderText({ children }: { children: React.ReactNode }) {
  return <span style={visuallyHidden}>{children}</span>;
}
