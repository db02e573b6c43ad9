/**
 * No diacritics, lower case, đ written d. NFD splits the tone and vowel marks off their letters;
 * đ/Đ is a letter of its own and must be mapped by hand.
 */
function withoutDiacritics(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase();
}

/**
 * Vietnamese text folded for matching: no diacritics, lower case, đ written d, runs of anything
 * that is not a letter or digit turned into one space. 'Thị trấn Phát Diệm' → 'thi tran phat diem'.
 */
export function foldVietnamese(text: string): string {
  return withoutDiacritics(text)
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** ASCII slug from Vietnamese text: 'Cải cách hành chính' → 'cai-cach-hanh-chinh'. */
export function slugify(text: string): string {
  return foldVietnamese(text).replace(/ /g, '-');
}

/**
 * A legal document's number as it is looked up and kept unique: no diacritics, lower case, đ written
 * d, no spaces. '123/QĐ-UBND', '123/qđ-ubnd', '123/QD-UBND' and ' 123 / QĐ-UBND ' are all '123/qd-ubnd'.
 */
export function foldDocumentNumber(text: string): string {
  return withoutDiacritics(text).replace(/\s+/g, '');
}
