import type { Messages } from '../i18n/i18n';

type Key =
  'loadFailed' | 'saveFailed' | 'markNotAllowed' | 'saveMeasurements' | 'measurementsSaved' | 'noMeasurements' | 'measurementsFailed';

/** Key images kept in the study (a failed load or change), and the measurements saved as a DICOM SR. */
export const keyImageMessages: Messages<Key> = {
  en: {
    loadFailed: "The study's key images could not be loaded: {message}",
    saveFailed: 'The key image could not be saved in the study: {message}',
    markNotAllowed: 'Key images are marked by those who may annotate this study.',
    saveMeasurements: 'Save measurements as DICOM SR',
    measurementsSaved: '{count} measurements saved in the study as a DICOM SR',
    noMeasurements: 'There are no measurements to save.',
    measurementsFailed: 'The measurements could not be saved in the study: {message}',
  },
  vi: {
    loadFailed: 'Không tải được các ảnh đánh dấu của ca chụp: {message}',
    saveFailed: 'Không lưu được ảnh đánh dấu vào ca chụp: {message}',
    markNotAllowed: 'Chỉ người được phép ghi chú trên ca chụp này mới đánh dấu được ảnh.',
    saveMeasurements: 'Lưu các số đo thành báo cáo DICOM SR',
    measurementsSaved: 'Đã lưu {count} số đo vào ca chụp dưới dạng DICOM SR',
    noMeasurements: 'Không có số đo nào để lưu.',
    measurementsFailed: 'Không lưu được các số đo vào ca chụp: {message}',
  },
};
