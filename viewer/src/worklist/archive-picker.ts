import type { PeerSummary } from '../../../shared/api/exchange';
import { translator } from '../i18n/i18n';
import { element } from '../ui/element';
import { button } from '../ui/form-parts';
import { worklistMessages } from './messages';

const t = translator(worklistMessages);

/** Which archive the worklist searches: this one (null) or a peer, by id. */
export type SearchedArchive = { peerId: string; peerName: string } | null;

/**
 * Two tabs above the search form, "This archive" and "Remote archive" with the peer to search
 * (for accounts that may transfer, when peers are set up). Calls `onChange` with the new choice.
 */
export function createArchivePicker(
  peers: readonly PeerSummary[],
  chosen: SearchedArchive,
  onChange: (archive: SearchedArchive) => void,
): HTMLElement {
  const bar = element('div', { className: 'worklist-archives', testid: 'worklist-archives' });
  bar.setAttribute('role', 'group');
  const local = button(t('thisArchive'), 'worklist-local');
  const remote = button(t('remoteArchive'), 'worklist-remote');
  const peer = element('select', { className: 'input', testid: 'worklist-peer' });
  peer.setAttribute('aria-label', t('remoteArchive'));
  for (const p of peers) peer.append(new Option(p.name, p.id, false, p.id === chosen?.peerId));
  const current = () => {
    const option = peer.selectedOptions[0];
    return option ? { peerId: option.value, peerName: option.textContent ?? '' } : null;
  };
  local.setAttribute('aria-pressed', String(chosen === null));
  remote.setAttribute('aria-pressed', String(chosen !== null));
  peer.hidden = chosen === null;
  local.addEventListener('click', () => onChange(null));
  remote.addEventListener('click', () => onChange(current()));
  peer.addEventListener('change', () => onChange(current()));
  bar.append(local, remote, peer);
  return bar;
}
