/**
 * @module web/shell/NotificationBell
 * The bell in the header, fed in real time by Server-Sent Events (/api/notifications/stream); the list is the
 * server's, so it survives reloads and follows the person across browsers.
 */
import { BellOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Badge, Button, Empty, List, Popover, Typography } from 'antd';
import { useEffect } from 'react';
import { useNavigate } from 'react-router';
import { api, call } from '../api/client';
import { useI18n } from '../i18n';
import { shell } from '../i18n/messages';
import { formatDateTime } from '../lib/format';

const KEY = ['notifications'];

/** The bell with its unread count and the latest notifications. */
export function NotificationBell() {
  const { t, lang } = useI18n();
  const { notification } = App.useApp();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const list = useQuery({
    queryKey: KEY,
    queryFn: () => call(api.GET('/api/notifications', { params: { query: { limit: 20, unread: false } } })),
    refetchInterval: 5 * 60_000,
  });
  const readAll = useMutation({
    mutationFn: () => call(api.POST('/api/notifications/read-all')),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: KEY }),
  });
  const readOne = useMutation({
    mutationFn: (id: string) => call(api.POST('/api/notifications/{id}/read', { params: { path: { id } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: KEY }),
  });

  useEffect(() => {
    const source = new EventSource('/api/notifications/stream');
    source.addEventListener('notification', (event) => {
      const n = JSON.parse((event as MessageEvent<string>).data) as {
        title: { vi: string; en: string } | string;
        titleVi?: string;
        titleEn?: string;
        severity?: string;
      };
      const title =
        typeof n.title === 'object'
          ? n.title[lang]
          : ((lang === 'en' ? n.titleEn : n.titleVi) ?? String(n.title));
      notification.open({
        message: title,
        type: n.severity === 'error' ? 'error' : n.severity === 'warning' ? 'warning' : 'info',
      });
      void queryClient.invalidateQueries({ queryKey: KEY });
    });
    // The browser reconnects by itself after a network drop; the server ends the stream when the session ends.
    source.addEventListener('end', () => source.close());
    return () => source.close();
  }, [queryClient, notification, lang]);

  const items = list.data?.items ?? [];
  const unread = list.data?.unreadCount ?? 0;
  const content = (
    <div style={{ width: 360, maxHeight: 420, overflow: 'auto' }}>
      {items.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t(shell.noNotifications)} />
      ) : (
        <List
          size="small"
          dataSource={items}
          renderItem={(n) => (
            <List.Item
              style={{ cursor: n.link ? 'pointer' : 'default', opacity: n.readAt ? 0.65 : 1 }}
              onClick={() => {
                if (!n.readAt) readOne.mutate(n.id);
                if (n.link) navigate(n.link);
              }}
            >
              <List.Item.Meta
                title={lang === 'en' ? n.titleEn : n.titleVi}
                description={
                  <>
                    <div>{lang === 'en' ? n.bodyEn : n.bodyVi}</div>
                    <Typography.Text type="secondary">{formatDateTime(n.createdAt)}</Typography.Text>
                  </>
                }
              />
            </List.Item>
          )}
        />
      )}
    </div>
  );
  return (
    <Popover
      trigger="click"
      placement="bottomRight"
      title={
        <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center' }}>
          {t(shell.notifications)}
          <Button size="small" type="link" disabled={unread === 0} onClick={() => readAll.mutate()}>
            {t(shell.markAllRead)}
          </Button>
        </div>
      }
      content={content}
    >
      <Badge count={unread} size="small" offset={[-4, 4]}>
        <Button
          type="text"
          icon={<BellOutlined />}
          aria-label={`${t(shell.notifications)} (${unread})`}
          data-testid="bell"
        />
      </Badge>
    </Popover>
  );
}
