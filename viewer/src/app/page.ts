/**
 * A screen of the app (worklist, viewer, upload, print): mounted into the app's root element for
 * the current URL; `unmount` releases what `mount` took (listeners, canvases, timers).
 */
export interface Page {
  mount(root: HTMLElement, url: URL): void | Promise<void>;
  unmount?(): void;
}
