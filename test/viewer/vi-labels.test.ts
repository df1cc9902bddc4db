import { beforeAll, describe, expect, it } from 'vitest';
import { CONCEPTS } from '../../server/consultation/sr-content';
import { OPINION_SERIES_DESCRIPTION } from '../../server/consultation/opinion-sr';
import { ERRORS } from '../../shared/errors';
import { formatPatientSex } from '../../viewer/src/i18n/patient-sex';
import { archiveErrorMessage, errorMessages } from '../../viewer/src/ui/error-messages';
import { localizeDrawnText } from '../../viewer/src/imaging/on-image-text';
import { conceptName, conceptValue, seriesDescriptionText } from '../../viewer/src/sr-view/our-concepts';

/**
 * The Vietnamese of what the viewer shows from elsewhere: the labels of the report our server
 * writes, the words cornerstone-tools draws, sex codes and the archive's error codes. The UI
 * language is the one the viewer reads from localStorage (i18n.ts), set here as the VI button does.
 */
const stored = new Map<string, string>();
const setLanguage = (language: 'en' | 'vi') => stored.set('pacs.language', language);

beforeAll(() => {
  (globalThis as { localStorage?: unknown }).localStorage = {
    getItem: (key: string) => stored.get(key) ?? null,
    setItem: (key: string, value: string) => void stored.set(key, value),
  };
});

describe('the Vietnamese of labels the viewer shows', () => {
  it("names every concept of the server's opinion SR, and the English is the SR's own Code Meaning", () => {
    for (const concept of Object.values(CONCEPTS)) {
      setLanguage('en');
      expect(conceptName(concept.scheme, concept.value, concept.meaning)).toBe(concept.meaning);
      setLanguage('vi');
      const vi = conceptName(concept.scheme, concept.value, concept.meaning);
      expect(vi).not.toBe(concept.meaning);
      expect(vi).toMatch(/[^\x00-\x7f]/); // written with Vietnamese letters
    }
    expect(conceptName('LN', '11488-4', 'Consult note')).toBe('Ý kiến hội chẩn');
    expect(conceptValue(CONCEPTS.urgency.scheme, CONCEPTS.urgency.value, 'urgent')).toBe('khẩn');
    expect(conceptValue('LN', '55115-0', 'urgent')).toBe('urgent');
    // Another report's concept keeps its own meaning.
    expect(conceptName('DCM', '121071', 'Finding')).toBe('Finding');
    expect(seriesDescriptionText(OPINION_SERIES_DESCRIPTION)).toBe('Ý kiến hội chẩn');
    expect(seriesDescriptionText('CT ABDOMEN')).toBe('CT ABDOMEN');
  });

  it('translates the label words cornerstone-tools draws and leaves numbers and units', () => {
    setLanguage('vi');
    expect(localizeDrawnText('Area: 1,990.13 mm²')).toBe('Diện tích: 1,990.13 mm²');
    expect(localizeDrawnText('Mean: -249.75 HU     Std Dev: 469.53 HU')).toBe('Trung bình: -249.75 HU     Độ lệch chuẩn: 469.53 HU');
    expect(localizeDrawnText('SP: 1125 MO: 125')).toBe('Giá trị lưu: 1125 Giá trị đo: 125');
    expect(localizeDrawnText('74.14 pixels')).toBe('74.14 điểm ảnh');
    expect(localizeDrawnText('HU: 125')).toBe('HU: 125');
    setLanguage('en');
    expect(localizeDrawnText('Area: 1,990.13 mm²')).toBe('Area: 1,990.13 mm²');
  });

  it('says the sex code as a word', () => {
    expect(['M', 'F', 'O', ' f ', '', undefined, 'X'].map((v) => formatPatientSex(v, 'vi'))).toEqual([
      'Nam',
      'Nữ',
      'Khác',
      'Nữ',
      '',
      '',
      'X',
    ]);
    expect(['M', 'F', 'O'].map((v) => formatPatientSex(v, 'en'))).toEqual(['Male', 'Female', 'Other']);
  });

  it("says every error code in Vietnamese, and keeps the server's own message in English", () => {
    expect(Object.keys(errorMessages.vi).sort()).toEqual([...Object.keys(ERRORS), 'status'].sort());
    const wrongPassword = {
      message: 'The username or password is wrong, or the account is disabled.',
      status: 401,
      code: 'UNAUTHORIZED' as const,
    };
    setLanguage('vi');
    expect(archiveErrorMessage(wrongPassword)).toBe(errorMessages.vi.UNAUTHORIZED);
    expect(archiveErrorMessage({ message: '502 Bad Gateway', status: 502 })).toBe('Kho lưu trữ trả về mã lỗi 502.');
    setLanguage('en');
    expect(archiveErrorMessage(wrongPassword)).toBe(wrongPassword.message);
  });
});
