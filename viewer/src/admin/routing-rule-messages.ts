import type { Messages } from '../i18n/i18n';

export type RoutingRuleKey =
  | 'tabRules'
  | 'rulesTitle'
  | 'rulesIntro'
  | 'noRules'
  | 'noPeers'
  | 'colName'
  | 'colPeer'
  | 'colCriteria'
  | 'colStatus'
  | 'colActions'
  | 'enabled'
  | 'disabled'
  | 'anyStudy'
  | 'criterionModality'
  | 'criterionSource'
  | 'criterionInstitution'
  | 'criterionDescription'
  | 'edit'
  | 'enable'
  | 'disable'
  | 'remove'
  | 'removeConfirm'
  | 'addTitle'
  | 'editTitle'
  | 'name'
  | 'peer'
  | 'modality'
  | 'modalityHint'
  | 'source'
  | 'sourceHint'
  | 'institution'
  | 'description'
  | 'patternHint'
  | 'enabledField'
  | 'save'
  | 'cancelEdit'
  | 'added'
  | 'saved'
  | 'removed'
  | 'enabledNotice'
  | 'disabledNotice'
  | 'nameRequired'
  | 'peerRequired';

/** The strings of the admin's Routing rules page (stable studies sent to a peer automatically). */
export const routingRuleMessages: Messages<RoutingRuleKey> = {
  en: {
    tabRules: 'Routing rules',
    rulesTitle: 'Routing rules',
    rulesIntro:
      'When a study is stable (no new image for a while), it is sent to the peer of every enabled rule it matches. Empty criteria match any study.',
    noRules: 'No routing rule yet.',
    noPeers: 'Add a peer first (Peers tab): a rule sends to a peer.',
    colName: 'Name',
    colPeer: 'Sends to',
    colCriteria: 'When',
    colStatus: 'Status',
    colActions: 'Actions',
    enabled: 'enabled',
    disabled: 'disabled',
    anyStudy: 'any study',
    criterionModality: 'modality {value}',
    criterionSource: 'stored by {value}',
    criterionInstitution: 'institution {value}',
    criterionDescription: 'description {value}',
    edit: 'Edit',
    enable: 'Enable',
    disable: 'Disable',
    remove: 'Delete',
    removeConfirm: 'Delete the routing rule {name}? Transfers it made stay in the list.',
    addTitle: 'Add a rule',
    editTitle: 'Edit {name}',
    name: 'Name',
    peer: 'Send to peer',
    modality: 'Modality',
    modalityHint: 'e.g. CT',
    source: 'Stored by (account)',
    sourceHint: 'e.g. ct-scanner',
    institution: 'Institution',
    description: 'Study description',
    patternHint: '* and ? wildcards',
    enabledField: 'Enabled',
    save: 'Save',
    cancelEdit: 'Cancel',
    added: 'Routing rule {name} added.',
    saved: 'Routing rule {name} saved.',
    removed: 'Routing rule {name} deleted.',
    enabledNotice: 'Routing rule {name} is enabled.',
    disabledNotice: 'Routing rule {name} is disabled.',
    nameRequired: 'Give the rule a name.',
    peerRequired: 'Choose the peer the rule sends to.',
  },
  vi: {
    tabRules: 'Quy tắc chuyển ảnh',
    rulesTitle: 'Quy tắc chuyển ảnh tự động',
    rulesIntro:
      'Khi một ca chụp đã ổn định (một lúc không có ảnh mới), ca đó được gửi tới kho liên kết của mọi quy tắc đang bật mà ca khớp. Điều kiện để trống khớp với mọi ca.',
    noRules: 'Chưa có quy tắc nào.',
    noPeers: 'Hãy thêm kho liên kết trước (thẻ Kho liên kết): quy tắc gửi ảnh tới một kho liên kết.',
    colName: 'Tên',
    colPeer: 'Gửi tới',
    colCriteria: 'Khi',
    colStatus: 'Trạng thái',
    colActions: 'Thao tác',
    enabled: 'đang bật',
    disabled: 'đang tắt',
    anyStudy: 'mọi ca chụp',
    criterionModality: 'loại máy {value}',
    criterionSource: 'do {value} lưu',
    criterionInstitution: 'cơ sở {value}',
    criterionDescription: 'mô tả {value}',
    edit: 'Sửa',
    enable: 'Bật',
    disable: 'Tắt',
    remove: 'Xóa',
    removeConfirm: 'Xóa quy tắc {name}? Các lượt truyền nó đã tạo vẫn ở trong danh sách.',
    addTitle: 'Thêm quy tắc',
    editTitle: 'Sửa {name}',
    name: 'Tên',
    peer: 'Gửi tới kho liên kết',
    modality: 'Loại máy',
    modalityHint: 'ví dụ CT',
    source: 'Tài khoản lưu ảnh',
    sourceHint: 'ví dụ maychup1',
    institution: 'Cơ sở y tế',
    description: 'Mô tả ca chụp',
    patternHint: 'ký tự đại diện * và ?',
    enabledField: 'Bật',
    save: 'Lưu',
    cancelEdit: 'Hủy',
    added: 'Đã thêm quy tắc {name}.',
    saved: 'Đã lưu quy tắc {name}.',
    removed: 'Đã xóa quy tắc {name}.',
    enabledNotice: 'Quy tắc {name} đã bật.',
    disabledNotice: 'Quy tắc {name} đã tắt.',
    nameRequired: 'Hãy đặt tên cho quy tắc.',
    peerRequired: 'Hãy chọn kho liên kết mà quy tắc gửi tới.',
  },
};
