/**
 * The labels of the reports this archive writes itself (the consultation opinion, a Basic Text SR:
 * server/consultation/sr-content.ts CONCEPTS and opinion-sr.ts), in the UI language. A report
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
  | 'DCM:113000'
  | 'DCM:113002'
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
    'DCM:113000': 'Of Interest',
    'DCM:113002': 'For Referring Provider',
    routine: 'routine',
    urgent: 'urgent',
    emergency: 'emergency',
  },
  vi: {
    'LN:11488-4': 'Ý kiến hội chẩn',
    'LN:55115-0': 'Câu hỏi lâm sàng',
    'DCM:121073': 'Ý kiến chuyên gia',
    'DCM:121008': 'Người cho ý kiến',
    'DCM:121009': 'Cơ sở của người cho ý kiến',
    '99PACS:CONSULT-ID': 'Mã hội chẩn',
    '99PACS:REQUESTER': 'Người gửi yêu cầu',
    '99PACS:REQUESTER-ORG': 'Nơi gửi yêu cầu',
    '99PACS:URGENCY': 'Mức độ khẩn',
    '99PACS:OBSERVER-CONTACT': 'Liên hệ của người cho ý kiến',
    'Consultation opinion': 'Ý kiến hội chẩn',
    'Key images': 'Ảnh đánh dấu',
    'DCM:113000': 'Đáng chú ý',
    'DCM:113002': 'Dành cho bác sĩ chỉ định',
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

/** A TEXT value under one of our concepts: the urgency word translated; anything else as written. */
export function conceptValue(scheme: string, value: string, text: string, language: Language): string {
  const urgency = scheme === '99PACS' && value === 'URGENCY' && ['routine', 'urgent', 'emergency'].includes(text);
  return urgency ? ourConceptMessages[language][text as OurConcept] : text;
}

/** A series description: our opinion and key-image series in `language`, any other as recorded. */
export function seriesDescriptionText(description: string, language: Language): string {
  return description === 'Consultation opinion' || description === 'Key images' ? ourConceptMessages[language][description] : description;
}
