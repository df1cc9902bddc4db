import { describe, expect, it } from 'vitest';
import { framesPath, instancePath, resourceUidsOf, seriesPath, studyPath } from './paths';

const STUDY = '1.2.840.113619.2.55.3.604688119';
const SERIES = '1.2.840.113619.2.55.3.604688119.1';
const SOP = '1.2.840.113619.2.55.3.604688119.1.7';

describe('resource paths', () => {
  it('builds the PS3.18 study, series and instance paths', () => {
    expect(studyPath(STUDY)).toBe(`studies/${STUDY}`);
    expect(seriesPath(STUDY, SERIES)).toBe(`studies/${STUDY}/series/${SERIES}`);
    expect(instancePath(STUDY, SERIES, SOP)).toBe(`studies/${STUDY}/series/${SERIES}/instances/${SOP}`);
  });

  it('percent-encodes each UID as one path segment', () => {
    expect(studyPath('1.2/../3?x=#')).toBe('studies/1.2%2F..%2F3%3Fx%3D%23');
    expect(instancePath('a b', '1.2', 'c/d')).toBe('studies/a%20b/series/1.2/instances/c%2Fd');
  });

  it('adds a frame list', () => {
    expect(framesPath(instancePath(STUDY, SERIES, SOP), [1])).toBe(`${instancePath(STUDY, SERIES, SOP)}/frames/1`);
    expect(framesPath('x', [3, 1, 2])).toBe('x/frames/3,1,2');
  });

  it.each([[[]], [[0]], [[1.5]], [[-1]], [[Number.NaN]]])('refuses the frame list %j', (frames) => {
    expect(() => framesPath('x', frames)).toThrow(RangeError);
  });
});

describe('resourceUidsOf', () => {
  it('reads back what the builders wrote, from a path or a whole URL', () => {
    expect(resourceUidsOf(instancePath(STUDY, SERIES, SOP))).toEqual({ study: STUDY, series: SERIES, instance: SOP });
    expect(resourceUidsOf(`https://pacs.example/dicom-web/${seriesPath(STUDY, SERIES)}/metadata`)).toEqual({
      study: STUDY,
      series: SERIES,
    });
    expect(resourceUidsOf(`/dicom-web/${studyPath(STUDY)}?includefield=all`)).toEqual({ study: STUDY });
    expect(resourceUidsOf(instancePath('a b', '1.2', 'c/d'))).toEqual({ study: 'a b', series: '1.2', instance: 'c/d' });
  });

  it.each(['', 'https://pacs.example/dicom-web/series/1.2', '/mystudies/1.2', 'studies/', 'studies/%E0%A4%A'])(
    'finds no study in %j',
    (url) => {
      expect(resourceUidsOf(url)).toEqual({});
    },
  );
});
