import type { Messages } from '../i18n/i18n';

/** The strings of the sign-in page, the password change and the account page. */
export const authMessages: Messages<
  | 'signInTitle'
  | 'username'
  | 'password'
  | 'signIn'
  | 'signingIn'
  | 'changeTitle'
  | 'changeIntro'
  | 'currentPassword'
  | 'newPassword'
  | 'repeatPassword'
  | 'passwordRule'
  | 'changePassword'
  | 'changing'
  | 'tooShort'
  | 'notRepeated'
  | 'accountTitle'
  | 'tokensTitle'
  | 'tokensIntro'
  | 'tokenName'
  | 'tokenDays'
  | 'createToken'
  | 'tokenCreated'
  | 'noTokens'
  | 'colName'
  | 'colCreated'
  | 'colExpires'
  | 'colLastUsed'
  | 'colState'
  | 'stateActive'
  | 'stateRevoked'
  | 'stateExpired'
  | 'revoke'
  | 'never'
  | 'passwordChanged'
  | 'guestNoAccount'
> = {
  en: {
    signInTitle: 'Sign in',
    username: 'Username',
    password: 'Password',
    signIn: 'Sign in',
    signingIn: 'Signing in…',
    changeTitle: 'Choose a new password',
    changeIntro: 'Your password was set for one use only. Choose your own before you go on.',
    currentPassword: 'Current password',
    newPassword: 'New password',
    repeatPassword: 'Repeat the new password',
    passwordRule: 'At least {min} characters.',
    changePassword: 'Change password',
    changing: 'Changing…',
    tooShort: 'The new password must have at least {min} characters.',
    notRepeated: 'The two new passwords are not the same.',
    accountTitle: 'My account',
    tokensTitle: 'API tokens',
    tokensIntro:
      'A token lets a program (a script, another PACS) use the archive as you, with the header Authorization: Bearer <token>. It is shown once, when it is made.',
    tokenName: 'Name',
    tokenDays: 'Valid for (days)',
    createToken: 'Create token',
    tokenCreated: 'Copy this token now: it will not be shown again.',
    noTokens: 'No API tokens yet.',
    colName: 'Name',
    colCreated: 'Created',
    colExpires: 'Expires',
    colLastUsed: 'Last used',
    colState: 'State',
    stateActive: 'active',
    stateRevoked: 'revoked',
    stateExpired: 'expired',
    revoke: 'Revoke',
    never: 'never',
    passwordChanged: 'Your password was changed.',
    guestNoAccount: 'A shared study has no account.',
  },
  vi: {
    signInTitle: 'Đăng nhập',
    username: 'Tên đăng nhập',
    password: 'Mật khẩu',
    signIn: 'Đăng nhập',
    signingIn: 'Đang đăng nhập…',
    changeTitle: 'Đặt mật khẩu mới',
    changeIntro: 'Mật khẩu của bạn chỉ dùng được một lần. Hãy đặt mật khẩu riêng trước khi tiếp tục.',
    currentPassword: 'Mật khẩu hiện tại',
    newPassword: 'Mật khẩu mới',
    repeatPassword: 'Nhập lại mật khẩu mới',
    passwordRule: 'Ít nhất {min} ký tự.',
    changePassword: 'Đổi mật khẩu',
    changing: 'Đang đổi…',
    tooShort: 'Mật khẩu mới phải có ít nhất {min} ký tự.',
    notRepeated: 'Hai mật khẩu mới không giống nhau.',
    accountTitle: 'Tài khoản của tôi',
    tokensTitle: 'Mã truy cập API',
    tokensIntro:
      'Mã truy cập cho phép một chương trình (tập lệnh, PACS khác) dùng kho lưu trữ với tư cách của bạn, qua tiêu đề Authorization: Bearer <mã>. Mã chỉ hiện một lần, khi được tạo.',
    tokenName: 'Tên',
    tokenDays: 'Hiệu lực (ngày)',
    createToken: 'Tạo mã',
    tokenCreated: 'Hãy sao chép mã này ngay: mã sẽ không hiện lại.',
    noTokens: 'Chưa có mã truy cập API nào.',
    colName: 'Tên',
    colCreated: 'Ngày tạo',
    colExpires: 'Hết hạn',
    colLastUsed: 'Dùng lần cuối',
    colState: 'Trạng thái',
    stateActive: 'đang dùng',
    stateRevoked: 'đã thu hồi',
    stateExpired: 'đã hết hạn',
    revoke: 'Thu hồi',
    never: 'chưa bao giờ',
    passwordChanged: 'Mật khẩu của bạn đã được đổi.',
    guestNoAccount: 'Ca chụp được chia sẻ không có tài khoản.',
  },
};
