import type { Page } from '../app/page';
import { translator } from '../i18n/i18n';
import { element } from '../ui/element';
import { errorText } from '../ui/error-text';
import { showFormError } from '../ui/form-parts';
import { adminList } from './admin-list';
import { adminSection } from './admin-shell';
import {
  createPeer,
  listPeers,
  removePeer,
  setPeerPaused,
  testPeer,
  updatePeer,
  type AnyPeerInput,
  type DimsePeerInput,
  type PeerInput,
} from './peer-api';
import { createPeerForm, type PeerForm } from './peer-form';
import { peerMessages } from './peer-messages';
import { createPeerTable } from './peer-table';
import { listRemoteAes } from './remote-ae-api';

const t = translator(peerMessages);

/**
 * Peers at `/admin/peers` (admins only): the other archives (DICOMweb) and DICOM devices (DIMSE,
 * a known remote AE) this one exchanges studies with, in a table (pause / resume, delete, edit)
 * above the add / edit form with its "Test connection". The
 * archive's refusals show in place. The section carries `data-state` and `data-loads`
 * (admin-list.ts); the test result `data-ok` and `data-outcome`, for tests.
 */
export const page: Page = {
  async mount(root) {
    const section = adminSection(root, '/admin/peers', 'admin-peers');
    if (!section) return;

    const list = adminList(section, async () => {
      const [peers, remoteAes] = await Promise.all([listPeers(), listRemoteAes()]);
      form.setRemoteAes(remoteAes);
      if (peers.length === 0) return element('p', { className: 'form-notice', testid: 'peers-empty', text: t('noPeers') });
      return createPeerTable(peers, {
        edit: (peer) => {
          form.edit(peer);
          form.element.scrollIntoView({ block: 'nearest' });
        },
        setPaused: (peer, paused) =>
          void list.attempt(async () => {
            await setPeerPaused(peer.id, paused);
            return t(paused ? 'pausedNotice' : 'resumedNotice', { name: peer.name });
          }),
        remove: (peer) =>
          void list.attemptConfirmed(t('removeConfirm', { name: peer.name }), t('remove'), async () => {
            await removePeer(peer.id);
            if (form.editing()?.id === peer.id) form.edit(undefined);
            return t('removed', { name: peer.name });
          }),
      });
    });

    /** The name and URL (or device) the archive needs at least, checked here so the message is in the UI language. */
    const complete = (input: AnyPeerInput): void => {
      if (!input.name) throw new Error(t('nameRequired'));
      if (input.kind === 'dimse') {
        if (!input.remoteAeId) throw new Error(t('remoteAeRequired'));
      } else if (!input.baseUrl) throw new Error(t('urlRequired'));
    };

    const save = (input: AnyPeerInput, peerForm: PeerForm) =>
      list.attempt(async () => {
        complete(input);
        const editing = peerForm.editing();
        const saved = editing ? await updatePeer(editing.id, input) : await createPeer(input as PeerInput | DimsePeerInput);
        peerForm.edit(saved);
        return t(editing ? 'saved' : 'added', { name: saved.name });
      });

    const test = async (input: AnyPeerInput, peerForm: PeerForm) => {
      showFormError(list.error, undefined);
      try {
        complete(input);
        peerForm.showTest(await testPeer(input, peerForm.editing()?.id));
      } catch (failure) {
        peerForm.showTest(undefined);
        showFormError(list.error, errorText(failure));
      }
    };

    const form = createPeerForm({ onSave: (input, f) => void save(input, f), onTest: (input, f) => void test(input, f) });
    section.append(element('h2', { text: t('peersTitle') }), list.error, list.notice, list.tableWrap, form.element);
    await list.reload();
  },
};
