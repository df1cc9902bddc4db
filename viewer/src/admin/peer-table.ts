import { translator } from '../i18n/i18n';
import { element } from '../ui/element';
import { button } from '../ui/form-parts';
import { tableWithHead } from '../ui/table-with-head';
import type { PeerSummary } from './peer-api';
import { peerMessages, type PeerKey } from './peer-messages';

const t = translator(peerMessages);

const COLUMNS: PeerKey[] = ['colName', 'colUrl', 'colAuth', 'colCap', 'colStatus', 'colActions'];
const AUTH_NAMES = { none: 'authNone', basic: 'authBasic', bearer: 'authBearer' } as const;

export interface PeerRowActions {
  edit(peer: PeerSummary): void;
  setPaused(peer: PeerSummary, paused: boolean): void;
  remove(peer: PeerSummary): void;
}

/**
 * The peers as a table, one row per peer (`data-peer-id`, `data-kind`, `data-paused`): name,
 * address (a DICOMweb URL, or a DICOM device's AE title, host and port), authentication, cap,
 * paused, actions.
 */
export function createPeerTable(peers: PeerSummary[], actions: PeerRowActions): HTMLTableElement {
  const { table, body } = tableWithHead(
    'peers-table',
    COLUMNS.map((key) => t(key)),
  );
  for (const peer of peers) body.append(peerRow(peer, actions));
  return table;
}

function peerRow(peer: PeerSummary, actions: PeerRowActions): HTMLTableRowElement {
  const row = element('tr', { testid: 'peer-row' });
  row.dataset.peerId = peer.id;
  row.dataset.kind = peer.kind;
  row.dataset.paused = String(peer.pausedAt !== null);
  if (peer.pausedAt !== null) row.classList.add('admin-row-disabled');
  const auth =
    peer.kind === 'dimse' ? t('kindDimse') : t(AUTH_NAMES[peer.auth.kind]) + (peer.auth.username ? ` (${peer.auth.username})` : '');
  row.append(
    element('td', { testid: 'peer-cell-name', text: peer.name }),
    element('td', { testid: 'peer-cell-url', text: peerAddress(peer) }),
    element('td', { testid: 'peer-cell-auth', text: auth }),
    element('td', { testid: 'peer-cell-cap', text: peer.bandwidthKbps === null ? t('noCap') : t('capKbps', { kbps: peer.bandwidthKbps }) }),
    element('td', { testid: 'peer-cell-status', text: t(peer.pausedAt === null ? 'active' : 'paused') }),
  );
  row.children[1]!.setAttribute('data-column', 'url');
  const edit = button(t('edit'), 'peer-edit');
  edit.addEventListener('click', () => actions.edit(peer));
  const pause = button(t(peer.pausedAt === null ? 'pause' : 'resume'), 'peer-pause');
  pause.addEventListener('click', () => actions.setPaused(peer, peer.pausedAt === null));
  const remove = button(t('remove'), 'peer-remove');
  remove.addEventListener('click', () => actions.remove(peer));
  row.append(element('td', { className: 'admin-actions', testid: 'peer-actions' }, edit, pause, remove));
  return row;
}

/** Where the peer is: its DICOMweb base URL, or `AE_TITLE@host:port` for a DICOM device. */
export function peerAddress(peer: PeerSummary): string {
  if (peer.kind !== 'dimse') return peer.baseUrl;
  const host = peer.host?.includes(':') ? `[${peer.host}]` : (peer.host ?? '');
  return `${peer.aeTitle ?? ''}@${host}${peer.port == null ? '' : `:${peer.port}`}`;
}
