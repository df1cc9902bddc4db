/**
 * Patient's Sex (0010,0040), CS: "M", "F" or "O" (PS3.3 C.7.1.1), as a word in the UI language
 * (Nam / Nữ / Khác). Any other value is shown as given. Free of DOM globals like patient-age.ts
 * (callers pass `currentLanguage()`), so the unit test runs in Node.
 */
type Language = 'en' | 'vi';
type Code = 'M' | 'F' | 'O';

const sexMessages: Record<Language, Record<Code, string>> = {
  en: { M: 'Male', F: 'Female', O: 'Other' },
  vi: { M: 'Nam', F: 'Nữ', O: 'Khác' },
};

/** "M" → "Male" / "Nam"; '' when absent. */
export function formatPatientSex(value: string | undefined, language: Language): string {
  const code = value?.trim().toUpperCase() ?? '';
  return code === 'M' || code === 'F' || code === 'O' ? sexMessages[language][code] : (value?.trim() ?? '');
}
