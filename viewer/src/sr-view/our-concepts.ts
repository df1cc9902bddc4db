/**
 * The labels of the reports this archive writes itself (the consultation opinion, a Basic Text SR:
 * server/consultation/sr-content.ts CONCEPTS and opinion-sr.ts; the diagnostic report,
 * server/reports/report-sr.ts; the key images' KOS), in the UI language. A report
 * from elsewhere is shown with its own Code Meanings; ours are recognised by coding scheme and
 * code value, so the words stored in the DICOM object stay the standard's English.
 * test/viewer/sr-labels.test.ts checks that every concept the server writes is named here.
 */

/** i18n.ts's Language, repeated so that this module has no DOM globals and its unit test runs in Node. */
type Language = 'en' | 'vi';

/** `${scheme}:${value}` of each concept the server writes, and the opinion series' description. */
export type OurConcept =
  | 'LN:11488-4'
  | 'LN:55115-0'
  | 'DCM:121073'
  | 'DCM:121008'
  | 'DCM:121009'
  | '99PACS:CONSULT-ID'
  | '99PACS:REQUESTER'
  | '99PACS:REQUESTER-ORG'
  | '99PACS:URGENCY'
  | '99PACS:OBSERVER-CONTACT'
  | 'Consultation opinion'
  // the key images' KOS (server/key-images): its series, its two Document Titles (CID 7010)
  | 'Key images'
  | 'Measurement report'
  | 'DCM:113000'
  | 'DCM:113002'
  // the diagnostic report (server/reports/report-sr.ts): its series, title, language, section headings (CID 7001) and texts (CID 7002)
  | 'Diagnostic report'
  | 'LN:18748-4'
  | 'DCM:121049'
  | 'LN:55752-0'
  | 'DCM:121060'
  | 'DCM:121064'
  | 'DCM:121065'
  | 'DCM:121070'
  | 'DCM:121071'
  | 'DCM:121072'
  | 'DCM:121074'
  | 'DCM:121075'
  // the TID 1500 measurement report (server/measurement-report, written by dcmjs's adapter): its concepts and code values
  | 'DCM:126000'
  | 'DCM:121046'
  | 'DCM:121058'
  | 'DCM:111028'
  | 'DCM:126200'
  | 'DCM:126010'
  | 'DCM:125007'
  | 'DCM:112039'
  | 'DCM:112040'
  | 'SCT:410668003'
  | 'SCT:42798000'
  | 'SCT:131191004'
  | 'SCT:285285000'
  | 'DCM:111010'
  | 'United States'
  | 'Imaging procedure'
  // the language values written under DCM:121049 (RFC5646 en, vi)
  | 'English'
  | 'Vietnamese'
  // the urgency values written under 99PACS:URGENCY (as consultation/messages.ts says them)
  | 'routine'
  | 'urgent'
  | 'emergency';

export const ourConceptMessages: Record<Language, Record<OurConcept, string>> = {
  en: {
    'LN:11488-4': 'Consult note',
    'LN:55115-0': 'Request',
    'DCM:121073': 'Impression',
    'DCM:121008': 'Person Observer Name',
    'DCM:121009': "Person Observer's Organization Name",
    '99PACS:CONSULT-ID': 'Consultation identifier',
    '99PACS:REQUESTER': 'Consultation requester',
    '99PACS:REQUESTER-ORG': "Consultation requester's organization",
    '99PACS:URGENCY': 'Consultation urgency',
    '99PACS:OBSERVER-CONTACT': "Person observer's contact",
    'Consultation opinion': 'Consultation opinion',
    'Key images': 'Key images',
    'Measurement report': 'Measurement report',
    'DCM:113000': 'Of Interest',
    'DCM:113002': 'For Referring Provider',
    'Diagnostic report': 'Diagnostic report',
    'LN:18748-4': 'Diagnostic Imaging Report',
    'DCM:121049': 'Language of Content Item and Descendants',
    'LN:55752-0': 'Clinical Information',
    'DCM:121060': 'History',
    'DCM:121064': 'Current Procedure Descriptions',
    'DCM:121065': 'Procedure Description',
    'DCM:121070': 'Findings',
    'DCM:121071': 'Finding',
    'DCM:121072': 'Impressions',
    'DCM:121074': 'Recommendations',
    'DCM:121075': 'Recommendation',
    'DCM:126000': 'Imaging Measurement Report',
    'DCM:121046': 'Country of Language',
    'DCM:121058': 'Procedure reported',
    'DCM:111028': 'Image Library',
    'DCM:126200': 'Image Library Group',
    'DCM:126010': 'Imaging Measurements',
    'DCM:125007': 'Measurement Group',
    'DCM:112039': 'Tracking Identifier',
    'DCM:112040': 'Tracking Unique Identifier',
    'SCT:410668003': 'Length',
    'SCT:42798000': 'Area',
    'SCT:131191004': 'Perimeter',
    'SCT:285285000': 'Cobb angle',
    'DCM:111010': 'Center',
    'United States': 'United States',
    'Imaging procedure': 'Imaging procedure',
    English: 'English',
    Vietnamese: 'Vietnamese',
    routine: 'routine',
    urgent: 'urgent',
    emergency: 'emergency',
  },
  vi: {
    'LN:11488-4': 'Ý kiến hội chẩn',
    'LN:55115-0': 'Câu hỏi lâm sàng',
    'DCM:121073': 'Kết luận',
    'DCM:121008': 'Người cho ý kiến',
    'DCM:121009': 'Cơ sở của người cho ý kiến',
    '99PACS:CONSULT-ID': 'Mã hội chẩn',
    '99PACS:REQUESTER': 'Người gửi yêu cầu',
    '99PACS:REQUESTER-ORG': 'Nơi gửi yêu cầu',
    '99PACS:URGENCY': 'Mức độ khẩn',
    '99PACS:OBSERVER-CONTACT': 'Liên hệ của người cho ý kiến',
    'Consultation opinion': 'Ý kiến hội chẩn',
    'Key images': 'Ảnh đánh dấu',
    'Measurement report': 'Báo cáo số đo',
    'DCM:113000': 'Đáng chú ý',
    'DCM:113002': 'Dành cho bác sĩ chỉ định',
    'Diagnostic report': 'Kết quả chẩn đoán',
    'LN:18748-4': 'Kết quả chẩn đoán hình ảnh',
    'DCM:121049': 'Ngôn ngữ',
    'LN:55752-0': 'Thông tin lâm sàng',
    'DCM:121060': 'Bệnh sử',
    'DCM:121064': 'Kỹ thuật',
    'DCM:121065': 'Mô tả kỹ thuật',
    'DCM:121070': 'Mô tả',
    'DCM:121071': 'Mô tả',
    'DCM:121072': 'Kết luận',
    'DCM:121074': 'Đề nghị',
    'DCM:121075': 'Đề nghị',
    'DCM:126000': 'Báo cáo số đo hình ảnh',
    'DCM:121046': 'Quốc gia của ngôn ngữ',
    'DCM:121058': 'Thủ thuật được báo cáo',
    'DCM:111028': 'Thư viện ảnh',
    'DCM:126200': 'Nhóm ảnh',
    'DCM:126010': 'Các số đo trên ảnh',
    'DCM:125007': 'Nhóm số đo',
    'DCM:112039': 'Mã theo dõi',
    'DCM:112040': 'UID theo dõi',
    'SCT:410668003': 'Chiều dài',
    'SCT:42798000': 'Diện tích',
    'SCT:131191004': 'Chu vi',
    'SCT:285285000': 'Góc Cobb',
    'DCM:111010': 'Tâm',
    'United States': 'Hoa Kỳ',
    'Imaging procedure': 'Thủ thuật chẩn đoán hình ảnh',
    English: 'Tiếng Anh',
    Vietnamese: 'Tiếng Việt',
    routine: 'thường quy',
    urgent: 'khẩn',
    emergency: 'cấp cứu',
  },
};

const isOurs = (key: string): key is OurConcept => Object.hasOwn(ourConceptMessages.en, key);

/** A concept name: ours in `language`, any other as its Code Meaning. */
export function conceptName(scheme: string, value: string, meaning: string, language: Language): string {
  const key = `${scheme}:${value}`;
  return isOurs(key) ? ourConceptMessages[language][key] : meaning;
}

/** A value under one of our concepts: the urgency word and the report's language translated; anything else as written. */
export function conceptValue(scheme: string, value: string, text: string, language: Language): string {
  const urgency = scheme === '99PACS' && value === 'URGENCY' && ['routine', 'urgent', 'emergency'].includes(text);
  const reportLanguage = scheme === 'DCM' && value === '121049' && (text === 'English' || text === 'Vietnamese');
  // What dcmjs's TID 1500 writes under Country of Language and Procedure reported.
  const measurementReport =
    scheme === 'DCM' && ((value === '121046' && text === 'United States') || (value === '121058' && text === 'Imaging procedure'));
  return urgency || reportLanguage || measurementReport ? ourConceptMessages[language][text as OurConcept] : text;
}

/** The cornerstone-tools tools dcmjs's TID 1500 adapter names in a Tracking Identifier, as the viewer's toolbar calls them. */
const MEASUREMENT_NAMES: Record<Language, Record<string, string>> = {
  en: {
    Length: 'Length',
    Angle: 'Angle',
    CobbAngle: 'Cobb angle',
    RectangleRoi: 'Rectangle ROI',
    EllipticalRoi: 'Ellipse ROI',
    CircleRoi: 'Circle ROI',
    FreehandRoi: 'Freehand ROI',
    Bidirectional: 'Bidirectional',
    ArrowAnnotate: 'Arrow with text',
  },
  vi: {
    Length: 'Chiều dài',
    Angle: 'Góc',
    CobbAngle: 'Góc Cobb',
    RectangleRoi: 'Vùng chữ nhật',
    EllipticalRoi: 'Vùng elip',
    CircleRoi: 'Vùng tròn',
    FreehandRoi: 'Vùng vẽ tự do',
    Bidirectional: 'Đo hai chiều',
    ArrowAnnotate: 'Mũi tên kèm chữ',
  },
};

/**
 * The name of a TID 1501 measurement group from its Tracking Identifier (DCM 112039): dcmjs's
 * adapter writes the tool as `cornerstoneTools@^4.0.0:Length`, a name for software, said here as
 * the tool's name in `language`; an identifier a person gave ("Lesion 1") is the name as written.
 */
export function measurementName(trackingIdentifier: string, language: Language): string {
  const tool = /^cornerstoneTools@[^:]*:(\w+)$/.exec(trackingIdentifier.trim())?.[1];
  return (tool && Object.hasOwn(MEASUREMENT_NAMES[language], tool) && MEASUREMENT_NAMES[language][tool]) || trackingIdentifier;
}

const OUR_SERIES = ['Consultation opinion', 'Key images', 'Diagnostic report', 'Measurement report'] as const;

/** A series description: our own series (opinion, key images, report, measurements) in `language`, any other as recorded. */
export function seriesDescriptionText(description: string, language: Language): string {
  return (OUR_SERIES as readonly string[]).includes(description)
    ? ourConceptMessages[language][description as (typeof OUR_SERIES)[number]]
    : description;
}
