/**
 * Pieces the LGSP screens share: online/offline tag, read-only note, the one-time secret dialog, the CIDR
 * list editor and the PEM input (file or paste). Local to LGSP (the shared components belong to the shell).
 */
import {
  CheckCircleFilled,
  CloseCircleFilled,
  CopyOutlined,
  DeleteOutlined,
  PlusOutlined,
  QuestionCircleOutlined,
} from '@ant-design/icons';
import { Alert, App, Button, type ButtonProps, Flex, Input, List, Modal, Tag, Typography } from 'antd';
import { useState } from 'react';
import { statusText, useTheme } from '../../app/theme';
import { FileUpload } from '../../components/FileUpload';
import { useI18n } from '../../i18n';
import { formatDateTime } from '../../lib/format';
import { m } from './messages';

// A solid dark green (white text, 6.9:1): Ant Design's light 'green' preset tag fails WCAG AA contrast.
export const OK_GREEN = '#237804';
export const BAD_RED = '#a8071a';
export const WARN_ORANGE = '#ad4e00';

/** Online / offline / not yet known, with the time the state began. */
export function StateTag({ online, since }: { online: boolean | null | undefined; since?: string | null }) {
  const { t } = useI18n();
  const title = since ? t(m.since, { at: formatDateTime(since) }) : undefined;
  if (online === true)
    return (
      <Tag color={OK_GREEN} icon={<CheckCircleFilled />} title={title}>
        {t(m.online)}
      </Tag>
    );
  if (online === false)
    return (
      <Tag color={BAD_RED} icon={<CloseCircleFilled />} title={title}>
        {t(m.offline)}
      </Tag>
    );
  return <Tag icon={<QuestionCircleOutlined />}>{t(m.unknown)}</Tag>;
}

/** Warning and error text colours that keep WCAG AA in the current theme. */
export function useStatusText() {
  return statusText[useTheme().theme];
}

/**
 * A danger button whose text passes WCAG AA: Ant Design's danger red #ff4d4f is 3.3:1 on white, so the
 * outline takes the darker red.
 */
export function DangerButton(props: ButtonProps) {
  const { bad } = useStatusText();
  const style = props.disabled ? props.style : { color: bad, borderColor: bad, ...props.style };
  return <Button danger {...props} style={style} />;
}

/** Says the person may only look. */
export function ReadOnlyNote({ canWrite, text }: { canWrite: boolean; text?: string }) {
  const { t } = useI18n();
  return canWrite ? null : (
    <Alert type="info" showIcon title={text ?? t(m.noWriteRight)} style={{ marginBottom: 12 }} />
  );
}

/** A value with a copy button (read-only input so it can be selected with the keyboard). */
function CopyField({ label, value, testId }: { label: string; value: string; testId?: string }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const copy = async () => {
    await navigator.clipboard.writeText(value);
    message.success(t(m.copied));
  };
  return (
    <Flex vertical gap={4}>
      <Typography.Text strong>{label}</Typography.Text>
      <Flex gap={8}>
        <Input
          readOnly
          value={value}
          aria-label={label}
          data-testid={testId}
          style={{ fontFamily: 'monospace' }}
          onFocus={(e) => e.target.select()}
        />
        <Button icon={<CopyOutlined />} onClick={() => void copy()} aria-label={`${t(m.copy)} ${label}`}>
          {t(m.copy)}
        </Button>
      </Flex>
    </Flex>
  );
}

/**
 * The new key's secret, shown once: the dialog cannot be dismissed by a stray click or Escape, only by saying
 * it was saved; the secret lives in this component's props only and is gone once it closes.
 */
export function SecretOnceModal({
  appCode,
  accessKey,
  secret,
  onClose,
}: {
  appCode: string;
  accessKey: string;
  secret: string;
  onClose: () => void;
}) {
  const { t } = useI18n();
  return (
    <Modal
      open
      title={t(m.secretTitle)}
      closable={false}
      mask={{ closable: false }}
      keyboard={false}
      width={620}
      footer={
        <Button type="primary" onClick={onClose}>
          {t(m.secretDone)}
        </Button>
      }
    >
      <Flex vertical gap={12}>
        <Alert type="warning" showIcon title={t(m.secretWarning)} />
        <Typography.Text>{t(m.secretFor, { code: appCode })}</Typography.Text>
        <CopyField label={t(m.accessKey)} value={accessKey} testId="new-access-key" />
        <CopyField label={t(m.secretKey)} value={secret} testId="new-secret-key" />
      </Flex>
    </Modal>
  );
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}(\/([0-9]|[12]\d|3[0-2]))?$/;
const IPV6 = /^[0-9a-fA-F:.]*:[0-9a-fA-F:.]*(\/([0-9]|[1-9]\d|1[01]\d|12[0-8]))?$/;

/** A rough check that catches typos at once; the server's parser has the last word (LGSP_NETWORK_INVALID). */
export function looksLikeCidr(v: string): boolean {
  return IPV4.test(v) || (IPV6.test(v) && v.split('/')[0]!.includes(':'));
}

/** Edits a list of CIDR networks: add with Enter or the button, remove each with its own button. */
export function CidrListEditor({
  value,
  onChange,
  disabled,
}: {
  value: string[];
  onChange: (next: string[]) => void;
  disabled?: boolean;
}) {
  const { t } = useI18n();
  const { bad } = useStatusText();
  const [draft, setDraft] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const add = () => {
    const v = draft.trim();
    if (!v) return;
    if (!looksLikeCidr(v)) return setProblem(t(m.invalidCidr));
    if (value.includes(v)) return setProblem(t(m.duplicateCidr));
    onChange([...value, v]);
    setDraft('');
    setProblem(null);
  };
  return (
    <Flex vertical gap={8} style={{ maxWidth: 520 }}>
      {!disabled && (
        <Flex vertical gap={4}>
          <label htmlFor="lgsp-cidr-input">
            <Typography.Text strong>{t(m.network)}</Typography.Text>
          </label>
          <Flex gap={8}>
            <Input
              id="lgsp-cidr-input"
              value={draft}
              status={problem ? 'error' : undefined}
              placeholder={t(m.networkPlaceholder)}
              aria-describedby={problem ? 'lgsp-cidr-problem' : undefined}
              onChange={(e) => {
                setDraft(e.target.value);
                setProblem(null);
              }}
              onPressEnter={(e) => {
                e.preventDefault();
                add();
              }}
              style={{ fontFamily: 'monospace' }}
            />
            <Button icon={<PlusOutlined />} onClick={add}>
              {t(m.addNetwork)}
            </Button>
          </Flex>
          {problem && (
            <Typography.Text id="lgsp-cidr-problem" role="alert" style={{ color: bad }}>
              {problem}
            </Typography.Text>
          )}
        </Flex>
      )}
      <List
        size="small"
        bordered
        dataSource={value}
        locale={{ emptyText: <Typography.Text type="secondary">{t(m.noNetworks)}</Typography.Text> }}
        renderItem={(cidr) => (
          <List.Item
            actions={
              disabled
                ? []
                : [
                    <Button
                      key="remove"
                      type="text"
                      danger
                      icon={<DeleteOutlined />}
                      aria-label={t(m.removeNetwork, { cidr })}
                      onClick={() => onChange(value.filter((c) => c !== cidr))}
                    />,
                  ]
            }
          >
            <Typography.Text code>{cidr}</Typography.Text>
          </List.Item>
        )}
      />
    </Flex>
  );
}

const PEM = /-----BEGIN (PUBLIC KEY|RSA PUBLIC KEY|CERTIFICATE)-----[\s\S]+?-----END \1-----/;

/** A PEM public key or certificate, pasted or read from a file; `onChange` gets the text. */
export function PemInput({
  value,
  onChange,
  id,
}: {
  value?: string;
  onChange?: (v: string) => void;
  id?: string;
}) {
  const { t } = useI18n();
  const { bad } = useStatusText();
  const [problem, setProblem] = useState<string | null>(null);
  return (
    <Flex vertical gap={8}>
      <Input.TextArea
        id={id}
        value={value}
        rows={6}
        spellCheck={false}
        placeholder="-----BEGIN CERTIFICATE-----"
        style={{ fontFamily: 'monospace', fontSize: 12 }}
        onChange={(e) => {
          setProblem(null);
          onChange?.(e.target.value);
        }}
      />
      <FileUpload
        label={t(m.pemFile)}
        accept=".pem,.crt,.cer,.pub,application/x-pem-file"
        percent={null}
        onFile={(file) => {
          if (file.size > 64 * 1024) return setProblem(t(m.pemTooLarge));
          void file.text().then((text) => {
            const block = PEM.exec(text)?.[0];
            if (!block) return setProblem(t(m.pemNotPem));
            setProblem(null);
            onChange?.(block);
          });
        }}
      />
      {problem && (
        <Typography.Text role="alert" style={{ color: bad }}>
          {problem}
        </Typography.Text>
      )}
    </Flex>
  );
}

/** True when the text holds a PEM public key or certificate block. */
export function isPem(text: string | undefined): boolean {
  return !!text && PEM.test(text);
}

/** An application's status. */
export function AppStatusTag({ status }: { status: 'active' | 'suspended' }) {
  const { t } = useI18n();
  return status === 'active' ? (
    <Tag color={OK_GREEN}>{t(m.appStatus_active)}</Tag>
  ) : (
    <Tag color={WARN_ORANGE}>{t(m.appStatus_suspended)}</Tag>
  );
}

/** A duration in seconds as "2 giờ 5 phút" (seconds shown only under an hour). */
export function useDuration() {
  const { t } = useI18n();
  return (sec: number) => {
    const d = Math.floor(sec / 86_400);
    const h = Math.floor((sec % 86_400) / 3600);
    const min = Math.floor((sec % 3600) / 60);
    const s = Math.floor(sec % 60);
    const parts = [
      d ? t(m.durDays, { n: d }) : '',
      h ? t(m.durHours, { n: h }) : '',
      min ? t(m.durMinutes, { n: min }) : '',
      !d && !h && (s || !min) ? t(m.durSeconds, { n: s }) : '',
    ];
    return parts.filter(Boolean).join(' ');
  };
}
