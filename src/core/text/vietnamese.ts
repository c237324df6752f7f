/**
 * @module core/text/vietnamese
 * Vietnamese text as data: NFC normalisation, diacritic-insensitive folding for search, vi collation.
 */

/**
 * NFC-normalises, trims and collapses runs of whitespace; every stored name goes through this.
 * Vietnamese typed on different keyboards (Telex/VNI, macOS vs Windows) arrives in NFC or NFD.
 */
export function nfc(s: string): string {
  return s.normalize('NFC').replace(/\s+/gu, ' ').trim();
}

/** Folds to a search key: no diacritics (đ → d), lower case, single spaces. "Sở Tài chính" → "so tai chinh". */
export function foldForSearch(s: string): string {
  return s
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

const HIDDEN = /[\p{Cc}\p{Cf}]/u;
const HIDDEN_BUT_LINES = /[^\P{Cc}\t\n\r]|\p{Cf}/u;

/**
 * True when text holds a character no name may: controls (Cc), which forge lines in audit entries and
 * exports (NUL cannot even reach PostgreSQL), and invisible format characters (Cf: bidi overrides, zero-width
 * spaces), which disguise text ("Sở X\u202Egnp.exe" shows as "Sở Xexe.png"). With `multiline`, tabs and
 * line breaks are allowed (descriptions).
 */
export function hasHiddenCharacters(text: string, multiline = false): boolean {
  return (multiline ? HIDDEN_BUT_LINES : HIDDEN).test(text);
}

/** Collator for sorting Vietnamese names the way Vietnamese readers expect. */
export const viCollator = new Intl.Collator('vi', { sensitivity: 'base', numeric: true });
