/**
 * @module web/components/DataTable
 * The table every module uses: server-side paging, sorting and filtering (the server applies the person's unit
 * scope and folds diacritics), a column chooser remembered per table, XLSX/CSV export through the server, and
 * keyboard-reachable rows. Filters live in the URL so a filtered view can be bookmarked and shared.
 */
import { DownloadOutlined, ReloadOutlined, SettingOutlined } from '@ant-design/icons';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import {
  Button,
  Checkbox,
  Dropdown,
  Flex,
  Popover,
  Space,
  Table,
  type TableColumnType,
  Typography,
} from 'antd';
import type { SorterResult } from 'antd/es/table/interface';
import { type ReactNode, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import { useI18n } from '../i18n';
import { shell } from '../i18n/messages';
import { ProblemAlert } from './ProblemAlert';

/** What the table asks the server for. */
export interface PageRequest {
  offset: number;
  limit: number;
  sort?: string;
  order?: 'asc' | 'desc';
  /** Filter values from the URL (strings), as the feature's toolbar set them. */
  filters: Record<string, string>;
}

export interface Page<T> {
  items: T[];
  total: number;
}

/** A column; `key` names it in the chooser and, with `sortable`, is the server's sort key. */
export interface DataColumn<T> extends Omit<TableColumnType<T>, 'key' | 'sorter'> {
  key: string;
  sortable?: boolean;
  /** Hidden until chosen in the column chooser. */
  optional?: boolean;
}

export interface DataTableProps<T> {
  /** Stable id: the query key and the column chooser's storage key. */
  id: string;
  columns: DataColumn<T>[];
  fetchPage: (req: PageRequest) => Promise<Page<T>>;
  rowKey: keyof T & string;
  /** Filter controls (they read/write the URL with useTableFilters). */
  toolbar?: ReactNode;
  /** Export through the server: returns the URL of the file for the current filters. */
  exportUrl?: (format: 'xlsx' | 'csv', req: PageRequest) => string;
  onRowClick?: (row: T) => void;
  defaultSort?: { key: string; order: 'asc' | 'desc' };
  pageSize?: number;
  extra?: ReactNode;
}

const RESERVED = new Set(['page', 'size', 'sort', 'order']);

/** Reads and writes a table's filters in the URL (so they survive reloads and can be shared). */
export function useTableFilters(): [
  Record<string, string>,
  (next: Record<string, string | undefined>) => void,
] {
  const [params, setParams] = useSearchParams();
  const filters: Record<string, string> = {};
  for (const [k, v] of params) if (!RESERVED.has(k) && v) filters[k] = v;
  const set = (next: Record<string, string | undefined>) => {
    setParams((prev) => {
      const p = new URLSearchParams(prev);
      for (const [k, v] of Object.entries(next)) {
        if (v === undefined || v === '') p.delete(k);
        else p.set(k, v);
      }
      p.delete('page');
      return p;
    });
  };
  return [filters, set];
}

/** Server-paged table with sorting, filters, column chooser and export. */
export function DataTable<T extends object>(props: DataTableProps<T>) {
  const { t, lang } = useI18n();
  const [params, setParams] = useSearchParams();
  const [filters] = useTableFilters();
  const pageSize = Number(params.get('size')) || props.pageSize || 20;
  const page = Math.max(1, Number(params.get('page')) || 1);
  const sort = params.get('sort') ?? props.defaultSort?.key;
  const order = (params.get('order') as 'asc' | 'desc' | null) ?? props.defaultSort?.order;
  const req: PageRequest = { offset: (page - 1) * pageSize, limit: pageSize, sort, order, filters };

  const storageKey = `tinhso.columns.${props.id}`;
  const [visible, setVisible] = useState<string[]>(() => {
    const saved = localStorage.getItem(storageKey);
    return saved
      ? (JSON.parse(saved) as string[])
      : props.columns.filter((c) => !c.optional).map((c) => c.key);
  });
  const chooseColumns = (keys: string[]) => {
    setVisible(keys);
    localStorage.setItem(storageKey, JSON.stringify(keys));
  };

  const query = useQuery({
    queryKey: [props.id, req],
    queryFn: () => props.fetchPage(req),
    placeholderData: keepPreviousData,
  });

  const columns = useMemo(
    () =>
      props.columns
        .filter((c) => visible.includes(c.key))
        .map(({ sortable, optional: _optional, ...c }) => ({
          ...c,
          sorter: sortable,
          sortOrder:
            sortable && sort === c.key
              ? order === 'desc'
                ? ('descend' as const)
                : ('ascend' as const)
              : null,
        })),
    [props.columns, visible, sort, order],
  );

  const download = (format: 'xlsx' | 'csv') => {
    if (!props.exportUrl) return;
    const a = document.createElement('a');
    a.href = props.exportUrl(format, { ...req, offset: 0 });
    a.rel = 'noopener';
    document.body.appendChild(a);
    a.click();
    a.remove();
  };

  return (
    <Space direction="vertical" size={12} style={{ width: '100%' }}>
      <Flex gap={8} wrap align="center">
        {props.toolbar}
        <Flex gap={8} style={{ marginInlineStart: 'auto' }}>
          {props.extra}
          <Button
            icon={<ReloadOutlined />}
            onClick={() => void query.refetch()}
            aria-label={t(shell.retry)}
          />
          <Popover
            trigger="click"
            title={t(shell.columns)}
            content={
              <Checkbox.Group
                style={{ display: 'flex', flexDirection: 'column', gap: 4 }}
                value={visible}
                onChange={(v) => chooseColumns(v as string[])}
                options={props.columns.map((c) => ({ label: String(c.title ?? c.key), value: c.key }))}
              />
            }
          >
            <Button icon={<SettingOutlined />} aria-label={t(shell.columns)} />
          </Popover>
          {props.exportUrl && (
            <Dropdown
              menu={{
                items: [
                  { key: 'xlsx', label: t(shell.exportXlsx) },
                  { key: 'csv', label: t(shell.exportCsv) },
                ],
                onClick: ({ key }) => download(key as 'xlsx' | 'csv'),
              }}
            >
              <Button icon={<DownloadOutlined />}>{t(shell.exportXlsx)}</Button>
            </Dropdown>
          )}
        </Flex>
      </Flex>
      {query.error && <ProblemAlert error={query.error} onRetry={() => void query.refetch()} />}
      <Table<T>
        rowKey={props.rowKey}
        size="middle"
        columns={columns as TableColumnType<T>[]}
        dataSource={query.data?.items ?? []}
        loading={query.isFetching}
        scroll={{ x: 'max-content' }}
        onRow={(row) =>
          props.onRowClick
            ? {
                onClick: () => props.onRowClick?.(row),
                onKeyDown: (e) => {
                  if (e.key === 'Enter') props.onRowClick?.(row);
                },
                tabIndex: 0,
                style: { cursor: 'pointer' },
              }
            : {}
        }
        pagination={{
          current: page,
          pageSize,
          total: query.data?.total ?? 0,
          showSizeChanger: true,
          pageSizeOptions: [10, 20, 50, 100],
          showTotal: (n) => (
            <Typography.Text type="secondary">
              {t(shell.total, { n: n.toLocaleString(lang === 'vi' ? 'vi-VN' : 'en-GB') })}
            </Typography.Text>
          ),
        }}
        onChange={(pagination, _filters, sorter) => {
          const s = sorter as SorterResult<T>;
          setParams((prev) => {
            const p = new URLSearchParams(prev);
            p.set('page', String(pagination.current ?? 1));
            p.set('size', String(pagination.pageSize ?? pageSize));
            if (s.order && s.columnKey) {
              p.set('sort', String(s.columnKey));
              p.set('order', s.order === 'descend' ? 'desc' : 'asc');
            } else {
              p.delete('sort');
              p.delete('order');
            }
            return p;
          });
        }}
      />
    </Space>
  );
}
