/**
 * The audit trail's words in the UI language: our actions, the DICOM PS3.15 A.5 event names
 * (CID 400) and event types (CIDs 401-404) of shared/api/audit-events.ts, the outcome and who
 * acted. The records and the CSV keep the standard's English terms and codes; only the screen
 * translates them. Tables are typed from AUDIT_ACTIONS: a new action or event does not compile
 * until it is named here in both languages.
 */
import { AUDIT_ACTIONS, type AuditAction, type AuditRecord } from '../../../shared/api/audit-events';
import { translator, type Messages } from '../i18n/i18n';

type Event = (typeof AUDIT_ACTIONS)[AuditAction];
type EventId = Event['eventId'];
/** "110122 Login" → "110122" */
type EventTypeCode = Exclude<Event['eventType'], undefined> extends infer T ? (T extends `${infer Code} ${string}` ? Code : never) : never;
type Other = 'outcomeOk' | 'outcomeRefused' | 'outcomeFailed' | 'kindShare' | 'kindApplication' | 'roleGuest' | 'roleConsultant';

/** English shows the action as the API's `action=` filter and the CSV name it; Vietnamese says it in words. */
const actions: Messages<AuditAction> = {
  en: Object.fromEntries(Object.keys(AUDIT_ACTIONS).map((action) => [action, action])) as Record<AuditAction, string>,
  vi: {
    'application-start': 'khởi động kho lưu trữ',
    'application-stop': 'dừng kho lưu trữ',
    login: 'đăng nhập',
    logout: 'đăng xuất',
    'share-use': 'mở liên kết chia sẻ',
    query: 'tìm kiếm',
    view: 'xem ảnh',
    retrieve: 'lấy dữ liệu',
    download: 'tải xuống',
    store: 'lưu ảnh',
    'store-compressed': 'lưu lại dạng nén',
    'delete-study': 'xoá ca chụp',
    delete: 'xoá',
    'share-create': 'tạo liên kết chia sẻ',
    'share-revoke': 'thu hồi liên kết chia sẻ',
    'user-change': 'thay đổi tài khoản',
    'token-change': 'thay đổi mã truy cập',
    'consultation-request': 'gửi yêu cầu hội chẩn',
    'consultation-view': 'xem yêu cầu hội chẩn',
    'consultation-answer': 'trả lời hội chẩn',
    'consultation-close': 'đóng hội chẩn',
    annotate: 'số đo, chú thích',
    'report-save': 'lưu bản nháp kết quả',
    'report-final': 'ký kết quả chẩn đoán',
    'report-amend': 'sửa đổi kết quả chẩn đoán',
    'audit-read': 'xem nhật ký truy cập',
    'transfer-begin': 'bắt đầu truyền ca chụp',
    'transfer-send': 'gửi ảnh đến kho khác',
    'transfer-fetch': 'nhận ảnh từ kho khác',
    'peer-change': 'thay đổi kết nối kho khác',
    backup: 'sao lưu kho lưu trữ',
    restore: 'khôi phục kho lưu trữ từ bản sao lưu',
  },
};

const eventNames: Messages<EventId> = {
  en: Object.fromEntries(Object.values(AUDIT_ACTIONS).map((e) => [e.eventId, e.eventName])) as Record<EventId, string>,
  vi: {
    '110100': 'Hoạt động của ứng dụng',
    '110101': 'Sử dụng nhật ký truy cập',
    '110102': 'Bắt đầu truyền ảnh DICOM',
    '110103': 'Truy cập ảnh DICOM',
    '110104': 'Truyền ảnh DICOM',
    '110105': 'Xoá ca chụp DICOM',
    '110106': 'Xuất dữ liệu',
    '110107': 'Nhập dữ liệu',
    '110110': 'Hồ sơ bệnh nhân',
    '110112': 'Tìm kiếm',
    '110113': 'Cảnh báo bảo mật',
    '110114': 'Xác thực người dùng',
  },
};

const eventTypes: Messages<EventTypeCode> = {
  en: Object.fromEntries(
    Object.values(AUDIT_ACTIONS).flatMap((e) =>
      e.eventType ? [[e.eventType.split(' ')[0], e.eventType.slice(e.eventType.indexOf(' ') + 1)]] : [],
    ),
  ) as Record<EventTypeCode, string>,
  vi: {
    '110120': 'Khởi động ứng dụng',
    '110121': 'Dừng ứng dụng',
    '110122': 'Đăng nhập',
    '110123': 'Đăng xuất',
    '110128': 'Cấu hình mạng',
    '110135': 'Thay đổi quyền truy cập dữ liệu',
    '110137': 'Thay đổi quyền của người dùng',
  },
};

const other: Messages<Other> = {
  en: {
    outcomeOk: 'OK',
    outcomeRefused: 'refused',
    outcomeFailed: 'failed',
    kindShare: 'share link',
    kindApplication: 'archive',
    roleGuest: 'Guest',
    roleConsultant: 'Consulted specialist',
  },
  vi: {
    outcomeOk: 'thành công',
    outcomeRefused: 'bị từ chối',
    outcomeFailed: 'thất bại',
    kindShare: 'liên kết chia sẻ',
    kindApplication: 'kho lưu trữ',
    roleGuest: 'Khách',
    roleConsultant: 'Chuyên gia hội chẩn',
  },
};

const tAction = translator(actions);
const tEvent = translator(eventNames);
const tType = translator(eventTypes);
const tOther = translator(other);

export function auditActionName(action: AuditAction): string {
  return tAction(action);
}

/** "User Authentication (110114) · 110122 Login", the event's words in the UI language with its codes. */
export function auditEventText(record: Pick<AuditRecord, 'eventId' | 'eventName' | 'eventType'>): string {
  const name = record.eventId in eventNames.en ? tEvent(record.eventId as EventId) : record.eventName;
  const code = record.eventType?.split(' ')[0];
  const type = code && code in eventTypes.en ? `${code} ${tType(code as EventTypeCode)}` : record.eventType;
  return `${name} (${record.eventId})${type ? ` · ${type}` : ''}`;
}

/** PS3.15 A.5.3 Event Outcome Indicator → a word. */
export function auditOutcomeText(outcome: number): string {
  if (outcome === 0) return tOther('outcomeOk');
  if (outcome === 4) return tOther('outcomeRefused');
  return tOther('outcomeFailed');
}

/** Who acted: an account's name as is; a share link or the archive itself named as such. */
export function auditPrincipalText(kind: string, id: string): string {
  if (kind === 'share') return `${id} (${tOther('kindShare')})`;
  if (kind === 'application') return `${id} (${tOther('kindApplication')})`;
  return kind === 'user' || !kind ? id : `${id} (${kind})`;
}

/** The roles only share links have (an account's role is named by roleName). */
export function auditShareRoleName(role: string): string | undefined {
  if (role === 'guest') return tOther('roleGuest');
  if (role === 'consultant') return tOther('roleConsultant');
  return undefined;
}
