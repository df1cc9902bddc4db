import { translator } from '../i18n/i18n';
import { element } from '../ui/element';
import { button, formWithHeading, labelled, textInput } from '../ui/form-parts';
import type { RemoteAe, RemoteAeInput } from './remote-ae-api';
import { remoteAeMessages } from './remote-ae-messages';

const t = translator(remoteAeMessages);

export interface RemoteAeForm {
  element: HTMLFormElement;
  /** Fills the form with a saved AE to change it, or empties it for a new one. */
  edit(remoteAe: RemoteAe | undefined): void;
  /** The AE being changed, if any. */
  editing(): RemoteAe | undefined;
}

/**
 * The add / edit form of a remote AE: AE title, host name or address, port (only for a device
 * that receives images), description, and what it may do (a new one may send images only). The
 * archive checks every field again.
 */
export function createRemoteAeForm(onSave: (input: RemoteAeInput, form: RemoteAeForm) => void): RemoteAeForm {
  const form = formWithHeading('admin-create remote-ae-form', 'remote-ae-form', t('addTitle'), 'h3');
  const heading = form.querySelector('h3')!;
  const aeTitle = textInput('remote-ae-title', { autocomplete: 'off', required: true, maxLength: 16 });
  aeTitle.placeholder = t('aeTitleHint');
  aeTitle.spellcheck = false;
  const host = textInput('remote-ae-host', { autocomplete: 'off', required: true, maxLength: 253 });
  host.placeholder = t('hostHint');
  host.spellcheck = false;
  const port = textInput('remote-ae-port', { type: 'number' });
  port.min = '1';
  port.max = '65535';
  port.placeholder = t('portHint');
  const description = textInput('remote-ae-description', { autocomplete: 'off', maxLength: 256 });
  const checkbox = (testid: string) => {
    const input = element('input', { testid });
    input.type = 'checkbox';
    return input;
  };
  const mayStore = checkbox('remote-ae-may-store');
  const mayQuery = checkbox('remote-ae-may-query');
  const mayRetrieve = checkbox('remote-ae-may-retrieve');
  const save = button(t('save'), 'remote-ae-save', 'submit', 'btn btn-primary');
  const cancel = button(t('cancelEdit'), 'remote-ae-cancel');
  form.append(
    labelled(t('aeTitle'), aeTitle),
    labelled(t('host'), host),
    labelled(t('port'), port),
    labelled(t('description'), description),
    labelled(t('mayStore'), mayStore, 'form-field form-check'),
    labelled(t('mayQuery'), mayQuery, 'form-field form-check'),
    labelled(t('mayRetrieve'), mayRetrieve, 'form-field form-check'),
    element('div', { className: 'admin-filter-actions' }, save, cancel),
  );

  let current: RemoteAe | undefined;
  const remoteAeForm: RemoteAeForm = {
    element: form,
    editing: () => current,
    edit(remoteAe) {
      current = remoteAe;
      form.reset();
      heading.textContent = remoteAe ? t('editTitle', { name: remoteAe.aeTitle }) : t('addTitle');
      form.dataset.editing = remoteAe?.id ?? '';
      aeTitle.value = remoteAe?.aeTitle ?? '';
      host.value = remoteAe?.host ?? '';
      port.value = remoteAe?.port == null ? '' : String(remoteAe.port);
      description.value = remoteAe?.description ?? '';
      mayStore.checked = remoteAe?.mayStore ?? true;
      mayQuery.checked = remoteAe?.mayQuery ?? false;
      mayRetrieve.checked = remoteAe?.mayRetrieve ?? false;
      cancel.hidden = !remoteAe;
    },
  };

  cancel.addEventListener('click', () => remoteAeForm.edit(undefined));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    onSave(
      {
        aeTitle: aeTitle.value.trim(),
        host: host.value.trim(),
        port: port.value.trim() === '' ? null : Number(port.value),
        description: description.value.trim(),
        mayStore: mayStore.checked,
        mayQuery: mayQuery.checked,
        mayRetrieve: mayRetrieve.checked,
      },
      remoteAeForm,
    );
  });
  remoteAeForm.edit(undefined);
  return remoteAeForm;
}
