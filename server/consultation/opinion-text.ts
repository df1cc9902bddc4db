import { AppError } from '../../shared/errors';

/**
 * Checks and normalizes the free text of a consultation before it becomes DICOM values.
 * Text is NFC-normalized (a Vietnamese name typed on macOS arrives decomposed) and written as
 * UTF-8 under ISO_IR 192; what a DICOM VR cannot hold is a 400 that names the field, never
 * silently altered. Messages name the field, not its value (it may be patient data).
 */

/** Longest question or opinion, in UTF-8 bytes. */
export const MAX_LONG_TEXT_BYTES = 64 * 1024;
/** LO and a PN component group hold at most 64 characters (PS3.5 Table 6.2-1). */
const MAX_SHORT_CHARS = 64;

// PS3.5 6.1.3: text VRs allow the graphic characters plus TAB, LF, FF, CR (ESC only for ISO 2022).
const FORBIDDEN_IN_LONG_TEXT = /[\u0000-\u0008\u000B\u000E-\u001F\u007F]/;
// Short strings (LO, PN) allow no control character; "\" separates values (PS3.5 6.2).
const FORBIDDEN_IN_SHORT_TEXT = /[\u0000-\u001F\u007F\\]/;

function invalid(message: string): AppError {
  return new AppError('BAD_REQUEST', message);
}

/** A question or opinion for a UT value: non-empty, at most 64 KiB, line breaks kept. */
export function longText(field: string, value: string): string {
  const text = value.normalize('NFC');
  if (text.trim() === '') throw invalid(`The ${field} is empty.`);
  if (FORBIDDEN_IN_LONG_TEXT.test(text)) throw invalid(`The ${field} contains a control character DICOM text cannot hold.`);
  if (Buffer.byteLength(text, 'utf8') > MAX_LONG_TEXT_BYTES) {
    throw invalid(`The ${field} is longer than ${MAX_LONG_TEXT_BYTES} bytes in UTF-8.`);
  }
  return text;
}

/** A one-line value that must also fit an LO (institution, urgency, identifier, contact). */
export function shortText(field: string, value: string): string {
  const text = value.normalize('NFC').trim();
  if (text === '') throw invalid(`The ${field} is empty.`);
  if (FORBIDDEN_IN_SHORT_TEXT.test(text)) throw invalid(`The ${field} contains a backslash or a control character.`);
  if ([...text].length > MAX_SHORT_CHARS) throw invalid(`The ${field} is longer than ${MAX_SHORT_CHARS} characters.`);
  return text;
}

/**
 * A person's name as a PN value (PS3.5 6.2.1.1). A name already in DICOM form
 * ("Nguyễn^Văn An") is kept; any other name is one family-name component, which keeps it
 * whole ("BS. Nguyễn Văn An"). Only the alphabetic group is written.
 */
export function personName(field: string, value: string): string {
  const name = shortText(field, value);
  if (name.includes('=')) throw invalid(`The ${field} contains "=", which separates PN component groups.`);
  if (name.split('^').length > 5) throw invalid(`The ${field} has more than five ^-separated components.`);
  return name;
}
