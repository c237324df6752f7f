/**
 * @module web/shell/AppLayout
 * The frame every module lives in: a left menu showing only what the person's permissions allow, a header with
 * global search, notifications, the person's unit scope, theme and language, a breadcrumb, and the page.
 * Fits a 1366×768 laptop: the menu collapses to icons below 1400 px.
 */
import {
  DownOutlined,
  HomeOutlined,
  KeyOutlined,
  LogoutOutlined,
  MoonOutlined,
  SunOutlined,
} from '@ant-design/icons';
import {
  Breadcrumb,
  Button,
  Dropdown,
  Flex,
  Grid,
  Layout,
  Menu,
  Segmented,
  Spin,
  Tag,
  Tooltip,
  theme,
} from 'antd';
import { Suspense, useMemo, useState } from 'react';
import { Link, Outlet, useLocation, useNavigate } from 'react-router';
import { allowedFeatures, menuGroups } from '../app/features';
import { useTheme } from '../app/theme';
import { useSession } from '../auth/session';
import { useI18n } from '../i18n';
import { shell } from '../i18n/messages';
import { useCurrentCrumbs } from './crumbs';
import { GlobalSearch } from './GlobalSearch';
import { NotificationBell } from './NotificationBell';
import { savePreferences } from './preferences';

const scopeText = { own: shell.scopeOwn, subtree: shell.scopeSubtree, all: shell.scopeAll } as const;

/** The console's shell around every page. */
export function AppLayout() {
  const { me, has, logout } = useSession();
  const { t, lang, setLang } = useI18n();
  const { theme: themeName, setTheme } = useTheme();
  const { token } = theme.useToken();
  const screens = Grid.useBreakpoint();
  const [collapsed, setCollapsed] = useState<boolean | null>(null);
  const location = useLocation();
  const navigate = useNavigate();
  const crumbs = useCurrentCrumbs();
  const features = useMemo(() => allowedFeatures(has), [has]);
  // A whole path segment must match: /audit must not claim /audit-retention.
  const current = features.find(
    (f) => location.pathname === f.path || location.pathname.startsWith(`${f.path}/`),
  );
  const isCollapsed = collapsed ?? !screens.xxl;

  const menuItems = useMemo(() => {
    const groups = new Map<string, typeof features>();
    for (const f of features) groups.set(f.group, [...(groups.get(f.group) ?? []), f]);
    return [
      { key: '/', icon: <HomeOutlined />, label: <Link to="/">{t(shell.home)}</Link> },
      ...[...groups].map(([group, items]) => ({
        type: 'group' as const,
        key: group,
        label: t(menuGroups[group as keyof typeof menuGroups]),
        children: items.map((f) => ({
          key: f.path,
          icon: f.icon,
          label: <Link to={f.path}>{t(f.label)}</Link>,
        })),
      })),
    ];
  }, [features, t]);

  const changeLang = (next: 'vi' | 'en') => {
    setLang(next);
    void savePreferences({ lang: next });
  };
  const changeTheme = (next: 'light' | 'dark') => {
    setTheme(next);
    void savePreferences({ theme: next });
  };

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Sider
        collapsible
        collapsed={isCollapsed}
        onCollapse={setCollapsed}
        width={240}
        theme={themeName === 'dark' ? 'dark' : 'light'}
        style={{ borderInlineEnd: `1px solid ${token.colorBorderSecondary}` }}
      >
        <Link to="/" className="brand" aria-label={t(shell.appName)}>
          <img src="/favicon.svg" alt="" width={28} height={28} />
          {!isCollapsed && <span>{t(shell.appName)}</span>}
        </Link>
        <nav aria-label="menu">
          <Menu
            mode="inline"
            selectedKeys={[current?.path ?? (location.pathname === '/' ? '/' : '')]}
            items={menuItems}
          />
        </nav>
      </Layout.Sider>
      <Layout>
        <Layout.Header
          style={{
            background: token.colorBgContainer,
            borderBottom: `1px solid ${token.colorBorderSecondary}`,
            paddingInline: 16,
            display: 'flex',
            alignItems: 'center',
            gap: 12,
          }}
        >
          <GlobalSearch features={features} />
          <Flex align="center" gap={8} style={{ marginInlineStart: 'auto' }}>
            {me && (
              <Tooltip title={t(shell.scope)}>
                <Tag color="blue" data-testid="scope" style={{ marginInlineEnd: 0 }}>
                  {(me.unitName as string | undefined) ?? t(shell.noUnit)} ·{' '}
                  {t(scopeText[me.scope as keyof typeof scopeText] ?? shell.scopeOwn)}
                </Tag>
              </Tooltip>
            )}
            <NotificationBell />
            <Tooltip title={t(shell.darkMode)}>
              <Button
                type="text"
                aria-label={t(shell.darkMode)}
                aria-pressed={themeName === 'dark'}
                icon={themeName === 'dark' ? <SunOutlined /> : <MoonOutlined />}
                onClick={() => changeTheme(themeName === 'dark' ? 'light' : 'dark')}
              />
            </Tooltip>
            <Segmented
              size="small"
              aria-label={t(shell.language)}
              value={lang}
              onChange={(v) => changeLang(v as 'vi' | 'en')}
              options={[
                { label: 'VI', value: 'vi' },
                { label: 'EN', value: 'en' },
              ]}
            />
            <Dropdown
              menu={{
                items: [
                  { key: 'password', icon: <KeyOutlined />, label: t(shell.changePassword) },
                  { key: 'logout', icon: <LogoutOutlined />, label: t(shell.logout) },
                ],
                onClick: async ({ key }) => {
                  if (key === 'password') navigate('/change-password?next=/');
                  else {
                    await logout();
                    navigate('/login', { replace: true });
                  }
                },
              }}
            >
              <Button type="text" data-testid="user-menu">
                {(me?.fullName as string | undefined) ?? me?.username} <DownOutlined />
              </Button>
            </Dropdown>
          </Flex>
        </Layout.Header>
        <Layout.Content style={{ padding: '12px 20px 24px' }}>
          <Breadcrumb
            style={{ marginBottom: 12 }}
            items={[
              { title: <Link to="/">{t(shell.home)}</Link> },
              ...(current ? [{ title: <Link to={current.path}>{t(current.label)}</Link> }] : []),
              ...crumbs.map((c) => ({ title: c.path ? <Link to={c.path}>{c.title}</Link> : c.title })),
            ]}
          />
          <main>
            <Suspense fallback={<Spin style={{ display: 'block', marginTop: 64 }} />}>
              <Outlet />
            </Suspense>
          </main>
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
