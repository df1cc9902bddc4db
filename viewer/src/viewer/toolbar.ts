/**
 * The viewer's toolbar: icon buttons in groups (navigation, window, measure, annotate, layout,
 * more) with the window presets and the layouts in drop-down menus. Buttons call back; no state
 * here. On a phone or a narrow tablet (viewer.css) it collapses to one button showing the chosen
 * tool that opens the groups, plus a button that slides the series panel in as a drawer.
 */
import { transferMessages } from '../transfers/messages';
import { translator } from '../i18n/i18n';
import { viewerMessages } from './messages';
import { toolbarMessages } from './toolbar-messages';
import { DEFAULT_FPS, MAX_FPS } from './cine-rate';
import { sharingMessages } from '../sharing/messages';
import { consultationMessages } from '../consultation/messages';
import { keyImageMessages } from '../key-images/messages';
import { reportMessages } from '../report/messages';
import { MEASUREMENT_TOOLS } from '../imaging/measurement-tool-names';
import { element } from '../ui/element';
import { CT_PRESETS, type WindowPreset } from './presets';
import { icon, type IconName } from './toolbar-icons';
import { createToolbarMenu } from './toolbar-menu';
import type { DragTool } from './viewport-pane-types';

const t = translator(viewerMessages);
const tBar = translator(toolbarMessages);
const tShare = translator(sharingMessages);
const tTransfer = translator(transferMessages);
const tConsult = translator(consultationMessages);
const tReport = translator(reportMessages);
const tKeyImages = translator(keyImageMessages);

export const LAYOUTS = ['1x1', '1x2', '2x1', '2x2'] as const;
export type Layout = (typeof LAYOUTS)[number];

/** A CT preset, or the image's own window (its VOI LUT / Window Center and Width). */
export type WindowChoice = WindowPreset | 'default';

export interface ToolbarActions {
  layout(layout: Layout): void;
  tool(tool: DragTool): void;
  /** Sets the active viewport's window from the preset menu. */
  window(choice: WindowChoice): void;
  invert(): void;
  rotate(): void;
  flip(direction: 'h' | 'v'): void;
  fit(): void;
  reset(): void;
  toggleSync(): void;
  toggleCine(): void;
  fps(fps: number): void;
  help(): void;
  /** Opens or closes the DICOM tag browser (key T). */
  tags(): void;
  keyImage(): void;
  print(): void;
  /** Opens or closes the Download menu (export-menu.ts); no button without it (the session may not download). */
  download?(): void;
  /** Opens the consultation request dialog; no button without it (the user may not share). */
  consult?(): void;
  /** Opens the Share dialog; no button without it (the user may not share). */
  share?(): void;
  /** Opens the "Send to…" dialog (another archive); no button without it (the user may not transfer). */
  send?(): void;
  /** Opens or closes the report drawer (report/report-panel.ts). */
  report?(): void;
  /** Stores the study's measurements in it as a TID 1500 SR (key-images/measurement-report.ts); for who may annotate. */
  measurementReport?(): void;
}

export interface Toolbar {
  element: HTMLElement;
  setLayout(layout: Layout): void;
  setTool(tool: DragTool): void;
  setPlaying(playing: boolean): void;
  setSync(enabled: boolean): void;
  fps(): number;
  /** Shows a rate in the frames-per-second field (the series' recorded one); the user may change it. */
  setFps(fps: number): void;
  setKeyImageCount(count: number): void;
}

const LAYOUT_ICONS: Record<Layout, IconName> = { '1x1': 'layout1x1', '1x2': 'layout1x2', '2x1': 'layout2x1', '2x2': 'layout2x2' };

/** An icon button whose label (already translated) is its title and accessible name. */
function iconButton(label: string, testid: string, name: IconName, onClick?: () => void): HTMLButtonElement {
  const b = element('button', { className: 'toolbar-button', testid }, icon(name));
  b.type = 'button';
  b.title = label;
  b.setAttribute('aria-label', label);
  if (onClick) b.addEventListener('click', onClick);
  return b;
}

function setIcon(button: HTMLButtonElement, name: IconName): void {
  button.querySelector('svg')?.replaceWith(icon(name));
}

export function createToolbar(actions: ToolbarActions): Toolbar {
  const bar = element('div', { className: 'viewer-toolbar', testid: 'viewer-toolbar' });
  bar.setAttribute('role', 'toolbar');
  bar.setAttribute('aria-label', tBar('toolbarMenu'));
  const groups = element('div', { className: 'toolbar-groups', testid: 'toolbar-groups' });
  const group = (label: string, ...children: HTMLElement[]) => {
    const g = element('div', { className: 'toolbar-group' }, ...children);
    g.setAttribute('role', 'group');
    g.setAttribute('aria-label', label);
    groups.append(g);
    return g;
  };

  // Phone and narrow tablet only (viewer.css): the series drawer, and the chosen tool opening the groups.
  const setDrawer = (page: Element, open: boolean) => {
    page.classList.toggle('side-open', open);
    drawer.setAttribute('aria-expanded', String(open));
  };
  let watching = false;
  const drawer = iconButton(tBar('seriesPanel'), 'series-drawer', 'series', () => {
    const page = bar.closest('.viewer-page');
    if (!page) return;
    // A series chosen in the drawer, or a touch on the image beside it, gives the image the screen back.
    if (!watching) {
      watching = true;
      page.addEventListener('click', (event) => {
        if ((event.target as Element).closest('.series-item')) setDrawer(page, false);
      });
      page.addEventListener('pointerdown', (event) => {
        if ((event.target as Element).closest('.viewport-grid') && page.classList.contains('side-open')) setDrawer(page, false);
      });
    }
    setDrawer(page, !page.classList.contains('side-open'));
  });
  drawer.classList.add('toolbar-compact-only');
  drawer.setAttribute('aria-expanded', 'false');
  const toggle = iconButton(tBar('toolbarMenu'), 'toolbar-toggle', 'windowLevel', () => {
    toggle.setAttribute('aria-expanded', String(bar.classList.toggle('open')));
  });
  toggle.classList.add('toolbar-compact-only', 'toolbar-toggle');
  toggle.append(icon('menu'));
  toggle.setAttribute('aria-expanded', 'false');
  bar.append(drawer, toggle, groups);

  const toolNames: Partial<Record<DragTool, string>> = {
    scroll: tBar('toolScroll'),
    windowLevel: t('toolWindowLevel'),
    pan: t('toolPan'),
    zoom: t('toolZoom'),
  };
  const toolButtons = new Map<DragTool, HTMLButtonElement>();
  const toolButton = (tool: DragTool, label: string, name: IconName) => {
    const b = iconButton(label, `tool-${tool}`, name, () => actions.tool(tool));
    toolButtons.set(tool, b);
    return b;
  };

  group(
    tBar('groupNavigation'),
    toolButton('scroll', tBar('toolScroll'), 'scroll'),
    toolButton('pan', t('toolPan'), 'pan'),
    toolButton('zoom', t('toolZoom'), 'zoom'),
    iconButton(t('fit'), 'fit', 'fit', actions.fit),
    iconButton(t('reset'), 'reset', 'reset', actions.reset),
    iconButton(t('rotate'), 'rotate', 'rotate', actions.rotate),
    iconButton(t('flipH'), 'flip-h', 'flipH', () => actions.flip('h')),
    iconButton(t('flipV'), 'flip-v', 'flipV', () => actions.flip('v')),
  );

  const presets = createToolbarMenu(
    iconButton(tBar('windowPresets'), 'window-presets', 'presets'),
    'window-preset-menu',
    tBar('windowPresets'),
  );
  presets.button.append(icon('chevronDown'));
  presets.item(tBar('windowDefault'), 'window-default', () => actions.window('default'));
  for (const preset of CT_PRESETS)
    presets.item(`${t(preset.label)} (W ${preset.width} / L ${preset.center})`, `window-preset-${preset.key}`, () =>
      actions.window(preset),
    );
  presets.item(t('invert'), 'invert', actions.invert);
  group(tBar('groupWindow'), toolButton('windowLevel', t('toolWindowLevel'), 'windowLevel'), presets.element);

  const annotateTools = new Set<DragTool>(['ArrowAnnotate']);
  group(
    tBar('groupMeasure'),
    ...MEASUREMENT_TOOLS.filter((tool) => !annotateTools.has(tool)).map((tool) => toolButton(tool, t(`tool${tool}`), tool)),
  );
  const keyCount = element('span', { className: 'key-image-count', testid: 'key-image-count' });
  group(
    tBar('groupAnnotate'),
    toolButton('ArrowAnnotate', t('toolArrowAnnotate'), 'ArrowAnnotate'),
    iconButton(t('keyImage'), 'key-image', 'keyImage', actions.keyImage),
    keyCount,
  );
  for (const tool of MEASUREMENT_TOOLS) toolNames[tool] = t(`tool${tool}`);

  const layouts = createToolbarMenu(iconButton(tBar('layoutMenu'), 'layout-menu', 'layout1x1'), 'layout-menu-list', tBar('layoutMenu'));
  layouts.button.append(icon('chevronDown'));
  const layoutItems = new Map<Layout, HTMLButtonElement>();
  for (const layout of LAYOUTS) {
    const item = layouts.item(
      t('layout', { layout: layout.replace('x', '×') }),
      `layout-${layout}`,
      () => actions.layout(layout),
      icon(LAYOUT_ICONS[layout]),
    );
    item.setAttribute('role', 'menuitemradio');
    layoutItems.set(layout, item);
  }
  const sync = iconButton(t('sync'), 'sync', 'sync', actions.toggleSync);
  sync.setAttribute('aria-pressed', 'false');
  const cine = iconButton(t('play'), 'cine', 'play', actions.toggleCine);
  const fps = element('input', { className: 'viewer-fps', testid: 'cine-fps' });
  fps.type = 'number';
  fps.min = '1';
  fps.max = String(MAX_FPS);
  fps.step = '0.1';
  fps.value = String(DEFAULT_FPS);
  fps.title = t('fps');
  fps.setAttribute('aria-label', t('fps'));
  fps.addEventListener('change', () => actions.fps(Number(fps.value)));
  group(tBar('groupLayout'), layouts.element, sync, cine, fps);

  const more = group(
    tBar('groupMore'),
    iconButton(t('tagBrowser'), 'tag-browser', 'tags', actions.tags),
    iconButton(t('printSheet'), 'print', 'print', actions.print),
  );
  if (actions.download) {
    const download = iconButton(t('download'), 'download-button', 'download', actions.download);
    download.setAttribute('aria-haspopup', 'menu');
    download.setAttribute('aria-expanded', 'false');
    more.append(download);
  }
  if (actions.share) more.append(iconButton(tShare('share'), 'share-button', 'share', actions.share));
  if (actions.send) more.append(iconButton(tTransfer('sendTo'), 'send-button', 'send', actions.send));
  if (actions.consult) more.append(iconButton(tConsult('request'), 'consultation-button', 'consult', actions.consult));
  if (actions.report) more.append(iconButton(tReport('button'), 'report-button', 'report', actions.report));
  if (actions.measurementReport)
    more.append(iconButton(tKeyImages('saveMeasurements'), 'measurement-report-button', 'measurementReport', actions.measurementReport));
  more.append(iconButton(t('help'), 'help', 'help', actions.help));

  // On a phone the groups close once something is chosen, giving the image the screen back.
  groups.addEventListener('click', (event) => {
    const target = (event.target as HTMLElement).closest('button');
    if (target && !target.hasAttribute('aria-haspopup') && bar.classList.contains('open')) {
      bar.classList.remove('open');
      toggle.setAttribute('aria-expanded', 'false');
    }
  });

  return {
    element: bar,
    setSync(enabled) {
      sync.setAttribute('aria-pressed', String(enabled));
    },
    setLayout(layout) {
      for (const [l, b] of layoutItems) b.setAttribute('aria-checked', String(l === layout));
      setIcon(layouts.button, LAYOUT_ICONS[layout]);
      layouts.button.dataset.layout = layout;
    },
    setTool(tool) {
      for (const [k, b] of toolButtons) b.setAttribute('aria-pressed', String(k === tool));
      const name = toolNames[tool] ?? tool;
      setIcon(toggle, tool as IconName);
      toggle.title = `${tBar('toolbarMenu')}: ${name}`;
      toggle.setAttribute('aria-label', toggle.title);
      toggle.dataset.tool = tool;
    },
    setPlaying(playing) {
      const label = playing ? t('pause') : t('play');
      setIcon(cine, playing ? 'pause' : 'play');
      cine.setAttribute('aria-label', label);
      cine.title = label;
    },
    setKeyImageCount(count) {
      keyCount.textContent = t('keyImageCount', { count });
      keyCount.dataset.count = String(count);
    },
    fps() {
      const value = Number(fps.value);
      return Number.isFinite(value) && value > 0 ? Math.min(MAX_FPS, value) : DEFAULT_FPS;
    },
    setFps(value) {
      fps.value = String(value);
    },
  };
}
