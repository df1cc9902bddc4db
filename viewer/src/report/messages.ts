import type { ReportSection } from '../../../shared/api/reports';
import type { Messages } from '../i18n/i18n';

type Key =
  | 'button'
  | 'title'
  | 'close'
  | 'loading'
  | 'none'
  | 'template'
  | 'templateCT'
  | 'templateMR'
  | 'templateCR'
  | 'templateUS'
  | 'templateother'
  | 'applyTemplate'
  | 'replaceWithTemplate'
  | 'replace'
  | 'saveDraft'
  | 'saving'
  | 'saved'
  | 'discardDraft'
  | 'discardQuestion'
  | 'discard'
  | 'organization'
  | 'sign'
  | 'signing'
  | 'signQuestion'
  | 'amend'
  | 'draftOf'
  | 'amendmentOf'
  | 'final'
  | 'superseded'
  | 'signedBy'
  | 'history'
  | 'version'
  | 'print'
  | 'readOnly'
  | 'emptyReport'
  | 'organizationNeeded'
  | ReportSection;

export const reportMessages: Messages<Key> = {
  en: {
    button: 'Report',
    title: 'Report',
    close: 'Close',
    loading: 'Loading the report…',
    none: 'No report has been signed for this study yet.',
    template: 'Template',
    templateCT: 'CT',
    templateMR: 'MR',
    templateCR: 'X-ray (CR/DX)',
    templateUS: 'Ultrasound',
    templateother: 'Other',
    applyTemplate: 'Use template',
    replaceWithTemplate: 'Replace the text written so far with the template?',
    replace: 'Replace',
    saveDraft: 'Save draft',
    saving: 'Saving…',
    saved: 'Draft saved {time}',
    discardDraft: 'Discard draft',
    discardQuestion: 'Discard this draft? What was written is lost.',
    discard: 'Discard',
    organization: 'Organization',
    sign: 'Sign and finalize',
    signing: 'Signing…',
    signQuestion: 'Sign this report as {name}? It is stored in the study and can then only be amended.',
    amend: 'Amend',
    draftOf: 'Draft (version {version})',
    amendmentOf: 'Amendment draft (version {version})',
    final: 'Final',
    superseded: 'Superseded',
    signedBy: 'Signed by {name}, {organization}, {time}',
    history: 'Earlier versions',
    version: 'Version {version}',
    print: 'Print report',
    readOnly: 'Only a radiologist can write or sign the report.',
    emptyReport: 'Write at least the findings or the impression.',
    organizationNeeded: 'Name the organization you sign for.',
    clinicalInformation: 'Clinical information',
    technique: 'Technique',
    findings: 'Findings',
    impression: 'Impression',
    recommendations: 'Recommendations',
  },
  vi: {
    button: 'Kết quả',
    title: 'Kết quả chẩn đoán',
    close: 'Đóng',
    loading: 'Đang tải kết quả…',
    none: 'Ca chụp này chưa có kết quả đã ký.',
    template: 'Mẫu',
    templateCT: 'Cắt lớp vi tính',
    templateMR: 'Cộng hưởng từ',
    templateCR: 'X quang',
    templateUS: 'Siêu âm',
    templateother: 'Khác',
    applyTemplate: 'Dùng mẫu',
    replaceWithTemplate: 'Thay nội dung đã viết bằng mẫu?',
    replace: 'Thay',
    saveDraft: 'Lưu nháp',
    saving: 'Đang lưu…',
    saved: 'Đã lưu nháp lúc {time}',
    discardDraft: 'Bỏ bản nháp',
    discardQuestion: 'Bỏ bản nháp này? Nội dung đã viết sẽ mất.',
    discard: 'Bỏ',
    organization: 'Cơ sở y tế',
    sign: 'Ký duyệt',
    signing: 'Đang ký…',
    signQuestion: 'Ký kết quả này với tên {name}? Kết quả được lưu vào ca chụp và sau đó chỉ có thể sửa đổi bằng bản mới.',
    amend: 'Sửa đổi',
    draftOf: 'Bản nháp (phiên bản {version})',
    amendmentOf: 'Bản nháp sửa đổi (phiên bản {version})',
    final: 'Đã ký',
    superseded: 'Đã được thay thế',
    signedBy: 'Ký bởi {name}, {organization}, {time}',
    history: 'Các phiên bản trước',
    version: 'Phiên bản {version}',
    print: 'In kết quả',
    readOnly: 'Chỉ bác sĩ chẩn đoán hình ảnh được viết và ký kết quả.',
    emptyReport: 'Hãy viết ít nhất phần mô tả hoặc kết luận.',
    organizationNeeded: 'Hãy nhập cơ sở y tế nơi bạn ký kết quả.',
    clinicalInformation: 'Thông tin lâm sàng',
    technique: 'Kỹ thuật',
    findings: 'Mô tả',
    impression: 'Kết luận',
    recommendations: 'Đề nghị',
  },
};
