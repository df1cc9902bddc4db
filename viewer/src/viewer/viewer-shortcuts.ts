/**
 * The viewer's keyboard shortcuts (listed in help-panel.ts). Window/level, zoom and pan keys are
 * view-keys.ts's; nothing fires while the user types in a field or holds Ctrl/Meta/Alt.
 */
import { CT_PRESETS } from './presets';
import { handleViewKey } from './view-keys';
import type { ViewportPane } from './viewport-pane-types';

export interface ShortcutActions {
  activePane(): ViewportPane | undefined;
  /** Escape / 0: closes the topmost overlay; false when none was open (then the view resets). */
  closeOverlay(): boolean;
  toggleCine(): void;
  toggleHelp(): void;
  toggleSync(): void;
  toggleTags(): void;
  toggleKeyImage(pane: ViewportPane): void;
}

/** Handles the key when it is a shortcut; says whether it did (the caller then prevents its default). */
export function handleShortcut(event: KeyboardEvent, actions: ShortcutActions): boolean {
  const target = event.target as HTMLElement | null;
  if (target?.closest('input, textarea, select')) return false;
  const pane = actions.activePane();
  if (handleViewKey(event, pane)) return true;
  if (event.ctrlKey || event.metaKey || event.altKey) return false;
  const key = event.key;
  const preset = CT_PRESETS.find((p) => p.key === key);
  if (preset) {
    if (pane?.series?.modality === 'CT') pane.setWindow(preset.width, preset.center);
  } else if (key === 'ArrowDown' || key === 'ArrowRight' || key === 'PageDown') pane?.scroll(1);
  else if (key === 'ArrowUp' || key === 'ArrowLeft' || key === 'PageUp') pane?.scroll(-1);
  else if (key === 'i' || key === 'I') pane?.toggleInvert();
  else if (key === 'r' || key === 'R') pane?.rotate90();
  else if (key === 'h' || key === 'H') pane?.flip('h');
  else if (key === 'v' || key === 'V') pane?.flip('v');
  else if (key === 'f' || key === 'F') pane?.fit();
  else if (key === 'Escape' || key === '0') {
    if (!actions.closeOverlay()) pane?.reset();
  } else if (key === ' ') actions.toggleCine();
  else if (key === '?') actions.toggleHelp();
  else if (key === 's' || key === 'S') actions.toggleSync();
  else if (key === 'Delete') pane?.deleteSelectedMeasurement();
  else if (key === 't' || key === 'T') actions.toggleTags();
  else if ((key === 'k' || key === 'K') && pane) actions.toggleKeyImage(pane);
  else return false;
  return true;
}
