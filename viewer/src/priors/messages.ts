import type { Messages } from '../i18n/i18n';

type Key =
  | 'patientStudies'
  | 'loadingStudies'
  | 'studiesFailed'
  | 'noOtherStudies'
  | 'noPatientId'
  | 'current'
  | 'opened'
  | 'prior'
  | 'openBeside'
  | 'images'
  | 'imagesOne'
  | 'noDescription'
  | 'noDate'
  | 'moreStudies';

/** The patient panel (priors) and the study headings of the series browser. */
export const priorMessages: Messages<Key> = {
  en: {
    patientStudies: "Patient's studies",
    loadingStudies: 'Looking for other studies…',
    studiesFailed: 'Could not list the patient’s studies: {message}',
    noOtherStudies: 'No other study of this patient.',
    noPatientId: 'The study has no Patient ID: the patient’s other studies cannot be told apart.',
    current: 'Current',
    opened: 'Shown',
    prior: 'Prior',
    openBeside: 'Open beside the current study',
    images: '{count} images',
    imagesOne: '1 image',
    noDescription: '(no description)',
    noDate: '(no date)',
    moreStudies: 'Only the {count} most recent studies are listed.',
  },
  vi: {
    patientStudies: 'Các ca chụp của bệnh nhân',
    loadingStudies: 'Đang tìm các ca chụp khác…',
    studiesFailed: 'Không liệt kê được các ca chụp của bệnh nhân: {message}',
    noOtherStudies: 'Bệnh nhân không có ca chụp nào khác.',
    noPatientId: 'Ca chụp không có mã bệnh nhân: không xác định được các ca chụp khác của bệnh nhân.',
    current: 'Hiện tại',
    opened: 'Đang mở',
    prior: 'Ca trước',
    openBeside: 'Mở cạnh ca chụp hiện tại',
    images: '{count} ảnh',
    imagesOne: '1 ảnh',
    noDescription: '(không có mô tả)',
    noDate: '(không có ngày)',
    moreStudies: 'Chỉ liệt kê {count} ca chụp gần nhất.',
  },
};
