/**
 * Patient's Age (0010,1010), VR AS: "nnnD", "nnnW", "nnnM" or "nnnY" (PS3.5 6.2), shown as words
 * in the UI language ("045Y" → "45 years" / "45 tuổi"). A value that is not AS is shown as given.
 * Free of DOM globals (the language is passed in, callers give `currentLanguage()`), so the unit
 * test runs in Node; a language added to i18n.ts without a table here does not compile there.
 */
type Language = 'en' | 'vi';

type Unit = 'D' | 'W' | 'M' | 'Y';
type Key = `${Unit}one` | `${Unit}other`;

const ageMessages: Record<Language, Record<Key, string>> = {
  en: {
    Done: '{n} day',
    Dother: '{n} days',
    Wone: '{n} week',
    Wother: '{n} weeks',
    Mone: '{n} month',
    Mother: '{n} months',
    Yone: '{n} year',
    Yother: '{n} years',
  },
  vi: {
    Done: '{n} ngày',
    Dother: '{n} ngày',
    Wone: '{n} tuần',
    Wother: '{n} tuần',
    Mone: '{n} tháng',
    Mother: '{n} tháng',
    Yone: '{n} tuổi',
    Yother: '{n} tuổi',
  },
};

/** The AS value parsed, or undefined when it is not one (leading zeros dropped: "000Y" is 0 years). */
export function parseAge(value: string | undefined): { count: number; unit: Unit } | undefined {
  const m = /^(\d{1,3})\s*([DWMY])$/i.exec(value?.trim() ?? '');
  return m ? { count: Number(m[1]), unit: m[2]!.toUpperCase() as Unit } : undefined;
}

/** "045Y" → "45 years" (en) / "45 tuổi" (vi); '' when absent; a non-AS value unchanged. */
export function formatPatientAge(value: string | undefined, language: Language): string {
  const age = parseAge(value);
  if (!age) return value?.trim() ?? '';
  const plural = new Intl.PluralRules(language).select(age.count) === 'one' ? 'one' : 'other';
  return ageMessages[language][`${age.unit}${plural}`].replace('{n}', String(age.count));
}
