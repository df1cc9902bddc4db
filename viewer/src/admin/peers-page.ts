import type { Page } from '../app/page';
import { translator } from '../i18n/i18n';
import { confirmAction } from '../ui/confirm-dialog';
import { element } from '../ui/element';
import { errorText } from '../ui/error-text';
import { formError, showFormError } from '../ui/form-parts';
import { adminSection } from './admin-shell';
import { createPeer, listPeers, removePeer, setPeerPaused, testPeer, updatePeer, type PeerInput } from './peer-api';
import { createPeerForm, type PeerForm } from './peer-form';
import { peerMessages } from './peer-messages';
import { createPeerTable } from './peer-table';

const t = translator(peerMessages);

/**
 * Peers at `/admin/peers` (admins only): the other archives this one exchanges studies with, in a
 * table (pause / resume, delete, edit) above the add / edit form with its "Test connection". The
 * archive's refusals show in place. The section carries `data-state` (loading | done | error) and
 * `data-loads` (lists drawn); the test result `data-ok` and `data-outcome`, for tests.
 */
export const page: Page = {
  async mount(root) {
    const section = adminSection(root, '/admin/peers', 'admin-peers');
    if (!section) return;
    const notice = element('p', { className: 'form-notice', testid: 'admin-notice' });
    notice.setAttribute('aria-live', 'polite');
    const error = formError('admin-error');
    const tableWrap = element('div', { className: 'admin-table-wrap' });
    section.dataset.loads = '0';

    const load = async () => {
      section.dataset.state = 'loading';
      try {
        const peers = await listPeers();
        tableWrap.replaceChildren(
          peers.length === 0
            ? element('p', { className: 'form-notice', testid: 'peers-empty', text: t('noPeers') })
            : createPeerTable(peers, {
                edit: (peer) => {
                  form.edit(peer);
                  form.element.scrollIntoView({ block: 'nearest' });
                },
                setPaused: (peer, paused) =>
                  void attempt(async () => {
                    await setPeerPaused(peer.id, paused);
                    return t(paused ? 'pausedNotice' : 'resumedNotice', { name: peer.name });
                  }),
                remove: (peer) =>
                  void confirmAction(t('removeConfirm', { name: peer.name }), t('remove')).then((yes) => {
                    if (!yes) return;
                    void attempt(async () => {
                      await removePeer(peer.id);
                      if (form.editing()?.id === peer.id) form.edit(undefined);
                      return t('removed', { name: peer.name });
                    });
                  }),
              }),
        );
        section.dataset.state = 'done';
      } catch (failure) {
        showFormError(error, errorText(failure));
        section.dataset.state = 'error';
      }
      section.dataset.loads = String(Number(section.dataset.loads) + 1);
    };

    const attempt = async (work: () => Promise<string>) => {
      showFormError(error, undefined);
      notice.textContent = '';
      try {
        notice.textContent = await work();
      } catch (failure) {
        showFormError(error, errorText(failure));
      }
      await load();
    };

    /** The name and URL the archive needs at least, checked here so the message is in the UI language. */
    const complete = (input: Partial<PeerInput>): void => {
      if (!input.name) throw new Error(t('nameRequired'));
      if (!input.baseUrl) throw new Error(t('urlRequired'));
    };

    const save = (input: Partial<PeerInput>, peerForm: PeerForm) =>
      attempt(async () => {
        complete(input);
        const editing = peerForm.editing();
        const saved = editing ? await updatePeer(editing.id, input) : await createPeer(input as PeerInput);
        peerForm.edit(saved);
        return t(editing ? 'saved' : 'added', { name: saved.name });
      });

    const test = async (input: Partial<PeerInput>, peerForm: PeerForm) => {
      showFormError(error, undefined);
      try {
        complete(input);
        peerForm.showTest(await testPeer(input, peerForm.editing()?.id));
      } catch (failure) {
        peerForm.showTest(undefined);
        showFormError(error, errorText(failure));
      }
    };

    const form = createPeerForm({ onSave: (input, f) => void save(input, f), onTest: (input, f) => void test(input, f) });
    section.append(element('h2', { text: t('peersTitle') }), error, notice, tableWrap, form.element);
    await load();
  },
};
