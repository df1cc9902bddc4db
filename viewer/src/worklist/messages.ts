import type { Messages } from '../i18n/i18n';

export type WorklistKey =
  | 'title'
  | 'patientName'
  | 'patientNamePlaceholder'
  | 'patientId'
  | 'accessionNumber'
  | 'studyDate'
  | 'dateAny'
  | 'dateToday'
  | 'dateLast7'
  | 'dateCustom'
  | 'dateFrom'
  | 'dateTo'
  | 'modality'
  | 'modalityAny'
  | 'search'
  | 'clear'
  | 'pageSize'
  | 'columnName'
  | 'columnId'
  | 'columnDate'
  | 'columnModality'
  | 'columnDescription'
  | 'columnAccession'
  | 'columnSeries'
  | 'columnInstances'
  | 'sortBy'
  | 'searching'
  | 'noStudies'
  | 'shown'
  | 'shownMore'
  | 'previous'
  | 'next'
  | 'searchFailed'
  | 'openStudy'
  | 'thisArchive'
  | 'remoteArchive'
  | 'remoteSearching';

export const worklistMessages: Messages<WorklistKey> = {
  en: {
    title: 'Worklist',
    patientName: 'Patient name',
    patientNamePlaceholder: 'e.g. nguyen an',
    patientId: 'Patient ID',
    accessionNumber: 'Accession no.',
    studyDate: 'Study date',
    dateAny: 'Any date',
    dateToday: 'Today',
    dateLast7: 'Last 7 days',
    dateCustom: 'Custom range',
    dateFrom: 'From',
    dateTo: 'To',
    modality: 'Modality',
    modalityAny: 'All',
    search: 'Search',
    clear: 'Clear',
    pageSize: 'Per page',
    columnName: 'Patient name',
    columnId: 'Patient ID',
    columnDate: 'Study date',
    columnModality: 'Modality',
    columnDescription: 'Description',
    columnAccession: 'Accession no.',
    columnSeries: 'Series',
    columnInstances: 'Images',
    sortBy: 'Sort by {column}',
    searching: 'Searching…',
    noStudies: 'No studies found. Check the spelling or widen the date range.',
    shown: 'Studies {from}–{to}',
    shownMore: 'Studies {from}–{to} (more match: use Next)',
    previous: '‹ Previous',
    next: 'Next ›',
    searchFailed: 'The search could not be completed.',
    openStudy: 'Open the study of {name} in the viewer',
    thisArchive: 'This archive',
    remoteArchive: 'Remote archive',
    remoteSearching: 'Searching {peer}…',
  },
  vi: {
    title: 'Danh sách ca chụp',
    patientName: 'Tên bệnh nhân',
    patientNamePlaceholder: 'vd. nguyen an',
    patientId: 'Mã bệnh nhân',
    accessionNumber: 'Số phiếu chụp',
    studyDate: 'Ngày chụp',
    dateAny: 'Mọi ngày',
    dateToday: 'Hôm nay',
    dateLast7: '7 ngày qua',
    dateCustom: 'Tùy chọn',
    dateFrom: 'Từ',
    dateTo: 'Đến',
    modality: 'Loại máy',
    modalityAny: 'Tất cả',
    search: 'Tìm kiếm',
    clear: 'Xóa',
    pageSize: 'Mỗi trang',
    columnName: 'Tên bệnh nhân',
    columnId: 'Mã bệnh nhân',
    columnDate: 'Ngày chụp',
    columnModality: 'Loại máy',
    columnDescription: 'Mô tả',
    columnAccession: 'Số phiếu chụp',
    columnSeries: 'Loạt ảnh',
    columnInstances: 'Số ảnh',
    sortBy: 'Sắp xếp theo {column}',
    searching: 'Đang tìm…',
    noStudies: 'Không tìm thấy ca chụp nào. Hãy kiểm tra chính tả hoặc mở rộng khoảng ngày.',
    shown: 'Ca chụp {from}–{to}',
    shownMore: 'Ca chụp {from}–{to} (còn nữa: bấm Trang sau)',
    previous: '‹ Trang trước',
    next: 'Trang sau ›',
    searchFailed: 'Không thực hiện được tìm kiếm.',
    openStudy: 'Mở ca chụp của {name} trong trình xem',
    thisArchive: 'Kho này',
    remoteArchive: 'Kho từ xa',
    remoteSearching: 'Đang tìm trong {peer}…',
  },
};
