import type { Page } from '../app/page';
import { translator } from '../i18n/i18n';
import { element } from '../ui/element';
import { adminList } from './admin-list';
import { adminSection } from './admin-shell';
import { createAssociationsPanel, type AssociationsPanel } from './associations-panel';
import {
  createRemoteAe,
  dimseStatus,
  echoRemoteAe,
  listRemoteAes,
  removeRemoteAe,
  updateRemoteAe,
  type RemoteAeInput,
} from './remote-ae-api';
import { createRemoteAeForm, type RemoteAeForm } from './remote-ae-form';
import { remoteAeMessages } from './remote-ae-messages';
import { createDimseStatusTable, createRemoteAeTable } from './remote-ae-table';
import './associations.css';

const t = translator(remoteAeMessages);

let associations: AssociationsPanel | undefined;

/**
 * DICOM devices at `/admin/dimse` (admins only): how a modality reaches this archive (our AE
 * title, address, port, TLS, which callers), then the known remote AEs in a table (test with a
 * C-ECHO, edit, delete) above the add / edit form, then the associations served now and lately
 * (drawn again every 2 s while the page is open). The archive's refusals show in place. The
 * section carries `data-state` and `data-loads` (admin-list.ts), for tests.
 */
export const page: Page = {
  async mount(root) {
    const section = adminSection(root, '/admin/dimse', 'admin-dimse');
    if (!section) return;
    const status = element('div', { className: 'admin-table-wrap' });

    const list = adminList(section, async () => {
      const [remoteAes, ours] = await Promise.all([listRemoteAes(), dimseStatus()]);
      status.replaceChildren(createDimseStatusTable(ours));
      if (remoteAes.length === 0) return element('p', { className: 'form-notice', testid: 'remote-aes-empty', text: t('noDevices') });
      return createRemoteAeTable(remoteAes, {
        test: (remoteAe) => echoRemoteAe(remoteAe.id),
        edit: (remoteAe) => {
          form.edit(remoteAe);
          form.element.scrollIntoView({ block: 'nearest' });
        },
        remove: (remoteAe) =>
          void list.attemptConfirmed(t('removeConfirm', { name: remoteAe.aeTitle }), t('remove'), async () => {
            await removeRemoteAe(remoteAe.id);
            if (form.editing()?.id === remoteAe.id) form.edit(undefined);
            return t('removed', { name: remoteAe.aeTitle });
          }),
      });
    });

    const save = (input: RemoteAeInput, remoteAeForm: RemoteAeForm) =>
      list.attempt(async () => {
        // The fields the archive needs at least, checked here so the message is in the UI language.
        if (!input.aeTitle) throw new Error(t('aeTitleRequired'));
        if (!input.host) throw new Error(t('hostRequired'));
        const editing = remoteAeForm.editing();
        const saved = editing ? await updateRemoteAe(editing.id, input) : await createRemoteAe(input);
        remoteAeForm.edit(undefined);
        return t(editing ? 'saved' : 'added', { name: saved.aeTitle });
      });

    const form = createRemoteAeForm((input, f) => void save(input, f));
    associations?.stop();
    associations = createAssociationsPanel();
    section.append(
      element('h2', { text: t('dimseTitle') }),
      element('p', { className: 'form-notice', text: t('dimseIntro') }),
      status,
      element('h3', { text: t('devicesTitle') }),
      list.error,
      list.notice,
      list.tableWrap,
      form.element,
      associations.element,
    );
    await Promise.all([list.reload(), associations.start()]);
  },
  unmount() {
    associations?.stop();
    associations = undefined;
  },
};
