import type { Messages } from '../i18n/i18n';

/** The strings of the UI kit itself: a failed call's text, the Copy button of a link shown once, Cancel in a confirmation. */
export const uiMessages: Messages<
  'tooManyAttempts' | 'tooManyAttemptsLater' | 'unreachable' | 'copy' | 'copied' | 'copyFailed' | 'cancel'
> = {
  en: {
    tooManyAttempts: 'Too many attempts, try again in {seconds} s.',
    tooManyAttemptsLater: 'Too many attempts, try again later.',
    unreachable: 'The archive cannot be reached. Check the network or ask the administrator whether the server is running.',
    copy: 'Copy',
    copied: 'Copied',
    copyFailed: 'Could not copy: select the link and copy it by hand.',
    cancel: 'Cancel',
  },
  vi: {
    tooManyAttempts: 'Quá nhiều lần thử, hãy thử lại sau {seconds} giây.',
    tooManyAttemptsLater: 'Quá nhiều lần thử, hãy thử lại sau.',
    unreachable: 'Không kết nối được với kho lưu trữ. Hãy kiểm tra mạng hoặc hỏi quản trị viên xem máy chủ có đang chạy không.',
    copy: 'Sao chép',
    copied: 'Đã sao chép',
    copyFailed: 'Không sao chép được: hãy chọn liên kết và sao chép thủ công.',
    cancel: 'Hủy',
  },
};
