/** The in-page text field for an arrow annotation's text (instead of window.prompt). */
import { translator } from '../i18n/i18n';
import { viewerMessages } from './messages';

const t = translator(viewerMessages);

/** A small text field over the viewport for an arrow's text: Enter places it, Esc (or leaving the field empty) cancels. */
export function askText(root: HTMLElement, current?: string): Promise<string | undefined> {
  root.querySelector('.annotation-input')?.remove();
  return new Promise((resolve) => {
    const form = document.createElement('form');
    form.className = 'annotation-input';
    form.dataset.testid = 'annotation-input';
    const input = document.createElement('input');
    input.type = 'text';
    input.maxLength = 200;
    input.value = current ?? '';
    input.setAttribute('aria-label', t('arrowText'));
    input.placeholder = t('arrowTextHint');
    input.dataset.testid = 'annotation-text';
    form.append(input);
    let done = false;
    const finish = (text: string | undefined) => {
      if (done) return;
      done = true;
      form.remove();
      resolve(text?.trim() ? text.trim() : undefined);
    };
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      finish(input.value);
    });
    input.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') finish(undefined);
      event.stopPropagation();
    });
    input.addEventListener('blur', () => finish(input.value));
    form.addEventListener('pointerdown', (event) => event.stopPropagation());
    root.append(form);
    input.focus();
  });
}
