/**
 * The browser tab's title: what is shown (the patient, in the viewer), the page, the app, in the
 * UI language ("NGUYEN VAN A · Xem ảnh · Trình xem PACS"), so a reader with several tabs open
 * tells them apart. The header sets it at each render; a page that knows its subject adds it.
 */
import { isAppPath, type AppPath } from '../../../shared/app-paths';
import { translator, type Messages } from '../i18n/i18n';
import { appMessages } from './messages';

const pageNames: Messages<AppPath> = {
  en: {
    '/': 'Worklist',
    '/viewer': 'Viewer',
    '/upload': 'Upload',
    '/print': 'Print',
    '/report-print': 'Report',
    '/share': 'Shared study',
    '/login': 'Sign in',
    '/account': 'Account',
    '/transfers': 'Transfers',
    '/admin': 'Users',
    '/admin/audit': 'Audit trail',
    '/admin/peers': 'Peers',
    '/admin/routing-rules': 'Routing rules',
    '/admin/dimse': 'DICOM devices',
  },
  vi: {
    '/': 'Danh sách ca chụp',
    '/viewer': 'Xem ảnh',
    '/upload': 'Tải ảnh lên',
    '/print': 'In phim',
    '/report-print': 'Kết quả chẩn đoán',
    '/share': 'Ca chụp được chia sẻ',
    '/login': 'Đăng nhập',
    '/account': 'Tài khoản',
    '/transfers': 'Truyền ảnh',
    '/admin': 'Người dùng',
    '/admin/audit': 'Nhật ký truy cập',
    '/admin/peers': 'Kho liên kết',
    '/admin/routing-rules': 'Quy tắc chuyển ảnh',
    '/admin/dimse': 'Thiết bị DICOM',
  },
};

const tPage = translator(pageNames);
const tApp = translator(appMessages);

/** The subject of one URL (path and query): kept across re-renders of that URL, such as a language switch. */
let subject: { href: string; text: string } | undefined;

const hrefOf = (url: URL) => `${url.pathname}${url.search}`;

/** The title for `url` in the current language, with the subject its page gave, if any. */
export function showPageTitle(url: URL): void {
  const parts = [subject?.href === hrefOf(url) ? subject.text : '', isAppPath(url.pathname) ? tPage(url.pathname) : '', tApp('appName')];
  document.title = parts.filter(Boolean).join(' · ');
}

/** What the current page shows (the patient's name in the viewer) goes first in the title. */
export function setTitleSubject(text: string): void {
  const url = new URL(location.href);
  subject = text.trim() ? { href: hrefOf(url), text: text.trim() } : undefined;
  showPageTitle(url);
}
