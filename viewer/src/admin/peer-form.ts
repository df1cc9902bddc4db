import { currentLanguage, translator } from '../i18n/i18n';
import { element } from '../ui/element';
import { button, formWithHeading, labelled, textInput } from '../ui/form-parts';
import { SEND_SYNTAXES, type AnyPeerInput, type PeerInput, type PeerSummary, type PeerTestResult, type SendSyntax } from './peer-api';
import { peerMessages, type PeerKey } from './peer-messages';
import type { RemoteAe } from './remote-ae-api';
import { remoteAeMessages } from './remote-ae-messages';

const t = translator(peerMessages);
const tDimse = translator(remoteAeMessages);

const SYNTAX_NAMES: Record<SendSyntax, PeerKey> = {
  'as-stored': 'syntaxAsStored',
  '1.2.840.10008.1.2.4.80': 'syntaxJpegLs',
  '1.2.840.10008.1.2.4.201': 'syntaxHtj2k',
};

export interface PeerForm {
  element: HTMLFormElement;
  /** Fills the form with a saved peer to change it, or empties it for a new one. */
  edit(peer: PeerSummary | undefined): void;
  /** The peer being changed, if any. */
  editing(): PeerSummary | undefined;
  showTest(result: PeerTestResult | undefined): void;
  /** The known remote AEs a DIMSE peer may be; those with a port are offered. */
  setRemoteAes(remoteAes: RemoteAe[]): void;
}

/**
 * The add / edit form of a peer: name, kind, then for a DICOMweb archive its base URL,
 * authentication (none, Basic with username and password, Bearer token), send syntax and a
 * custom CA, or for a DICOM device (DIMSE) one of the known remote AEs with a port; bandwidth
 * cap and max connections for both. Saved secrets never come back from the archive: their field
 * stays empty and says "set, leave empty to keep". "Test connection" tests the form as it
 * stands, before saving. A saved peer keeps its kind.
 */
export function createPeerForm(handlers: {
  onSave: (input: AnyPeerInput, form: PeerForm) => void;
  onTest: (input: AnyPeerInput, form: PeerForm) => void;
}): PeerForm {
  const form = formWithHeading('admin-create peer-form', 'peer-form', t('addTitle'), 'h3');
  const heading = form.querySelector('h3')!;
  const name = textInput('peer-name', { autocomplete: 'off', required: true, maxLength: 64 });
  const kind = selectOf('peer-kind', [
    ['dicomweb', 'kindDicomweb'],
    ['dimse', 'kindDimse'],
  ]);
  const remoteAe = element('select', { className: 'input', testid: 'peer-remote-ae' });
  const remoteAeField = labelled(t('remoteAe'), remoteAe);
  const remoteAeHint = element('small', { className: 'peer-hint peer-remote-ae-hint', testid: 'peer-remote-ae-hint' });
  const baseUrl = textInput('peer-url', { type: 'url', autocomplete: 'off', required: true, maxLength: 2048 });
  baseUrl.placeholder = t('baseUrlHint');
  baseUrl.classList.add('peer-url');
  const authKind = selectOf('peer-auth', [
    ['none', 'authNone'],
    ['basic', 'authBasic'],
    ['bearer', 'authBearer'],
  ]);
  const username = textInput('peer-username', { autocomplete: 'off', maxLength: 256 });
  const password = textInput('peer-password', { type: 'password', autocomplete: 'new-password', maxLength: 4096 });
  const token = textInput('peer-token', { type: 'password', autocomplete: 'off', maxLength: 4096 });
  // Wide enough for "•••• set, leave empty to keep".
  password.size = token.size = 32;
  const bandwidth = textInput('peer-bandwidth', { type: 'number' });
  bandwidth.min = '64';
  bandwidth.placeholder = t('unlimited');
  const maxConnections = textInput('peer-max-connections', { type: 'number' });
  maxConnections.min = '1';
  maxConnections.max = '16';
  const sendSyntax = selectOf(
    'peer-send-syntax',
    SEND_SYNTAXES.map((syntax) => [syntax, SYNTAX_NAMES[syntax]]),
  );
  const ca = element('textarea', { className: 'input peer-ca', testid: 'peer-ca' });
  ca.rows = 4;
  ca.spellcheck = false;
  const caRemove = element('input', { testid: 'peer-ca-remove' });
  caRemove.type = 'checkbox';
  const caRemoveField = labelled(t('caRemove'), caRemove, 'form-field form-check');
  const usernameField = labelled(t('username'), username);
  const passwordField = labelled(t('password'), password);
  const tokenField = labelled(t('token'), token);
  const caField = labelled(t('caCertificate'), ca, 'form-field peer-ca-field');
  caField.append(element('small', { className: 'peer-hint', text: t('caHint') }));

  const result = element('p', { className: 'peer-test-result', testid: 'peer-test-result' });
  result.setAttribute('aria-live', 'polite');
  result.hidden = true;
  const test = button(t('testConnection'), 'peer-test');
  const save = button(t('save'), 'peer-save', 'submit', 'btn btn-primary');
  const cancel = button(t('cancelEdit'), 'peer-cancel');
  const baseUrlField = labelled(t('baseUrl'), baseUrl, 'form-field peer-url-field');
  const authField = labelled(t('auth'), authKind);
  const sendSyntaxField = labelled(t('sendSyntax'), sendSyntax);
  form.append(
    labelled(t('name'), name),
    labelled(t('kind'), kind),
    baseUrlField,
    remoteAeField,
    remoteAeHint,
    authField,
    usernameField,
    passwordField,
    tokenField,
    labelled(t('bandwidth'), bandwidth),
    labelled(t('maxConnections'), maxConnections),
    sendSyntaxField,
    caField,
    caRemoveField,
    element('div', { className: 'admin-filter-actions' }, test, save, cancel),
    result,
  );

  let current: PeerSummary | undefined;
  let remoteAes: RemoteAe[] = [];
  /** The fields of the kind chosen: a DICOM device has no URL, credentials, send syntax or CA. */
  const showAuthFields = () => {
    const dimse = kind.value === 'dimse';
    for (const field of [baseUrlField, authField, sendSyntaxField, caField]) field.hidden = dimse;
    baseUrl.required = !dimse;
    caRemoveField.hidden = dimse || !current?.caSubject;
    remoteAeField.hidden = !dimse;
    remoteAeHint.hidden = !dimse;
    usernameField.hidden = dimse || authKind.value !== 'basic';
    passwordField.hidden = dimse || authKind.value !== 'basic';
    tokenField.hidden = dimse || authKind.value !== 'bearer';
    // A saved secret is only kept for the same kind of authentication.
    const kept = current?.auth.secretSet === true && current.auth.kind === authKind.value;
    for (const input of [password, token]) {
      input.placeholder = kept ? t('secretSet') : '';
      input.dataset.secretSet = String(kept);
    }
  };
  authKind.addEventListener('change', showAuthFields);
  kind.addEventListener('change', showAuthFields);

  /** The AEs with a port (the saved one too, should its port have been removed since), in a select. */
  const fillRemoteAes = () => {
    const offered = remoteAes.filter((ae) => ae.port !== null || ae.id === current?.remoteAeId);
    remoteAe.replaceChildren(
      ...offered.map((ae) => {
        const option = element('option', {
          text: `${ae.aeTitle} (${ae.host}:${ae.port ?? '—'})${ae.description ? ` ${ae.description}` : ''}`,
        });
        option.value = ae.id;
        return option;
      }),
    );
    remoteAe.value = current?.remoteAeId ?? offered[0]?.id ?? '';
    remoteAeHint.textContent = offered.length === 0 ? t('noRemoteAes') : t('remoteAeHint');
  };

  const read = (): AnyPeerInput => {
    if (kind.value === 'dimse')
      return {
        kind: 'dimse',
        name: name.value.trim(),
        remoteAeId: remoteAe.value,
        bandwidthKbps: bandwidth.value.trim() === '' ? null : Number(bandwidth.value),
        maxConnections: Number(maxConnections.value || 2),
      };
    const authChoice = authKind.value as PeerInput['auth']['kind'];
    const auth: PeerInput['auth'] =
      authChoice === 'basic'
        ? { kind: authChoice, username: username.value.trim(), ...(password.value ? { password: password.value } : {}) }
        : authChoice === 'bearer'
          ? { kind: authChoice, ...(token.value.trim() ? { token: token.value.trim() } : {}) }
          : { kind: authChoice };
    const input: Partial<PeerInput> = {
      name: name.value.trim(),
      baseUrl: baseUrl.value.trim(),
      auth,
      bandwidthKbps: bandwidth.value.trim() === '' ? null : Number(bandwidth.value),
      maxConnections: Number(maxConnections.value || 2),
      sendSyntax: sendSyntax.value as SendSyntax,
    };
    // Empty keeps a saved CA (the archive shows its subject only); the box removes it.
    if (ca.value.trim()) input.caCertificate = ca.value;
    else if (!current || caRemove.checked) input.caCertificate = null;
    return input;
  };

  const peerForm: PeerForm = {
    element: form,
    editing: () => current,
    edit(peer) {
      current = peer;
      form.reset();
      heading.textContent = peer ? t('editTitle', { name: peer.name }) : t('addTitle');
      form.dataset.editing = peer?.id ?? '';
      name.value = peer?.name ?? '';
      kind.value = peer?.kind ?? 'dicomweb';
      kind.disabled = peer !== undefined;
      fillRemoteAes();
      baseUrl.value = peer?.kind === 'dimse' ? '' : (peer?.baseUrl ?? '');
      authKind.value = peer?.auth.kind ?? 'none';
      username.value = peer?.auth.username ?? '';
      bandwidth.value = peer?.bandwidthKbps == null ? '' : String(peer.bandwidthKbps);
      maxConnections.value = String(peer?.maxConnections ?? 2);
      sendSyntax.value = peer?.sendSyntax ?? 'as-stored';
      ca.placeholder = peer?.caSubject ? t('caCurrent', { subject: peer.caSubject }) : '';
      cancel.hidden = !peer;
      showAuthFields();
      peerForm.showTest(undefined);
    },
    showTest(test) {
      result.hidden = !test;
      if (!test) return;
      result.dataset.ok = String(test.ok);
      result.dataset.outcome = test.outcome;
      // The archive's own sentence names the host, the status and the TLS error, in English.
      if (!test.ok && currentLanguage() === 'en') result.textContent = test.message;
      else if (test.echo) result.textContent = tDimse(`echo-${test.echo}`, { ms: test.roundTripMs ?? 0 });
      else {
        const text = t(`test-${test.outcome}`, { ms: test.roundTripMs ?? 0 });
        result.textContent = test.status !== null && !test.ok ? `${text} (HTTP ${test.status})` : text;
      }
      result.classList.toggle('form-error', !test.ok);
    },
    setRemoteAes(list) {
      remoteAes = list;
      fillRemoteAes();
    },
  };

  test.addEventListener('click', () => {
    result.hidden = false;
    result.textContent = t('testing');
    result.classList.remove('form-error');
    delete result.dataset.ok;
    handlers.onTest(read(), peerForm);
  });
  cancel.addEventListener('click', () => peerForm.edit(undefined));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    handlers.onSave(read(), peerForm);
  });
  peerForm.edit(undefined);
  return peerForm;
}

/** A select of `choices`, each a value and the key of its label. */
function selectOf(testid: string, choices: readonly (readonly [string, PeerKey])[]): HTMLSelectElement {
  const select = element('select', { className: 'input', testid });
  for (const [value, key] of choices) {
    const option = element('option', { text: t(key) });
    option.value = value;
    select.append(option);
  }
  return select;
}
