import { currentSession } from '../app/session';
import { createRequestDialog } from '../consultation/request-dialog';
import { createShareDialog } from '../sharing/share-dialog';
import { createSendDialog } from '../transfers/send-dialog';
import type { SeriesModel } from './study-model';

/** The dialogs the toolbar opens for the study, each only where the session may use it. */
export interface StudyDialogs {
  /** Their elements, to be placed in the page. */
  elements: HTMLElement[];
  consult?: () => void;
  share?: () => void;
  send?: () => void;
}

/**
 * The study's dialogs: ask a consultation and share a link (permission `share`), send the study
 * or the series on screen to another archive (`transfer`).
 */
export function createStudyDialogs(
  studyUid: string,
  series: readonly SeriesModel[],
  shownSeries: () => SeriesModel | undefined,
): StudyDialogs {
  const permissions = currentSession()?.permissions ?? [];
  const consult = permissions.includes('share') ? createRequestDialog(studyUid) : undefined;
  const share = permissions.includes('share') ? createShareDialog(studyUid, series) : undefined;
  const send = permissions.includes('transfer')
    ? createSendDialog(studyUid, () => {
        const shown = shownSeries();
        if (shown?.studyUid !== studyUid) return undefined;
        const label = [shown.modality, shown.number, shown.description].filter((v) => v !== undefined && v !== '').join(' ');
        return { seriesUid: shown.seriesUid, label };
      })
    : undefined;
  return {
    elements: [share, send, consult].flatMap((dialog) => (dialog ? [dialog.element] : [])),
    ...(consult ? { consult: () => consult.open() } : {}),
    ...(share ? { share: () => share.open() } : {}),
    ...(send ? { send: () => send.open() } : {}),
  };
}
