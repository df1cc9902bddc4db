/**
 * The user interface language (English, Vietnamese) and locale-aware DICOM date/time display.
 * Each screen owns a `messages.ts` table typed `Messages<K>`, so a key missing in one language is
 * a compile error, never a half-translated screen.
 */
export type Language = 'en' | 'vi';
export const LANGUAGES: readonly Language[] = ['en', 'vi'];

/** Per-screen message tables; Vietnamese must have every key English has (checked by the type). */
export type Messages<K extends string> = Record<Language, Record<K, string>>;

const STORAGE_KEY = 'pacs.language';
const listeners = new Set<(language: Language) => void>();

function isLanguage(value: unknown): value is Language {
  return value === 'en' || value === 'vi';
}

function readStored(): string | null {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null; // storage disabled (private mode, sandboxed frame)
  }
}

/** From localStorage, else the browser's language, else 'en'. */
export function currentLanguage(): Language {
  const stored = readStored();
  if (isLanguage(stored)) return stored;
  for (const tag of navigator.languages ?? [navigator.language]) {
    const primary = tag.toLowerCase().split('-')[0];
    if (isLanguage(primary)) return primary;
  }
  return 'en';
}

/** Persists the choice, then tells the shell to re-render the current page. */
export function setLanguage(language: Language): void {
  try {
    localStorage.setItem(STORAGE_KEY, language);
  } catch {
    // not persisted; still switch for this page view
  }
  document.documentElement.lang = language;
  for (const listener of listeners) listener(language);
}

/** The shell subscribes here to re-render; returns the unsubscribe function. */
export function onLanguageChange(listener: (language: Language) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * A lookup function for one screen's table in the current language, resolved at each call so a
 * language switch needs no new translator. `{name}` placeholders are replaced from `params`.
 */
export function translator<K extends string>(messages: Messages<K>): (key: K, params?: Record<string, string | number>) => string {
  return (key, params) => {
    const text = messages[currentLanguage()][key] ?? messages.en[key] ?? key;
    if (!params) return text;
    return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
  };
}

/** The BCP 47 locale dates are shown in: the browser's own regional variant when it speaks the UI language. */
export function displayLocale(language: Language = currentLanguage()): string {
  const match = (navigator.languages ?? [navigator.language]).find((tag) => tag.toLowerCase().split('-')[0] === language);
  return match ?? (language === 'vi' ? 'vi-VN' : 'en-GB');
}

/** DICOM DA (YYYYMMDD; the old YYYY.MM.DD tolerated) → the user's locale date ('' if absent or invalid). */
export function formatDicomDate(da: string | undefined): string {
  const m = /^(\d{4})\.?(\d{2})\.?(\d{2})$/.exec(da?.trim() ?? '');
  if (!m) return '';
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return '';
  return new Intl.DateTimeFormat(displayLocale(), { year: 'numeric', month: '2-digit', day: '2-digit', timeZone: 'UTC' }).format(date);
}

/** DICOM TM (HH[MM[SS[.F]]], colons tolerated) → the user's locale time ('' if absent or invalid); seconds shown when present unless `withSeconds` is false. */
export function formatDicomTime(tm: string | undefined, withSeconds = true): string {
  const m = /^(\d{2})(?::?(\d{2}))?(?::?(\d{2}))?(?:\.\d{1,6})?$/.exec(tm?.trim() ?? '');
  if (!m) return '';
  const [hours, minutes, seconds] = [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)];
  if (hours > 23 || minutes > 59 || seconds > 60) return '';
  const date = new Date(Date.UTC(2000, 0, 1, hours, minutes, Math.min(seconds, 59)));
  const options: Intl.DateTimeFormatOptions = { hour: '2-digit', minute: '2-digit', timeZone: 'UTC' };
  if (m[3] !== undefined && withSeconds) options.second = '2-digit';
  return new Intl.DateTimeFormat(displayLocale(), options).format(date);
}

/** A Date as DICOM DA in local time (for query ranges such as "today"). */
export function toDicomDate(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}${pad(date.getMonth() + 1)}${pad(date.getDate())}`;
}
