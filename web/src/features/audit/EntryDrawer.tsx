/** One audit entry in full, with its details as pretty-printed JSON. */
import { Descriptions, Drawer, Tag, Typography } from 'antd';
import { useI18n } from '../../i18n';
import { formatDateTime } from '../../lib/format';
import type { Entry } from './AuditPage';
import { m, type Severity, severities } from './messages';

export function EntryDrawer({
  entry,
  onClose,
  categoryLabel,
  unitLabel,
}: {
  entry: Entry | null;
  onClose: () => void;
  categoryLabel: (id: string) => string;
  unitLabel: (id: string | null) => string;
}) {
  const { t, lang } = useI18n();
  const sev = entry ? severities[entry.severity as Severity] : undefined;
  const json = entry ? JSON.stringify(entry.details ?? null, null, 2) : '';
  return (
    <Drawer
      open={!!entry}
      onClose={onClose}
      size={620}
      title={entry ? t(m.entry, { seq: entry.seq }) : ''}
      destroyOnHidden
    >
      {entry && (
        <>
          <Descriptions
            size="small"
            bordered
            column={1}
            styles={{ label: { width: 150 } }}
            items={[
              { key: 'at', label: t(m.time), children: formatDateTime(entry.at) },
              { key: 'cat', label: t(m.category), children: categoryLabel(entry.category) },
              {
                key: 'action',
                label: t(m.action),
                children: <Typography.Text code>{entry.action}</Typography.Text>,
              },
              { key: 'desc', label: t(m.description), children: entry.description },
              { key: 'actor', label: t(m.actor), children: entry.actorName },
              { key: 'unit', label: t(m.unit), children: unitLabel(entry.unitId) },
              {
                key: 'sev',
                label: t(m.severity),
                children: <Tag color={sev?.color}>{sev ? sev[lang] : entry.severity}</Tag>,
              },
              {
                key: 'outcome',
                label: t(m.outcome),
                children: (
                  <Tag color={entry.outcome === 'success' ? undefined : 'red'}>
                    {entry.outcome === 'success' ? t(m.success) : t(m.failure)}
                  </Tag>
                ),
              },
              { key: 'ip', label: t(m.sourceIp), children: entry.sourceIp ?? '' },
              {
                key: 'target',
                label: t(m.target),
                children: entry.targetType ? `${entry.targetType}: ${entry.targetId ?? ''}` : '',
              },
              {
                key: 'req',
                label: t(m.requestId),
                children: entry.requestId ? (
                  <Typography.Text copyable style={{ fontSize: 12 }}>
                    {entry.requestId}
                  </Typography.Text>
                ) : (
                  ''
                ),
              },
            ]}
          />
          <Typography.Title level={5} style={{ marginTop: 16 }}>
            {t(m.details)}
          </Typography.Title>
          <Typography.Paragraph
            copyable={{ text: json, tooltips: [t(m.copy), '✓'] }}
            style={{ marginBottom: 4 }}
          />
          <pre
            style={{
              margin: 0,
              padding: 12,
              maxHeight: 360,
              overflow: 'auto',
              fontSize: 12,
              background: 'var(--ant-color-fill-tertiary)',
              borderRadius: 6,
              whiteSpace: 'pre-wrap',
              wordBreak: 'break-word',
            }}
          >
            {json}
          </pre>
        </>
      )}
    </Drawer>
  );
}
