import type { Messages } from '../i18n/i18n';

type Key =
  | 'reportTitle'
  | 'noStudy'
  | 'noReport'
  | 'loading'
  | 'print'
  | 'backToViewer'
  | 'signedBy'
  | 'version'
  | 'amends'
  | 'qrHeading'
  | 'qrExpiryDays'
  | 'qrPin'
  | 'qrPinHint'
  | 'qrCreate'
  | 'qrCreating'
  | 'qrBadDays'
  | 'qrBadPin'
  | 'qrCaption'
  | 'qrValidUntil'
  | 'qrPinNeeded'
  | 'qrPinScreen'
  | 'qrRemove'
  | 'reportOnSheet';

export const reportPrintMessages: Messages<Key> = {
  en: {
    reportTitle: 'Diagnostic imaging report',
    noStudy: 'No study given: open the report from the viewer.',
    noReport: 'This study has no signed report yet.',
    loading: 'Preparing the report…',
    print: 'Print',
    backToViewer: 'Back to the viewer',
    signedBy: 'Signed by {name}, {organization}, {time}',
    version: 'Version {version}',
    amends: 'This version amends and replaces version {version}.',
    qrHeading: 'QR code to view the images on a phone',
    qrExpiryDays: 'Valid for (days)',
    qrPin: 'PIN (optional)',
    qrPinHint: '4 to 32 characters; give it to the patient separately, it is not printed.',
    qrCreate: 'Add QR code',
    qrCreating: 'Making the link…',
    qrBadDays: 'Give a number of days above 0.',
    qrBadPin: 'A PIN has 4 to 32 characters and no spaces.',
    qrCaption: 'Scan to view the images of this study on a phone.',
    qrValidUntil: 'Valid until {time}.',
    qrPinNeeded: 'A PIN is needed to open it.',
    qrPinScreen: 'PIN (not printed): {pin}',
    qrRemove: 'Remove QR code',
    reportOnSheet: 'Report',
  },
  vi: {
    reportTitle: 'Kết quả chẩn đoán hình ảnh',
    noStudy: 'Chưa chọn ca chụp: hãy mở kết quả từ trình xem.',
    noReport: 'Ca chụp này chưa có kết quả đã ký.',
    loading: 'Đang chuẩn bị kết quả…',
    print: 'In',
    backToViewer: 'Quay lại trình xem',
    signedBy: 'Ký bởi {name}, {organization}, {time}',
    version: 'Phiên bản {version}',
    amends: 'Phiên bản này sửa đổi và thay thế phiên bản {version}.',
    qrHeading: 'Mã QR để xem ảnh trên điện thoại',
    qrExpiryDays: 'Hiệu lực (ngày)',
    qrPin: 'Mã PIN (không bắt buộc)',
    qrPinHint: 'Từ 4 đến 32 ký tự; đưa riêng cho bệnh nhân, mã không được in ra.',
    qrCreate: 'Thêm mã QR',
    qrCreating: 'Đang tạo liên kết…',
    qrBadDays: 'Hãy nhập số ngày lớn hơn 0.',
    qrBadPin: 'Mã PIN có từ 4 đến 32 ký tự, không có dấu cách.',
    qrCaption: 'Quét mã để xem ảnh của ca chụp này trên điện thoại.',
    qrValidUntil: 'Có hiệu lực đến {time}.',
    qrPinNeeded: 'Cần mã PIN để mở.',
    qrPinScreen: 'Mã PIN (không in): {pin}',
    qrRemove: 'Bỏ mã QR',
    reportOnSheet: 'Kết quả',
  },
};
