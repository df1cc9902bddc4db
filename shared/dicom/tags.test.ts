import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { Tag } from './tags';

// dcmjs ships no type declarations; its dictionary is a Proxy answering "(GGGG,EEEE)" keys.
const dcmjs = createRequire(import.meta.url)('dcmjs') as {
  data: { DicomMetaDictionary: { dictionary: Record<string, { name: string } | undefined> } };
};
const dictionary = dcmjs.data.DicomMetaDictionary.dictionary;

describe('Tag constants', () => {
  it.each(Object.entries(Tag))('%s is %s in the DICOM dictionary', (keyword, hex) => {
    expect(hex).toMatch(/^[0-9A-F]{8}$/);
    const entry = dictionary[`(${hex.slice(0, 4)},${hex.slice(4)})`];
    expect(entry?.name).toBe(keyword);
  });
});
