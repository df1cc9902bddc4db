import type { Messages } from '../i18n/i18n';

type Key =
  | 'qualityPreview'
  | 'qualityLossy'
  | 'qualityLossless'
  | 'qualityPreviewTitle'
  | 'qualityLossyTitle'
  | 'qualityLosslessTitle'
  | 'losslessCount'
  | 'onPreview'
  | 'onPreviewTitle';

/** The quality badge, the series' loading progress and the marks on measurements made on a preview. */
export const qualityMessages: Messages<Key> = {
  en: {
    qualityPreview: 'Preview',
    qualityLossy: 'Lossy',
    qualityLossless: 'Lossless',
    qualityPreviewTitle: 'Preview at reduced resolution, not for diagnosis: the lossless image is on its way',
    qualityLossyTitle: 'Lossy compressed: pixel values differ from the original acquisition',
    qualityLosslessTitle: 'Lossless: the original pixel values',
    losslessCount: '{count} lossless',
    onPreview: '(preview)',
    onPreviewTitle: 'Measured on a preview: values are approximate until the lossless image arrives',
  },
  vi: {
    qualityPreview: 'Xem trước',
    qualityLossy: 'Nén mất mát',
    qualityLossless: 'Không mất mát',
    qualityPreviewTitle: 'Ảnh xem trước ở độ phân giải thấp, không dùng để chẩn đoán: ảnh không mất mát đang được tải',
    qualityLossyTitle: 'Nén mất mát: giá trị điểm ảnh khác với ảnh gốc',
    qualityLosslessTitle: 'Không mất mát: đúng giá trị điểm ảnh gốc',
    losslessCount: '{count} không mất mát',
    onPreview: '(ảnh xem trước)',
    onPreviewTitle: 'Đo trên ảnh xem trước: giá trị chỉ gần đúng cho đến khi có ảnh không mất mát',
  },
};
