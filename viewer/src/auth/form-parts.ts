import { ArchiveError } from '../dicomweb/base';
import { translator } from '../i18n/i18n';
import { authMessages } from './messages';

const t = translator(authMessages);

/** A `<label>` holding its caption and control (the sign-in, password, account and admin forms). */
export function labelled(caption: string, control: HTMLElement, className = 'form-field'): HTMLLabelElement {
  const label = document.createElement('label');
  label.className = className;
  const text = document.createElement('span');
  text.textContent = caption;
  label.append(text, control);
  return label;
}

export function textInput(
  testid: string,
  options: { type?: string; autocomplete?: string; required?: boolean; minLength?: number; maxLength?: number } = {},
): HTMLInputElement {
  const input = document.createElement('input');
  input.className = 'input';
  input.type = options.type ?? 'text';
  input.dataset.testid = testid;
  input.name = testid;
  if (options.autocomplete) input.autocomplete = options.autocomplete as AutoFill;
  if (options.required) input.required = true;
  if (options.minLength !== undefined) input.minLength = options.minLength;
  if (options.maxLength !== undefined) input.maxLength = options.maxLength;
  return input;
}

export function button(text: string, testid: string, type: 'button' | 'submit' = 'button', className = 'btn'): HTMLButtonElement {
  const el = document.createElement('button');
  el.type = type;
  el.className = className;
  el.dataset.testid = testid;
  el.textContent = text;
  return el;
}

/** The line under a form that shows what went wrong (as text; announced to screen readers). */
export function formError(testid: string): HTMLParagraphElement {
  const p = document.createElement('p');
  p.className = 'form-error';
  p.dataset.testid = testid;
  p.setAttribute('role', 'alert');
  p.hidden = true;
  return p;
}

export function showFormError(el: HTMLElement, message: string | undefined): void {
  el.textContent = message ?? '';
  el.hidden = !message;
}

/**
 * What to tell the user about a failed call, in place: the archive's own message (wrong password,
 * "would leave no enabled admin"…), the wait after too many attempts, or an unreachable archive.
 */
export function errorText(error: unknown): string {
  if (error instanceof ArchiveError) {
    if (error.status === 0) return t('unreachable');
    if (error.status === 429)
      return error.retryAfterSeconds === undefined ? t('tooManyAttemptsLater') : t('tooManyAttempts', { seconds: error.retryAfterSeconds });
    return error.message;
  }
  return error instanceof Error ? error.message : String(error);
}

/** A table with its column headings (an empty heading over an actions column); rows go into the returned body. */
export function tableWithHead(
  testid: string,
  headings: string[],
  className = 'admin-table',
): { table: HTMLTableElement; body: HTMLTableSectionElement } {
  const table = document.createElement('table');
  table.className = className;
  table.dataset.testid = testid;
  const head = document.createElement('tr');
  for (const heading of headings) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = heading;
    head.append(th);
  }
  table.createTHead().append(head);
  return { table, body: table.createTBody() };
}

/** A form of these pages with its heading (`noValidate`: the page checks and says what is wrong). */
export function formWithHeading(className: string, testid: string, heading: string, level: 'h2' | 'h3' = 'h2'): HTMLFormElement {
  const form = document.createElement('form');
  form.className = className;
  form.dataset.testid = testid;
  form.noValidate = true;
  const title = document.createElement(level);
  title.textContent = heading;
  form.append(title);
  return form;
}

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
  const dialog = document.createElement('dialog');
  dialog.className = `${prefix}-dialog`;
  dialog.dataset.testid = testid;
  dialog.addEventListener('keydown', (event) => event.stopPropagation());
  const header = document.createElement('div');
  header.className = `${prefix}-dialog-header`;
  const heading = document.createElement('h2');
  heading.textContent = title;
  const close = button(closeLabel, closeTestid);
  close.addEventListener('click', () => dialog.close());
  header.append(heading, close);
  dialog.append(header);
  return dialog;
}
