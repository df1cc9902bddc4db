import type { Messages } from '../i18n/i18n';

type Key =
  | 'request'
  | 'dialogTitle'
  | 'intro'
  | 'specialistName'
  | 'specialistInstitution'
  | 'specialistContact'
  | 'requesterInstitution'
  | 'question'
  | 'urgency'
  | 'urgencyRoutine'
  | 'urgencyUrgent'
  | 'urgencyEmergency'
  | 'pinHint'
  | 'noName'
  | 'noQuestion'
  | 'badExpiry'
  | 'send'
  | 'sending'
  | 'sentTitle'
  | 'shownOnce'
  | 'statusRequested'
  | 'statusViewed'
  | 'statusAnswered'
  | 'statusClosed'
  | 'panelTitle'
  | 'from'
  | 'askedAt'
  | 'loading'
  | 'loadFailed'
  | 'yourOpinion'
  | 'authorName'
  | 'authorInstitution'
  | 'submit'
  | 'submitting'
  | 'noOpinion'
  | 'answeredAt'
  | 'opinionBy'
  | 'listTitle'
  | 'listEmpty'
  | 'listLoading'
  | 'colStatus'
  | 'colPatient'
  | 'colStudy'
  | 'colUrgency'
  | 'colSpecialist'
  | 'colQuestion'
  | 'colRequested'
  | 'colAnswered'
  | 'colOpinion'
  | 'openStudy'
  | 'closeConsultation'
  | 'closeConfirm'
  | 'closing';

/** Consultations: the request dialog in the viewer, the consultant's panel, the worklist's list. */
export const consultationMessages: Messages<Key> = {
  en: {
    request: 'Request consultation',
    dialogTitle: 'Ask a specialist about this study',
    intro:
      'The specialist gets a link to this study, can measure on the images and answers in the viewer; the answer is stored in the study as a report.',
    specialistName: 'Specialist',
    specialistInstitution: 'Their institution (optional)',
    specialistContact: 'Their contact, e-mail or phone (optional)',
    requesterInstitution: 'Your institution (optional)',
    question: 'Clinical question',
    urgency: 'Urgency',
    urgencyRoutine: 'routine',
    urgencyUrgent: 'urgent',
    urgencyEmergency: 'emergency',
    pinHint: '4 to 32 characters, no spaces; give it to the specialist separately',
    noName: 'Enter the name of the specialist you ask.',
    noQuestion: 'Enter the clinical question.',
    badExpiry: 'Enter how many days the link stays valid, as a number above 0.',
    send: 'Create consultation link',
    sending: 'Creating…',
    sentTitle: 'Consultation requested',
    shownOnce: 'Send this link to the specialist now: it will not be shown again.',
    statusRequested: 'requested',
    statusViewed: 'viewed',
    statusAnswered: 'answered',
    statusClosed: 'closed',
    panelTitle: 'Consultation',
    from: 'From',
    askedAt: 'Asked {time}',
    loading: 'Loading the consultation…',
    loadFailed: 'The consultation could not be loaded: {message}',
    yourOpinion: 'Your opinion',
    authorName: 'Your name',
    authorInstitution: 'Your institution',
    submit: 'Send opinion',
    submitting: 'Sending…',
    noOpinion: 'Write your opinion first.',
    answeredAt: 'Answered {time}',
    opinionBy: 'Opinion of {name}',
    listTitle: 'Consultations',
    listEmpty: 'No open or answered consultation.',
    listLoading: 'Loading consultations…',
    colStatus: 'Status',
    colPatient: 'Patient',
    colStudy: 'Study',
    colUrgency: 'Urgency',
    colSpecialist: 'Specialist',
    colQuestion: 'Question',
    colRequested: 'Requested',
    colAnswered: 'Answered',
    colOpinion: 'Opinion',
    openStudy: 'Open study',
    closeConsultation: 'Close',
    closeConfirm: "Close this consultation? The specialist's link stops working.",
    closing: 'Closing…',
  },
  vi: {
    request: 'Xin hội chẩn',
    dialogTitle: 'Xin ý kiến chuyên gia về ca chụp này',
    intro:
      'Chuyên gia nhận một liên kết tới ca chụp này, có thể đo trên ảnh và trả lời ngay trong trình xem; câu trả lời được lưu vào ca chụp dưới dạng báo cáo.',
    specialistName: 'Chuyên gia',
    specialistInstitution: 'Cơ sở của chuyên gia (không bắt buộc)',
    specialistContact: 'Liên hệ của chuyên gia, thư điện tử hoặc điện thoại (không bắt buộc)',
    requesterInstitution: 'Cơ sở của bạn (không bắt buộc)',
    question: 'Câu hỏi lâm sàng',
    urgency: 'Mức độ khẩn',
    urgencyRoutine: 'thường quy',
    urgencyUrgent: 'khẩn',
    urgencyEmergency: 'cấp cứu',
    pinHint: '4 đến 32 ký tự, không có dấu cách; hãy gửi riêng cho chuyên gia',
    noName: 'Hãy nhập tên chuyên gia bạn muốn hỏi.',
    noQuestion: 'Hãy nhập câu hỏi lâm sàng.',
    badExpiry: 'Hãy nhập số ngày liên kết còn hiệu lực, là một số lớn hơn 0.',
    send: 'Tạo liên kết hội chẩn',
    sending: 'Đang tạo…',
    sentTitle: 'Đã gửi yêu cầu hội chẩn',
    shownOnce: 'Hãy gửi liên kết này cho chuyên gia ngay: liên kết sẽ không được hiển thị lại.',
    statusRequested: 'đã gửi yêu cầu',
    statusViewed: 'đã xem',
    statusAnswered: 'đã trả lời',
    statusClosed: 'đã đóng',
    panelTitle: 'Hội chẩn',
    from: 'Nơi gửi',
    askedAt: 'Hỏi lúc {time}',
    loading: 'Đang tải yêu cầu hội chẩn…',
    loadFailed: 'Không tải được yêu cầu hội chẩn: {message}',
    yourOpinion: 'Ý kiến của bạn',
    authorName: 'Tên của bạn',
    authorInstitution: 'Cơ sở của bạn',
    submit: 'Gửi ý kiến',
    submitting: 'Đang gửi…',
    noOpinion: 'Hãy viết ý kiến trước.',
    answeredAt: 'Đã trả lời lúc {time}',
    opinionBy: 'Ý kiến của {name}',
    listTitle: 'Hội chẩn',
    listEmpty: 'Không có yêu cầu hội chẩn nào đang mở hoặc đã trả lời.',
    listLoading: 'Đang tải danh sách hội chẩn…',
    colStatus: 'Trạng thái',
    colPatient: 'Bệnh nhân',
    colStudy: 'Nghiên cứu',
    colUrgency: 'Mức độ khẩn',
    colSpecialist: 'Chuyên gia',
    colQuestion: 'Câu hỏi',
    colRequested: 'Ngày gửi',
    colAnswered: 'Ngày trả lời',
    colOpinion: 'Ý kiến',
    openStudy: 'Mở ca chụp',
    closeConsultation: 'Đóng',
    closeConfirm: 'Đóng hội chẩn này? Liên kết của chuyên gia sẽ không dùng được nữa.',
    closing: 'Đang đóng…',
  },
};
