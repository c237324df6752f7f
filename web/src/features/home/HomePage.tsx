/**
 * @module web/features/home/HomePage
 * The landing page: the first-run checklist for administrators (name the province, organisation tree,
 * policies, accounts, backups), the figures of the person's scope and a chart of recent activity.
 */
import { CheckCircleFilled, ClockCircleOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Col, Form, Input, List, Progress, Row, Statistic, Typography } from 'antd';
import { useMemo } from 'react';
import { Link } from 'react-router';
import { api, call } from '../../api/client';
import { useSession } from '../../auth/session';
import { ChartCard } from '../../components/ChartCard';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useI18n } from '../../i18n';
import { shell } from '../../i18n/messages';
import { formatNumber } from '../../lib/format';
import { homeText } from './messages';

const stepText = {
  province: homeText.stepProvince,
  org: homeText.stepOrg,
  policies: homeText.stepPolicies,
  accounts: homeText.stepAccounts,
  backup: homeText.stepBackup,
} as const;

function ProvinceForm() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const save = useMutation({
    mutationFn: (name: string) => call(api.PUT('/api/console/province', { body: { name } })),
    onSuccess: () => {
      message.success(t(shell.saved));
      void queryClient.invalidateQueries({ queryKey: ['console', 'setup'] });
    },
  });
  return (
    <Form layout="inline" onFinish={(v: { name: string }) => save.mutate(v.name)} style={{ marginTop: 8 }}>
      <Form.Item name="name" label={t(homeText.provinceName)} rules={[{ required: true, min: 2, max: 200 }]}>
        <Input placeholder={t(homeText.provincePlaceholder)} style={{ width: 260 }} />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={save.isPending}>
        {t(shell.save)}
      </Button>
      {save.error && <ProblemAlert error={save.error} />}
    </Form>
  );
}

function SetupChecklist() {
  const { t } = useI18n();
  const setup = useQuery({
    queryKey: ['console', 'setup'],
    queryFn: () => call(api.GET('/api/console/setup')),
  });
  if (setup.error) return <ProblemAlert error={setup.error} onRetry={() => void setup.refetch()} />;
  if (!setup.data) return <Card loading />;
  const { steps, done } = setup.data;
  return (
    <Card
      title={t(homeText.setupTitle, { done, total: steps.length })}
      extra={
        <Progress
          type="circle"
          size={36}
          percent={Math.round((done / steps.length) * 100)}
          aria-label={t(homeText.setupTitle, { done, total: steps.length })}
        />
      }
    >
      {done === steps.length ? (
        <Typography.Text type="success">{t(homeText.setupDone)}</Typography.Text>
      ) : (
        <List
          dataSource={steps}
          renderItem={(s) => (
            <List.Item
              data-testid={`setup-${s.key}`}
              actions={
                s.key === 'province' || s.done
                  ? []
                  : [
                      <Link key="open" to={s.link}>
                        {t(homeText.open)}
                      </Link>,
                    ]
              }
            >
              <List.Item.Meta
                avatar={
                  s.done ? (
                    <CheckCircleFilled style={{ color: '#237804', fontSize: 20 }} aria-label="✓" />
                  ) : (
                    <ClockCircleOutlined style={{ fontSize: 20 }} aria-label="…" />
                  )
                }
                title={t(stepText[s.key])}
                description={s.key === 'province' && !s.done ? <ProvinceForm /> : undefined}
              />
            </List.Item>
          )}
        />
      )}
    </Card>
  );
}

/** The console's home page. */
export default function HomePage() {
  const { t, lang } = useI18n();
  const { me, has } = useSession();
  const summary = useQuery({
    queryKey: ['console', 'summary'],
    queryFn: () => call(api.GET('/api/console/summary')),
    enabled: has('org.read'),
  });
  const option = useMemo(() => {
    const rows = summary.data?.activity ?? [];
    const days = [...new Set(rows.map((r) => r.day))].sort();
    const categories = [...new Set(rows.map((r) => r.category))].sort();
    return {
      tooltip: { trigger: 'axis' },
      legend: { bottom: 0 },
      grid: { left: 48, right: 16, top: 16, bottom: 48 },
      xAxis: { type: 'category', data: days.map((d) => `${d.slice(8, 10)}/${d.slice(5, 7)}`) },
      yAxis: { type: 'value' },
      series: categories.map((c) => ({
        name: c,
        type: 'bar',
        stack: 'all',
        data: days.map((d) => rows.find((r) => r.day === d && r.category === c)?.n ?? 0),
      })),
    };
  }, [summary.data]);

  return (
    <Row gutter={[16, 16]}>
      <Col span={24}>
        <Typography.Title level={2} style={{ marginTop: 0 }}>
          {t(homeText.hello, { name: me?.fullName ?? me?.username ?? '' })}
        </Typography.Title>
      </Col>
      {has('system.settings.write') && (
        <Col xs={24} xl={12}>
          <SetupChecklist />
        </Col>
      )}
      <Col xs={24} xl={has('system.settings.write') ? 12 : 24}>
        <Row gutter={[16, 16]}>
          <Col span={12}>
            <Card>
              <Statistic
                title={t(homeText.units)}
                value={summary.data ? formatNumber(summary.data.units, lang) : '—'}
              />
            </Card>
          </Col>
          {summary.data?.accounts != null && (
            <Col span={12}>
              <Card>
                <Statistic title={t(homeText.accounts)} value={formatNumber(summary.data.accounts, lang)} />
              </Card>
            </Col>
          )}
          {summary.data?.activity && (
            <Col span={24}>
              <ChartCard
                title={t(homeText.activity)}
                option={option}
                loading={summary.isFetching}
                empty={summary.data.activity.length === 0}
              />
            </Col>
          )}
          {summary.error && (
            <Col span={24}>
              <ProblemAlert error={summary.error} />
            </Col>
          )}
        </Row>
      </Col>
    </Row>
  );
}
