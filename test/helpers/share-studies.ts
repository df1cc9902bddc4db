import { randomInt } from 'node:crypto';
import type { DicomJson } from '../../shared/dicom/dicom-json';
import { corpusEntry, corpusManifest, type CorpusEntry } from './corpus';
import { firstValue } from './dicomweb-http';

/**
 * The two studies of the share-link tests (share-links-*.test.ts): study A, which their shares
 * cover, and study B, which none does; and the UIDs they compare answers with.
 */

const MR_DIR = 'series/mr-ge-premier-study/';
export const mrSeries = [
  ...new Set(
    corpusManifest()
      .filter((e) => e.path.startsWith(MR_DIR))
      .map((e) => e.seriesInstanceUID!),
  ),
];
/** Study A: two instances of each of the two series of the GE Premier MR study. */
export const A: CorpusEntry[] = mrSeries.flatMap((series) =>
  corpusManifest()
    .filter((e) => e.seriesInstanceUID === series)
    .slice(0, 2),
);
export const A_STUDY = A[0]!.studyInstanceUID!;
export const [A_SERIES_1, A_SERIES_2] = mrSeries as [string, string];
export const A1 = A.find((e) => e.seriesInstanceUID === A_SERIES_1)!;
/** Study B: the NEMA CT, which no share covers. */
export const B = corpusEntry('transfer-syntaxes/ct1-1.2.1_explicit-vr-le.dcm');

/** A UID that names nothing in the archive. */
export const randomUid = () => `2.25.${randomInt(1, 2 ** 47)}${randomInt(1, 2 ** 47)}`;
/** The values of `tag` in `items`, sorted. */
export const uidsOf = (items: DicomJson[], tag: string) => items.map((i) => firstValue(i, tag) as string).sort();
