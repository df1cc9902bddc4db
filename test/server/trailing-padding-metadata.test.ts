import dicomParser from 'dicom-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DicomJson } from '../../shared/dicom/dicom-json';
import { Tag } from '../../shared/dicom/tags';
import { bearer, call, createShare } from '../helpers/access-client';
import { corpusEntry, corpusFile, corpusInstanceUrl } from '../helpers/corpus';
import { expectStored, getJson, getMultipart } from '../helpers/dicomweb-http';
import { startTestArchive, type TestArchive } from '../helpers/start-app';

/**
 * Data Set Trailing Padding (FFFC,FFFC) is an OB attribute of the data set (PS3.6), so instance
 * metadata carries it like any other binary value (PS3.18 F.2.7: InlineBinary, or a BulkDataURI
 * that Retrieve Bulkdata serves). Re-encoding to Explicit VR Little Endian still leaves it out (its
 * value has no significance, PS3.10 7.2).
 */

const SMALL = 'other-modalities/nm-nema-nm1.dcm'; // 126 bytes of padding: InlineBinary
const LARGE = 'color/ybr-full-us-jpeg-extended.dcm'; // 1242 bytes of padding: more than the 1 KiB inline limit
const OCTETS = 'multipart/related; type="application/octet-stream"';
const EXPLICIT_LE = '1.2.840.10008.1.2.1';

/** The padding value as stored in the file, read by dicom-parser. */
function paddingOf(file: Buffer): Buffer {
  const ds = dicomParser.parseDicom(new Uint8Array(file));
  const el = ds.elements.xfffcfffc!;
  return Buffer.from(ds.byteArray.subarray(el.dataOffset, el.dataOffset + el.length));
}

describe('Data Set Trailing Padding in instance metadata', () => {
  let archive: TestArchive;
  beforeAll(async () => {
    archive = await startTestArchive();
    await expectStored(archive, [corpusFile(SMALL), corpusFile(LARGE)]);
  });
  afterAll(async () => {
    await archive?.stop();
  });

  const metadataOf = async (file: string): Promise<DicomJson> => {
    const { status, json } = await getJson(archive, `${corpusInstanceUrl(archive.dicomWeb, corpusEntry(file))}/metadata`);
    expect(status).toBe(200);
    return (json as DicomJson[])[0]!;
  };

  it('a short padding value is InlineBinary, byte for byte the stored one', async () => {
    const padding = paddingOf(corpusFile(SMALL));
    expect(padding.length).toBe(126);
    const element = (await metadataOf(SMALL))[Tag.DataSetTrailingPadding];
    expect(element?.vr).toBe('OB');
    expect(Buffer.from(element!.InlineBinary!, 'base64').equals(padding)).toBe(true);
  });

  it('a long padding value is a BulkDataURI that Retrieve Bulkdata serves, byte for byte the stored one', async () => {
    const padding = paddingOf(corpusFile(LARGE));
    expect(padding.length).toBe(1242);
    const element = (await metadataOf(LARGE))[Tag.DataSetTrailingPadding];
    expect(element?.vr).toBe('OB');
    expect(element?.BulkDataURI).toMatch(/\/bulkdata\/FFFCFFFC$/i);
    const { status, parts } = await getMultipart(archive, element!.BulkDataURI!, OCTETS);
    expect(status).toBe(200);
    expect(parts).toHaveLength(1);
    expect(parts[0]!.body.equals(padding)).toBe(true);
  });

  it('the instance re-encoded in Explicit VR Little Endian (from JPEG) has no padding; one stored Explicit VR Little Endian comes as stored, with it', async () => {
    const url = corpusInstanceUrl(archive.dicomWeb, corpusEntry(LARGE));
    const { status, parts } = await getMultipart(
      archive,
      url,
      `multipart/related; type="application/dicom"; transfer-syntax=${EXPLICIT_LE}`,
    );
    expect(status).toBe(200);
    const ours = dicomParser.parseDicom(new Uint8Array(parts[0]!.body));
    expect(ours.string('x00020010')).toBe(EXPLICIT_LE);
    expect(ours.string('x00080018')).toBe(corpusEntry(LARGE).sopInstanceUID);
    expect(ours.elements.xfffcfffc).toBeUndefined();
    expect(ours.elements.x7fe00010?.length).toBeGreaterThan(0);
    const asStored = await getMultipart(
      archive,
      corpusInstanceUrl(archive.dicomWeb, corpusEntry(SMALL)),
      'multipart/related; type="application/dicom"',
    );
    expect(paddingOf(asStored.parts[0]!.body).equals(paddingOf(corpusFile(SMALL)))).toBe(true);
  });

  it('an anonymized share sees no padding: the Basic Profile removes (FFFC,FFFC) (PS3.15 Table E.1-1, X)', async () => {
    const share = await createShare(archive, {
      studyInstanceUID: corpusEntry(SMALL).studyInstanceUID,
      anonymize: true,
      permissions: ['read'],
    });
    const studies = (await call(archive, 'GET', '/dicom-web/studies', bearer(share.token))).json as DicomJson[];
    const replaced = String(studies[0]![Tag.StudyInstanceUID]!.Value![0]);
    const metadata = await call(archive, 'GET', `/dicom-web/studies/${replaced}/metadata`, bearer(share.token));
    expect(metadata.status).toBe(200);
    const [ds] = metadata.json as DicomJson[];
    expect(ds![Tag.PatientName]).toBeDefined();
    expect(ds![Tag.DataSetTrailingPadding]).toBeUndefined();
  });
});
