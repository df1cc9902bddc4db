import type { Messages } from '../i18n/i18n';

export type RoleKey = 'roleAdmin' | 'roleRadiologist' | 'roleClinician' | 'roleDevice' | 'roleMetrics';

/** The shell's own strings: header, navigation, signed-in user, error banner, page loading. */
export const appMessages: Messages<
  | 'appName'
  | 'navWorklist'
  | 'navUpload'
  | 'navTransfers'
  | 'navAdmin'
  | 'navAccount'
  | 'signOut'
  | 'signedInAs'
  | 'guest'
  | RoleKey
  | 'language'
  | 'languageEn'
  | 'languageVi'
  | 'dismiss'
  | 'pageNotFound'
  | 'pageLoadFailed'
  | 'archiveUnreachable'
  | 'archiveAnswered'
  | 'unexpectedError'
> = {
  en: {
    appName: 'PACS Viewer',
    navWorklist: 'Worklist',
    navUpload: 'Upload',
    navTransfers: 'Transfers',
    navAdmin: 'Admin',
    navAccount: 'My account',
    signOut: 'Sign out',
    signedInAs: 'Signed in as {username}',
    guest: 'Guest · shared study',
    roleAdmin: 'Administrator',
    roleRadiologist: 'Radiologist',
    roleClinician: 'Clinician',
    roleDevice: 'Device',
    roleMetrics: 'Metrics (monitoring)',
    language: 'Language',
    languageEn: 'English',
    languageVi: 'Vietnamese',
    dismiss: 'Dismiss',
    pageNotFound: 'There is no page at {path}.',
    pageLoadFailed: 'This page could not be loaded. Reload the browser tab to try again.',
    archiveUnreachable: 'The archive cannot be reached. Check the network or ask the administrator whether the server is running.',
    archiveAnswered: 'The archive answered with an error: {message}',
    unexpectedError: 'Something went wrong: {message}',
  },
  vi: {
    appName: 'Trình xem PACS',
    navWorklist: 'Danh sách ca chụp',
    navUpload: 'Tải lên',
    navTransfers: 'Truyền ảnh',
    navAdmin: 'Quản trị',
    navAccount: 'Tài khoản của tôi',
    signOut: 'Đăng xuất',
    signedInAs: 'Đã đăng nhập là {username}',
    guest: 'Khách · ca chụp được chia sẻ',
    roleAdmin: 'Quản trị viên',
    roleRadiologist: 'Bác sĩ chẩn đoán hình ảnh',
    roleClinician: 'Bác sĩ lâm sàng',
    roleDevice: 'Thiết bị',
    roleMetrics: 'Giám sát hệ thống',
    language: 'Ngôn ngữ',
    languageEn: 'Tiếng Anh',
    languageVi: 'Tiếng Việt',
    dismiss: 'Đóng',
    pageNotFound: 'Không có trang nào tại {path}.',
    pageLoadFailed: 'Không tải được trang này. Hãy tải lại thẻ trình duyệt để thử lại.',
    archiveUnreachable: 'Không kết nối được với kho lưu trữ. Hãy kiểm tra mạng hoặc hỏi quản trị viên xem máy chủ có đang chạy không.',
    archiveAnswered: 'Kho lưu trữ trả về lỗi: {message}',
    unexpectedError: 'Đã xảy ra lỗi: {message}',
  },
};

/** The message key of a role's name. */
export function roleKey(role: string): RoleKey | undefined {
  switch (role) {
    case 'admin':
      return 'roleAdmin';
    case 'radiologist':
      return 'roleRadiologist';
    case 'clinician':
      return 'roleClinician';
    case 'device':
      return 'roleDevice';
    case 'metrics':
      return 'roleMetrics';
    default:
      return undefined;
  }
}
