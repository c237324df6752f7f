import { Input } from 'antd';
import { useState } from 'react';

interface TableSearchProps {
  /** The applied text (the table's `q` filter). */
  value: string | undefined;
  /** Applies the text, trimmed; undefined when it is empty. */
  onApply: (q: string | undefined) => void;
  /** Accessible name, and the placeholder unless one is given. */
  label: string;
  placeholder?: string;
  width?: number;
}

/**
 * The free-text filter of a table toolbar: typing does not refetch, Enter or the button applies, and clearing
 * the box (× or deleting the text) removes the filter at once.
 */
export function TableSearch({ value, onApply, label, placeholder, width = 240 }: TableSearchProps) {
  const [text, setText] = useState(value ?? '');
  return (
    <Input.Search
      allowClear
      aria-label={label}
      placeholder={placeholder ?? label}
      value={text}
      onChange={(e) => {
        setText(e.target.value);
        if (!e.target.value) onApply(undefined);
      }}
      onSearch={(v) => onApply(v.trim() || undefined)}
      style={{ width }}
    />
  );
}
