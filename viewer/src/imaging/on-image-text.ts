/**
 * The words cornerstone-tools draws on the image, in the UI language. cornerstone-tools 6 builds
 * the ROI and probe labels ("Area: …", "Mean: … Std Dev: …", "SP: … MO: …", "… pixels") in
 * private functions, with no text callback or configuration for them, and draws them with
 * fillText on the viewport's canvas. That canvas is the one seam: its 2D context's fillText and
 * measureText are wrapped so those label words are replaced before drawing and before measuring
 * (the text box is sized from the same translated string). Numbers and units are drawn as given.
 */
import { translator, type Messages } from '../i18n/i18n';

type Key = 'area' | 'mean' | 'stdDev' | 'min' | 'max' | 'radius' | 'perimeter' | 'pixels' | 'isotropic' | 'storedPixel' | 'modalityValue';

export const onImageMessages: Messages<Key> = {
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

const t = translator(onImageMessages);

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

/** A line cornerstone-tools draws, with its label words in the UI language. */
export function localizeDrawnText(text: string): string {
  let out = text;
  for (const [pattern, key] of DRAWN) out = out.replace(pattern, () => t(key));
  return out;
}

const wrapped = new WeakSet<CanvasRenderingContext2D>();

/** Once per canvas: what is drawn or measured as text on it passes through localizeDrawnText. */
export function localizeCanvasText(canvas: HTMLCanvasElement): void {
  const context = canvas.getContext('2d');
  if (!context || wrapped.has(context)) return;
  wrapped.add(context);
  const fillText = context.fillText.bind(context);
  const measureText = context.measureText.bind(context);
  context.fillText = (text: string, x: number, y: number, maxWidth?: number) =>
    maxWidth === undefined ? fillText(localizeDrawnText(text), x, y) : fillText(localizeDrawnText(text), x, y, maxWidth);
  context.measureText = (text: string) => measureText(localizeDrawnText(text));
}
