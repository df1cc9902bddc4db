/**
 * Patient's Sex (0010,0040), CS: "M", "F" or "O" (PS3.3 C.7.1.1), as a word in the UI language
 * (Nam / Nữ / Khác). Any other value is shown as given.
 */
import { currentLanguage, type Language, type Messages } from './i18n';

type Code = 'M' | 'F' | 'O';

const sexMessages: Messages<Code> = {
  en: { M: 'Male', F: 'Female', O: 'Other' },
  vi: { M: 'Nam', F: 'Nữ', O: 'Khác' },
};

/** "M" → "Male" / "Nam"; '' when absent. */
export function formatPatientSex(value: string | undefined, language: Language = currentLanguage()): string {
  const code = value?.trim().toUpperCase() ?? '';
  return code === 'M' || code === 'F' || code === 'O' ? sexMessages[language][code] : (value?.trim() ?? '');
}
