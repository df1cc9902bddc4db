import type { Messages } from '../i18n/i18n';

type Key = 'loadFailed' | 'saveFailed';

/** Key images kept in the study: a failed load or change. */
export const keyImageMessages: Messages<Key> = {
  en: {
    loadFailed: "The study's key images could not be loaded: {message}",
    saveFailed: 'The key image could not be saved in the study: {message}',
  },
  vi: {
    loadFailed: 'Không tải được các ảnh đánh dấu của ca chụp: {message}',
    saveFailed: 'Không lưu được ảnh đánh dấu vào ca chụp: {message}',
  },
};
