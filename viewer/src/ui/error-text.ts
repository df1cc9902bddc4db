import { ArchiveError } from '../dicomweb/base';
import { currentLanguage, translator } from '../i18n/i18n';
import { archiveErrorMessage } from './error-messages';
import { uiMessages } from './messages';

const t = translator(uiMessages);

/**
 * What to tell the user about a failed call, in place: the archive's own message (wrong password,
 * "would leave no enabled admin"…; in Vietnamese, its error code's meaning), the wait after too
 * many attempts, or an unreachable archive.
 */
export function errorText(error: unknown): string {
  if (error instanceof ArchiveError) {
    if (error.status === 0) return t('unreachable');
    if (error.status === 429)
      return error.retryAfterSeconds === undefined ? t('tooManyAttemptsLater') : t('tooManyAttempts', { seconds: error.retryAfterSeconds });
    return archiveErrorMessage(error, currentLanguage());
  }
  return error instanceof Error ? error.message : String(error);
}
