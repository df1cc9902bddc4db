import { translator } from '../i18n/i18n';
import { element } from './element';
import { button } from './form-parts';
import { uiMessages } from './messages';

const t = translator(uiMessages);

/**
 * Asks before an action that cannot be undone (revoke a share, close a consultation, disable an
 * account): a modal dialog with the question, the action's own label and Cancel. Resolves true
 * only when the action is confirmed; Escape or Cancel resolve false.
 */
export function confirmAction(question: string, confirmLabel: string): Promise<boolean> {
  const dialog = element('dialog', { className: 'confirm-dialog', testid: 'confirm-dialog' });
  dialog.setAttribute('role', 'alertdialog');
  dialog.addEventListener('keydown', (event) => event.stopPropagation());
  const ok = button(confirmLabel, 'confirm-ok', 'button', 'btn btn-primary');
  const cancel = button(t('cancel'), 'confirm-cancel');
  dialog.append(
    element('p', { text: question, testid: 'confirm-question' }),
    element('div', { className: 'confirm-dialog-buttons' }, cancel, ok),
  );
  document.body.append(dialog);
  return new Promise((resolve) => {
    let confirmed = false;
    ok.addEventListener('click', () => {
      confirmed = true;
      dialog.close();
    });
    cancel.addEventListener('click', () => dialog.close());
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve(confirmed);
    });
    dialog.showModal();
    cancel.focus(); // the safe choice is the default
  });
}
