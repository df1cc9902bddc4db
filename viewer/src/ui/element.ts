/** What most elements of the screens are made with: a class, a `data-testid` for the tests, a text. */
export interface ElementOptions {
  className?: string;
  testid?: string;
  /** Set as `textContent`: DICOM values and user input never reach the page as HTML. */
  text?: string;
}

/** `document.createElement(tag)` with its class, `data-testid`, text and children. */
export function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  options: ElementOptions = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (options.className !== undefined) el.className = options.className;
  if (options.testid !== undefined) el.dataset.testid = options.testid;
  if (options.text !== undefined) el.textContent = options.text;
  el.append(...children);
  return el;
}
