/**
 * @module web/shell/GlobalSearch
 * One search box for the whole console (Ctrl+K): the screens the person may open, matched without diacritics,
 * and units and accounts from the server's /api/search, which applies the person's unit scope.
 */
import { SearchOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { AutoComplete, Input, Tag } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useNavigate } from 'react-router';
import { api, call } from '../api/client';
import type { Feature } from '../app/features';
import { useI18n } from '../i18n';
import { shell } from '../i18n/messages';
import { matchesFolded } from '../lib/format';

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const id = setTimeout(() => setV(value), ms);
    return () => clearTimeout(id);
  }, [value, ms]);
  return v;
}

/** The header search box. */
export function GlobalSearch({ features }: { features: Feature[] }) {
  const { t, lang } = useI18n();
  const navigate = useNavigate();
  const [text, setText] = useState('');
  const q = useDebounced(text.trim(), 200);
  const inputRef = useRef<{ focus(): void } | null>(null);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'k') {
        e.preventDefault();
        inputRef.current?.focus();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const results = useQuery({
    queryKey: ['search', q],
    queryFn: () => call(api.GET('/api/search', { params: { query: { q, limit: 8 } } })),
    enabled: q.length >= 2,
    staleTime: 10_000,
  });

  const screens = q
    ? features
        .filter((f) => matchesFolded(f.label.vi, q) || matchesFolded(f.label.en, q))
        .map((f) => ({ value: f.path, label: <span>{t(f.label)}</span> }))
    : [];
  const kindLabel = {
    unit: lang === 'vi' ? 'Đơn vị' : 'Unit',
    account: lang === 'vi' ? 'Tài khoản' : 'Account',
  };
  const found = (results.data?.items ?? []).map((r) => ({
    value: r.link,
    label: (
      <span>
        <Tag>{kindLabel[r.kind as keyof typeof kindLabel] ?? r.kind}</Tag>
        {r.title}
        {r.subtitle && <span style={{ opacity: 0.7 }}> · {r.subtitle}</span>}
      </span>
    ),
  }));
  const options = [
    ...(screens.length ? [{ label: lang === 'vi' ? 'Chức năng' : 'Screens', options: screens }] : []),
    ...(found.length ? [{ label: lang === 'vi' ? 'Dữ liệu' : 'Records', options: found }] : []),
  ];

  return (
    <AutoComplete
      style={{ width: 420, maxWidth: '40vw' }}
      options={options}
      value={text}
      onChange={setText}
      onSelect={(path: string) => {
        setText('');
        navigate(path);
      }}
    >
      <Input
        ref={(el) => {
          inputRef.current = el;
        }}
        prefix={<SearchOutlined />}
        placeholder={t(shell.search)}
        aria-label={t(shell.search)}
        allowClear
      />
    </AutoComplete>
  );
}
