/** Small pieces shared by the organisation screens. */
import { DownloadOutlined } from '@ant-design/icons';
import { Button, Dropdown, Tag } from 'antd';
import { useI18n } from '../../i18n';
import { m } from './messages';
import type { Unit } from './units';

/** A unit's status as a coloured tag. */
export function UnitStatusTag({ status }: { status: Unit['status'] }) {
  const { t } = useI18n();
  return status === 'active' ? <Tag color="green">{t(m.active)}</Tag> : <Tag>{t(m.closed)}</Tag>;
}

/** The export menu (XLSX/CSV through the server). */
export function ExportButton() {
  const { t } = useI18n();
  return (
    <Dropdown
      menu={{
        items: [
          { key: 'xlsx', label: <a href="/api/org/export?format=xlsx">{t(m.exportXlsx)}</a> },
          { key: 'csv', label: <a href="/api/org/export?format=csv">{t(m.exportCsv)}</a> },
        ],
      }}
    >
      <Button icon={<DownloadOutlined />}>{t(m.export)}</Button>
    </Dropdown>
  );
}
