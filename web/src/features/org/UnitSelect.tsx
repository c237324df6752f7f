/** A unit picker: the organisation tree in a TreeSelect, searchable without diacritics. */
import { TreeSelect } from 'antd';
import { useMemo } from 'react';
import { matchesFolded } from '../../lib/format';
import { buildTree, useUnitTree } from './units';

export function UnitSelect({
  value,
  onChange,
  placeholder,
  multiple,
  allowClear = true,
  exclude,
  id,
  style,
}: {
  value?: string | string[] | null;
  onChange?: (v: string | string[] | undefined) => void;
  placeholder?: string;
  multiple?: boolean;
  allowClear?: boolean;
  /** A unit (and so its subtree) that may not be chosen, e.g. the unit being moved. */
  exclude?: string;
  id?: string;
  style?: React.CSSProperties;
}) {
  const tree = useUnitTree();
  const data = useMemo(() => {
    const nodes = buildTree(tree.data ?? []);
    const strip = (ns: typeof nodes): typeof nodes =>
      ns.filter((n) => n.key !== exclude).map((n) => ({ ...n, children: strip(n.children) }));
    return exclude ? strip(nodes) : nodes;
  }, [tree.data, exclude]);
  return (
    <TreeSelect
      id={id}
      // Outside a Form.Item (a filter bar) nothing labels the input: its placeholder says what it is.
      aria-label={id ? undefined : placeholder}
      style={{ width: '100%', ...style }}
      value={value ?? undefined}
      onChange={(v) => onChange?.(v as string | string[] | undefined)}
      treeData={data}
      loading={tree.isLoading}
      placeholder={placeholder}
      allowClear={allowClear}
      multiple={multiple}
      treeCheckable={multiple}
      showCheckedStrategy={TreeSelect.SHOW_ALL}
      treeDefaultExpandAll
      showSearch={{
        filterTreeNode: (input, node) => matchesFolded(String(node.title ?? ''), input),
      }}
      popupMatchSelectWidth={false}
      styles={{ popup: { root: { maxHeight: 420, overflow: 'auto', minWidth: 360 } } }}
    />
  );
}
