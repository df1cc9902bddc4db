/** The viewer's toolbar: layout, drag tool, view transforms, cine and help. Buttons call back; no state here. */
import { translator } from '../i18n/i18n';
import { viewerMessages } from './messages';
import { DEFAULT_FPS, MAX_FPS } from './cine-rate';
import { sharingMessages } from '../sharing/messages';
import { consultationMessages } from '../consultation/messages';
import { MEASUREMENT_TOOLS } from '../imaging/measurement-tool-names';
import type { DragTool } from './viewport-pane-types';

const t = translator(viewerMessages);
const tShare = translator(sharingMessages);
const tConsult = translator(consultationMessages);

export const LAYOUTS = ['1x1', '1x2', '2x1', '2x2'] as const;
export type Layout = (typeof LAYOUTS)[number];

export interface ToolbarActions {
  layout(layout: Layout): void;
  tool(tool: DragTool): void;
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

export function createToolbar(actions: ToolbarActions): Toolbar {
  const bar = document.createElement('div');
  bar.className = 'viewer-toolbar';
  bar.setAttribute('role', 'toolbar');
  const button = (label: string, testid: string, onClick: () => void, text = label) => {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = text;
    b.title = label;
    b.setAttribute('aria-label', label);
    b.dataset.testid = testid;
    b.addEventListener('click', onClick);
    bar.append(b);
    return b;
  };
  const layoutButtons = new Map<Layout, HTMLButtonElement>();
  for (const layout of LAYOUTS)
    layoutButtons.set(
      layout,
      button(t('layout', { layout }), `layout-${layout}`, () => actions.layout(layout), layout.replace('x', '×')),
    );
  const toolButtons = new Map<DragTool, HTMLButtonElement>([
    ['windowLevel', button(t('toolWindowLevel'), 'tool-windowLevel', () => actions.tool('windowLevel'))],
    ['pan', button(t('toolPan'), 'tool-pan', () => actions.tool('pan'))],
    ['zoom', button(t('toolZoom'), 'tool-zoom', () => actions.tool('zoom'))],
    ...MEASUREMENT_TOOLS.map((tool): [DragTool, HTMLButtonElement] => [
      tool,
      button(t(`tool${tool}`), `tool-${tool}`, () => actions.tool(tool)),
    ]),
  ]);
  button(t('invert'), 'invert', actions.invert);
  button(t('rotate'), 'rotate', actions.rotate);
  button(t('flipH'), 'flip-h', () => actions.flip('h'));
  button(t('flipV'), 'flip-v', () => actions.flip('v'));
  button(t('fit'), 'fit', actions.fit);
  button(t('reset'), 'reset', actions.reset);
  const sync = button(t('sync'), 'sync', actions.toggleSync);
  sync.setAttribute('aria-pressed', 'false');
  const cine = button(t('play'), 'cine', actions.toggleCine);
  const fps = document.createElement('input');
  fps.type = 'number';
  fps.min = '1';
  fps.max = String(MAX_FPS);
  fps.step = '0.1';
  fps.value = String(DEFAULT_FPS);
  fps.className = 'viewer-fps';
  fps.dataset.testid = 'cine-fps';
  fps.title = t('fps');
  fps.setAttribute('aria-label', t('fps'));
  fps.addEventListener('change', () => actions.fps(Number(fps.value)));
  bar.append(fps);
  button(t('help'), 'help', actions.help, '?');
  button(t('tagBrowser'), 'tag-browser', actions.tags, t('tagBrowserShort'));
  button(t('keyImage'), 'key-image', actions.keyImage);
  const keyCount = document.createElement('span');
  keyCount.className = 'key-image-count';
  keyCount.dataset.testid = 'key-image-count';
  bar.append(keyCount);
  button(t('printSheet'), 'print', actions.print);
  if (actions.download) {
    const download = button(t('download'), 'download-button', actions.download);
    download.setAttribute('aria-haspopup', 'menu');
    download.setAttribute('aria-expanded', 'false');
  }
  if (actions.share) button(tShare('share'), 'share-button', actions.share);
  if (actions.consult) button(tConsult('request'), 'consultation-button', actions.consult);

  return {
    element: bar,
    setSync(enabled) {
      sync.setAttribute('aria-pressed', String(enabled));
    },
    setLayout(layout) {
      for (const [l, b] of layoutButtons) b.setAttribute('aria-pressed', String(l === layout));
    },
    setTool(tool) {
      for (const [k, b] of toolButtons) b.setAttribute('aria-pressed', String(k === tool));
    },
    setPlaying(playing) {
      cine.textContent = playing ? t('pause') : t('play');
      cine.setAttribute('aria-label', cine.textContent);
      cine.title = cine.textContent;
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
