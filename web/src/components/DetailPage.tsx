/**
 * @module web/components/DetailPage
 * A record's page: title, actions, tabs (details first, change history last).
 */
import { Card, Flex, Skeleton, Tabs, Typography } from 'antd';
import type { ReactNode } from 'react';
import { ProblemAlert } from './ProblemAlert';

export interface DetailTab {
  key: string;
  label: ReactNode;
  children: ReactNode;
}

/** Title, actions and tabs of one record; shows the problem if the record could not be read. */
export function DetailPage({
  title,
  subtitle,
  actions,
  tabs,
  loading,
  error,
}: {
  title: ReactNode;
  subtitle?: ReactNode;
  actions?: ReactNode;
  tabs: DetailTab[];
  loading?: boolean;
  error?: unknown;
}) {
  if (error) return <ProblemAlert error={error} />;
  return (
    <Card>
      {loading ? (
        <Skeleton active />
      ) : (
        <>
          <Flex justify="space-between" align="start" gap={12} wrap>
            <div>
              <Typography.Title level={3} style={{ marginTop: 0, marginBottom: 4 }}>
                {title}
              </Typography.Title>
              {subtitle && <Typography.Text type="secondary">{subtitle}</Typography.Text>}
            </div>
            <Flex gap={8} wrap>
              {actions}
            </Flex>
          </Flex>
          <Tabs items={tabs} style={{ marginTop: 8 }} />
        </>
      )}
    </Card>
  );
}
