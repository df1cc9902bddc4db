import type { Messages } from '../i18n/i18n';

type Key =
  | 'share'
  | 'dialogTitle'
  | 'close'
  | 'expiry'
  | 'hours'
  | 'days'
  | 'allowDownload'
  | 'anonymize'
  | 'anonymizeWarning'
  | 'pin'
  | 'pinHint'
  | 'note'
  | 'noteColumn'
  | 'scope'
  | 'wholeStudy'
  | 'someSeries'
  | 'seriesLabel'
  | 'seriesUnnumbered'
  | 'noSeriesChosen'
  | 'badExpiry'
  | 'badPin'
  | 'create'
  | 'creating'
  | 'createdTitle'
  | 'shownOnce'
  | 'validUntil'
  | 'pinSeparately'
  | 'existing'
  | 'noShares'
  | 'loadingShares'
  | 'created'
  | 'expires'
  | 'lastUsed'
  | 'uses'
  | 'access'
  | 'status'
  | 'never'
  | 'statusActive'
  | 'statusExpired'
  | 'statusRevoked'
  | 'revoke'
  | 'revokeConfirm'
  | 'accessRead'
  | 'accessDownload'
  | 'accessAnonymized'
  | 'accessPin'
  | 'accessSeries'
  | 'opening'
  | 'pinTitle'
  | 'pinLabel'
  | 'pinNeeded'
  | 'pinWrong'
  | 'pinSubmit'
  | 'tooManyAttempts'
  | 'tryAgain'
  | 'linkInvalid'
  | 'linkInvalidHelp'
  | 'linkIncomplete'
  | 'linkNoLongerValid'
  | 'openFailed'
  | 'guestUntil'
  | 'guestDeidentified';

/** The share dialog, the guest's opening page (/share) and the guest banner in the viewer. */
export const sharingMessages: Messages<Key> = {
  en: {
    share: 'Share',
    dialogTitle: 'Share this study',
    close: 'Close',
    expiry: 'Link valid for',
    hours: 'hours',
    days: 'days',
    allowDownload: 'Allow download (DICOM files and ZIP)',
    anonymize: 'Anonymize',
    anonymizeWarning:
      'Names, IDs and dates are removed from the data. Text burned into the pixels of the images (names on scanned documents, ultrasound or screenshots) is NOT removed.',
    pin: 'PIN (optional)',
    pinHint: '4 to 32 characters, no spaces; give it to the recipient separately',
    note: 'Note (optional)',
    noteColumn: 'Note',
    scope: 'What to share',
    wholeStudy: 'The whole study',
    someSeries: 'Only these series:',
    seriesLabel: 'Series {number} · {modality} · {description}',
    seriesUnnumbered: '–',
    noSeriesChosen: 'Choose at least one series, or share the whole study.',
    badExpiry: 'Enter how long the link stays valid, as a number above 0.',
    badPin: 'A PIN has 4 to 32 characters and no spaces.',
    create: 'Create link',
    creating: 'Creating…',
    createdTitle: 'Link created',
    shownOnce: 'Copy the link now: it will not be shown again.',
    validUntil: 'Valid until {time}.',
    pinSeparately: 'The PIN is not part of the link: send it another way.',
    existing: 'Links to this study',
    noShares: 'No links made for this study yet.',
    loadingShares: 'Loading the links…',
    created: 'Created',
    expires: 'Expires',
    lastUsed: 'Last used',
    uses: 'Uses',
    access: 'Access',
    status: 'Status',
    never: 'never',
    statusActive: 'active',
    statusExpired: 'expired',
    statusRevoked: 'revoked',
    revoke: 'Revoke',
    revokeConfirm: 'Revoke this link? Whoever has it can no longer open the study. This cannot be undone.',
    accessRead: 'view',
    accessDownload: 'download',
    accessAnonymized: 'anonymized',
    accessPin: 'PIN',
    accessSeries: '{count} series',
    opening: 'Opening the shared study…',
    pinTitle: 'This shared study is protected by a PIN',
    pinLabel: 'PIN',
    pinNeeded: 'Enter the PIN you were given with the link.',
    pinWrong: 'The PIN is wrong.',
    pinSubmit: 'Open',
    tooManyAttempts: 'Too many attempts. Wait {seconds} s, then try again.',
    tryAgain: 'Try again',
    linkInvalid: 'This share link is unknown, has expired or was revoked.',
    linkInvalidHelp: 'Ask the person who sent it for a new link.',
    linkIncomplete: 'This address has no share link in it. Open the full link you were sent.',
    linkNoLongerValid: 'This link is no longer valid.',
    openFailed: 'The shared study could not be opened: {message}',
    guestUntil: 'Shared study — guest access until {time}',
    guestDeidentified: 'De-identified: names, IDs and dates are removed from the data; text burned into the images is not.',
  },
  vi: {
    share: 'Chia sẻ',
    dialogTitle: 'Chia sẻ ca chụp này',
    close: 'Đóng',
    expiry: 'Liên kết có hiệu lực trong',
    hours: 'giờ',
    days: 'ngày',
    allowDownload: 'Cho phép tải xuống (tệp DICOM và ZIP)',
    anonymize: 'Ẩn danh',
    anonymizeWarning:
      'Tên, mã số và ngày tháng được xoá khỏi dữ liệu. Chữ in sẵn trong điểm ảnh (tên trên tài liệu quét, ảnh siêu âm hoặc ảnh chụp màn hình) KHÔNG được xoá.',
    pin: 'Mã PIN (không bắt buộc)',
    pinHint: '4 đến 32 ký tự, không có dấu cách; hãy gửi riêng cho người nhận',
    note: 'Ghi chú (không bắt buộc)',
    noteColumn: 'Ghi chú',
    scope: 'Nội dung chia sẻ',
    wholeStudy: 'Toàn bộ ca chụp',
    someSeries: 'Chỉ các loạt ảnh sau:',
    seriesLabel: 'Loạt {number} · {modality} · {description}',
    seriesUnnumbered: '–',
    noSeriesChosen: 'Hãy chọn ít nhất một loạt ảnh, hoặc chia sẻ toàn bộ ca chụp.',
    badExpiry: 'Hãy nhập thời gian hiệu lực của liên kết, là một số lớn hơn 0.',
    badPin: 'Mã PIN có từ 4 đến 32 ký tự và không có dấu cách.',
    create: 'Tạo liên kết',
    creating: 'Đang tạo…',
    createdTitle: 'Đã tạo liên kết',
    shownOnce: 'Hãy sao chép liên kết ngay: liên kết sẽ không được hiển thị lại.',
    validUntil: 'Có hiệu lực đến {time}.',
    pinSeparately: 'Mã PIN không nằm trong liên kết: hãy gửi bằng cách khác.',
    existing: 'Các liên kết của ca chụp này',
    noShares: 'Chưa có liên kết nào cho ca chụp này.',
    loadingShares: 'Đang tải các liên kết…',
    created: 'Ngày tạo',
    expires: 'Hết hạn',
    lastUsed: 'Dùng lần cuối',
    uses: 'Số lần dùng',
    access: 'Quyền',
    status: 'Trạng thái',
    never: 'chưa dùng',
    statusActive: 'còn hiệu lực',
    statusExpired: 'đã hết hạn',
    statusRevoked: 'đã thu hồi',
    revoke: 'Thu hồi',
    revokeConfirm: 'Thu hồi liên kết này? Người nhận sẽ không mở được nghiên cứu nữa. Không thể hoàn tác.',
    accessRead: 'xem',
    accessDownload: 'tải xuống',
    accessAnonymized: 'ẩn danh',
    accessPin: 'PIN',
    accessSeries: '{count} loạt ảnh',
    opening: 'Đang mở ca chụp được chia sẻ…',
    pinTitle: 'Ca chụp được chia sẻ này được bảo vệ bằng mã PIN',
    pinLabel: 'Mã PIN',
    pinNeeded: 'Hãy nhập mã PIN bạn nhận được cùng liên kết.',
    pinWrong: 'Mã PIN không đúng.',
    pinSubmit: 'Mở',
    tooManyAttempts: 'Thử quá nhiều lần. Hãy đợi {seconds} giây rồi thử lại.',
    tryAgain: 'Thử lại',
    linkInvalid: 'Liên kết chia sẻ này không tồn tại, đã hết hạn hoặc đã bị thu hồi.',
    linkInvalidHelp: 'Hãy xin người gửi một liên kết mới.',
    linkIncomplete: 'Địa chỉ này không chứa liên kết chia sẻ. Hãy mở đầy đủ liên kết bạn nhận được.',
    linkNoLongerValid: 'Liên kết này không còn hiệu lực.',
    openFailed: 'Không mở được ca chụp được chia sẻ: {message}',
    guestUntil: 'Ca chụp được chia sẻ — quyền khách đến {time}',
    guestDeidentified: 'Đã khử định danh: tên, mã số và ngày tháng được xoá khỏi dữ liệu; chữ in sẵn trong hình ảnh thì không.',
  },
};
