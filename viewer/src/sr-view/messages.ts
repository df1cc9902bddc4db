import type { Messages } from '../i18n/i18n';

type Key =
  | 'title'
  | 'close'
  | 'loading'
  | 'notDisplayable'
  | 'untitled'
  | 'completion'
  | 'verification'
  | 'verifiedBy'
  | 'superseded'
  | 'contentDate'
  | 'COMPLETE'
  | 'PARTIAL'
  | 'VERIFIED'
  | 'UNVERIFIED'
  | 'unknownFlag'
  | 'reference';

export const srViewMessages: Messages<Key> = {
  en: {
    title: 'Structured report',
    close: 'Close',
    loading: 'Loading the report…',
    notDisplayable: 'This object is not displayable yet.',
    untitled: '(untitled report)',
    completion: 'Completion',
    verification: 'Verification',
    verifiedBy: 'Verified by {name} {organization} {dateTime}',
    superseded: 'superseded by an amendment',
    contentDate: 'Content date',
    COMPLETE: 'complete',
    PARTIAL: 'partial',
    VERIFIED: 'verified',
    UNVERIFIED: 'not verified',
    unknownFlag: 'not stated',
    reference: 'reference: {uid}',
  },
  vi: {
    title: 'Báo cáo có cấu trúc',
    close: 'Đóng',
    loading: 'Đang tải báo cáo…',
    notDisplayable: 'Chưa hiển thị được đối tượng này.',
    untitled: '(báo cáo không có tiêu đề)',
    completion: 'Mức hoàn thành',
    verification: 'Xác nhận',
    verifiedBy: 'Xác nhận bởi {name} {organization} {dateTime}',
    superseded: 'đã được thay thế bằng bản sửa đổi',
    contentDate: 'Ngày nội dung',
    COMPLETE: 'hoàn tất',
    PARTIAL: 'chưa hoàn tất',
    VERIFIED: 'đã xác nhận',
    UNVERIFIED: 'chưa xác nhận',
    unknownFlag: 'không ghi',
    reference: 'tham chiếu: {uid}',
  },
};
