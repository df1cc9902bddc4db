import dcmjs from 'dcmjs';
import { describe, expect, it } from 'vitest';
import { Tag } from './tags';

const dictionary = dcmjs.data.DicomMetaDictionary.dictionary as Record<string, { name: string } | undefined>;

describe('Tag constants', () => {
  it.each(Object.entries(Tag))('%s is %s in the DICOM dictionary', (keyword, hex) => {
    expect(hex).toMatch(/^[0-9A-F]{8}$/);
    const entry = dictionary[`(${hex.slice(0, 4)},${hex.slice(4)})`];
    expect(entry?.name).toBe(keyword);
  });
});
