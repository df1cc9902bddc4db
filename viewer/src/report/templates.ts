/**
 * The report templates: a starting text per modality for the technique and findings, and an
 * empty impression, in the UI language. The radiologist edits everything; nothing here is sent
 * unless it is kept.
 */
import type { ReportSections, ReportTemplate } from '../../../shared/api/reports';
import type { Language } from '../i18n/i18n';

const TEMPLATES: Record<Language, Record<ReportTemplate, ReportSections>> = {
  en: {
    CT: {
      technique: 'Axial CT images, without and with intravenous contrast, with multiplanar reconstructions.',
      findings: 'Organs:\nVessels:\nLymph nodes:\nBones:\nOther:',
    },
    MR: {
      technique: 'Multiplanar, multisequence MR imaging (T1, T2, FLAIR, DWI), without and with gadolinium.',
      findings: 'Signal:\nDiffusion:\nEnhancement:\nOther:',
    },
    CR: {
      technique: 'Radiographs, frontal and lateral views.',
      findings: 'Lungs:\nHeart and mediastinum:\nPleura:\nBones and soft tissues:',
    },
    US: {
      technique: 'Real-time ultrasound with colour Doppler.',
      findings: 'Liver:\nGallbladder and bile ducts:\nPancreas:\nSpleen:\nKidneys:\nBladder:',
    },
    other: { findings: '' },
  },
  vi: {
    CT: {
      technique: 'Chụp cắt lớp vi tính các lát cắt ngang, trước và sau tiêm thuốc cản quang tĩnh mạch, dựng hình đa mặt phẳng.',
      findings: 'Các tạng:\nMạch máu:\nHạch:\nXương:\nKhác:',
    },
    MR: {
      technique: 'Chụp cộng hưởng từ đa mặt phẳng, đa chuỗi xung (T1, T2, FLAIR, DWI), trước và sau tiêm gadolinium.',
      findings: 'Tín hiệu:\nKhuếch tán:\nNgấm thuốc:\nKhác:',
    },
    CR: {
      technique: 'Chụp X quang tư thế thẳng và nghiêng.',
      findings: 'Phổi:\nTim và trung thất:\nMàng phổi:\nXương và phần mềm:',
    },
    US: {
      technique: 'Siêu âm thời gian thực có Doppler màu.',
      findings: 'Gan:\nTúi mật và đường mật:\nTụy:\nLách:\nThận:\nBàng quang:',
    },
    other: { findings: '' },
  },
};

/** The template for a study's modality: CT, MR, CR/DX, US, anything else "other". */
export function templateFor(modalities: readonly string[]): ReportTemplate {
  for (const modality of modalities) {
    if (modality === 'CT' || modality === 'MR' || modality === 'US') return modality;
    if (modality === 'CR' || modality === 'DX' || modality === 'MG') return 'CR';
  }
  return 'other';
}

export function templateSections(template: ReportTemplate, language: Language): ReportSections {
  return { ...TEMPLATES[language][template] };
}
