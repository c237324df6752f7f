/**
 * @module web/features/audit/RetentionPage
 * The log retention policy (SEC-11): days kept per audit category, with the SEC-10 mandatory categories
 * marked and the server's minimum explained; shortening asks for confirmation (old entries go for good).
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Flex,
  Form,
  InputNumber,
  Space,
  Table,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import { api, call, type ResponseOf } from '../../api/client';
import { ProblemAlert } from '../../components/ProblemAlert';
import { usePersistentForm } from '../../components/usePersistentForm';
import { useI18n } from '../../i18n';
import { formatNumber } from '../../lib/format';
import { m } from './messages';

type View = ResponseOf<'/api/system/audit/retention', 'get'>;
type Days = View['days'];
type CategoryRow = View['categories'][number];

/** The five categories SEC-10 requires. */
const MANDATORY = new Set(['access', 'login', 'error', 'account', 'config']);

function useHuman() {
  const { t, lang } = useI18n();
  return (days: number) => {
    if (days >= 365 && days % 365 === 0) return t(m.years, { n: days / 365 });
    if (days >= 365)
      return t(m.years, { n: (days / 365).toLocaleString(lang, { maximumFractionDigits: 1 }) });
    if (days >= 60) return t(m.months, { n: Math.round(days / 30) });
    return t(m.daysN, { n: days });
  };
}

function RetentionForm({ view }: { view: View }) {
  const { t, lang } = useI18n();
  const { message, modal } = App.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm<Days>();
  const draft = usePersistentForm('audit.retention', form);
  const human = useHuman();
  const values = (Form.useWatch([], form) ?? view.days) as Partial<Days>;
  const save = useMutation({
    mutationFn: (body: Days) => call(api.PUT('/api/system/audit/retention', { body })),
    onSuccess: (next) => {
      draft.clear();
      qc.setQueryData(['audit', 'retention'], next);
      form.setFieldsValue(next.days);
      message.success(t(m.saved));
    },
  });
  const submit = (v: Days) => {
    const shorter = view.categories.filter(
      (c) => (v[c.category as keyof Days] ?? 0) < view.days[c.category as keyof Days],
    );
    if (!shorter.length) return save.mutate(v);
    modal.confirm({
      title: t(m.shorter),
      content: (
        <>
          <p>{t(m.shorterWarn)}</p>
          <ul>
            {shorter.map((c) => (
              <li key={c.category}>
                {lang === 'vi' ? c.vi : c.en}: {formatNumber(view.days[c.category as keyof Days], lang)} →{' '}
                {formatNumber(v[c.category as keyof Days], lang)}
              </li>
            ))}
          </ul>
        </>
      ),
      okText: t(m.confirm),
      cancelText: t(m.cancel),
      okButtonProps: { danger: true },
      onOk: () => save.mutateAsync(v),
    });
  };
  const range = { min: view.minDays, max: view.maxDays };
  return (
    <Form<Days>
      form={form}
      initialValues={view.days}
      onValuesChange={draft.onValuesChange}
      onFinish={submit}
      component={false}
    >
      <Table<CategoryRow>
        size="small"
        rowKey="category"
        pagination={false}
        dataSource={view.categories}
        columns={[
          {
            key: 'cat',
            title: t(m.category),
            render: (_, c) => (
              <Space>
                <label htmlFor={`ret-${c.category}`}>{lang === 'vi' ? c.vi : c.en}</label>
                {MANDATORY.has(c.category) && <Tag color="blue">{t(m.mandatory)}</Tag>}
              </Space>
            ),
          },
          {
            key: 'days',
            title: t(m.days),
            width: 220,
            render: (_, c) => (
              <Form.Item
                name={c.category}
                style={{ margin: 0 }}
                rules={[
                  { required: true, message: t(m.required) },
                  {
                    type: 'number',
                    ...range,
                    message: t(m.range, { min: range.min, max: formatNumber(range.max, lang) }),
                  },
                ]}
              >
                <InputNumber
                  id={`ret-${c.category}`}
                  min={range.min}
                  max={range.max}
                  precision={0}
                  style={{ width: 180 }}
                  suffix={lang === 'vi' ? 'ngày' : 'days'}
                />
              </Form.Item>
            ),
          },
          {
            key: 'human',
            title: t(m.about),
            width: 130,
            render: (_, c) => {
              const v = values[c.category as keyof Days];
              const changed = v !== undefined && v !== view.days[c.category as keyof Days];
              return typeof v === 'number' ? (
                <Typography.Text type={changed ? 'warning' : 'secondary'}>{human(v)}</Typography.Text>
              ) : null;
            },
          },
          {
            key: 'default',
            title: t(m.defaultDays),
            width: 190,
            render: (_, c) => (
              <Space>
                <Typography.Text type="secondary">{formatNumber(c.defaultDays, lang)}</Typography.Text>
                {values[c.category as keyof Days] !== c.defaultDays && (
                  <Tooltip title={`${t(m.useDefault)}: ${human(c.defaultDays)}`}>
                    <Button
                      size="small"
                      type="link"
                      onClick={() => {
                        form.setFieldValue(c.category as keyof Days, c.defaultDays);
                        draft.onValuesChange(null, form.getFieldsValue());
                      }}
                    >
                      {t(m.useDefault)}
                    </Button>
                  </Tooltip>
                )}
              </Space>
            ),
          },
        ]}
      />
      {save.error && (
        <div style={{ marginTop: 12 }}>
          <ProblemAlert error={save.error} />
        </div>
      )}
      <Space style={{ marginTop: 12 }}>
        <Button type="primary" loading={save.isPending} onClick={() => form.submit()}>
          {t(m.save)}
        </Button>
        <Button
          onClick={() => {
            form.setFieldsValue(view.days);
            draft.clear();
            save.reset();
          }}
        >
          {t(m.reset)}
        </Button>
      </Space>
    </Form>
  );
}

export default function RetentionPage() {
  const { t, lang } = useI18n();
  const q = useQuery({
    queryKey: ['audit', 'retention'],
    queryFn: () => call(api.GET('/api/system/audit/retention')),
  });
  return (
    <Flex vertical gap={12} style={{ maxWidth: 1000 }}>
      <div>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t(m.retentionTitle)}
        </Typography.Title>
        <Typography.Text type="secondary">{t(m.retentionIntro)}</Typography.Text>
      </div>
      {q.data && (
        <Alert
          type="info"
          showIcon
          title={t(m.sec10, { min: q.data.minDays, max: formatNumber(q.data.maxDays, lang) })}
        />
      )}
      {q.error && <ProblemAlert error={q.error} onRetry={() => void q.refetch()} />}
      <Card size="small" loading={q.isLoading}>
        {q.data && <RetentionForm view={q.data} />}
      </Card>
    </Flex>
  );
}
