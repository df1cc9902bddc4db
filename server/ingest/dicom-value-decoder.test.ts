import { describe, expect, it } from 'vitest';
import { tagNumber } from '../../shared/dicom/tag-forms';
import { Tag } from '../../shared/dicom/tags';
import { charsetFromValues, decodeValue, DEFAULT_CHARSET, inlineBinary, type ValueContext } from './dicom-value-decoder';

function context(values?: unknown[]): ValueContext & { warnings: string[] } {
  const warnings: string[] = [];
  const warn = (message: string): void => void warnings.push(message);
  return { charset: values ? charsetFromValues(values, warn) : DEFAULT_CHARSET, littleEndian: true, warn, warnings };
}

const PATIENT_NAME = tagNumber(Tag.PatientName);
const ROWS = tagNumber(Tag.Rows);

describe('charsetFromValues', () => {
  it('accepts the defined terms, near-miss spellings, and an empty first term', () => {
    expect(charsetFromValues(['ISO-IR 100'], () => {}).term).toBe('ISO_IR 100');
    expect(charsetFromValues([null, 'ISO 2022 IR 58'], () => {}).term).toBe('\\ISO 2022 IR 58');
    expect(charsetFromValues(['ISO 2022 IR 13', 'ISO 2022 IR 87'], () => {}).asciiSafe).toBe(false);
    expect(charsetFromValues([], () => {})).toBe(DEFAULT_CHARSET);
  });

  it('drops unknown terms with a warning', () => {
    const ctx = context(['KLINGON']);
    expect(ctx.charset).toBe(DEFAULT_CHARSET);
    expect(ctx.warnings).toEqual(['Specific Character Set (0008,0005) has an unknown term; it is ignored']);
  });
});

describe('decodeValue', () => {
  it('decodes ISO 2022 code extensions before splitting values and name groups', () => {
    const gb = Buffer.concat([
      Buffer.from('Zhang^XiaoDong='),
      Buffer.from([0x1b, 0x24, 0x29, 0x41, 0xd5, 0xc5, 0x5e, 0x1b, 0x24, 0x29, 0x41, 0xd0, 0xa1, 0xb6, 0xab]),
      Buffer.from('= '),
    ]);
    expect(decodeValue(PATIENT_NAME, 'PN', gb, context(['', 'ISO 2022 IR 58']))).toEqual([
      { Alphabetic: 'Zhang^XiaoDong', Ideographic: '张^小东' },
    ]);
  });

  it('reads non-ASCII text without a character set as UTF-8 when valid, else Latin-1, with a warning', () => {
    const ctx = context();
    expect(decodeValue(PATIENT_NAME, 'PN', Buffer.from('Müller', 'utf8'), ctx)).toEqual([{ Alphabetic: 'Müller' }]);
    expect(decodeValue(PATIENT_NAME, 'PN', Buffer.from('Müller', 'latin1'), ctx)).toEqual([{ Alphabetic: 'Müller' }]);
    expect(ctx.warnings[0]).toBe('(0010,0010) has non-ASCII text but no Specific Character Set; read as UTF-8 or Latin-1');
  });

  it('keeps numbers exact and warns about bad lengths', () => {
    const ctx = context();
    expect(decodeValue(ROWS, 'US', Buffer.from([1, 0, 2]), ctx)).toEqual([1]);
    expect(decodeValue(ROWS, 'US', Buffer.alloc(0), ctx)).toBeUndefined();
    expect(ctx.warnings).toEqual(['(0028,0010) US value length is not a multiple of 2; the rest is ignored']);
  });

  it('gives InlineBinary in little endian whatever the transfer syntax', () => {
    expect(inlineBinary('OF', Buffer.from([1, 2, 3, 4]), false)).toBe(Buffer.from([4, 3, 2, 1]).toString('base64'));
    expect(inlineBinary('OB', Buffer.from([1, 2, 3, 4]), false)).toBe(Buffer.from([1, 2, 3, 4]).toString('base64'));
  });
});
