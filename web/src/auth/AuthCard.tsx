/** The centred card every pre-login page (login, TOTP, password change) sits in. */
import { Card, Flex, Segmented, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useI18n } from '../i18n';
import { shell } from '../i18n/messages';

/** A card with the product name, a language switch and the page's form. */
export function AuthCard({ title, children }: { title: string; children: ReactNode }) {
  const { lang, setLang, t } = useI18n();
  return (
    <Flex align="center" justify="center" style={{ minHeight: '100vh', padding: 16 }} className="auth-bg">
      <Card style={{ width: 400, maxWidth: '100%' }}>
        <Flex justify="space-between" align="center" style={{ marginBottom: 8 }}>
          <div>
            <Typography.Title level={3} style={{ margin: 0 }}>
              <img
                src="/favicon.svg"
                alt=""
                width={28}
                height={28}
                style={{ verticalAlign: -5, marginRight: 8 }}
              />
              {t(shell.appName)}
            </Typography.Title>
            <Typography.Text type="secondary">{t(shell.appTagline)}</Typography.Text>
          </div>
          <Segmented
            size="small"
            aria-label={t(shell.language)}
            value={lang}
            onChange={(v) => setLang(v as 'vi' | 'en')}
            options={[
              { label: 'VI', value: 'vi' },
              { label: 'EN', value: 'en' },
            ]}
          />
        </Flex>
        <Typography.Title level={4} style={{ marginTop: 16 }}>
          {title}
        </Typography.Title>
        {children}
      </Card>
    </Flex>
  );
}
