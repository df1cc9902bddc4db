import type { Messages } from '../i18n/i18n';

type Key = 'byAuthor' | 'loadFailed' | 'saveFailed';

/** Shared measurements: the author of another's mark in the measurement list, a failed save. */
export const annotationMessages: Messages<Key> = {
  en: {
    byAuthor: '— {name}',
    loadFailed: "The study's shared measurements could not be loaded: {message}",
    saveFailed: 'The measurement could not be saved in the archive: {message}',
  },
  vi: {
    byAuthor: '— {name}',
    loadFailed: 'Không tải được các số đo dùng chung của ca chụp: {message}',
    saveFailed: 'Không lưu được số đo vào kho lưu trữ: {message}',
  },
};
