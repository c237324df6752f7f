/**
 * @module web/features/lgsp/MaintenancePage
 * Maintenance notices (LGSP-34): the windows not yet ended (cancelled ones marked) and the latest past ones;
 * an operator announces a window (every account following LGSP is notified at once and reminded an hour
 * before) or cancels one with a reason. Agency systems read the same calendar at
 * /api/lgsp/maintenance/upcoming.
 */
import { PlusOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, DatePicker, Flex, Form, Input, Table, Tag, Typography } from 'antd';
import type dayjs from 'dayjs';
import { useState } from 'react';
import { api, call, type ResponseOf } from '../../api/client';
import { useSession } from '../../auth/session';
import { FormModal } from '../../components/FormModal';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useI18n } from '../../i18n';
import { defineMessages } from '../../i18n/messages';
import { formatDateTime } from '../../lib/format';
import { m as shared } from './messages';

type Window = ResponseOf<'/api/lgsp/maintenance', 'get'>['current'][number];

const m = defineMessages({
  title: { vi: 'Lịch bảo trì', en: 'Maintenance calendar' },
  intro: {
    vi: 'Mọi tài khoản theo dõi LGSP được báo ngay khi có lịch, được nhắc trước 1 giờ và được báo khi hủy. Hệ thống của đơn vị kết nối đọc lịch tại /api/lgsp/maintenance/upcoming.',
    en: 'Every account following LGSP is told at once, reminded an hour before, and told of a cancellation. Agency systems read the calendar at /api/lgsp/maintenance/upcoming.',
  },
  current: { vi: 'Sắp tới và đang diễn ra', en: 'Upcoming and in progress' },
  past: { vi: 'Đã qua', en: 'Past' },
  announce: { vi: 'Thông báo bảo trì', en: 'Announce maintenance' },
  windowTitle: { vi: 'Tiêu đề', en: 'Title' },
  message: { vi: 'Nội dung', en: 'Message' },
  period: { vi: 'Thời gian (giờ Việt Nam)', en: 'Period (Vietnam time)' },
  by: { vi: 'Người thông báo', en: 'Announced by' },
  cancelWindow: { vi: 'Hủy đợt bảo trì', en: 'Cancel the window' },
  cancelled: { vi: 'Đã hủy đợt bảo trì.', en: 'Maintenance cancelled.' },
  announced: { vi: 'Đã thông báo.', en: 'Announced.' },
  scheduled: { vi: 'Sắp diễn ra', en: 'Scheduled' },
  in_progress: { vi: 'Đang bảo trì', en: 'In progress' },
  finished: { vi: 'Đã xong', en: 'Finished' },
  cancelledTag: { vi: 'Đã hủy', en: 'Cancelled' },
});

const statusColour = {
  scheduled: 'blue',
  in_progress: 'orange',
  finished: 'default',
  cancelled: 'red',
} as const;
const statusText = {
  scheduled: m.scheduled,
  in_progress: m.in_progress,
  finished: m.finished,
  cancelled: m.cancelledTag,
} as const;

interface AnnounceValues {
  title: string;
  message?: string;
  period: [dayjs.Dayjs, dayjs.Dayjs];
}

export default function MaintenancePage() {
  const { t } = useI18n();
  const { has } = useSession();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [announcing, setAnnouncing] = useState(false);
  const [cancelling, setCancelling] = useState<Window | null>(null);
  const canWrite = has('lgsp.registry.write');
  const q = useQuery({
    queryKey: ['lgsp', 'maintenance'],
    queryFn: () => call(api.GET('/api/lgsp/maintenance')),
  });
  const refresh = () => qc.invalidateQueries({ queryKey: ['lgsp', 'maintenance'] });

  const columns = (withCancel: boolean) => [
    { key: 'title', title: t(m.windowTitle), dataIndex: 'title' },
    {
      key: 'period',
      title: t(m.period),
      render: (_: unknown, w: Window) => `${formatDateTime(w.startsAt)} – ${formatDateTime(w.endsAt)}`,
    },
    {
      key: 'status',
      title: t(shared.status),
      render: (_: unknown, w: Window) => <Tag color={statusColour[w.status]}>{t(statusText[w.status])}</Tag>,
    },
    { key: 'message', title: t(m.message), dataIndex: 'message' },
    { key: 'by', title: t(m.by), dataIndex: 'createdBy' },
    ...(withCancel && canWrite
      ? [
          {
            key: 'actions',
            title: '',
            render: (_: unknown, w: Window) =>
              w.status === 'scheduled' || w.status === 'in_progress' ? (
                <Button size="small" danger onClick={() => setCancelling(w)}>
                  {t(m.cancelWindow)}
                </Button>
              ) : null,
          },
        ]
      : []),
  ];

  return (
    <Flex vertical gap={16}>
      <Flex justify="space-between" align="center">
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t(m.title)}
        </Typography.Title>
        {canWrite ? (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setAnnouncing(true)}>
            {t(m.announce)}
          </Button>
        ) : null}
      </Flex>
      <Typography.Paragraph type="secondary">{t(m.intro)}</Typography.Paragraph>
      {q.error ? <ProblemAlert error={q.error} /> : null}
      <Card title={t(m.current)}>
        <Table<Window>
          rowKey="id"
          loading={q.isLoading}
          dataSource={q.data?.current ?? []}
          columns={columns(true)}
          pagination={false}
        />
      </Card>
      <Card title={t(m.past)}>
        <Table<Window>
          rowKey="id"
          loading={q.isLoading}
          dataSource={q.data?.past ?? []}
          columns={columns(false)}
          pagination={false}
        />
      </Card>
      {announcing ? (
        <FormModal<AnnounceValues>
          title={t(m.announce)}
          okText={t(m.announce)}
          cancelText={t(shared.cancel)}
          onClose={() => setAnnouncing(false)}
          onSubmit={async (v) => {
            await call(
              api.POST('/api/lgsp/maintenance', {
                body: {
                  title: v.title,
                  message: v.message ?? '',
                  startsAt: v.period[0].toISOString(),
                  endsAt: v.period[1].toISOString(),
                },
              }),
            );
            message.success(t(m.announced));
            setAnnouncing(false);
            await refresh();
          }}
        >
          <Form.Item
            name="title"
            label={t(m.windowTitle)}
            rules={[{ required: true, message: t(shared.required) }]}
          >
            <Input maxLength={150} />
          </Form.Item>
          <Form.Item
            name="period"
            label={t(m.period)}
            rules={[{ required: true, message: t(shared.required) }]}
          >
            <DatePicker.RangePicker showTime={{ format: 'HH:mm' }} format="DD/MM/YYYY HH:mm" />
          </Form.Item>
          <Form.Item name="message" label={t(m.message)}>
            <Input.TextArea rows={3} maxLength={1500} />
          </Form.Item>
        </FormModal>
      ) : null}
      {cancelling ? (
        <FormModal<{ reason: string }>
          title={`${t(m.cancelWindow)}: ${cancelling.title}`}
          okText={t(m.cancelWindow)}
          cancelText={t(shared.cancel)}
          onClose={() => setCancelling(null)}
          onSubmit={async (v) => {
            await call(
              api.POST('/api/lgsp/maintenance/{id}/cancel', {
                params: { path: { id: cancelling.id } },
                body: { reason: v.reason },
              }),
            );
            message.success(t(m.cancelled));
            setCancelling(null);
            await refresh();
          }}
        >
          <Form.Item
            name="reason"
            label={t(shared.reason)}
            rules={[{ required: true, message: t(shared.required) }]}
          >
            <Input maxLength={500} />
          </Form.Item>
        </FormModal>
      ) : null}
    </Flex>
  );
}
