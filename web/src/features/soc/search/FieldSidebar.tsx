/**
 * The field sidebar: the fields present in the newest matching events with their top values; a value adds
 * `field:value` (or `NOT field:value`) to the query, a field's eye shows or hides its column.
 */
import {
  DownOutlined,
  EyeInvisibleOutlined,
  EyeOutlined,
  MinusOutlined,
  PlusOutlined,
  RightOutlined,
} from '@ant-design/icons';
import { Button, Card, Empty, Flex, Input, Progress, Skeleton, Tooltip, Typography } from 'antd';
import { useState } from 'react';
import { useI18n } from '../../../i18n';
import { formatNumber } from '../../../lib/format';
import type { FieldsResult } from '../api';
import { m } from '../messages';

/** Fields with top values; `onValue` adds a clause, `onToggleColumn` shows/hides a column. */
export function FieldSidebar({
  data,
  loading,
  columns,
  onValue,
  onToggleColumn,
}: {
  data: FieldsResult | undefined;
  loading: boolean;
  columns: string[];
  onValue: (field: string, value: string, negate: boolean) => void;
  onToggleColumn: (field: string) => void;
}) {
  const { t, lang } = useI18n();
  const [filter, setFilter] = useState('');
  const [open, setOpen] = useState<Set<string>>(() => new Set());
  const toggle = (field: string) =>
    setOpen((prev) => {
      const next = new Set(prev);
      if (next.has(field)) next.delete(field);
      else next.add(field);
      return next;
    });
  const fields = (data?.fields ?? []).filter((f) => f.field.toLowerCase().includes(filter.toLowerCase()));
  return (
    <Card
      size="small"
      title={t(m.fields)}
      styles={{ body: { padding: 8 } }}
      extra={
        data ? (
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t(m.fieldsSampled, { n: formatNumber(data.sampled, lang) })}
          </Typography.Text>
        ) : null
      }
    >
      <Flex vertical gap={8}>
        <Input
          size="small"
          allowClear
          aria-label={t(m.fieldsFilter)}
          placeholder={t(m.fieldsFilter)}
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
        />
        {loading && !data ? (
          <Skeleton active paragraph={{ rows: 6 }} />
        ) : fields.length === 0 ? (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} />
        ) : (
          <nav aria-label={t(m.fields)} style={{ maxHeight: 640, overflowY: 'auto' }}>
            <ul style={{ listStyle: 'none', margin: 0, padding: 0 }}>
              {fields.map((f) => {
                const shown = columns.includes(f.field);
                const expanded = open.has(f.field);
                const sampled = data?.sampled || 1;
                return (
                  <li key={f.field} style={{ paddingBlock: 2 }}>
                    <Flex align="center" gap={2}>
                      <Button
                        type="text"
                        size="small"
                        aria-expanded={expanded}
                        aria-label={f.field}
                        icon={expanded ? <DownOutlined /> : <RightOutlined />}
                        onClick={() => toggle(f.field)}
                        style={{ flex: 1, justifyContent: 'flex-start', minWidth: 0, height: 'auto' }}
                      >
                        <span
                          style={{
                            fontFamily: 'monospace',
                            fontSize: 12,
                            fontWeight: shown ? 700 : 400,
                            whiteSpace: 'normal',
                            wordBreak: 'break-all',
                            textAlign: 'start',
                          }}
                        >
                          {f.field}
                        </span>
                      </Button>
                      <Tooltip title={t(m.toggleColumn, { field: f.field })}>
                        <Button
                          size="small"
                          type="text"
                          aria-pressed={shown}
                          aria-label={t(m.toggleColumn, { field: f.field })}
                          icon={shown ? <EyeOutlined /> : <EyeInvisibleOutlined />}
                          onClick={() => onToggleColumn(f.field)}
                        />
                      </Tooltip>
                    </Flex>
                    {expanded && (
                      <Flex vertical gap={4} style={{ paddingInlineStart: 28, paddingBlock: 4 }}>
                        {f.topValues.map((v) => (
                          <Flex key={v.value} gap={4} align="center">
                            <Flex vertical style={{ flex: 1, minWidth: 0 }}>
                              <Typography.Text
                                ellipsis={{ tooltip: v.value }}
                                style={{ fontSize: 12, fontFamily: 'monospace' }}
                              >
                                {v.value}
                              </Typography.Text>
                              <Flex gap={6} align="center">
                                <Progress
                                  percent={Math.round((v.count / sampled) * 100)}
                                  size="small"
                                  showInfo={false}
                                  aria-label={`${f.field}: ${v.value}`}
                                  style={{ margin: 0, flex: 1 }}
                                />
                                <Typography.Text type="secondary" style={{ fontSize: 11 }}>
                                  {formatNumber(v.count, lang)}
                                </Typography.Text>
                              </Flex>
                            </Flex>
                            <Button
                              size="small"
                              icon={<PlusOutlined />}
                              aria-label={t(m.addFilter, { field: f.field, value: v.value })}
                              title={t(m.addFilter, { field: f.field, value: v.value })}
                              onClick={() => onValue(f.field, v.value, false)}
                            />
                            <Button
                              size="small"
                              icon={<MinusOutlined />}
                              aria-label={t(m.excludeFilter, { field: f.field, value: v.value })}
                              title={t(m.excludeFilter, { field: f.field, value: v.value })}
                              onClick={() => onValue(f.field, v.value, true)}
                            />
                          </Flex>
                        ))}
                      </Flex>
                    )}
                  </li>
                );
              })}
            </ul>
          </nav>
        )}
      </Flex>
    </Card>
  );
}
