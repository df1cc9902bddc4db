import { element } from './element';

/** The one line a page shows instead of its content: not found, not allowed, nothing to list. */
export function pageMessage(text: string, testid?: string): HTMLParagraphElement {
  return element('p', { className: 'page-message', testid, text });
}
