import type { Messages } from '../i18n/i18n';

export type TransferKey =
  | 'title'
  | 'filterAll'
  | 'filterActive'
  | 'filterDone'
  | 'filterFailed'
  | 'colDirection'
  | 'colPeer'
  | 'colStudy'
  | 'colStatus'
  | 'colProgress'
  | 'colRequestedBy'
  | 'colActions'
  | 'directionSend'
  | 'directionFetch'
  | 'statusQueued'
  | 'statusRunning'
  | 'statusDone'
  | 'statusFailed'
  | 'statusCancelled'
  | 'nextAttempt'
  | 'peerPaused'
  | 'instances'
  | 'instancesUnknown'
  | 'instancesFailed'
  | 'bytes'
  | 'bytesOf'
  | 'rate'
  | 'eta'
  | 'retry'
  | 'cancel'
  | 'cancelConfirm'
  | 'showFailures'
  | 'noFailures'
  | 'empty'
  | 'loadFailed'
  | 'peersTitle'
  | 'pause'
  | 'resume'
  | 'paused'
  | 'active'
  | 'sendTo'
  | 'sendTitle'
  | 'sendStudy'
  | 'sendSeries'
  | 'choosePeer'
  | 'send'
  | 'close'
  | 'noPeers'
  | 'sendQueued'
  | 'openTransfers'
  | 'fetch'
  | 'fetchQueued';

export const transferMessages: Messages<TransferKey> = {
  en: {
    title: 'Transfers',
    filterAll: 'All',
    filterActive: 'In progress',
    filterDone: 'Done',
    filterFailed: 'Failed',
    colDirection: 'Direction',
    colPeer: 'Archive',
    colStudy: 'Study',
    colStatus: 'Status',
    colProgress: 'Progress',
    colRequestedBy: 'Requested by',
    colActions: '',
    directionSend: 'Send to',
    directionFetch: 'Fetch from',
    statusQueued: 'Queued',
    statusRunning: 'Running',
    statusDone: 'Done',
    statusFailed: 'Failed',
    statusCancelled: 'Cancelled',
    nextAttempt: 'next attempt {time}',
    peerPaused: 'archive paused',
    instances: '{done} of {total} images',
    instancesUnknown: '{done} images',
    instancesFailed: '{failed} failed',
    bytes: '{done}',
    bytesOf: '{done} of {total}',
    rate: '{rate}/s',
    eta: '{time} left',
    retry: 'Retry',
    cancel: 'Cancel',
    cancelConfirm: 'Cancel this transfer? Images already transferred stay where they are.',
    showFailures: 'Why?',
    noFailures: 'No image failed.',
    empty: 'No transfers.',
    loadFailed: 'The transfers could not be loaded.',
    peersTitle: 'Archives',
    pause: 'Pause',
    resume: 'Resume',
    paused: 'Paused',
    active: 'Active',
    sendTo: 'Send to…',
    sendTitle: 'Send to another archive',
    sendStudy: 'The whole study',
    sendSeries: 'This series only',
    choosePeer: 'Archive',
    send: 'Send',
    close: 'Close',
    noPeers: 'No other archive is set up yet: an administrator adds them under Admin → Peers.',
    sendQueued: 'Queued for {peer}.',
    openTransfers: 'Follow it in Transfers',
    fetch: 'Fetch',
    fetchQueued: 'Queued: fetching from {peer}.',
  },
  vi: {
    title: 'Truyền ảnh',
    filterAll: 'Tất cả',
    filterActive: 'Đang truyền',
    filterDone: 'Hoàn tất',
    filterFailed: 'Thất bại',
    colDirection: 'Chiều',
    colPeer: 'Kho lưu trữ',
    colStudy: 'Ca chụp',
    colStatus: 'Trạng thái',
    colProgress: 'Tiến độ',
    colRequestedBy: 'Người yêu cầu',
    colActions: '',
    directionSend: 'Gửi đến',
    directionFetch: 'Lấy về từ',
    statusQueued: 'Đang chờ',
    statusRunning: 'Đang truyền',
    statusDone: 'Hoàn tất',
    statusFailed: 'Thất bại',
    statusCancelled: 'Đã huỷ',
    nextAttempt: 'thử lại lúc {time}',
    peerPaused: 'kho đang tạm dừng',
    instances: '{done} trên {total} ảnh',
    instancesUnknown: '{done} ảnh',
    instancesFailed: '{failed} ảnh lỗi',
    bytes: '{done}',
    bytesOf: '{done} trên {total}',
    rate: '{rate}/giây',
    eta: 'còn {time}',
    retry: 'Thử lại',
    cancel: 'Huỷ',
    cancelConfirm: 'Huỷ lần truyền này? Những ảnh đã truyền xong vẫn được giữ nguyên.',
    showFailures: 'Vì sao?',
    noFailures: 'Không có ảnh nào lỗi.',
    empty: 'Chưa có lần truyền nào.',
    loadFailed: 'Không tải được danh sách truyền ảnh.',
    peersTitle: 'Các kho lưu trữ',
    pause: 'Tạm dừng',
    resume: 'Tiếp tục',
    paused: 'Đang tạm dừng',
    active: 'Đang hoạt động',
    sendTo: 'Gửi đến…',
    sendTitle: 'Gửi sang kho lưu trữ khác',
    sendStudy: 'Cả ca chụp',
    sendSeries: 'Chỉ loạt ảnh này',
    choosePeer: 'Kho lưu trữ',
    send: 'Gửi',
    close: 'Đóng',
    noPeers: 'Chưa cấu hình kho lưu trữ nào khác: quản trị viên thêm trong Quản trị → Kho kết nối.',
    sendQueued: 'Đã xếp hàng gửi đến {peer}.',
    openTransfers: 'Theo dõi trong mục Truyền ảnh',
    fetch: 'Lấy về',
    fetchQueued: 'Đã xếp hàng lấy về từ {peer}.',
  },
};
