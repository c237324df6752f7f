/**
 * @module web/app/features
 * The console's map: every screen a module adds, with its menu entry, the permission that shows it, and its
 * lazily loaded page (so each module's code is a separate chunk). A module adds its features here.
 */

import {
  ApartmentOutlined,
  ApiOutlined,
  AppstoreOutlined,
  AuditOutlined,
  BarChartOutlined,
  BranchesOutlined,
  CloudServerOutlined,
  DashboardOutlined,
  FieldTimeOutlined,
  FileSearchOutlined,
  GlobalOutlined,
  HddOutlined,
  ImportOutlined,
  KeyOutlined,
  LockOutlined,
  MonitorOutlined,
  SafetyCertificateOutlined,
  SwapOutlined,
  TeamOutlined,
  ToolOutlined,
  UserOutlined,
} from '@ant-design/icons';
import type { ComponentType, ReactNode } from 'react';
import { createElement } from 'react';
import { lgspMenu } from '../features/lgsp/menu';
import { socMenu } from '../features/soc/menu';
import { shell, type Text } from '../i18n/messages';

export type MenuGroup = 'system' | 'lgsp' | 'soc';

/** One screen of the console. */
export interface Feature {
  /** Route prefix; the page handles what lies under it (`/org/*`). */
  path: string;
  label: Text;
  icon: ReactNode;
  group: MenuGroup;
  /** Any of these permissions shows the menu entry and opens the page. */
  permissions: string[];
  page: () => Promise<{ default: ComponentType }>;
}

export const menuGroups: Record<MenuGroup, Text> = {
  system: shell.menuSystem,
  lgsp: lgspMenu.group,
  soc: socMenu.group,
};

const icon = (c: ComponentType) => createElement(c);

export const features: Feature[] = [
  {
    path: '/org',
    label: shell.menuOrg,
    icon: icon(ApartmentOutlined),
    group: 'system',
    permissions: ['org.read'],
    page: () => import('../features/org/OrgPage'),
  },
  {
    path: '/iam/accounts',
    label: shell.menuAccounts,
    icon: icon(UserOutlined),
    group: 'system',
    permissions: ['iam.account.read'],
    page: () => import('../features/accounts/AccountsPage'),
  },
  {
    path: '/iam/roles',
    label: shell.menuRoles,
    icon: icon(TeamOutlined),
    group: 'system',
    permissions: ['iam.role.write'],
    page: () => import('../features/roles/RolesPage'),
  },
  {
    path: '/iam/policies',
    label: shell.menuPolicies,
    icon: icon(SafetyCertificateOutlined),
    group: 'system',
    permissions: ['iam.policy.write'],
    page: () => import('../features/policies/PoliciesPage'),
  },
  {
    path: '/audit',
    label: shell.menuAudit,
    icon: icon(AuditOutlined),
    group: 'system',
    permissions: ['audit.read'],
    page: () => import('../features/audit/AuditPage'),
  },
  {
    path: '/audit-retention',
    label: shell.menuRetention,
    icon: icon(FieldTimeOutlined),
    group: 'system',
    permissions: ['audit.policy.write'],
    page: () => import('../features/audit/RetentionPage'),
  },
  {
    path: '/system/backups',
    label: shell.menuBackup,
    icon: icon(CloudServerOutlined),
    group: 'system',
    permissions: ['backup.read'],
    page: () => import('../features/backup/BackupPage'),
  },
  {
    path: '/system/health',
    label: shell.menuHealth,
    icon: icon(DashboardOutlined),
    group: 'system',
    permissions: ['system.read'],
    page: () => import('../features/health/HealthPage'),
  },
  {
    path: '/lgsp/applications',
    label: lgspMenu.applications,
    icon: icon(AppstoreOutlined),
    group: 'lgsp',
    permissions: ['lgsp.registry.read'],
    page: () => import('../features/lgsp/ApplicationsPage'),
  },
  {
    path: '/lgsp/services',
    label: lgspMenu.services,
    icon: icon(ApiOutlined),
    group: 'lgsp',
    permissions: ['lgsp.registry.read'],
    page: () => import('../features/lgsp/ServicesPage'),
  },
  {
    path: '/lgsp/rights',
    label: lgspMenu.rights,
    icon: icon(LockOutlined),
    group: 'lgsp',
    permissions: ['lgsp.registry.read', 'lgsp.rights.write'],
    page: () => import('../features/lgsp/RightsPage'),
  },
  {
    path: '/lgsp/exchanges',
    label: lgspMenu.exchanges,
    icon: icon(SwapOutlined),
    group: 'lgsp',
    permissions: ['lgsp.exchange.read'],
    page: () => import('../features/lgsp/ExchangesPage'),
  },
  {
    path: '/lgsp/statistics',
    label: lgspMenu.statistics,
    icon: icon(BarChartOutlined),
    group: 'lgsp',
    permissions: ['lgsp.exchange.read'],
    page: () => import('../features/lgsp/StatisticsPage'),
  },
  {
    path: '/lgsp/maintenance',
    label: lgspMenu.maintenance,
    icon: icon(ToolOutlined),
    group: 'lgsp',
    permissions: ['lgsp.registry.read'],
    page: () => import('../features/lgsp/MaintenancePage'),
  },
  {
    path: '/soc/search',
    label: socMenu.search,
    icon: icon(FileSearchOutlined),
    group: 'soc',
    permissions: ['soc.events.read'],
    page: () => import('../features/soc/search/SearchPage'),
  },
  {
    path: '/soc/sources',
    label: socMenu.sources,
    icon: icon(HddOutlined),
    group: 'soc',
    permissions: ['soc.sources.read'],
    page: () => import('../features/soc/SourcesPage'),
  },
  {
    path: '/soc/systems',
    label: socMenu.systems,
    icon: icon(GlobalOutlined),
    group: 'soc',
    permissions: ['soc.sources.read'],
    page: () => import('../features/soc/SystemsPage'),
  },
  {
    path: '/soc/health',
    label: socMenu.health,
    icon: icon(MonitorOutlined),
    group: 'soc',
    permissions: ['soc.sources.read', 'soc.config.write'],
    page: () => import('../features/soc/HealthPage'),
  },
  {
    path: '/soc/pipelines',
    label: socMenu.pipelines,
    icon: icon(BranchesOutlined),
    group: 'soc',
    permissions: ['soc.events.read', 'soc.config.write'],
    page: () => import('../features/soc/PipelinesPage'),
  },
  {
    path: '/soc/tokens',
    label: socMenu.tokens,
    icon: icon(KeyOutlined),
    group: 'soc',
    permissions: ['soc.config.write'],
    page: () => import('../features/soc/TokensPage'),
  },
  {
    path: '/soc/imports',
    label: socMenu.imports,
    icon: icon(ImportOutlined),
    group: 'soc',
    permissions: ['soc.events.read'],
    page: () => import('../features/soc/ImportsPage'),
  },
];

/** The features a person with these permissions may open. */
export function allowedFeatures(has: (p: string) => boolean): Feature[] {
  return features.filter((f) => f.permissions.some(has));
}
