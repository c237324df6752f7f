/** The hash-chain check of the audit log: OK, or where each category's chain breaks. */
import { CheckCircleFilled, CloseCircleFilled, SafetyCertificateOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Button, Card, Flex, Spin, Tag, Tooltip, Typography } from 'antd';
import { api, call } from '../../api/client';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useI18n } from '../../i18n';
import { formatNumber } from '../../lib/format';
import { m } from './messages';

export function VerifyCard({ categoryLabel }: { categoryLabel: (id: string) => string }) {
  const { t, lang } = useI18n();
  const q = useQuery({
    queryKey: ['audit', 'verify'],
    queryFn: () => call(api.GET('/api/audit/verify')),
    staleTime: 5 * 60_000,
  });
  const busy = q.isFetching;
  return (
    <Card
      size="small"
      title={
        <Flex gap={8} align="center">
          <SafetyCertificateOutlined />
          {t(m.verifyTitle)}
        </Flex>
      }
      extra={
        <Button size="small" onClick={() => void q.refetch()} loading={busy}>
          {t(m.verifyNow)}
        </Button>
      }
      styles={{ body: { paddingBlock: 8 } }}
    >
      {q.error ? (
        <ProblemAlert error={q.error} />
      ) : busy || !q.data ? (
        <Flex gap={8} align="center" role="status">
          <Spin size="small" />
          <Typography.Text type="secondary">{t(m.verifying)}</Typography.Text>
        </Flex>
      ) : (
        <Flex vertical gap={6}>
          <Typography.Text role="status">
            {q.data.ok ? (
              <CheckCircleFilled style={{ color: '#389e0d' }} />
            ) : (
              <CloseCircleFilled style={{ color: '#cf1322' }} />
            )}{' '}
            {q.data.ok ? t(m.verifyOk, { n: formatNumber(q.data.checked, lang) }) : t(m.verifyBroken)}
          </Typography.Text>
          <Flex wrap gap={4}>
            {q.data.categories.map((c) => (
              <Tooltip key={c.category} title={t(m.checkedN, { n: formatNumber(c.checked, lang) })}>
                <Tag
                  color={c.brokenAtSeq === null ? undefined : 'red'}
                  icon={
                    c.brokenAtSeq === null ? (
                      <CheckCircleFilled style={{ color: '#389e0d' }} />
                    ) : (
                      <CloseCircleFilled />
                    )
                  }
                >
                  {categoryLabel(c.category)}
                  {c.brokenAtSeq !== null && ` · ${t(m.brokenAt, { seq: c.brokenAtSeq })}`}
                </Tag>
              </Tooltip>
            ))}
          </Flex>
        </Flex>
      )}
    </Card>
  );
}
