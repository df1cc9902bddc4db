import type { Page } from 'playwright-core';

/**
 * The viewer bench's clock inside the page (viewer-bench.ts): installWatcher, added as an init
 * script before the page's own scripts, records performance.now() (origin: navigation start) the
 * first time a selector matches; waitForMark reads that time back, so the driver's polling does
 * not count.
 */

/** How long the bench waits for anything in the page: a mark, a navigation. */
export const TIMEOUT_MS = 600_000;

// The root tsconfig has no DOM library: the few browser objects the page functions touch.
interface PageElement {
  dataset: Record<string, string | undefined>;
  value?: string;
  click(): void;
  dispatchEvent(event: unknown): boolean;
}
export interface BenchWindow {
  document: { querySelector(selector: string): PageElement | null; body: PageElement };
  MutationObserver: new (callback: () => void) => { observe(target: unknown, options: object): void };
  KeyboardEvent: new (type: string, init: object) => unknown;
  Event: new (type: string, init: object) => unknown;
  requestAnimationFrame(callback: () => void): number;
  __bench: { marks: Record<string, number>; watch(name: string, selector: string): void };
}

/**
 * Installed in every page before its scripts: `__bench.watch(name, selector)` records
 * performance.now() the first time `selector` matches; `marks` holds the times. The selectors in
 * `initial` are watched from the navigation on.
 */
export function installWatcher(initial: [string, string][]): void {
  const w = globalThis as unknown as BenchWindow;
  const marks: Record<string, number> = {};
  const pending = new Map<string, string>();
  const check = () => {
    for (const [name, selector] of pending) {
      if (w.document.querySelector(selector)) {
        marks[name] = performance.now();
        pending.delete(name);
      }
    }
  };
  const watch = (name: string, selector: string) => {
    pending.set(name, selector);
    check();
  };
  w.__bench = { marks, watch };
  new w.MutationObserver(check).observe(w.document, { subtree: true, childList: true, attributes: true });
  for (const [name, selector] of initial) watch(name, selector);
}

/** The time of mark `name`, once the page has recorded it. */
export async function waitForMark(page: Page, name: string): Promise<number> {
  await page.waitForFunction((n) => (globalThis as unknown as BenchWindow).__bench.marks[n] !== undefined, name, {
    timeout: TIMEOUT_MS,
    polling: 50,
  });
  return page.evaluate((n) => (globalThis as unknown as BenchWindow).__bench.marks[n]!, name);
}

/**
 * Presses ArrowDown `steps` times from the first slice, each press as soon as the viewport has
 * drawn the previous one (checked every animation frame); frames per second over the whole walk.
 */
export async function scrollRate(page: Page, steps: number, problems: string[]): Promise<number> {
  const result = await page.evaluate(
    (steps) =>
      new Promise<{ ms: number; slice: string | undefined; renders: number }>((resolve) => {
        const w = globalThis as unknown as BenchWindow;
        const vp = w.document.querySelector('[data-testid="viewport"][data-active="true"]')!;
        const renders = () => Number(vp.dataset.renderCount);
        const press = () => w.document.body.dispatchEvent(new w.KeyboardEvent('keydown', { key: 'ArrowDown', bubbles: true }));
        const startRenders = renders();
        let pressed = 0;
        let seen = startRenders;
        const started = performance.now();
        press();
        pressed++;
        const tick = () => {
          if (renders() > seen && vp.dataset.sliceIndex === String(pressed)) {
            seen = renders();
            if (pressed === steps) {
              resolve({ ms: performance.now() - started, slice: vp.dataset.sliceIndex, renders: seen - startRenders });
              return;
            }
            press();
            pressed++;
          }
          w.requestAnimationFrame(tick);
        };
        w.requestAnimationFrame(tick);
      }),
    steps,
  );
  if (result.slice !== String(steps)) problems.push(`scroll: ended on slice ${result.slice} instead of ${steps}`);
  return (steps / result.ms) * 1000;
}
