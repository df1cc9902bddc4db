import type { Messages } from '../i18n/i18n';

export type AssociationKey =
  | 'activeTitle'
  | 'recentTitle'
  | 'noActive'
  | 'noRecent'
  | 'colCalling'
  | 'colAddress'
  | 'colStarted'
  | 'colEnded'
  | 'colStored'
  | 'colFailed'
  | 'colRequests'
  | 'colRunning'
  | 'colOutcome'
  | 'colReason'
  | 'idle'
  | 'none'
  | 'outcome-released'
  | 'outcome-rejected'
  | 'outcome-aborted'
  | 'outcome-closed'
  | 'loadFailed';

/** The strings of the associations on the DICOM devices page (who is connected now, and lately). */
export const associationMessages: Messages<AssociationKey> = {
  en: {
    activeTitle: 'Associations now',
    recentTitle: 'Recent associations',
    noActive: 'No device is connected now.',
    noRecent: 'No association since the archive started.',
    colCalling: 'Calling AE',
    colAddress: 'Address',
    colStarted: 'Started',
    colEnded: 'Ended',
    colStored: 'Images stored',
    colFailed: 'Images refused',
    colRequests: 'Queries and retrievals',
    colRunning: 'Running now',
    colOutcome: 'Outcome',
    colReason: 'Reason',
    idle: 'waiting',
    none: 'none',
    'outcome-released': 'ended normally',
    'outcome-rejected': 'refused',
    'outcome-aborted': 'aborted',
    'outcome-closed': 'closed without ending',
    loadFailed: 'The associations could not be loaded.',
  },
  vi: {
    activeTitle: 'Các liên kết đang mở',
    recentTitle: 'Các liên kết gần đây',
    noActive: 'Hiện không có thiết bị nào đang kết nối.',
    noRecent: 'Chưa có liên kết nào từ khi hệ thống khởi động.',
    colCalling: 'AE kết nối',
    colAddress: 'Địa chỉ',
    colStarted: 'Bắt đầu',
    colEnded: 'Kết thúc',
    colStored: 'Ảnh đã lưu',
    colFailed: 'Ảnh bị từ chối',
    colRequests: 'Truy vấn và lấy ảnh',
    colRunning: 'Đang thực hiện',
    colOutcome: 'Kết quả',
    colReason: 'Lý do',
    idle: 'đang chờ',
    none: 'không có',
    'outcome-released': 'kết thúc bình thường',
    'outcome-rejected': 'bị từ chối',
    'outcome-aborted': 'bị ngắt giữa chừng',
    'outcome-closed': 'đóng mà không kết thúc',
    loadFailed: 'Không tải được danh sách liên kết.',
  },
};
