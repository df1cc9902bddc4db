import { element } from './element';
import { button } from './form-parts';

/**
 * A modal dialog with a title and a Close button (`<prefix>-dialog`, header `<prefix>-dialog-header`);
 * keys typed in it do not reach the viewer's keyboard shortcuts.
 */
export function dialogWithHeader(
  prefix: string,
  testid: string,
  title: string,
  closeLabel: string,
  closeTestid: string,
): HTMLDialogElement {
  const dialog = element('dialog', { className: `${prefix}-dialog`, testid });
  dialog.addEventListener('keydown', (event) => event.stopPropagation());
  const close = button(closeLabel, closeTestid);
  close.addEventListener('click', () => dialog.close());
  dialog.append(element('div', { className: `${prefix}-dialog-header` }, element('h2', { text: title }), close));
  return dialog;
}
