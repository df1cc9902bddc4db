import type { Messages } from '../i18n/i18n';

type Key =
  | 'title'
  | 'close'
  | 'filter'
  | 'filterPlaceholder'
  | 'noImage'
  | 'loading'
  | 'noMatch'
  | 'columnTag'
  | 'columnKeyword'
  | 'columnVr'
  | 'columnValue'
  | 'privateTag'
  | 'items'
  | 'item'
  | 'inlineBytes'
  | 'bulkData'
  | 'bulkDataBytes'
  | 'empty'
  | 'instanceOf'
  | 'shown';

export const tagBrowserMessages: Messages<Key> = {
  en: {
    title: 'DICOM tags',
    close: 'Close',
    filter: 'Filter tags',
    filterPlaceholder: 'Tag, keyword or value',
    noImage: 'No image in the active viewport.',
    loading: 'Loading the data dictionary…',
    noMatch: 'No attribute matches the filter.',
    columnTag: 'Tag',
    columnKeyword: 'Keyword',
    columnVr: 'VR',
    columnValue: 'Value',
    privateTag: '(private or unknown)',
    items: '{count} items',
    item: 'Item {number}',
    inlineBytes: '{bytes} bytes',
    bulkData: 'bulk data',
    bulkDataBytes: 'bulk data, {bytes} bytes',
    empty: '(empty)',
    instanceOf: 'Instance {number}, frame {frame}',
    shown: '{shown} of {total} attributes',
  },
  vi: {
    title: 'Thẻ DICOM',
    close: 'Đóng',
    filter: 'Lọc thẻ',
    filterPlaceholder: 'Thẻ, từ khóa hoặc giá trị',
    noImage: 'Khung nhìn đang chọn chưa có ảnh.',
    loading: 'Đang tải từ điển dữ liệu…',
    noMatch: 'Không có thuộc tính nào khớp với bộ lọc.',
    columnTag: 'Thẻ',
    columnKeyword: 'Từ khóa',
    columnVr: 'VR',
    columnValue: 'Giá trị',
    privateTag: '(riêng hoặc không rõ)',
    items: '{count} mục',
    item: 'Mục {number}',
    inlineBytes: '{bytes} byte',
    bulkData: 'dữ liệu khối',
    bulkDataBytes: 'dữ liệu khối, {bytes} byte',
    empty: '(trống)',
    instanceOf: 'Ảnh số {number}, khung {frame}',
    shown: '{shown} trên {total} thuộc tính',
  },
};
