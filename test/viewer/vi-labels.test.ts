import { describe, expect, it } from 'vitest';
import { CONCEPTS } from '../../server/consultation/sr-content';
import { OPINION_SERIES_DESCRIPTION } from '../../server/consultation/opinion-sr';
import { DIAGNOSTIC_IMAGING_REPORT, REPORT_SERIES_DESCRIPTION, SECTION_CONCEPTS } from '../../server/reports/report-sr';
import { ERRORS } from '../../shared/errors';
import { formatPatientSex } from '../../viewer/src/i18n/patient-sex';
import { localizeDrawnText } from '../../viewer/src/imaging/drawn-labels';
import { conceptName, conceptValue, seriesDescriptionText } from '../../viewer/src/sr-view/our-concepts';
import { archiveErrorMessage, errorMessages } from '../../viewer/src/ui/error-messages';

/**
 * The Vietnamese of what the viewer shows from elsewhere: the labels of the report our server
 * writes, the words cornerstone-tools draws, sex codes and the archive's error codes.
 */
describe('the Vietnamese of labels the viewer shows', () => {
  it("names every concept of the server's opinion SR, and the English is the SR's own Code Meaning", () => {
    for (const concept of Object.values(CONCEPTS)) {
      expect(conceptName(concept.scheme, concept.value, concept.meaning, 'en')).toBe(concept.meaning);
      const vi = conceptName(concept.scheme, concept.value, concept.meaning, 'vi');
      expect(vi).not.toBe(concept.meaning);
      expect(vi).toMatch(/[^\x00-\x7f]/); // written with Vietnamese letters
    }
    expect(conceptName('LN', '11488-4', 'Consult note', 'vi')).toBe('Ý kiến hội chẩn');
    expect(conceptValue(CONCEPTS.urgency.scheme, CONCEPTS.urgency.value, 'urgent', 'vi')).toBe('khẩn');
    expect(conceptValue('LN', '55115-0', 'urgent', 'vi')).toBe('urgent');
    // Another report's concept keeps its own meaning.
    expect(conceptName('DCM', '121106', 'Comment', 'vi')).toBe('Comment');
    expect(seriesDescriptionText(OPINION_SERIES_DESCRIPTION, 'vi')).toBe('Ý kiến hội chẩn');
    expect(seriesDescriptionText(OPINION_SERIES_DESCRIPTION, 'en')).toBe(OPINION_SERIES_DESCRIPTION);
    expect(seriesDescriptionText('CT ABDOMEN', 'vi')).toBe('CT ABDOMEN');
  });

  it("names every concept, the language value and the series of the server's diagnostic report", () => {
    for (const concept of [DIAGNOSTIC_IMAGING_REPORT, ...Object.values(SECTION_CONCEPTS).flatMap((c) => [c.heading, c.text])]) {
      expect(conceptName(concept.scheme, concept.value, concept.meaning, 'en')).toBe(concept.meaning);
      expect(conceptName(concept.scheme, concept.value, concept.meaning, 'vi')).toMatch(/[^\x00-\x7f]/);
    }
    expect(conceptName('DCM', '121072', 'Impressions', 'vi')).toBe('Kết luận');
    expect(conceptValue('DCM', '121049', 'Vietnamese', 'vi')).toBe('Tiếng Việt');
    expect(conceptValue('DCM', '121049', 'English', 'en')).toBe('English');
    expect(seriesDescriptionText(REPORT_SERIES_DESCRIPTION, 'vi')).toBe('Kết quả chẩn đoán');
  });

  it('translates the label words cornerstone-tools draws, writes its numbers the Vietnamese way and leaves units', () => {
    expect(localizeDrawnText('Area: 1,990.13 mm²', 'vi')).toBe('Diện tích: 1.990,13 mm²');
    expect(localizeDrawnText('Mean: -249.75 HU     Std Dev: 469.53 HU', 'vi')).toBe('Trung bình: -249,75 HU     Độ lệch chuẩn: 469,53 HU');
    expect(localizeDrawnText('SP: 1125 MO: 125', 'vi')).toBe('Giá trị lưu: 1125 Giá trị đo: 125');
    expect(localizeDrawnText('74.14 pixels', 'vi')).toBe('74,14 điểm ảnh');
    expect(localizeDrawnText('12,345,678 mm²', 'vi')).toBe('12.345.678 mm²');
    expect(localizeDrawnText('85.3 mm', 'vi')).toBe('85,3 mm');
    expect(localizeDrawnText('HU: 125', 'vi')).toBe('HU: 125');
    expect(localizeDrawnText('Area: 1,990.13 mm²', 'en')).toBe('Area: 1,990.13 mm²');
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
    expect(archiveErrorMessage(wrongPassword, 'vi')).toBe(errorMessages.vi.UNAUTHORIZED);
    expect(archiveErrorMessage({ message: '502 Bad Gateway', status: 502 }, 'vi')).toBe('Kho lưu trữ trả về mã lỗi 502.');
    expect(archiveErrorMessage(wrongPassword, 'en')).toBe(wrongPassword.message);
  });
});
