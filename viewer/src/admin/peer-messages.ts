import type { Messages } from '../i18n/i18n';

export type PeerKey =
  | 'tabPeers'
  | 'peersTitle'
  | 'noPeers'
  | 'colName'
  | 'colUrl'
  | 'colAuth'
  | 'colCap'
  | 'colStatus'
  | 'colActions'
  | 'authNone'
  | 'authBasic'
  | 'authBearer'
  | 'noCap'
  | 'capKbps'
  | 'active'
  | 'paused'
  | 'edit'
  | 'pause'
  | 'resume'
  | 'remove'
  | 'removeConfirm'
  | 'addTitle'
  | 'editTitle'
  | 'name'
  | 'baseUrl'
  | 'baseUrlHint'
  | 'auth'
  | 'username'
  | 'password'
  | 'token'
  | 'secretSet'
  | 'bandwidth'
  | 'unlimited'
  | 'maxConnections'
  | 'sendSyntax'
  | 'syntaxAsStored'
  | 'syntaxJpegLs'
  | 'syntaxHtj2k'
  | 'caCertificate'
  | 'caHint'
  | 'caCurrent'
  | 'caRemove'
  | 'testConnection'
  | 'testing'
  | 'save'
  | 'cancelEdit'
  | 'added'
  | 'saved'
  | 'removed'
  | 'pausedNotice'
  | 'resumedNotice'
  | 'nameRequired'
  | 'urlRequired'
  | 'test-ok'
  | 'test-credentials'
  | 'test-not-dicomweb'
  | 'test-unreachable'
  | 'test-tls'
  | 'test-too-large'
  | 'test-peer-error'
  | 'kind'
  | 'kindDicomweb'
  | 'kindDimse'
  | 'remoteAe'
  | 'remoteAeHint'
  | 'noRemoteAes'
  | 'remoteAeRequired';

/** The strings of the admin's Peers page (other archives this one exchanges studies with). */
export const peerMessages: Messages<PeerKey> = {
  en: {
    tabPeers: 'Peers',
    peersTitle: 'Peers: other archives',
    noPeers: 'No peer yet: add the archives this one sends studies to or fetches them from.',
    colName: 'Name',
    colUrl: 'Address',
    colAuth: 'Authentication',
    colCap: 'Bandwidth cap',
    colStatus: 'Transfers',
    colActions: 'Actions',
    authNone: 'none',
    authBasic: 'Basic',
    authBearer: 'Bearer token',
    noCap: 'none',
    capKbps: '{kbps} kbit/s',
    active: 'active',
    paused: 'paused',
    edit: 'Edit',
    pause: 'Pause',
    resume: 'Resume',
    remove: 'Delete',
    removeConfirm: 'Delete the peer {name}? Its saved password or token is deleted with it.',
    addTitle: 'Add a peer',
    editTitle: 'Edit {name}',
    name: 'Name',
    baseUrl: 'DICOMweb base URL',
    baseUrlHint: 'e.g. https://pacs.hospital.vn/dicom-web',
    auth: 'Authentication',
    username: 'Username',
    password: 'Password',
    token: 'Token',
    secretSet: '•••• set, leave empty to keep',
    bandwidth: 'Bandwidth cap (kbit/s)',
    unlimited: 'no cap',
    maxConnections: 'Max connections',
    sendSyntax: 'Send as',
    syntaxAsStored: 'as stored',
    syntaxJpegLs: 'JPEG-LS lossless',
    syntaxHtj2k: 'HTJ2K lossless',
    caCertificate: 'Custom CA certificate (PEM)',
    caHint: "Only when the peer's HTTPS certificate is signed by its hospital's own CA.",
    caCurrent: 'now: {subject}; paste another to replace it',
    caRemove: 'Remove the custom CA (use the system CAs)',
    testConnection: 'Test connection',
    testing: 'Testing…',
    save: 'Save',
    cancelEdit: 'Cancel',
    added: 'Peer {name} added.',
    saved: 'Peer {name} saved.',
    removed: 'Peer {name} deleted.',
    pausedNotice: 'Transfers to and from {name} are paused.',
    resumedNotice: 'Transfers to and from {name} go on.',
    nameRequired: 'Give the peer a name.',
    urlRequired: 'Give the DICOMweb base URL of the peer.',
    'test-ok': 'Connected: the peer answered a DICOMweb search in {ms} ms.',
    'test-credentials': 'The peer refused the credentials: check the username and password, or the token.',
    'test-not-dicomweb': 'This URL is not a DICOMweb service: check the base URL; it usually ends in /dicom-web.',
    'test-unreachable': "The peer cannot be reached: check the address, the port, the firewall, and that the peer's archive runs.",
    'test-tls':
      "The peer's HTTPS certificate is not trusted: if its hospital signs its own certificates, paste that CA certificate (PEM) below.",
    'test-too-large': 'The peer answered a one-study search with too much data: this is probably not a DICOMweb service.',
    'test-peer-error': 'The peer failed to answer: try again later.',
    kind: 'Kind',
    kindDicomweb: 'DICOMweb archive',
    kindDimse: 'DICOM device (DIMSE)',
    remoteAe: 'DICOM device',
    remoteAeHint:
      'To fetch a study from it, this archive asks it to send the images here (C-MOVE): under DICOM devices, it must also be allowed to send images.',
    noRemoteAes: 'No DICOM device with a port yet: add it under DICOM devices first.',
    remoteAeRequired: 'Choose the DICOM device.',
  },
  vi: {
    tabPeers: 'Kho liên kết',
    peersTitle: 'Kho liên kết: các kho lưu trữ khác',
    noPeers: 'Chưa có kho liên kết nào: hãy thêm các kho lưu trữ mà hệ thống này gửi ca chụp đến hoặc lấy ca chụp về.',
    colName: 'Tên',
    colUrl: 'Địa chỉ',
    colAuth: 'Xác thực',
    colCap: 'Giới hạn băng thông',
    colStatus: 'Truyền ảnh',
    colActions: 'Thao tác',
    authNone: 'không',
    authBasic: 'Tên đăng nhập và mật khẩu',
    authBearer: 'Mã truy cập (Bearer)',
    noCap: 'không giới hạn',
    capKbps: '{kbps} kbit/s',
    active: 'đang hoạt động',
    paused: 'tạm dừng',
    edit: 'Sửa',
    pause: 'Tạm dừng',
    resume: 'Tiếp tục',
    remove: 'Xoá',
    removeConfirm: 'Xoá kho liên kết {name}? Mật khẩu hoặc mã truy cập đã lưu cũng bị xoá theo.',
    addTitle: 'Thêm kho liên kết',
    editTitle: 'Sửa {name}',
    name: 'Tên',
    baseUrl: 'Địa chỉ gốc DICOMweb',
    baseUrlHint: 'ví dụ https://pacs.benhvien.vn/dicom-web',
    auth: 'Xác thực',
    username: 'Tên đăng nhập',
    password: 'Mật khẩu',
    token: 'Mã truy cập',
    secretSet: '•••• đã lưu, để trống để giữ nguyên',
    bandwidth: 'Giới hạn băng thông (kbit/s)',
    unlimited: 'không giới hạn',
    maxConnections: 'Số kết nối tối đa',
    sendSyntax: 'Định dạng khi gửi',
    syntaxAsStored: 'giữ nguyên như khi lưu',
    syntaxJpegLs: 'JPEG-LS không mất dữ liệu',
    syntaxHtj2k: 'HTJ2K không mất dữ liệu',
    caCertificate: 'Chứng chỉ CA riêng (PEM)',
    caHint: 'Chỉ cần khi chứng chỉ HTTPS của kho liên kết do bệnh viện đó tự cấp.',
    caCurrent: 'hiện tại: {subject}; dán chứng chỉ khác để thay thế',
    caRemove: 'Bỏ chứng chỉ CA riêng (dùng các CA của hệ thống)',
    testConnection: 'Kiểm tra kết nối',
    testing: 'Đang kiểm tra…',
    save: 'Lưu',
    cancelEdit: 'Huỷ',
    added: 'Đã thêm kho liên kết {name}.',
    saved: 'Đã lưu kho liên kết {name}.',
    removed: 'Đã xoá kho liên kết {name}.',
    pausedNotice: 'Đã tạm dừng truyền ảnh với {name}.',
    resumedNotice: 'Đã tiếp tục truyền ảnh với {name}.',
    nameRequired: 'Hãy đặt tên cho kho liên kết.',
    urlRequired: 'Hãy nhập địa chỉ gốc DICOMweb của kho liên kết.',
    'test-ok': 'Kết nối thành công: kho liên kết trả lời lệnh tìm kiếm DICOMweb sau {ms} ms.',
    'test-credentials': 'Kho liên kết từ chối thông tin đăng nhập: kiểm tra lại tên đăng nhập và mật khẩu, hoặc mã truy cập.',
    'test-not-dicomweb': 'Địa chỉ này không phải dịch vụ DICOMweb: kiểm tra lại địa chỉ gốc, thường kết thúc bằng /dicom-web.',
    'test-unreachable': 'Không kết nối được tới kho liên kết: kiểm tra địa chỉ, cổng, tường lửa và xem máy chủ bên đó có đang chạy không.',
    'test-tls':
      'Chứng chỉ HTTPS của kho liên kết không được tin cậy: nếu bệnh viện đó tự cấp chứng chỉ, hãy dán chứng chỉ CA (PEM) vào ô bên dưới.',
    'test-too-large': 'Kho liên kết trả về quá nhiều dữ liệu cho một lệnh tìm kiếm thử: có lẽ đây không phải dịch vụ DICOMweb.',
    'test-peer-error': 'Kho liên kết gặp lỗi khi trả lời: hãy thử lại sau.',
    kind: 'Loại',
    kindDicomweb: 'Kho DICOMweb',
    kindDimse: 'Thiết bị DICOM (DIMSE)',
    remoteAe: 'Thiết bị DICOM',
    remoteAeHint:
      'Để lấy ca chụp về, hệ thống yêu cầu thiết bị gửi ảnh tới đây (C-MOVE): trong mục Thiết bị DICOM, thiết bị cũng phải được phép gửi ảnh.',
    noRemoteAes: 'Chưa có thiết bị DICOM nào có cổng: hãy thêm ở mục Thiết bị DICOM trước.',
    remoteAeRequired: 'Hãy chọn thiết bị DICOM.',
  },
};
