import type { Messages } from '../i18n/i18n';

type Key =
  | 'toolbarMenu'
  | 'seriesPanel'
  | 'groupNavigation'
  | 'groupWindow'
  | 'groupMeasure'
  | 'groupAnnotate'
  | 'groupLayout'
  | 'groupMore'
  | 'toolScroll'
  | 'windowPresets'
  | 'windowDefault'
  | 'layoutMenu'
  | 'keyWindowKeys'
  | 'keyZoomKeys'
  | 'keyPanKeys'
  | 'touchSwipe'
  | 'touchPinch'
  | 'touchLongPress';

/** The icon toolbar's groups and menus, the phone's drawer and menu buttons, keyboard and touch help. */
export const toolbarMessages: Messages<Key> = {
  en: {
    toolbarMenu: 'Tools',
    seriesPanel: 'Series and panels',
    groupNavigation: 'Navigation',
    groupWindow: 'Window',
    groupMeasure: 'Measure',
    groupAnnotate: 'Annotate',
    groupLayout: 'Layout',
    groupMore: 'More',
    toolScroll: 'Scroll through images',
    windowPresets: 'Window presets',
    windowDefault: 'Default window (from the image)',
    layoutMenu: 'Viewport layout',
    keyWindowKeys: 'Shift+← / →: narrower / wider window; Shift+↑ / ↓: lower / higher level',
    keyZoomKeys: '+ / −: zoom in / out',
    keyPanKeys: 'Ctrl+arrow keys: move the image',
    touchSwipe: 'Touch: one finger scrolls through the images (or does the chosen tool)',
    touchPinch: 'Touch: pinch with two fingers to zoom, drag with two fingers to move the image',
    touchLongPress: 'Touch: press and hold, then drag, to measure a length',
  },
  vi: {
    toolbarMenu: 'Công cụ',
    seriesPanel: 'Loạt ảnh và bảng bên',
    groupNavigation: 'Điều hướng',
    groupWindow: 'Cửa sổ',
    groupMeasure: 'Đo đạc',
    groupAnnotate: 'Chú thích',
    groupLayout: 'Bố cục',
    groupMore: 'Thêm',
    toolScroll: 'Cuộn qua các ảnh',
    windowPresets: 'Cửa sổ đặt sẵn',
    windowDefault: 'Cửa sổ mặc định (theo ảnh)',
    layoutMenu: 'Bố cục khung xem',
    keyWindowKeys: 'Shift+← / →: thu hẹp / mở rộng độ rộng cửa sổ; Shift+↑ / ↓: giảm / tăng mức cửa sổ',
    keyZoomKeys: '+ / −: phóng to / thu nhỏ',
    keyPanKeys: 'Ctrl+phím mũi tên: di chuyển ảnh',
    touchSwipe: 'Cảm ứng: một ngón tay vuốt để chuyển ảnh (hoặc dùng công cụ đã chọn)',
    touchPinch: 'Cảm ứng: chụm hai ngón tay để phóng to, thu nhỏ; kéo hai ngón tay để di chuyển ảnh',
    touchLongPress: 'Cảm ứng: chạm và giữ rồi kéo để đo chiều dài',
  },
};
