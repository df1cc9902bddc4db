import type { Messages } from '../i18n/i18n';

/** The upload screen's strings. */
export const uploadMessages: Messages<
  | 'title'
  | 'intro'
  | 'dropHere'
  | 'chooseFiles'
  | 'chooseFolder'
  | 'reading'
  | 'nothingFound'
  | 'progressLabel'
  | 'progressFiles'
  | 'progressBytes'
  | 'running'
  | 'finished'
  | 'summary'
  | 'colFile'
  | 'colStatus'
  | 'colDetails'
  | 'statusStored'
  | 'statusDuplicate'
  | 'statusRefused'
  | 'statusNotDicom'
  | 'statusDirectory'
  | 'statusFailed'
  | 'statusCancelled'
  | 'summaryCancelled'
  | 'cancel'
  | 'cancelling'
  | 'cancelled'
  | 'failureCode'
  | 'noReason'
  | 'storedStudies'
  | 'openStudy'
> = {
  en: {
    title: 'Upload studies',
    intro:
      'Add a patient’s CD, a folder or DICOM files. They are stored in the archive in batches; files that are not DICOM and the DICOMDIR index are skipped.',
    dropHere: 'Drop files or folders here',
    chooseFiles: 'Choose files',
    chooseFolder: 'Choose folder',
    reading: 'Reading the dropped folders…',
    nothingFound: 'No files were found in what was dropped.',
    progressLabel: 'Upload progress',
    progressFiles: '{done} of {total} files',
    progressBytes: '{done} of {total}',
    running: 'Uploading…',
    finished: 'Finished.',
    summary: '{stored} stored, {duplicate} already stored, {refused} refused, {skipped} skipped, {failed} not sent',
    colFile: 'File',
    colStatus: 'Result',
    colDetails: 'Details',
    statusStored: 'stored',
    statusDuplicate: 'already stored (duplicate)',
    statusRefused: 'refused',
    statusNotDicom: 'not a DICOM file',
    statusDirectory: 'directory index, skipped',
    statusFailed: 'not sent',
    statusCancelled: 'cancelled',
    summaryCancelled: '{cancelled} cancelled',
    cancel: 'Cancel upload',
    cancelling: 'Cancelling…',
    cancelled: 'Cancelled.',
    failureCode: 'code {code}',
    noReason: 'The archive gave no outcome for this file.',
    storedStudies: 'Studies in this upload',
    openStudy: 'Open study {uid}',
  },
  vi: {
    title: 'Tải lên ca chụp',
    intro:
      'Thêm đĩa CD của bệnh nhân, một thư mục hoặc các tệp DICOM. Các tệp được lưu vào kho lưu trữ theo từng đợt; tệp không phải DICOM và tệp chỉ mục DICOMDIR được bỏ qua.',
    dropHere: 'Thả tệp hoặc thư mục vào đây',
    chooseFiles: 'Chọn tệp',
    chooseFolder: 'Chọn thư mục',
    reading: 'Đang đọc các thư mục được thả vào…',
    nothingFound: 'Không tìm thấy tệp nào trong những gì được thả vào.',
    progressLabel: 'Tiến độ tải lên',
    progressFiles: '{done} / {total} tệp',
    progressBytes: '{done} / {total}',
    running: 'Đang tải lên…',
    finished: 'Đã xong.',
    summary: '{stored} đã lưu, {duplicate} đã có sẵn, {refused} bị từ chối, {skipped} bỏ qua, {failed} chưa gửi được',
    colFile: 'Tệp',
    colStatus: 'Kết quả',
    colDetails: 'Chi tiết',
    statusStored: 'đã lưu',
    statusDuplicate: 'đã có sẵn (trùng lặp)',
    statusRefused: 'bị từ chối',
    statusNotDicom: 'không phải tệp DICOM',
    statusDirectory: 'tệp chỉ mục thư mục, bỏ qua',
    statusFailed: 'chưa gửi được',
    statusCancelled: 'đã hủy',
    summaryCancelled: '{cancelled} đã hủy',
    cancel: 'Hủy tải lên',
    cancelling: 'Đang hủy…',
    cancelled: 'Đã hủy.',
    failureCode: 'mã {code}',
    noReason: 'Kho lưu trữ không trả về kết quả cho tệp này.',
    storedStudies: 'Các ca chụp trong lần tải lên này',
    openStudy: 'Mở ca chụp {uid}',
  },
};
