/**
 * The words cornerstone-tools draws on the image, in the UI language. cornerstone-tools 6 builds
 * the ROI and probe labels ("Area: …", "Mean: … Std Dev: …", "SP: … MO: …", "… pixels") in
 * private functions, with no text callback or configuration for them, and draws them with
 * fillText on the viewport's canvas. That canvas is the one seam: on-image-text.ts wraps its 2D
 * context's fillText and measureText with this replacement of the label words. Numbers follow
 * the language too (Vietnamese writes 1.990,13 for 1,990.13); units are drawn as given.
 */

/** i18n.ts's Language, repeated so that this module has no DOM globals and its unit test runs in Node. */
type Language = 'en' | 'vi';

type Key = 'area' | 'mean' | 'stdDev' | 'min' | 'max' | 'radius' | 'perimeter' | 'pixels' | 'isotropic' | 'storedPixel' | 'modalityValue';

export const onImageMessages: Record<Language, Record<Key, string>> = {
  en: {
    area: 'Area:',
    mean: 'Mean:',
    stdDev: 'Std Dev:',
    min: 'Min:',
    max: 'Max:',
    radius: 'Radius',
    perimeter: 'Perimeter',
    pixels: 'pixels',
    isotropic: '(isotropic)',
    storedPixel: 'SP:',
    modalityValue: 'MO:',
  },
  vi: {
    area: 'Diện tích:',
    mean: 'Trung bình:',
    stdDev: 'Độ lệch chuẩn:',
    min: 'Nhỏ nhất:',
    max: 'Lớn nhất:',
    radius: 'Bán kính',
    perimeter: 'Chu vi',
    pixels: 'điểm ảnh',
    isotropic: '(đẳng hướng)',
    storedPixel: 'Giá trị lưu:',
    modalityValue: 'Giá trị đo:',
  },
};

/** cornerstone-tools' own words (its English) → our keys. */
const DRAWN: readonly [RegExp, Key][] = [
  [/\bArea:/g, 'area'],
  [/\bMean:/g, 'mean'],
  [/\bStd Dev:/g, 'stdDev'],
  [/\bMin:/g, 'min'],
  [/\bMax:/g, 'max'],
  [/\bRadius\b/g, 'radius'],
  [/\bPerimeter\b/g, 'perimeter'],
  [/\bpixels\b/g, 'pixels'],
  [/\(isotropic\)/g, 'isotropic'],
  [/\bSP:/g, 'storedPixel'],
  [/\bMO:/g, 'modalityValue'],
];

/** A line cornerstone-tools draws, with its label words in `language`. */
export function localizeDrawnText(text: string, language: Language): string {
  let out = text;
  for (const [pattern, key] of DRAWN) out = out.replace(pattern, () => onImageMessages[language][key]);
  if (language === 'vi') out = out.replace(ENGLISH_NUMBER, (n) => n.replace(/[.,]/g, (c) => (c === ',' ? '.' : ',')));
  return out;
}

/** A number as cornerstone-tools formats it: thousands grouped by commas and/or a decimal point. */
const ENGLISH_NUMBER = /\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.\d+/g;
