import type { Page } from '../app/page';

export const page: Page = {
  mount(root) {
    const h = document.createElement('div');
    h.className = 'worklist';
    root.append(h);
  },
};
