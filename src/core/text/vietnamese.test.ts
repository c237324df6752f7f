import { describe, expect, it } from 'vitest';
import { foldForSearch, nfc, viCollator } from './vietnamese.ts';

describe('Vietnamese text', () => {
  it('folds diacritics and đ for search', () => {
    expect(foldForSearch('Sở Tài chính  ĐÀ NẴNG')).toBe('so tai chinh da nang');
    expect(foldForSearch('Nguyễn Văn Đức')).toBe('nguyen van duc');
  });
  it('normalises decomposed input to NFC', () => {
    const decomposed = 'Tie\u0302\u0301n';
    expect(nfc(decomposed)).toBe('Tiến');
  });
  it('sorts with the Vietnamese alphabet (đ after d)', () => {
    expect(['Đức', 'Dũng', 'Anh', 'Ân'].sort(viCollator.compare)).toEqual(['Anh', 'Ân', 'Dũng', 'Đức']);
  });
});
