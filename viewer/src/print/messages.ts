import type { Messages } from '../i18n/i18n';

type Key =
  | 'title'
  | 'layout'
  | 'print'
  | 'backToViewer'
  | 'noStudy'
  | 'empty'
  | 'loading'
  | 'patientName'
  | 'patientId'
  | 'sexAge'
  | 'studyDate'
  | 'description'
  | 'institution'
  | 'pageOf'
  | 'imageCaption'
  | 'windowCaption'
  | 'imageFailed'
  | 'keyImageCount'
  | 'documentTitle'
  | 'titleOfInterest'
  | 'titleForReferringProvider';

export const printMessages: Messages<Key> = {
  en: {
    title: 'Film sheet',
    layout: 'Layout',
    print: 'Print',
    backToViewer: 'Back to the viewer',
    noStudy: 'No study given: open the print sheet from the viewer.',
    empty: 'No key images: mark images with K in the viewer.',
    loading: 'Preparing the sheet…',
    patientName: 'Patient',
    patientId: 'ID',
    sexAge: 'Sex / age',
    studyDate: 'Study date',
    description: 'Description',
    institution: 'Institution',
    pageOf: 'Page {page} of {pages}',
    imageCaption: 'Se {series} Im {instance}',
    windowCaption: 'W {width} L {center}',
    imageFailed: 'Image not available',
    keyImageCount: '{count} key images',
    documentTitle: 'Title',
    titleOfInterest: 'Of interest',
    titleForReferringProvider: 'For the referring provider',
  },
  vi: {
    title: 'Tờ phim',
    layout: 'Bố cục',
    print: 'In',
    backToViewer: 'Quay lại trình xem',
    noStudy: 'Chưa chọn ca chụp: hãy mở trang in từ trình xem.',
    empty: 'Chưa có ảnh đánh dấu: hãy đánh dấu ảnh bằng phím K trong trình xem.',
    loading: 'Đang chuẩn bị tờ phim…',
    patientName: 'Bệnh nhân',
    patientId: 'Mã bệnh nhân',
    sexAge: 'Giới / tuổi',
    studyDate: 'Ngày chụp',
    description: 'Mô tả',
    institution: 'Cơ sở y tế',
    pageOf: 'Trang {page}/{pages}',
    imageCaption: 'Loạt {series} Ảnh {instance}',
    windowCaption: 'W {width} L {center}',
    imageFailed: 'Không có ảnh',
    keyImageCount: '{count} ảnh đánh dấu',
    documentTitle: 'Tiêu đề',
    titleOfInterest: 'Đáng chú ý',
    titleForReferringProvider: 'Dành cho bác sĩ chỉ định',
  },
};
