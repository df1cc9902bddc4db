import { describe, expect, it } from 'vitest';
import { foldAccents, foldCase, nameWords } from './name-fold';

describe('name folding', () => {
  it('foldCase ignores case only', () => {
    expect(foldCase('Nguyễn^Văn An')).toBe('NGUYỄN^VĂN AN');
    expect(foldCase('Nguye\u0302\u0303n')).toBe(foldCase('Nguyễn'));
  });
  it('nameWords splits PN components and groups into folded words', () => {
    expect(nameWords('Nguyễn^Văn An')).toEqual(['NGUYEN', 'VAN', 'AN']);
    expect(nameWords('Trần^Thị^^Dr.=陳^')).toEqual(['TRAN', 'THI', 'DR', '陳']);
    expect(nameWords('nguyen* an')).toEqual(['NGUYEN', 'AN']);
    expect(nameWords('')).toEqual([]);
  });
  it('foldAccents removes Vietnamese diacritics and folds Đ', () => {
    expect(foldAccents('Nguyễn^Văn An')).toBe('NGUYEN^VAN AN');
    expect(foldAccents('Đặng Thị Đào')).toBe('DANG THI DAO');
    expect(foldAccents('Müller')).toBe('MULLER');
  });
});
