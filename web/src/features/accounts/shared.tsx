/** Pieces shared by the account screens: roles and permission catalogue, status tag, one-time password modal. */
import { CopyOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Alert, App, Button, Flex, Input, Modal, Tag, Typography } from 'antd';
import { api, call, type ResponseOf } from '../../api/client';
import { useI18n } from '../../i18n';
import { m } from './messages';

export type Account = ResponseOf<'/api/iam/accounts/{id}', 'get'>;
export type Role = ResponseOf<'/api/iam/roles', 'get'>[number];
export type Status = 'active' | 'locked' | 'disabled' | 'expired';
export const statuses: Status[] = ['active', 'locked', 'disabled', 'expired'];
export const scopes = ['own', 'subtree', 'all'] as const;

// A solid dark green (white text, 6.9:1): Ant Design's light 'green' preset tag fails WCAG AA contrast.
export const OK_GREEN = '#237804';

const statusColour: Record<string, string> = {
  active: OK_GREEN,
  locked: 'orange',
  disabled: 'red',
  expired: 'default',
};

export function useRoles() {
  return useQuery({
    queryKey: ['iam', 'roles'],
    queryFn: () => call(api.GET('/api/iam/roles')),
    staleTime: 60_000,
  });
}

export function usePermissionCatalogue() {
  return useQuery({
    queryKey: ['iam', 'permissions'],
    queryFn: () => call(api.GET('/api/iam/permissions')),
    staleTime: 300_000,
  });
}

/** A role's name in the current language (its id when unknown). */
export function useRoleName() {
  const { lang } = useI18n();
  const roles = useRoles();
  return (id: string) => {
    const r = roles.data?.find((x) => x.id === id);
    return r ? (lang === 'en' ? r.nameEn : r.nameVi) : id;
  };
}

export function StatusTag({ status }: { status: string }) {
  const { t } = useI18n();
  const key = `status_${status}` as keyof typeof m;
  return <Tag color={statusColour[status] ?? 'default'}>{key in m ? t(m[key]) : status}</Tag>;
}

/** Shows a one-time password once, with a copy button and a clear warning. */
export function OneTimePasswordModal({
  username,
  password,
  onClose,
}: {
  username: string;
  password: string;
  onClose: () => void;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const copy = async () => {
    await navigator.clipboard.writeText(password);
    message.success(t(m.copied));
  };
  return (
    <Modal
      open
      title={t(m.otpTitle)}
      closable={false}
      mask={{ closable: false }}
      keyboard={false}
      footer={
        <Button type="primary" onClick={onClose}>
          {t(m.otpDone)}
        </Button>
      }
    >
      <Flex vertical gap={12}>
        <Alert type="warning" showIcon title={t(m.otpWarning)} />
        <Typography.Text>{t(m.otpFor, { username })}</Typography.Text>
        <Flex gap={8}>
          <Input
            readOnly
            value={password}
            aria-label={t(m.otpTitle)}
            style={{ fontFamily: 'monospace', fontSize: 18 }}
            onFocus={(e) => e.target.select()}
          />
          <Button icon={<CopyOutlined />} onClick={() => void copy()}>
            {t(m.copy)}
          </Button>
        </Flex>
      </Flex>
    </Modal>
  );
}
