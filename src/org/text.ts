/**
 * @module org/text
 * Vietnamese text helpers: NFC cleaning of names and the diacritic-free folding behind `name_search`.
 */

/**
 * NFC-normalises, trims and collapses runs of whitespace. Vietnamese typed on different keyboards
 * (Telex/VNI, macOS vs Windows) arrives in NFC or NFD; storing NFC makes equal names compare equal.
 */
export function cleanText(value: string): string {
  return value.normalize('NFC').replace(/\s+/gu, ' ').trim();
}

/**
 * Folds text for diacritic-insensitive search: strips combining marks, maps đ/Đ to d (đ is a
 * separate letter, not a d with a mark, so NFD alone leaves it), and lower-cases.
 * `foldVietnamese('Sở Tài chính Đắk Lắk')` is `'so tai chinh dak lak'`.
 */
export function foldVietnamese(value: string): string {
  return cleanText(value)
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[đĐ]/gu, 'd')
    .toLowerCase()
    .normalize('NFC');
}
