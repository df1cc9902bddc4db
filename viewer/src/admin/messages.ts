import type { Messages } from '../i18n/i18n';

export type AdminKey =
  | 'notAllowed'
  | 'tabUsers'
  | 'tabAudit'
  | 'usersTitle'
  | 'loading'
  | 'colUsername'
  | 'colDisplayName'
  | 'colRole'
  | 'colStatus'
  | 'colMustChange'
  | 'colActions'
  | 'statusEnabled'
  | 'statusDisabled'
  | 'yes'
  | 'no'
  | 'disable'
  | 'disableConfirm'
  | 'enable'
  | 'resetPassword'
  | 'newPasswordPlaceholder'
  | 'changeRoleOf'
  | 'createTitle'
  | 'username'
  | 'displayName'
  | 'role'
  | 'initialPassword'
  | 'mustChangeAtFirst'
  | 'create'
  | 'created'
  | 'updated'
  | 'passwordReset'
  | 'passwordTooShort'
  | 'auditTitle'
  | 'filterUser'
  | 'filterPatient'
  | 'filterStudy'
  | 'filterAction'
  | 'anyAction'
  | 'filterFrom'
  | 'filterTo'
  | 'search'
  | 'clear'
  | 'exportCsv'
  | 'colTime'
  | 'colEvent'
  | 'colAction'
  | 'colOutcome'
  | 'colPrincipal'
  | 'colAddress'
  | 'colStudy'
  | 'colDetail'
  | 'outcomeOk'
  | 'outcomeRefused'
  | 'outcomeFailed'
  | 'noRecords'
  | 'recordsShown'
  | 'previous'
  | 'next';

/** The strings of the admin pages: accounts and the audit trail. */
export const adminMessages: Messages<AdminKey> = {
  en: {
    notAllowed: 'You are not allowed to see this page: it is for administrators.',
    tabUsers: 'Accounts',
    tabAudit: 'Audit trail',
    usersTitle: 'Accounts',
    loading: 'Loading…',
    colUsername: 'Username',
    colDisplayName: 'Name',
    colRole: 'Role',
    colStatus: 'Status',
    colMustChange: 'Must change password',
    colActions: 'Actions',
    statusEnabled: 'enabled',
    statusDisabled: 'disabled',
    yes: 'yes',
    no: 'no',
    disable: 'Disable',
    disableConfirm: 'Disable the account {username}? It is signed out and cannot sign in until enabled again.',
    enable: 'Enable',
    resetPassword: 'Reset password',
    newPasswordPlaceholder: 'new password',
    changeRoleOf: 'Role of {username}',
    createTitle: 'New account',
    username: 'Username',
    displayName: 'Display name',
    role: 'Role',
    initialPassword: 'Initial password',
    mustChangeAtFirst: 'Must change it at first sign-in',
    create: 'Create account',
    created: 'Account {username} created.',
    updated: 'Account {username} changed.',
    passwordReset: 'The password of {username} was reset; it must be changed at the next sign-in.',
    passwordTooShort: 'A password needs at least {min} characters.',
    auditTitle: 'Audit trail',
    filterUser: 'User',
    filterPatient: 'Patient (name or ID)',
    filterStudy: 'Study Instance UID',
    filterAction: 'Action',
    anyAction: 'any',
    filterFrom: 'From',
    filterTo: 'To',
    search: 'Search',
    clear: 'Clear',
    exportCsv: 'Export CSV',
    colTime: 'Time',
    colEvent: 'Event',
    colAction: 'Action',
    colOutcome: 'Outcome',
    colPrincipal: 'Who',
    colAddress: 'Address',
    colStudy: 'Study',
    colDetail: 'Detail',
    outcomeOk: 'OK',
    outcomeRefused: 'refused',
    outcomeFailed: 'failed',
    noRecords: 'No records match.',
    recordsShown: 'Records {from}–{to} of {total}',
    previous: 'Previous',
    next: 'Next',
  },
  vi: {
    notAllowed: 'Bạn không được phép xem trang này: trang dành cho quản trị viên.',
    tabUsers: 'Tài khoản',
    tabAudit: 'Nhật ký kiểm tra',
    usersTitle: 'Tài khoản',
    loading: 'Đang tải…',
    colUsername: 'Tên đăng nhập',
    colDisplayName: 'Họ tên',
    colRole: 'Vai trò',
    colStatus: 'Trạng thái',
    colMustChange: 'Phải đổi mật khẩu',
    colActions: 'Thao tác',
    statusEnabled: 'đang hoạt động',
    statusDisabled: 'đã khóa',
    yes: 'có',
    no: 'không',
    disable: 'Khóa',
    disableConfirm: 'Khóa tài khoản {username}? Tài khoản sẽ bị đăng xuất và không đăng nhập được cho đến khi được mở khóa.',
    enable: 'Mở khóa',
    resetPassword: 'Đặt lại mật khẩu',
    newPasswordPlaceholder: 'mật khẩu mới',
    changeRoleOf: 'Vai trò của {username}',
    createTitle: 'Tài khoản mới',
    username: 'Tên đăng nhập',
    displayName: 'Tên hiển thị',
    role: 'Vai trò',
    initialPassword: 'Mật khẩu ban đầu',
    mustChangeAtFirst: 'Phải đổi ở lần đăng nhập đầu tiên',
    create: 'Tạo tài khoản',
    created: 'Đã tạo tài khoản {username}.',
    updated: 'Đã thay đổi tài khoản {username}.',
    passwordReset: 'Đã đặt lại mật khẩu của {username}; phải đổi ở lần đăng nhập sau.',
    passwordTooShort: 'Mật khẩu cần ít nhất {min} ký tự.',
    auditTitle: 'Nhật ký kiểm tra',
    filterUser: 'Người dùng',
    filterPatient: 'Bệnh nhân (tên hoặc mã)',
    filterStudy: 'Mã UID của ca chụp',
    filterAction: 'Hành động',
    anyAction: 'tất cả',
    filterFrom: 'Từ',
    filterTo: 'Đến',
    search: 'Tìm kiếm',
    clear: 'Xóa bộ lọc',
    exportCsv: 'Xuất CSV',
    colTime: 'Thời gian',
    colEvent: 'Sự kiện',
    colAction: 'Hành động',
    colOutcome: 'Kết quả',
    colPrincipal: 'Ai',
    colAddress: 'Địa chỉ',
    colStudy: 'Ca chụp',
    colDetail: 'Chi tiết',
    outcomeOk: 'OK',
    outcomeRefused: 'bị từ chối',
    outcomeFailed: 'thất bại',
    noRecords: 'Không có bản ghi nào phù hợp.',
    recordsShown: 'Bản ghi {from}–{to} trên {total}',
    previous: 'Trước',
    next: 'Sau',
  },
};
