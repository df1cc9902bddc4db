import type { Messages } from '../i18n/i18n';

export type RemoteAeKey =
  | 'tabDimse'
  | 'dimseTitle'
  | 'dimseIntro'
  | 'colOurAeTitle'
  | 'colAddress'
  | 'colPort'
  | 'colTls'
  | 'colCallers'
  | 'dimseOff'
  | 'on'
  | 'off'
  | 'callersListed'
  | 'callersAny'
  | 'devicesTitle'
  | 'noDevices'
  | 'colAeTitle'
  | 'colHost'
  | 'colDescription'
  | 'colRights'
  | 'colActions'
  | 'noPort'
  | 'rightStore'
  | 'rightQuery'
  | 'rightRetrieve'
  | 'echoOnly'
  | 'edit'
  | 'remove'
  | 'removeConfirm'
  | 'addTitle'
  | 'editTitle'
  | 'aeTitle'
  | 'aeTitleHint'
  | 'host'
  | 'hostHint'
  | 'port'
  | 'portHint'
  | 'description'
  | 'mayStore'
  | 'mayQuery'
  | 'mayRetrieve'
  | 'save'
  | 'cancelEdit'
  | 'added'
  | 'saved'
  | 'removed'
  | 'aeTitleRequired'
  | 'hostRequired'
  | 'test'
  | 'testing'
  | 'echo-ok'
  | 'echo-unreachable'
  | 'echo-rejected'
  | 'echo-aborted'
  | 'echo-protocol'
  | 'echo-timeout'
  | 'echo-no-port';

/** The strings of the admin's DICOM devices page (DIMSE: our AE title and port, the known remote AEs). */
export const remoteAeMessages: Messages<RemoteAeKey> = {
  en: {
    tabDimse: 'DICOM devices',
    dimseTitle: 'DICOM devices: modalities and workstations',
    dimseIntro:
      'Modalities, workstations and archives that speak DIMSE reach this archive with the settings below. Only the devices listed further down may connect.',
    colOurAeTitle: 'Our AE title',
    colAddress: 'Address',
    colPort: 'Port',
    colTls: 'TLS',
    colCallers: 'Calling AEs accepted',
    dimseOff: 'DIMSE off',
    on: 'on',
    off: 'off',
    callersListed: 'listed devices only',
    callersAny: 'any, listed or not',
    devicesTitle: 'Devices allowed to connect',
    noDevices: 'No device yet: add the modalities and workstations that send images to this archive or query it.',
    colAeTitle: 'AE title',
    colHost: 'Host name or IP address',
    colDescription: 'Description',
    colRights: 'Allowed',
    colActions: 'Actions',
    noPort: 'not set',
    rightStore: 'send images',
    rightQuery: 'query',
    rightRetrieve: 'retrieve',
    echoOnly: 'connection test only',
    edit: 'Edit',
    remove: 'Delete',
    removeConfirm: 'Delete the device {name}? It can no longer connect to this archive.',
    addTitle: 'Add a device',
    editTitle: 'Edit {name}',
    aeTitle: 'AE title',
    aeTitleHint: 'e.g. CT01',
    host: 'Host name or IP address',
    hostHint: 'e.g. 10.0.5.21',
    port: 'Port',
    portHint: 'only if it receives images',
    description: 'Description',
    mayStore: 'May send images here (C-STORE)',
    mayQuery: 'May query (C-FIND)',
    mayRetrieve: 'May retrieve and receive images (C-MOVE, C-GET)',
    save: 'Save',
    cancelEdit: 'Cancel',
    added: 'Device {name} added.',
    saved: 'Device {name} saved.',
    removed: 'Device {name} deleted.',
    aeTitleRequired: 'Give the AE title the device calls with.',
    hostRequired: 'Give the host name or IP address of the device.',
    test: 'Test',
    testing: 'Testing…',
    'echo-ok': 'Answered (C-ECHO) in {ms} ms.',
    'echo-unreachable': 'Not reachable: nothing answers at this host and port.',
    'echo-rejected': 'The device refused the association: check its AE title, and that it knows ours.',
    'echo-aborted': 'The device broke off the association.',
    'echo-protocol': 'The device answered, but not as a DICOM device should.',
    'echo-timeout': 'The device did not answer in time.',
    'echo-no-port': 'No port set: give the port the device listens on to test it.',
  },
  vi: {
    tabDimse: 'Thiết bị DICOM',
    dimseTitle: 'Thiết bị DICOM: máy chụp và máy trạm',
    dimseIntro:
      'Máy chụp, máy trạm và các PACS dùng giao thức DIMSE kết nối tới hệ thống này bằng các thông số dưới đây. Chỉ những thiết bị có trong danh sách bên dưới mới được kết nối.',
    colOurAeTitle: 'Tên AE của hệ thống',
    colAddress: 'Địa chỉ',
    colPort: 'Cổng',
    colTls: 'TLS',
    colCallers: 'Thiết bị được kết nối',
    dimseOff: 'DIMSE đang tắt',
    on: 'bật',
    off: 'tắt',
    callersListed: 'chỉ thiết bị trong danh sách',
    callersAny: 'mọi thiết bị, kể cả ngoài danh sách',
    devicesTitle: 'Thiết bị được phép kết nối',
    noDevices: 'Chưa có thiết bị nào: hãy thêm các máy chụp và máy trạm gửi ảnh đến hoặc truy vấn hệ thống này.',
    colAeTitle: 'Tên AE',
    colHost: 'Tên máy hoặc địa chỉ IP',
    colDescription: 'Mô tả',
    colRights: 'Được phép',
    colActions: 'Thao tác',
    noPort: 'chưa đặt',
    rightStore: 'gửi ảnh',
    rightQuery: 'truy vấn',
    rightRetrieve: 'lấy ảnh',
    echoOnly: 'chỉ kiểm tra kết nối',
    edit: 'Sửa',
    remove: 'Xoá',
    removeConfirm: 'Xoá thiết bị {name}? Thiết bị này sẽ không kết nối được tới hệ thống nữa.',
    addTitle: 'Thêm thiết bị',
    editTitle: 'Sửa {name}',
    aeTitle: 'Tên AE',
    aeTitleHint: 'ví dụ CT01',
    host: 'Tên máy hoặc địa chỉ IP',
    hostHint: 'ví dụ 10.0.5.21',
    port: 'Cổng',
    portHint: 'chỉ cần khi thiết bị nhận ảnh',
    description: 'Mô tả',
    mayStore: 'Được gửi ảnh vào hệ thống (C-STORE)',
    mayQuery: 'Được truy vấn (C-FIND)',
    mayRetrieve: 'Được lấy ảnh về (C-MOVE, C-GET)',
    save: 'Lưu',
    cancelEdit: 'Huỷ',
    added: 'Đã thêm thiết bị {name}.',
    saved: 'Đã lưu thiết bị {name}.',
    removed: 'Đã xoá thiết bị {name}.',
    aeTitleRequired: 'Hãy nhập tên AE mà thiết bị dùng khi kết nối.',
    hostRequired: 'Hãy nhập tên máy hoặc địa chỉ IP của thiết bị.',
    test: 'Kiểm tra',
    testing: 'Đang kiểm tra…',
    'echo-ok': 'Thiết bị đã trả lời (C-ECHO) sau {ms} ms.',
    'echo-unreachable': 'Không kết nối được: không có thiết bị nào trả lời ở địa chỉ và cổng này.',
    'echo-rejected': 'Thiết bị từ chối kết nối: hãy kiểm tra tên AE của thiết bị và thiết bị đã khai báo tên AE của hệ thống chưa.',
    'echo-aborted': 'Thiết bị đã ngắt kết nối giữa chừng.',
    'echo-protocol': 'Thiết bị có trả lời nhưng không đúng giao thức DICOM.',
    'echo-timeout': 'Thiết bị không trả lời kịp.',
    'echo-no-port': 'Chưa đặt cổng: hãy nhập cổng mà thiết bị nhận kết nối để kiểm tra.',
  },
};
