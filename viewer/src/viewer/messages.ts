import type { Messages } from '../i18n/i18n';

type Key =
  | 'series'
  | 'seriesBrowser'
  | 'instances'
  | 'instancesOne'
  | 'noDescription'
  | 'notDisplayable'
  | 'loadingSeries'
  | 'loadedOf'
  | 'noStudy'
  | 'studyEmpty'
  | 'loadingStudy'
  | 'emptyViewport'
  | 'imageFailed'
  | 'sync'
  | 'keySync'
  | 'keyDelete'
  | 'toolCobbAngle'
  | 'toolArrowAnnotate'
  | 'arrowText'
  | 'arrowTextHint'
  | 'orientationMarkers'
  | 'layout'
  | 'toolWindowLevel'
  | 'toolPan'
  | 'toolZoom'
  | 'invert'
  | 'rotate'
  | 'flipH'
  | 'flipV'
  | 'fit'
  | 'reset'
  | 'play'
  | 'pause'
  | 'fps'
  | 'help'
  | 'close'
  | 'slice'
  | 'shortcuts'
  | 'overlaySeries'
  | 'overlayImage'
  | 'overlayLocation'
  | 'overlayThickness'
  | 'overlayWindow'
  | 'overlayZoom'
  | 'overlaySexAge'
  | 'keyWheel'
  | 'keyArrows'
  | 'keyPresets'
  | 'keyInvert'
  | 'keyRotate'
  | 'keyFlipH'
  | 'keyFlipV'
  | 'keyFit'
  | 'keyReset'
  | 'keyCine'
  | 'keyHelp'
  | 'keyDrag'
  | 'keyMiddle'
  | 'keyRight'
  | 'toolLength'
  | 'toolAngle'
  | 'toolRectangleRoi'
  | 'toolEllipticalRoi'
  | 'toolProbe'
  | 'measurements'
  | 'noMeasurements'
  | 'delete'
  | 'lengthMm'
  | 'lengthPx'
  | 'angle'
  | 'roiStats'
  | 'roiArea'
  | 'probeValue'
  | 'keyImage'
  | 'keyImageMarker'
  | 'keyImageCount'
  | 'printSheet'
  | 'download'
  | 'downloadMenu'
  | 'downloadStudyZip'
  | 'downloadSeriesZip'
  | 'downloadStudyFileSet'
  | 'downloadPng'
  | 'downloadPngPlain'
  | 'downloadJpeg'
  | 'downloadJpegPlain'
  | 'downloadNoImage'
  | 'keyKeyImage'
  | 'tagBrowser'
  | 'tagBrowserShort'
  | 'openReport'
  | 'keyTags'
  | 'selectMeasurement'
  | 'presetBrain'
  | 'presetSubdural'
  | 'presetStroke'
  | 'presetLung'
  | 'presetMediastinum'
  | 'presetAbdomen'
  | 'presetLiver'
  | 'presetBone';

export const viewerMessages: Messages<Key> = {
  en: {
    series: 'Series',
    seriesBrowser: 'Series of the study',
    instances: '{count} images',
    instancesOne: '{count} image',
    noDescription: '(no description)',
    notDisplayable: 'not displayable yet',
    loadingSeries: 'Loading…',
    loadedOf: '{loaded}/{total}',
    noStudy: 'No study given: open the viewer from the worklist.',
    studyEmpty: 'This study has no series in the archive (it may have been deleted).',
    loadingStudy: 'Loading the study…',
    emptyViewport: 'Click or drag a series here',
    imageFailed: 'This image cannot be shown: {message}',
    sync: 'Sync',
    keySync: 'S: synchronized scrolling of series in the same frame of reference',
    keyDelete: 'Delete: remove the selected measurement (click one to select it)',
    toolCobbAngle: 'Cobb angle',
    toolArrowAnnotate: 'Arrow with text',
    arrowText: 'Arrow text',
    arrowTextHint: 'Enter to place, Esc to cancel',
    orientationMarkers: 'Patient orientation',
    layout: 'Layout {layout}',
    toolWindowLevel: 'Window/level',
    toolPan: 'Pan',
    toolZoom: 'Zoom',
    invert: 'Invert',
    rotate: 'Rotate 90°',
    flipH: 'Flip horizontal',
    flipV: 'Flip vertical',
    fit: 'Fit',
    reset: 'Reset',
    play: 'Play',
    pause: 'Pause',
    fps: 'Frames per second',
    help: 'Keyboard shortcuts',
    tagBrowser: 'DICOM tags (T)',
    tagBrowserShort: 'Tags',
    openReport: 'report: click to read',
    close: 'Close',
    slice: 'Image',
    shortcuts: 'Keyboard and mouse',
    overlaySeries: 'Se: {number}',
    overlayImage: 'Im: {index}/{count}',
    overlayLocation: 'Loc: {value} mm',
    overlayThickness: 'Thick: {value} mm',
    overlayWindow: 'W: {width} L: {center}',
    overlayZoom: 'Zoom: {value}%',
    overlaySexAge: '{sex} {age}',
    keyWheel: 'Mouse wheel: previous / next image',
    keyArrows: 'Arrow keys: previous / next image',
    keyPresets: '1–8: CT window presets',
    keyInvert: 'I: invert',
    keyRotate: 'R: rotate 90°',
    keyFlipH: 'H: flip horizontal',
    keyFlipV: 'V: flip vertical',
    keyFit: 'F: fit to window',
    keyReset: 'Esc or 0: reset',
    keyCine: 'Space: play / pause',
    keyHelp: '?: this help',
    keyDrag: 'Left drag: the chosen tool (window/level by default)',
    keyMiddle: 'Middle drag: pan',
    keyRight: 'Right drag: zoom',
    toolLength: 'Length',
    toolAngle: 'Angle',
    toolRectangleRoi: 'Rectangle ROI',
    toolEllipticalRoi: 'Ellipse ROI',
    toolProbe: 'Probe',
    measurements: 'Measurements',
    noMeasurements: 'No measurement on this image.',
    delete: 'Delete',
    selectMeasurement: 'Select this measurement on the image (Delete removes it)',
    lengthMm: '{value} mm',
    lengthPx: '{value} px (uncalibrated)',
    angle: '{value}°',
    roiStats: 'mean {mean} ± {sd} {unit}, min {min}, max {max}',
    roiArea: 'area {value} {unit}',
    probeValue: '{value} {unit} at ({x}, {y})',
    keyImage: 'Key image',
    keyImageMarker: 'Key image',
    keyImageCount: '{count} key images',
    printSheet: 'Print…',
    download: 'Download',
    downloadMenu: 'Download the study, the series or this image',
    downloadStudyZip: 'Study as ZIP (DICOM files)',
    downloadSeriesZip: 'Series as ZIP (DICOM files)',
    downloadStudyFileSet: 'Study for a CD or USB stick (DICOMDIR)',
    downloadPng: 'Image as PNG, with annotations',
    downloadPngPlain: 'Image as PNG, image only',
    downloadJpeg: 'Image as JPEG, with annotations',
    downloadJpegPlain: 'Image as JPEG, image only',
    downloadNoImage: 'This viewport shows no image to download.',
    keyKeyImage: 'K: mark / unmark key image',
    keyTags: 'T: DICOM tag browser of the current image',
    presetBrain: 'Brain',
    presetSubdural: 'Subdural',
    presetStroke: 'Stroke',
    presetLung: 'Lung',
    presetMediastinum: 'Mediastinum',
    presetAbdomen: 'Abdomen',
    presetLiver: 'Liver',
    presetBone: 'Bone',
  },
  vi: {
    series: 'Loạt ảnh',
    seriesBrowser: 'Các loạt ảnh của ca chụp',
    instances: '{count} ảnh',
    instancesOne: '{count} ảnh',
    noDescription: '(không có mô tả)',
    notDisplayable: 'chưa hiển thị được',
    loadingSeries: 'Đang tải…',
    loadedOf: '{loaded}/{total}',
    noStudy: 'Chưa chọn ca chụp: hãy mở trình xem từ danh sách ca chụp.',
    studyEmpty: 'Ca chụp này không còn loạt ảnh nào trong kho (có thể đã bị xoá).',
    loadingStudy: 'Đang tải ca chụp…',
    emptyViewport: 'Bấm hoặc kéo một loạt ảnh vào đây',
    imageFailed: 'Không hiển thị được ảnh này: {message}',
    sync: 'Đồng bộ',
    keySync: 'S: cuộn đồng bộ các loạt ảnh cùng hệ toạ độ',
    keyDelete: 'Delete: xoá số đo đang chọn (bấm vào một số đo để chọn)',
    toolCobbAngle: 'Góc Cobb',
    toolArrowAnnotate: 'Mũi tên kèm chữ',
    arrowText: 'Chữ của mũi tên',
    arrowTextHint: 'Enter để đặt, Esc để huỷ',
    orientationMarkers: 'Hướng bệnh nhân',
    layout: 'Bố cục {layout}',
    toolWindowLevel: 'Cửa sổ/mức',
    toolPan: 'Di chuyển',
    toolZoom: 'Phóng to',
    invert: 'Đảo màu',
    rotate: 'Xoay 90°',
    flipH: 'Lật ngang',
    flipV: 'Lật dọc',
    fit: 'Vừa khung',
    reset: 'Đặt lại',
    play: 'Phát',
    pause: 'Tạm dừng',
    fps: 'Số ảnh mỗi giây',
    help: 'Phím tắt',
    tagBrowser: 'Thẻ DICOM (T)',
    tagBrowserShort: 'Thẻ',
    openReport: 'báo cáo: nhấn để đọc',
    close: 'Đóng',
    slice: 'Ảnh',
    shortcuts: 'Bàn phím và chuột',
    overlaySeries: 'Loạt: {number}',
    overlayImage: 'Ảnh: {index}/{count}',
    overlayLocation: 'Vị trí: {value} mm',
    overlayThickness: 'Độ dày: {value} mm',
    overlayWindow: 'W: {width} L: {center}',
    overlayZoom: 'Thu phóng: {value}%',
    overlaySexAge: '{sex} {age}',
    keyWheel: 'Con lăn chuột: ảnh trước / ảnh sau',
    keyArrows: 'Phím mũi tên: ảnh trước / ảnh sau',
    keyPresets: '1–8: các mức cửa sổ CT đặt sẵn',
    keyInvert: 'I: đảo màu',
    keyRotate: 'R: xoay 90°',
    keyFlipH: 'H: lật ngang',
    keyFlipV: 'V: lật dọc',
    keyFit: 'F: vừa khung',
    keyReset: 'Esc hoặc 0: đặt lại',
    keyCine: 'Phím cách: phát / tạm dừng',
    keyHelp: '?: bảng trợ giúp này',
    keyDrag: 'Kéo chuột trái: công cụ đang chọn (mặc định cửa sổ/mức)',
    keyMiddle: 'Kéo chuột giữa: di chuyển',
    keyRight: 'Kéo chuột phải: phóng to',
    toolLength: 'Đo chiều dài',
    toolAngle: 'Đo góc',
    toolRectangleRoi: 'Vùng chữ nhật',
    toolEllipticalRoi: 'Vùng elip',
    toolProbe: 'Đầu dò giá trị',
    measurements: 'Số đo',
    noMeasurements: 'Chưa có số đo nào trên ảnh này.',
    delete: 'Xoá',
    selectMeasurement: 'Chọn số đo này trên ảnh (phím Delete để xoá)',
    lengthMm: '{value} mm',
    lengthPx: '{value} px (chưa hiệu chuẩn)',
    angle: '{value}°',
    roiStats: 'trung bình {mean} ± {sd} {unit}, nhỏ nhất {min}, lớn nhất {max}',
    roiArea: 'diện tích {value} {unit}',
    probeValue: '{value} {unit} tại ({x}, {y})',
    keyImage: 'Ảnh đánh dấu',
    keyImageMarker: 'Ảnh đánh dấu',
    keyImageCount: '{count} ảnh đánh dấu',
    printSheet: 'In phim…',
    download: 'Tải xuống',
    downloadMenu: 'Tải xuống ca chụp, loạt ảnh hoặc ảnh này',
    downloadStudyZip: 'Ca chụp dạng ZIP (tệp DICOM)',
    downloadSeriesZip: 'Loạt ảnh dạng ZIP (tệp DICOM)',
    downloadStudyFileSet: 'Ca chụp để ghi đĩa CD hoặc USB (DICOMDIR)',
    downloadPng: 'Ảnh PNG, kèm chú thích',
    downloadPngPlain: 'Ảnh PNG, chỉ có ảnh',
    downloadJpeg: 'Ảnh JPEG, kèm chú thích',
    downloadJpegPlain: 'Ảnh JPEG, chỉ có ảnh',
    downloadNoImage: 'Khung xem này không có ảnh để tải xuống.',
    keyKeyImage: 'K: đánh dấu / bỏ đánh dấu ảnh',
    keyTags: 'T: trình xem thẻ DICOM của ảnh hiện tại',
    presetBrain: 'Não',
    presetSubdural: 'Dưới màng cứng',
    presetStroke: 'Đột quỵ',
    presetLung: 'Phổi',
    presetMediastinum: 'Trung thất',
    presetAbdomen: 'Bụng',
    presetLiver: 'Gan',
    presetBone: 'Xương',
  },
};
