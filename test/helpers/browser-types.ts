/**
 * The root tsconfig has no DOM library: the few browser objects that the page.evaluate() and
 * waitForFunction() callbacks of the e2e tests touch. A callback runs in the page and can reach
 * nothing of this module but its types: `(globalThis as unknown as BrowserGlobals).document`.
 */

export interface BrowserElement {
  textContent: string | null;
  dataset: Record<string, string | undefined>;
  getAttribute(name: string): string | null;
  /** `querySelector<BrowserCanvas>('… canvas')` says which element the selector finds, as the DOM's own generic does. */
  querySelector<E extends BrowserElement = BrowserElement>(selector: string): E | null;
  closest(selector: string): BrowserElement | null;
}

export interface BrowserCanvas extends BrowserElement {
  width: number;
  height: number;
  getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } };
}

export interface BrowserDocument {
  querySelector<E extends BrowserElement = BrowserElement>(selector: string): E | null;
}

export interface BrowserGlobals {
  document: BrowserDocument;
  localStorage: { getItem(key: string): string | null };
  location: { hash: string };
}
