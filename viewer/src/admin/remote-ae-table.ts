import { currentLanguage, translator } from '../i18n/i18n';
import { element } from '../ui/element';
import { errorText } from '../ui/error-text';
import { button } from '../ui/form-parts';
import { tableWithHead } from '../ui/table-with-head';
import type { DimseStatus, EchoResult, RemoteAe } from './remote-ae-api';
import { remoteAeMessages, type RemoteAeKey } from './remote-ae-messages';

const t = translator(remoteAeMessages);

const COLUMNS: RemoteAeKey[] = ['colAeTitle', 'colHost', 'colPort', 'colDescription', 'colRights', 'colActions'];

export interface RemoteAeRowActions {
  /** A C-ECHO to the AE from this archive. */
  test(remoteAe: RemoteAe): Promise<EchoResult>;
  edit(remoteAe: RemoteAe): void;
  remove(remoteAe: RemoteAe): void;
}

/** This archive as a modality is set up to reach it: AE title, address, port, TLS, which callers (`dimse-status`, one row). */
export function createDimseStatusTable(status: DimseStatus): HTMLTableElement {
  const { table, body } = tableWithHead(
    'dimse-status',
    (['colOurAeTitle', 'colAddress', 'colPort', 'colTls', 'colCallers'] as const).map((key) => t(key)),
  );
  body.append(
    element(
      'tr',
      {},
      element('td', { testid: 'dimse-ae-title', text: status.aeTitle }),
      element('td', { testid: 'dimse-host', text: status.host }),
      element('td', { testid: 'dimse-port', text: status.port === null ? t('dimseOff') : String(status.port) }),
      element('td', { testid: 'dimse-tls', text: t(status.tls ? 'on' : 'off') }),
      element('td', { testid: 'dimse-callers', text: t(status.acceptAny ? 'callersAny' : 'callersListed') }),
    ),
  );
  return table;
}

/** What the AE may do, in words: "send images, query"; "connection test only" for none. */
export function rightsText(remoteAe: RemoteAe): string {
  const rights = [
    remoteAe.mayStore && t('rightStore'),
    remoteAe.mayQuery && t('rightQuery'),
    remoteAe.mayRetrieve && t('rightRetrieve'),
  ].filter(Boolean);
  return rights.length > 0 ? rights.join(', ') : t('echoOnly');
}

/**
 * The known remote AEs, one row each (`data-remote-ae-id`): AE title, host, port, description,
 * rights, actions (Test, Edit, Delete). A test's outcome shows under the buttons
 * (`remote-ae-test-result`, `data-outcome`).
 */
export function createRemoteAeTable(remoteAes: RemoteAe[], actions: RemoteAeRowActions): HTMLTableElement {
  const { table, body } = tableWithHead(
    'remote-aes-table',
    COLUMNS.map((key) => t(key)),
  );
  for (const remoteAe of remoteAes) body.append(remoteAeRow(remoteAe, actions));
  return table;
}

function remoteAeRow(remoteAe: RemoteAe, actions: RemoteAeRowActions): HTMLTableRowElement {
  const row = element('tr', { testid: 'remote-ae-row' });
  row.dataset.remoteAeId = remoteAe.id;
  row.append(
    element('td', { testid: 'remote-ae-cell-title', text: remoteAe.aeTitle }),
    element('td', { testid: 'remote-ae-cell-host', text: remoteAe.host }),
    element('td', { testid: 'remote-ae-cell-port', text: remoteAe.port === null ? t('noPort') : String(remoteAe.port) }),
    element('td', { testid: 'remote-ae-cell-description', text: remoteAe.description }),
    element('td', { testid: 'remote-ae-cell-rights', text: rightsText(remoteAe) }),
  );
  const test = button(t('test'), 'remote-ae-test');
  const result = element('p', { className: 'remote-ae-test-result', testid: 'remote-ae-test-result' });
  result.setAttribute('aria-live', 'polite');
  result.hidden = true;
  test.addEventListener('click', () => {
    test.disabled = true;
    result.hidden = false;
    result.textContent = t('testing');
    result.classList.remove('form-error');
    delete result.dataset.outcome;
    actions
      .test(remoteAe)
      .then((echo) => showEcho(result, echo))
      .catch((failure: unknown) => {
        result.textContent = errorText(failure);
        result.classList.add('form-error');
        result.dataset.outcome = 'error';
      })
      .finally(() => (test.disabled = false));
  });
  const edit = button(t('edit'), 'remote-ae-edit');
  edit.addEventListener('click', () => actions.edit(remoteAe));
  const remove = button(t('remove'), 'remote-ae-remove');
  remove.addEventListener('click', () => actions.remove(remoteAe));
  const buttons = element('div', { className: 'admin-actions' }, test, edit, remove);
  row.append(element('td', { testid: 'remote-ae-actions' }, buttons, result));
  return row;
}

/** The outcome in the user's language with the round trip; in English the archive's own sentence for a failure (it names the host and port). */
function showEcho(result: HTMLElement, echo: EchoResult): void {
  result.dataset.outcome = echo.outcome;
  const ok = echo.outcome === 'ok';
  result.textContent = !ok && currentLanguage() === 'en' ? echo.message : t(`echo-${echo.outcome}`, { ms: echo.millis ?? 0 });
  result.classList.toggle('form-error', !ok);
}
