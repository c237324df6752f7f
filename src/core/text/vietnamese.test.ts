import { describe, expect, it } from 'vitest';
import { foldForSearch, hasHiddenCharacters, nfc, viCollator } from './vietnamese.ts';

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

describe('hasHiddenCharacters', () => {
  it('finds controls and invisible format characters, and lets Vietnamese text through', () => {
    expect(hasHiddenCharacters('Sở Tài chính tỉnh Đắk Lắk')).toBe(false);
    expect(hasHiddenCharacters('Sở X\u202Egnp.exe')).toBe(true);
    expect(hasHiddenCharacters('Sở\u200BTư pháp')).toBe(true);
    expect(hasHiddenCharacters('a\u0000b')).toBe(true);
    expect(hasHiddenCharacters('dòng 1\ndòng 2')).toBe(true);
    expect(hasHiddenCharacters('dòng 1\n\tdòng 2', true)).toBe(false);
    expect(hasHiddenCharacters('dòng\u2066 1', true)).toBe(true);
    expect(hasHiddenCharacters('a\u0007b', true)).toBe(true);
  });
});
