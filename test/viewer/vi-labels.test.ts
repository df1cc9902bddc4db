import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { buildMeasurementReport } from '../../server/measurement-report/measurement-report-sr';
import type { DicomJson } from '../../shared/dicom/dicom-json';
import { Tag } from '../../shared/dicom/tags';
import { CONCEPTS } from '../../server/consultation/sr-content';
import { OPINION_SERIES_DESCRIPTION } from '../../server/consultation/opinion-sr';
import { DIAGNOSTIC_IMAGING_REPORT, REPORT_SERIES_DESCRIPTION, SECTION_CONCEPTS } from '../../server/reports/report-sr';
import { ERRORS } from '../../shared/errors';
import { formatPatientSex } from '../../viewer/src/i18n/patient-sex';
import { localizeDrawnText } from '../../viewer/src/imaging/drawn-labels';
import { conceptName, conceptValue, measurementName, seriesDescriptionText } from '../../viewer/src/sr-view/our-concepts';
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

  it("names the measurements of the server's TID 1500 report, not by the tracking identifier dcmjs writes", () => {
    const report = buildMeasurementReport({
      study: { [Tag.StudyInstanceUID]: { vr: 'UI', Value: ['1.2.826.0.1.3680043.8.498.1'] } },
      measurements: [
        {
          measurement: {
            seriesInstanceUID: '1.2.826.0.1.3680043.8.498.2',
            sopInstanceUID: '1.2.826.0.1.3680043.8.498.3',
            frame: 1,
            tool: 'Length',
            handles: { start: { x: 10, y: 20 }, end: { x: 40, y: 60 } },
            length: 50,
          },
          image: {
            seriesInstanceUid: '1.2.826.0.1.3680043.8.498.2',
            sopInstanceUid: '1.2.826.0.1.3680043.8.498.3',
            sopClassUid: '1.2.840.10008.5.1.4.1.1.2',
            frame: 1,
          },
        },
      ],
      observer: 'BS. Lan',
      createdAt: new Date(),
    });
    const dcmjs = createRequire(import.meta.url)('dcmjs') as {
      data: { DicomMessage: { readFile(buffer: ArrayBuffer): { dict: DicomJson } } };
      adapters: { Cornerstone: Record<string, { toolType?: string } | undefined> };
    };
    const { part10 } = report;
    const dict = dcmjs.data.DicomMessage.readFile(
      part10.buffer.slice(part10.byteOffset, part10.byteOffset + part10.length) as ArrayBuffer,
    ).dict;
    // Every TEXT item under Tracking Identifier (DCM 112039), at any depth of the content tree.
    const identifiers: string[] = [];
    const walk = (items: DicomJson[]) => {
      for (const item of items) {
        const concept = item[Tag.ConceptNameCodeSequence]?.Value?.[0] as DicomJson | undefined;
        if (concept?.[Tag.CodeValue]?.Value?.[0] === '112039') identifiers.push(String(item[Tag.TextValue]?.Value?.[0]));
        walk((item[Tag.ContentSequence]?.Value ?? []) as DicomJson[]);
      }
    };
    walk((dict[Tag.ContentSequence]?.Value ?? []) as DicomJson[]);
    expect(identifiers).toEqual(['cornerstoneTools@^4.0.0:Length']);
    expect(measurementName(identifiers[0]!, 'en')).toBe('Length');
    expect(measurementName(identifiers[0]!, 'vi')).toBe('Chiều dài');
    // Every tool the adapter can write has a name in both languages; a person's own identifier stays.
    const tools = Object.values(dcmjs.adapters.Cornerstone).flatMap((adapter) => (adapter?.toolType ? [adapter.toolType] : []));
    expect(tools).toContain('CobbAngle');
    for (const tool of tools) {
      const identifier = identifiers[0]!.replace(/:Length$/, `:${tool}`);
      expect(measurementName(identifier, 'en')).not.toContain('cornerstoneTools');
      expect(measurementName(identifier, 'vi')).toMatch(/[^\x00-\x7f]/);
    }
    expect(measurementName('Lesion 1', 'vi')).toBe('Lesion 1');
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
