import { describe, expect, it } from 'vitest';
import { formatPatientAge, parseAge } from '../../viewer/src/i18n/patient-age';

describe('Patient Age (AS) as words', () => {
  it('drops leading zeros and names the unit in English, singular and plural', () => {
    expect(formatPatientAge('045Y', 'en')).toBe('45 years');
    expect(formatPatientAge('001Y', 'en')).toBe('1 year');
    expect(formatPatientAge('000Y', 'en')).toBe('0 years');
    expect(formatPatientAge('003M', 'en')).toBe('3 months');
    expect(formatPatientAge('002W', 'en')).toBe('2 weeks');
    expect(formatPatientAge('005D', 'en')).toBe('5 days');
  });

  it('says tuổi, tháng, tuần, ngày in Vietnamese', () => {
    expect(formatPatientAge('045Y', 'vi')).toBe('45 tuổi');
    expect(formatPatientAge('003M', 'vi')).toBe('3 tháng');
    expect(formatPatientAge('002W', 'vi')).toBe('2 tuần');
    expect(formatPatientAge('005D', 'vi')).toBe('5 ngày');
  });

  it('leaves an absent value empty and a value that is not AS as written', () => {
    expect(formatPatientAge(undefined, 'en')).toBe('');
    expect(formatPatientAge('', 'vi')).toBe('');
    expect(formatPatientAge('45', 'en')).toBe('45');
    expect(parseAge('12X')).toBeUndefined();
    expect(parseAge(' 052y ')).toEqual({ count: 52, unit: 'Y' });
  });
});
