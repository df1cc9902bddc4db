/**
 * Folding of person names and other text for matching.
 * `foldCase` is what literal PN matching uses (case is ignored, nothing else);
 * `foldAccents` additionally removes diacritics, Vietnamese-aware (Đ/đ → D), and makes NFC and
 * NFD spellings equal, for `fuzzymatching=true`.
 */
export function foldCase(value: string): string {
  return value.normalize('NFC').toUpperCase();
}

/**
 * The words of a person name for fuzzy matching: accent-folded, split on the PN component and
 * group separators (^ =) and on spaces and punctuation. DICOM wildcards are dropped.
 */
export function nameWords(value: string): string[] {
  return foldAccents(value)
    .split(/[\s^=,.'*?-]+/)
    .filter((word) => word.length > 0);
}

export function foldAccents(value: string): string {
  return value
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .replace(/[Đđ]/g, 'D')
    .toUpperCase();
}
