import { describe, expect, it } from 'vitest';
import { dicomParserKey, tagNumber } from './tag-forms';
import { Tag } from './tags';

describe('tag forms', () => {
  it('gives the number binary parsers compare', () => {
    expect(tagNumber(Tag.PixelData)).toBe(0x7fe00010);
    expect(tagNumber(Tag.SequenceDelimitationItem)).toBe(0xfffee0dd);
    expect(tagNumber(Tag.StudyInstanceUID)).toBe(0x0020000d);
  });

  it("gives dicom-parser's element key", () => {
    expect(dicomParserKey(Tag.StudyInstanceUID)).toBe('x0020000d');
  });
});
