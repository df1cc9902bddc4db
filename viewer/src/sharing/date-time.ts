import { displayLocale } from '../i18n/i18n';

/** An ISO 8601 instant from the archive as a date and time in the user's locale ('' if absent or invalid). */
export function formatInstant(iso: string | null | undefined): string {
  const time = iso ? Date.parse(iso) : NaN;
  if (Number.isNaN(time)) return '';
  return new Intl.DateTimeFormat(displayLocale(), { dateStyle: 'medium', timeStyle: 'short' }).format(time);
}
