/** The keyboard and mouse shortcuts of the viewer, in a panel toggled by `?` or the help button. */
import { translator } from '../i18n/i18n';
import { viewerMessages } from './messages';
import { CT_PRESETS } from './presets';
import { toolbarMessages } from './toolbar-messages';

const t = translator(viewerMessages);
const tBar = translator(toolbarMessages);

export function createHelpPanel(): HTMLElement {
  const panel = document.createElement('aside');
  panel.className = 'viewer-help';
  panel.dataset.testid = 'help-panel';
  panel.hidden = true;
  const title = document.createElement('h2');
  title.textContent = t('shortcuts');
  const close = document.createElement('button');
  close.type = 'button';
  close.className = 'viewer-help-close';
  close.textContent = t('close');
  close.addEventListener('click', () => {
    panel.hidden = true;
  });
  const list = document.createElement('ul');
  const keys = [
    'keyWheel',
    'keyArrows',
    'keyPresets',
    'keyInvert',
    'keyRotate',
    'keyFlipH',
    'keyFlipV',
    'keyFit',
    'keyReset',
    'keyCine',
    'keySync',
    'keyDelete',
    'keyKeyImage',
    'keyTags',
    'keyHelp',
    'keyDrag',
    'keyMiddle',
    'keyRight',
  ] as const;
  for (const key of keys) {
    const li = document.createElement('li');
    li.textContent = t(key);
    list.append(li);
  }
  // Window, zoom and pan without a mouse (view-keys.ts), and the touch gestures (touch-gestures.ts).
  for (const key of ['keyWindowKeys', 'keyZoomKeys', 'keyPanKeys', 'touchSwipe', 'touchPinch', 'touchLongPress'] as const) {
    const li = document.createElement('li');
    li.textContent = tBar(key);
    list.append(li);
  }
  const presets = document.createElement('ul');
  for (const preset of CT_PRESETS) {
    const li = document.createElement('li');
    li.textContent = `${preset.key}: ${t(preset.label)} (W ${preset.width} / L ${preset.center})`;
    presets.append(li);
  }
  panel.append(title, close, list, presets);
  return panel;
}
