import { element } from './element';

/** A `<section>` of a page or panel that opens with its heading; the caller appends the rest. */
export function sectionWithHeading(className: string, testid: string, heading: string, level: 'h2' | 'h3' = 'h2'): HTMLElement {
  return element('section', { className, testid }, element(level, { text: heading }));
}
