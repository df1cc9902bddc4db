/**
 * An instant as DICOM DA and TM values in a given offset from UTC.
 *
 * DA and TM carry no offset; Timezone Offset From UTC (0008,0201) of the SOP Common Module
 * (PS3.3 C.12.1), when present, applies to every DA/TM of the instance. The opinion copies the
 * study's Study Date and Time, so it writes its own dates in the study's offset: the study's
 * (0008,0201) when it has one (which is then copied too), otherwise this server's local time,
 * as the modality that wrote the study without an offset did.
 */

export interface DicomDateTime {
  date: string; // YYYYMMDD
  time: string; // HHMMSS
  /** The (0008,0201) value to write, when the offset came from the study. */
  timezoneOffset?: string;
}

const OFFSET_PATTERN = /^([+-])(\d{2})(\d{2})$/;

/** "+0700" → 420 minutes; undefined for anything that is not a valid ±HHMM offset. */
export function parseTimezoneOffset(value: string | undefined): number | undefined {
  const match = OFFSET_PATTERN.exec(value?.trim() ?? '');
  if (!match) return undefined;
  const hours = Number(match[2]);
  const minutes = Number(match[3]);
  if (hours > 14 || minutes > 59) return undefined;
  return (match[1] === '-' ? -1 : 1) * (hours * 60 + minutes);
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

export function dicomDateTime(instant: Date, studyTimezoneOffset: string | undefined): DicomDateTime {
  const studyOffset = parseTimezoneOffset(studyTimezoneOffset);
  const offsetMinutes = studyOffset ?? -instant.getTimezoneOffset();
  const shifted = new Date(instant.getTime() + offsetMinutes * 60_000);
  return {
    date: `${pad(shifted.getUTCFullYear(), 4)}${pad(shifted.getUTCMonth() + 1)}${pad(shifted.getUTCDate())}`,
    time: `${pad(shifted.getUTCHours())}${pad(shifted.getUTCMinutes())}${pad(shifted.getUTCSeconds())}`,
    ...(studyOffset !== undefined ? { timezoneOffset: studyTimezoneOffset!.trim() } : {}),
  };
}
