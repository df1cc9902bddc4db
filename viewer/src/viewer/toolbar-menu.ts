/**
 * A drop-down menu behind a toolbar button (WAI-ARIA menu button): the button toggles it, arrows
 * move between its items, Esc closes it back to the button, a click outside or on an item closes
 * it. While it is open its keys are its own, so the viewer's arrows and number keys do not act.
 */
import { element } from '../ui/element';

export interface ToolbarMenu {
  /** The button and the menu, side by side in one wrapper (the menu is placed under the button). */
  element: HTMLElement;
  button: HTMLButtonElement;
  menu: HTMLElement;
  /** Adds an item (a button with an optional icon before its text). */
  item(label: string, testid: string, onChoose: () => void, content?: Node): HTMLButtonElement;
  close(): void;
}

export function createToolbarMenu(button: HTMLButtonElement, menuTestid: string, label: string): ToolbarMenu {
  const wrapper = element('div', { className: 'toolbar-menu-wrapper' });
  const menu = element('div', { className: 'toolbar-menu', testid: menuTestid });
  menu.setAttribute('role', 'menu');
  menu.setAttribute('aria-label', label);
  menu.hidden = true;
  button.setAttribute('aria-haspopup', 'menu');
  button.setAttribute('aria-expanded', 'false');
  wrapper.append(button, menu);

  const items = () => [...menu.querySelectorAll<HTMLElement>('[role^="menuitem"]')];
  const open = () => {
    menu.hidden = false;
    button.setAttribute('aria-expanded', 'true');
    document.addEventListener('pointerdown', onOutside, true);
    document.addEventListener('keydown', onKey, true);
    (menu.querySelector<HTMLElement>('[aria-checked="true"]') ?? items()[0])?.focus();
  };
  const close = () => {
    if (menu.hidden) return;
    menu.hidden = true;
    button.setAttribute('aria-expanded', 'false');
    document.removeEventListener('pointerdown', onOutside, true);
    document.removeEventListener('keydown', onKey, true);
  };
  const onOutside = (event: Event) => {
    if (!wrapper.contains(event.target as Node | null)) close();
  };
  const onKey = (event: KeyboardEvent) => {
    const list = items();
    const at = list.indexOf(document.activeElement as HTMLElement);
    const focus = (index: number) => list[(index + list.length) % list.length]?.focus();
    switch (event.key) {
      case 'Escape':
        close();
        button.focus();
        break;
      case 'ArrowDown':
        focus(at + 1);
        break;
      case 'ArrowUp':
        focus(at - 1);
        break;
      case 'Home':
        focus(0);
        break;
      case 'End':
        focus(list.length - 1);
        break;
      case 'Tab':
        close();
        return;
      case 'Enter':
      case ' ':
        event.stopPropagation(); // the focused item's own click, not the viewer's shortcut
        return;
    }
    event.preventDefault();
    event.stopPropagation();
  };
  button.addEventListener('click', () => (menu.hidden ? open() : close()));

  return {
    element: wrapper,
    button,
    menu,
    item(text, testid, onChoose, content) {
      const item = element('button', { className: 'toolbar-menu-item', testid });
      item.type = 'button';
      item.setAttribute('role', 'menuitem');
      item.tabIndex = -1;
      if (content) item.append(content);
      item.append(element('span', { text }));
      item.addEventListener('click', () => {
        close();
        onChoose();
      });
      menu.append(item);
      return item;
    },
    close,
  };
}
