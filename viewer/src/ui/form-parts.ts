/** The parts of the app's forms: labelled controls, buttons, a form with its heading, the error line under it. */

/** A `<label>` holding its caption and control (the sign-in, password, account, admin, share and consultation forms). */
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

/** A form with its heading (`noValidate`: the page checks and says what is wrong). */
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
