/**
 * cornerstone-tools' drawn labels in the UI language (drawn-labels.ts says which and why here):
 * the viewport canvas's 2D context's fillText and measureText are wrapped, so the words are
 * replaced before drawing and before measuring (the text box is sized from the same string).
 */
import { currentLanguage } from '../i18n/i18n';
import { localizeDrawnText } from './drawn-labels';

const wrapped = new WeakSet<CanvasRenderingContext2D>();

/** Once per canvas: what is drawn or measured as text on it passes through localizeDrawnText. */
export function localizeCanvasText(canvas: HTMLCanvasElement): void {
  const context = canvas.getContext('2d');
  if (!context || wrapped.has(context)) return;
  wrapped.add(context);
  const fillText = context.fillText.bind(context);
  const measureText = context.measureText.bind(context);
  context.fillText = (text: string, x: number, y: number, maxWidth?: number) =>
    maxWidth === undefined
      ? fillText(localizeDrawnText(text, currentLanguage()), x, y)
      : fillText(localizeDrawnText(text, currentLanguage()), x, y, maxWidth);
  context.measureText = (text: string) => measureText(localizeDrawnText(text, currentLanguage()));
}
