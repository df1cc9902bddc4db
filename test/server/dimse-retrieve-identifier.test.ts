import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { retrieveInstances } from '../../server/dimse/retrieve-identifier';
import type { DicomJson } from '../../shared/dicom/dicom-json';
import { Tag } from '../../shared/dicom/tags';
import { expectStored } from '../helpers/dicomweb-http';
import { startTestArchive, type TestArchive } from '../helpers/start-app';
import { CT_STUDY, ctSlices } from '../helpers/transfer-jobs';

function identifier(keys: Partial<Record<keyof typeof Tag, string[]>>): DicomJson {
  return Object.fromEntries(
    Object.entries(keys).map(([keyword, values]) => [
      Tag[keyword as keyof typeof Tag],
      { vr: keyword === 'QueryRetrieveLevel' ? 'CS' : keyword === 'PatientID' ? 'LO' : 'UI', Value: values },
    ]),
  );
}

/**
 * retrieve-identifier.ts on a real index: what a C-MOVE or C-GET identifier names by its unique
 * keys (PS3.4 C.4.2.2.1) in the Patient Root and Study Root models, and what it refuses with 0xA900.
 */
describe('C-MOVE / C-GET identifier', () => {
  let archive: TestArchive;
  let series: string;
  let sops: string[];
  let patientId: string;

  beforeAll(async () => {
    archive = await startTestArchive({ PACS_DIMSE_PORT: 'off' });
    await expectStored(archive, ctSlices(3));
    const instances = archive.index.findInstances(CT_STUDY);
    series = instances[0]!.seriesUid;
    sops = instances.map((i) => i.sopUid);
    patientId = (JSON.parse(archive.index.studyJson(CT_STUDY)!) as DicomJson)[Tag.PatientID]!.Value![0] as string;
  }, 60_000);
  afterAll(async () => {
    await archive?.stop();
  });

  const uids = (id: DicomJson, model: 'patient' | 'study') => {
    const match = retrieveInstances(archive.index, id, model);
    return match.kind === 'instances' ? match.instances.map((i) => i.sopUid) : match;
  };

  it('names the instances of a patient, a study, series or image list; unknown UIDs name nothing', () => {
    expect(uids(identifier({ QueryRetrieveLevel: ['PATIENT'], PatientID: [patientId] }), 'patient')).toEqual(sops);
    expect(uids(identifier({ QueryRetrieveLevel: ['STUDY'], StudyInstanceUID: [CT_STUDY, '1.2.3'] }), 'study')).toEqual(sops);
    expect(
      uids(identifier({ QueryRetrieveLevel: ['SERIES'], StudyInstanceUID: [CT_STUDY], SeriesInstanceUID: [series] }), 'study'),
    ).toEqual(sops);
    const image = identifier({
      QueryRetrieveLevel: ['IMAGE'],
      StudyInstanceUID: [CT_STUDY],
      SeriesInstanceUID: [series],
      SOPInstanceUID: [sops[2]!, sops[0]!, sops[2]!, '1.2.3'],
    });
    expect(uids(image, 'study')).toEqual([sops[2], sops[0]]);
    // Patient Root: the study of another patient is not named.
    expect(
      uids(identifier({ QueryRetrieveLevel: ['STUDY'], PatientID: ['SOMEONE-ELSE'], StudyInstanceUID: [CT_STUDY] }), 'patient'),
    ).toEqual([]);
    expect(uids(identifier({ QueryRetrieveLevel: ['STUDY'], PatientID: [patientId], StudyInstanceUID: [CT_STUDY] }), 'patient')).toEqual(
      sops,
    );
  });

  it('refuses with 0xA900 and a comment what is not a retrieve identifier of the model', () => {
    const refusal = (id: DicomJson, model: 'patient' | 'study') => retrieveInstances(archive.index, id, model);
    expect(refusal(identifier({ StudyInstanceUID: [CT_STUDY] }), 'study')).toEqual({
      kind: 'refusal',
      status: 0xa900,
      errorComment: 'Query/Retrieve Level (0008,0052) is missing',
    });
    expect(refusal(identifier({ QueryRetrieveLevel: ['PATIENT'], PatientID: [patientId] }), 'study')).toMatchObject({
      errorComment: 'PATIENT level is not in the Study Root model',
    });
    expect(refusal(identifier({ QueryRetrieveLevel: ['PATIENT'], PatientID: ['PAT*'] }), 'patient')).toMatchObject({
      errorComment: 'Patient ID takes no wildcard in a retrieve',
    });
    expect(refusal(identifier({ QueryRetrieveLevel: ['SERIES'], StudyInstanceUID: [CT_STUDY] }), 'study')).toMatchObject({
      errorComment: 'SERIES level key SeriesInstanceUID is missing',
    });
    expect(refusal(identifier({ QueryRetrieveLevel: ['STUDY'], StudyInstanceUID: [CT_STUDY] }), 'patient')).toMatchObject({
      errorComment: 'PATIENT level key PatientID is missing',
    });
    expect(refusal(identifier({ QueryRetrieveLevel: ['FRAME'], StudyInstanceUID: [CT_STUDY] }), 'study')).toMatchObject({
      errorComment: 'Unknown Query/Retrieve Level FRAME',
    });
  });
});
