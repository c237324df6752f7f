/** A picker of the information systems in the person's scope (optionally of one unit). */
import { useQuery } from '@tanstack/react-query';
import { Select } from 'antd';
import { matchesFolded } from '../../lib/format';
import { type InfoSystem, type PageOf, soc, socKeys } from './api';

/** Loads the systems once for every picker and list on the screen. */
export function useSystems() {
  return useQuery({
    queryKey: [...socKeys.systems, 'all'],
    queryFn: () => soc.get<PageOf<InfoSystem>>('/systems', { limit: 500, offset: 0 }),
  });
}

export function SystemSelect({
  value,
  onChange,
  placeholder,
  unitId,
  id,
  style,
}: {
  value?: string | null;
  onChange?: (v: string | null) => void;
  placeholder?: string;
  unitId?: string | null;
  id?: string;
  style?: React.CSSProperties;
}) {
  const systems = useSystems();
  const items = (systems.data?.items ?? []).filter((s) => !unitId || s.unitId === unitId);
  return (
    <Select
      id={id}
      aria-label={id ? undefined : placeholder}
      allowClear
      showSearch={{
        filterOption: (input, o) => matchesFolded(String(o?.label ?? ''), input),
      }}
      loading={systems.isLoading}
      placeholder={placeholder}
      value={value ?? undefined}
      onChange={(v) => onChange?.(v ?? null)}
      style={{ width: '100%', ...style }}
      options={items.map((s) => ({ value: s.id, label: `${s.code} — ${s.name}` }))}
    />
  );
}
