/**
 * One event in full: the ECS document as a field/value table (each value copyable, and addable to the query)
 * and as JSON. The document is read again from the server by its address (ts, id), so a shared link or a
 * result older than the list shows the event as stored.
 */
import { MinusOutlined, PlusOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Button, Drawer, Flex, Skeleton, Table, Tabs, Typography } from 'antd';
import { ProblemAlert } from '../../../components/ProblemAlert';
import { useI18n } from '../../../i18n';
import { formatDateTime } from '../../../lib/format';
import { type Hit, soc } from '../api';
import { m } from '../messages';
import { CopyButton, ScreenReaderText } from '../parts';
import { flatten, valueText } from './state';

/** The drawer of the event `hit` (null: closed). */
export function EventDrawer({
  hit,
  onClose,
  onValue,
}: {
  hit: Hit | null;
  onClose: () => void;
  onValue: (field: string, value: string, negate: boolean) => void;
}) {
  const { t } = useI18n();
  const event = useQuery({
    queryKey: ['soc', 'event', hit?.id, hit?.ts],
    enabled: !!hit,
    queryFn: () => soc.get<Hit>(`/events/${hit?.id}`, { ts: hit?.ts }),
    placeholderData: hit ?? undefined,
  });
  const doc = event.data?.doc ?? hit?.doc ?? {};
  const json = JSON.stringify(doc, null, 2);
  const rows = flatten(doc).map(([field, value]) => ({ field, value }));
  return (
    <Drawer
      open={!!hit}
      onClose={onClose}
      size={720}
      title={hit ? `${t(m.eventDetail)} · ${formatDateTime(hit.ts)}` : ''}
      destroyOnHidden
    >
      {event.error ? <ProblemAlert error={event.error} /> : null}
      {!hit ? null : event.isLoading ? (
        <Skeleton active />
      ) : (
        <Tabs
          items={[
            {
              key: 'table',
              label: t(m.tabTable),
              children: (
                <Table
                  size="small"
                  rowKey="field"
                  pagination={false}
                  dataSource={rows}
                  columns={[
                    {
                      key: 'field',
                      title: t(m.field),
                      width: 220,
                      render: (_, r) => (
                        <Typography.Text style={{ fontFamily: 'monospace', fontSize: 12 }}>
                          {r.field}
                        </Typography.Text>
                      ),
                    },
                    {
                      key: 'value',
                      title: t(m.value),
                      render: (_, r) => (
                        <Typography.Text
                          style={{ fontFamily: 'monospace', fontSize: 12, whiteSpace: 'pre-wrap' }}
                        >
                          {valueText(r.value)}
                        </Typography.Text>
                      ),
                    },
                    {
                      key: 'actions',
                      title: <ScreenReaderText>{t(m.actions)}</ScreenReaderText>,
                      width: 110,
                      render: (_, r) => {
                        const v = valueText(r.value);
                        const scalar = typeof r.value !== 'object' || r.value === null;
                        return (
                          <Flex gap={4}>
                            <CopyButton text={v} label={t(m.copyValue, { field: r.field })} />
                            {scalar && v && (
                              <>
                                <Button
                                  size="small"
                                  icon={<PlusOutlined />}
                                  aria-label={t(m.addFilter, { field: r.field, value: v })}
                                  onClick={() => onValue(r.field, v, false)}
                                />
                                <Button
                                  size="small"
                                  icon={<MinusOutlined />}
                                  aria-label={t(m.excludeFilter, { field: r.field, value: v })}
                                  onClick={() => onValue(r.field, v, true)}
                                />
                              </>
                            )}
                          </Flex>
                        );
                      },
                    },
                  ]}
                />
              ),
            },
            {
              key: 'json',
              label: t(m.tabJson),
              children: (
                <Flex vertical gap={8}>
                  <div>
                    <CopyButton text={json} label={t(m.copyJson)}>
                      {t(m.copyJson)}
                    </CopyButton>
                  </div>
                  <pre
                    data-testid="event-json"
                    style={{ fontSize: 12, margin: 0, whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}
                  >
                    {json}
                  </pre>
                </Flex>
              ),
            },
          ]}
        />
      )}
    </Drawer>
  );
}
