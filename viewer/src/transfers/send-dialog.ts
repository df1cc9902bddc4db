import { describeError } from '../app/error-banner';
import { translator } from '../i18n/i18n';
import { dialogWithHeader } from '../ui/dialog-with-header';
import { element } from '../ui/element';
import { button, formError, labelled, showFormError } from '../ui/form-parts';
import { transferMessages } from './messages';
import { listPeers, requestTransfer } from './transfers-api';
import './transfers.css';

const t = translator(transferMessages);

/** A series the dialog may send alone (the viewer's current series). */
export interface SendableSeries {
  seriesUid: string;
  label: string;
}

export interface SendDialog {
  element: HTMLDialogElement;
  open(): void;
}

/**
 * "Send to…": pick a peer archive and send the study (or the series on screen) there as a
 * transfer job (POST /api/transfers); the job is then followed on the Transfers page.
 */
export function createSendDialog(studyUid: string, currentSeries?: () => SendableSeries | undefined): SendDialog {
  const dialog = dialogWithHeader('send', 'send-dialog', t('sendTitle'), t('close'), 'send-close');
  const form = element('form', { className: 'send-form', testid: 'send-form' });
  form.noValidate = true;
  const peer = element('select', { className: 'input', testid: 'send-peer' });
  const scope = element('fieldset', { className: 'share-scope' });
  const whole = radio('send-whole-study', true);
  const one = radio('send-series', false);
  const oneLabel = labelled('', one, 'form-check');
  // The caption names the series on screen, set each time the dialog opens.
  const seriesText = oneLabel.querySelector('span')!;
  scope.append(labelled(t('sendStudy'), whole, 'form-check'), oneLabel);
  const error = formError('send-error');
  const done = element('p', { className: 'form-notice', testid: 'send-queued' });
  done.setAttribute('aria-live', 'polite');
  const submit = button(t('send'), 'send-submit', 'submit', 'btn btn-primary');
  const noPeers = element('p', { className: 'transfer-note', testid: 'send-no-peers', text: t('noPeers') });
  form.append(labelled(t('choosePeer'), peer), scope, error, submit);
  dialog.append(noPeers, form, done);

  let series: SendableSeries | undefined;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const peerId = peer.value;
    if (!peerId) return;
    submit.disabled = true;
    showFormError(error, undefined);
    const peerName = peer.selectedOptions[0]?.textContent ?? '';
    requestTransfer({
      direction: 'send',
      peerId,
      studyInstanceUID: studyUid,
      ...(one.checked && series ? { seriesInstanceUID: series.seriesUid } : {}),
    })
      .then(() => {
        const link = element('a', { testid: 'send-open-transfers', text: t('openTransfers') });
        link.href = '/transfers';
        done.replaceChildren(t('sendQueued', { peer: peerName }), ' ', link);
      })
      .catch((failure: unknown) => showFormError(error, describeError(failure)))
      .finally(() => (submit.disabled = false));
  });

  return {
    element: dialog,
    open() {
      series = currentSeries?.();
      oneLabel.hidden = !series;
      seriesText.textContent = series ? `${t('sendSeries')}: ${series.label}` : '';
      whole.checked = true;
      done.replaceChildren();
      showFormError(error, undefined);
      delete dialog.dataset.peers;
      if (!dialog.open) dialog.showModal();
      void listPeers()
        .then((peers) => {
          const chosen = peer.value;
          peer.replaceChildren(...peers.map((p) => new Option(p.name, p.id, false, p.id === chosen)));
          noPeers.hidden = peers.length > 0;
          dialog.dataset.peers = String(peers.length);
          form.hidden = peers.length === 0;
        })
        .catch((failure: unknown) => showFormError(error, describeError(failure)));
    },
  };
}

function radio(testid: string, checked: boolean): HTMLInputElement {
  const input = element('input', { testid });
  input.type = 'radio';
  input.name = 'send-scope';
  input.checked = checked;
  return input;
}
