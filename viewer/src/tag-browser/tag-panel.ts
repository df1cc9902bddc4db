/**
 * The DICOM tag browser: every attribute of the current image's instance (tag, keyword, VR,
 * value), sequences expandable to their items, and a filter box. Values reach the DOM only as
 * text. `data-state="ready"` and `data-sop-uid` tell tests which instance is shown.
 */
import { getString, type DicomJson } from '../../../shared/dicom/dicom-json';
import { Tag } from '../../../shared/dicom/tags';
import { translator } from '../i18n/i18n';
import { attributeRows, normaliseFilter, rowMatches, type AttributeRow, type ValueText } from './attribute-rows';
import { loadKeywords, type KeywordOf } from './keyword-dictionary';
import { tagBrowserMessages } from './messages';

const t = translator(tagBrowserMessages);

export interface TagPanel {
  readonly element: HTMLElement;
  readonly isOpen: boolean;
  open(): void;
  close(): void;
  toggle(): void;
  /** The image now in the active viewport (its instance's DICOM JSON and 1-based frame). */
  show(instance: DicomJson | undefined, frame: number): void;
}

export function createTagPanel(onOpenChange: (open: boolean) => void = () => {}): TagPanel {
  const panel = document.createElement('aside');
  panel.className = 'tag-panel';
  panel.dataset.testid = 'tag-panel';
  panel.hidden = true;
  panel.setAttribute('aria-label', t('title'));

  const header = document.createElement('div');
  header.className = 'tag-panel-header';
  const title = document.createElement('h2');
  title.textContent = t('title');
  const close = document.createElement('button');
  close.type = 'button';
  close.textContent = t('close');
  close.dataset.testid = 'tag-panel-close';
  const filter = document.createElement('input');
  filter.type = 'search';
  filter.className = 'tag-filter';
  filter.dataset.testid = 'tag-filter';
  filter.placeholder = t('filterPlaceholder');
  filter.setAttribute('aria-label', t('filter'));
  header.append(title, close, filter);

  const caption = document.createElement('p');
  caption.className = 'tag-caption';
  caption.dataset.testid = 'tag-caption';
  const columns = document.createElement('div');
  columns.className = 'tag-row tag-columns';
  for (const key of ['columnTag', 'columnKeyword', 'columnVr', 'columnValue'] as const) {
    const cell = document.createElement('span');
    cell.textContent = t(key);
    columns.append(cell);
  }
  const body = document.createElement('div');
  body.className = 'tag-body';
  body.dataset.testid = 'tag-body';
  const status = document.createElement('p');
  status.className = 'tag-status';
  status.dataset.testid = 'tag-status';
  panel.append(header, caption, columns, status, body);

  let keywordOf: KeywordOf | undefined;
  let current: DicomJson | undefined;
  let currentFrame = 1;
  let shown: DicomJson | undefined;
  let groups: { element: HTMLElement; row: AttributeRow }[] = [];

  const render = () => {
    if (panel.hidden) return;
    panel.dataset.state = 'loading';
    if (!keywordOf) {
      status.textContent = t('loading');
      void loadKeywords().then((k) => {
        keywordOf = k;
        render();
      });
      return;
    }
    if (!current) {
      status.textContent = t('noImage');
      caption.textContent = '';
      body.replaceChildren();
      groups = [];
      shown = undefined;
      delete panel.dataset.sopUid;
      panel.dataset.state = 'ready';
      return;
    }
    caption.textContent = t('instanceOf', { number: getString(current, Tag.InstanceNumber) ?? '–', frame: currentFrame });
    if (shown !== current) {
      shown = current;
      const k = keywordOf;
      groups = attributeRows(current, k).map((row) => ({ row, element: rowGroup(row, 0, k) }));
      body.replaceChildren(...groups.map((g) => g.element));
      panel.dataset.sopUid = getString(current, Tag.SOPInstanceUID) ?? '';
    }
    applyFilter();
    panel.dataset.state = 'ready';
  };

  const applyFilter = () => {
    if (!keywordOf) return;
    const needle = normaliseFilter(filter.value);
    let visible = 0;
    for (const g of groups) {
      g.element.hidden = !rowMatches(g.row, needle, keywordOf);
      if (!g.element.hidden) visible++;
    }
    body.dataset.visible = String(visible);
    status.textContent = visible === 0 ? t('noMatch') : t('shown', { shown: visible, total: groups.length });
  };

  const setOpen = (open: boolean) => {
    if (panel.hidden === !open) return;
    panel.hidden = !open;
    onOpenChange(open);
    if (open) render();
  };
  close.addEventListener('click', () => setOpen(false));
  filter.addEventListener('input', applyFilter);
  filter.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') setOpen(false);
  });

  return {
    element: panel,
    get isOpen() {
      return !panel.hidden;
    },
    open: () => setOpen(true),
    close: () => setOpen(false),
    toggle: () => setOpen(panel.hidden),
    show(instance, frame) {
      if (instance === current && frame === currentFrame) return;
      current = instance;
      currentFrame = frame;
      render();
    },
  };
}

/** One attribute row, and for a sequence a toggle that shows its items (built when first expanded). */
function rowGroup(row: AttributeRow, depth: number, keywordOf: KeywordOf): HTMLElement {
  const group = document.createElement('div');
  group.className = 'tag-group';
  const line = document.createElement('div');
  line.className = 'tag-row';
  line.dataset.testid = 'tag-row';
  line.dataset.tag = row.tag.toUpperCase();
  line.dataset.depth = String(depth);
  line.style.setProperty('--depth', String(depth));
  const cell = (text: string, className: string) => {
    const span = document.createElement('span');
    span.className = className;
    span.textContent = text;
    return span;
  };
  const value = cell(describe(row.value), 'tag-value');
  value.dataset.testid = 'tag-value';
  line.append(cell(row.label, 'tag-label'), cell(row.keyword || t('privateTag'), 'tag-keyword'), cell(row.vr, 'tag-vr'), value);
  group.append(line);

  const items = row.items;
  if (items && items.length > 0) {
    const toggle = document.createElement('button');
    toggle.type = 'button';
    toggle.className = 'tag-toggle';
    toggle.dataset.testid = 'tag-toggle';
    toggle.setAttribute('aria-expanded', 'false');
    toggle.textContent = `▸ ${describe(row.value)}`;
    value.replaceChildren(toggle);
    let children: HTMLElement | undefined;
    toggle.addEventListener('click', () => {
      const expand = toggle.getAttribute('aria-expanded') !== 'true';
      toggle.setAttribute('aria-expanded', String(expand));
      toggle.textContent = `${expand ? '▾' : '▸'} ${describe(row.value)}`;
      if (expand && !children) {
        children = document.createElement('div');
        children.className = 'tag-children';
        items.forEach((item, index) => {
          const heading = document.createElement('div');
          heading.className = 'tag-item';
          heading.dataset.testid = 'tag-item';
          heading.style.setProperty('--depth', String(depth + 1));
          heading.textContent = t('item', { number: index + 1 });
          children!.append(heading, ...attributeRows(item, keywordOf).map((child) => rowGroup(child, depth + 1, keywordOf)));
        });
        group.append(children);
      }
      if (children) children.hidden = !expand;
    });
  }
  return group;
}

function describe(value: ValueText): string {
  switch (value.kind) {
    case 'text':
      return value.text;
    case 'inline':
      return t('inlineBytes', { bytes: value.bytes });
    case 'bulk':
      return value.bytes === undefined ? t('bulkData') : t('bulkDataBytes', { bytes: value.bytes });
    case 'items':
      return t('items', { count: value.count });
    case 'empty':
      return t('empty');
  }
}
