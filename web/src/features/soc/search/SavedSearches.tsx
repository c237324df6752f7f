/**
 * Saved searches: save the current query, range and columns (optionally shared with every event reader),
 * open one of one's own or a shared one, delete one's own.
 */
import { DeleteOutlined, FolderOpenOutlined, SaveOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Checkbox, Flex, Form, Input, Modal, Popconfirm, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { FormModal } from '../../../components/FormModal';
import { problemText } from '../../../components/ProblemAlert';
import { useI18n } from '../../../i18n';
import { formatDateTime } from '../../../lib/format';
import { type SavedSearch, soc, socKeys } from '../api';
import { m } from '../messages';
import { DangerButton } from '../parts';
import type { SearchState } from './state';

interface SaveValues {
  name: string;
  shared: boolean;
}

/** The save and open buttons with their dialogs. */
export function SavedSearches({ state, onOpen }: { state: SearchState; onOpen: (s: SearchState) => void }) {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [saving, setSaving] = useState(false);
  const [opening, setOpening] = useState(false);
  const list = useQuery({
    queryKey: socKeys.saved,
    enabled: opening,
    queryFn: () => soc.get<{ items: SavedSearch[] }>('/saved-searches'),
  });
  const remove = useMutation({
    mutationFn: (id: string) => soc.del(`/saved-searches/${id}`),
    onSuccess: () => {
      message.success(t(m.deleted));
      void qc.invalidateQueries({ queryKey: socKeys.saved });
    },
    onError: (e) => message.error(problemText(e, lang)),
  });

  return (
    <>
      <Button icon={<SaveOutlined />} onClick={() => setSaving(true)}>
        {t(m.saveSearch)}
      </Button>
      <Button icon={<FolderOpenOutlined />} onClick={() => setOpening(true)}>
        {t(m.savedSearches)}
      </Button>
      {saving && (
        <FormModal<SaveValues>
          title={t(m.saveSearch)}
          okText={t(m.save)}
          cancelText={t(m.cancel)}
          draftKey="soc.saved-search"
          initialValues={{ shared: false }}
          codeFields={{ SOC_SAVED_SEARCH_NAME_TAKEN: 'name' }}
          onClose={() => setSaving(false)}
          onSubmit={async (v) => {
            await soc.post('/saved-searches', {
              name: v.name.trim(),
              query: state.query,
              timeRange: state.range,
              columns: state.columns,
              shared: !!v.shared,
            });
            message.success(t(m.saved));
            void qc.invalidateQueries({ queryKey: socKeys.saved });
            setSaving(false);
          }}
        >
          <Form.Item name="name" label={t(m.name)} rules={[{ required: true, whitespace: true, max: 200 }]}>
            <Input />
          </Form.Item>
          <Form.Item name="shared" valuePropName="checked">
            <Checkbox>{t(m.sharedLabel)}</Checkbox>
          </Form.Item>
          <Typography.Text code style={{ whiteSpace: 'pre-wrap' }}>
            {state.query || '*'}
          </Typography.Text>
        </FormModal>
      )}
      <Modal
        open={opening}
        title={t(m.savedSearches)}
        width={860}
        footer={null}
        onCancel={() => setOpening(false)}
        destroyOnHidden
      >
        <Table<SavedSearch>
          size="small"
          rowKey="id"
          loading={list.isLoading}
          dataSource={list.data?.items ?? []}
          locale={{ emptyText: list.error ? problemText(list.error, lang) : t(m.noSaved) }}
          pagination={{ pageSize: 10, hideOnSinglePage: true }}
          columns={[
            {
              key: 'name',
              title: t(m.name),
              render: (_, s) => (
                <Flex vertical>
                  <Typography.Text strong>{s.name}</Typography.Text>
                  <Typography.Text code style={{ fontSize: 12 }}>
                    {s.query || '*'}
                  </Typography.Text>
                </Flex>
              ),
            },
            {
              key: 'owner',
              title: t(m.owner),
              render: (_, s) => (
                <Flex gap={4} wrap>
                  {s.ownerName}
                  {s.shared && <Tag>{t(m.sharedTag)}</Tag>}
                </Flex>
              ),
            },
            { key: 'updated', title: t(m.updatedAt), render: (_, s) => formatDateTime(s.updatedAt) },
            {
              key: 'actions',
              title: t(m.actions),
              render: (_, s) => (
                <Flex gap={4}>
                  <Button
                    size="small"
                    type="primary"
                    aria-label={`${t(m.open)} ${s.name}`}
                    onClick={() => {
                      setOpening(false);
                      const range =
                        s.timeRange.from && s.timeRange.to
                          ? { from: s.timeRange.from, to: s.timeRange.to }
                          : { last: s.timeRange.last ?? '24h' };
                      onOpen({
                        query: s.query,
                        range,
                        columns: s.columns.length ? s.columns : state.columns,
                      });
                    }}
                  >
                    {t(m.open)}
                  </Button>
                  {s.own && (
                    <Popconfirm
                      title={t(m.confirmDelete, { name: s.name })}
                      okText={t(m.delete)}
                      cancelText={t(m.cancel)}
                      onConfirm={() => remove.mutate(s.id)}
                    >
                      <DangerButton
                        size="small"
                        icon={<DeleteOutlined />}
                        aria-label={`${t(m.delete)} ${s.name}`}
                      />
                    </Popconfirm>
                  )}
                </Flex>
              ),
            },
          ]}
        />
      </Modal>
    </>
  );
}
