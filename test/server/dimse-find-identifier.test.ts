import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DicomJson, DicomJsonElement } from '../../shared/dicom/dicom-json';
import { Tag } from '../../shared/dicom/tags';
import { newUid } from '../../fixtures/generate-ct-series';
import {
  FindStatus,
  identifierToQuery,
  resultToResponse,
  type FindRefusal,
  type FindRequest,
  type QueryModel,
} from '../../server/dimse/find-identifier';
import { findMatches } from '../../server/dimse/find-matches';
import { corpusFile, corpusEntry } from '../helpers/corpus';
import { expectStored, firstValue, getJson } from '../helpers/dicomweb-http';
import { startTestArchive, type TestArchive } from '../helpers/start-app';
import { pn, syntheticSeries } from '../helpers/synthetic-series';

const el = (vr: string, ...values: unknown[]): DicomJsonElement => (values.length > 0 ? { vr, Value: values } : { vr });
const empty = (vr: string) => el(vr);
const RETRIEVE_AE = 'PACS';

/**
 * C-FIND identifiers translated into the QIDO-RS query model (issue 14 item 4): each query runs
 * identifierToQuery → the archive's own index search → resultToResponse, and its answers are
 * compared with what QIDO-RS over HTTP answers for the same query: same entities, same values.
 */
describe('C-FIND identifier through the QIDO-RS query model', () => {
  let archive: TestArchive;
  // Real corpus: the Philips CT (3 slices), a Latin-1 PET, an MR declared ISO_IR 192; and a
  // Vietnamese patient written in UTF-8 by dcmjs, with two studies (one of two series).
  const ctFiles = ['1-036.dcm', '1-037.dcm', '1-038.dcm'].map((f) => `series/ct-abdomen-philips-tcia/${f}`);
  const ct = corpusEntry(ctFiles[0]!);
  const pt = corpusEntry('charsets/iso-ir-100-latin1-pt.dcm');
  const mr = corpusEntry('charsets/iso-ir-192-utf8-mr.dcm');
  const vietnamese = { PatientName: pn('Nguyễn^Văn An'), PatientID: 'VN-A', PatientSex: 'M', PatientBirthDate: '19800101' };
  const vn1 = syntheticSeries(2, {
    ...vietnamese,
    StudyDate: '20240105',
    StudyTime: '083000',
    StudyDescription: 'CT NGỰC',
    SeriesNumber: 2,
  });
  const vn1b = syntheticSeries(1, {
    ...vietnamese,
    StudyInstanceUID: vn1.studyUid,
    SeriesInstanceUID: newUid(),
    StudyDate: '20240105',
    StudyTime: '083000',
    SeriesNumber: 5,
    SeriesDescription: 'Coronal',
  });
  const vn2 = syntheticSeries(1, { ...vietnamese, StudyDate: '20240301', StudyTime: '140000', SeriesNumber: 1 });

  beforeAll(async () => {
    archive = await startTestArchive();
    await expectStored(archive, [...ctFiles, pt.path, mr.path].map(corpusFile));
    for (const s of [vn1, vn1b, vn2]) await expectStored(archive, s.files);
  });
  afterAll(async () => {
    await archive?.stop();
  });

  function translate(identifier: DicomJson, model: QueryModel): FindRequest {
    const request = identifierToQuery(identifier, model);
    if (request.kind !== 'query') throw new Error(`refused: ${request.errorComment}`);
    return request;
  }
  function refusal(identifier: DicomJson, model: QueryModel): FindRefusal {
    const result = identifierToQuery(identifier, model);
    if (result.kind !== 'refusal') throw new Error('not refused');
    return result;
  }
  function cFind(model: QueryModel, level: string, keys: DicomJson): { request: FindRequest; responses: DicomJson[] } {
    const request = translate({ [Tag.QueryRetrieveLevel]: el('CS', level), ...keys }, model);
    const responses = [...findMatches(archive.index.db, request, { pageSize: 2 })].map((match) =>
      resultToResponse(match, request, RETRIEVE_AE),
    );
    return { request, responses };
  }
  async function qido(path: string): Promise<DicomJson[]> {
    const { status, json } = await getJson(archive, `${archive.dicomWeb}${path}`);
    expect(status, path).toBe(200);
    return json as DicomJson[];
  }
  /** Same entities (by `uidTag`) in the same order, and every key returned has QIDO's value (empty where QIDO has none). */
  function expectSameAsQido(responses: DicomJson[], items: DicomJson[], request: FindRequest, uidTag: string): void {
    expect(responses.map((r) => firstValue(r, uidTag))).toEqual(items.map((i) => firstValue(i, uidTag)));
    responses.forEach((response, n) => {
      const item = items[n]!;
      const asked = request.returnKeys.map((k) => k.tag).filter((tag) => tag !== Tag.RetrieveAETitle);
      expect(Object.keys(response).sort()).toEqual(
        [
          ...new Set([
            ...asked,
            Tag.QueryRetrieveLevel,
            Tag.RetrieveAETitle,
            ...(response[Tag.SpecificCharacterSet] ? [Tag.SpecificCharacterSet] : []),
          ]),
        ].sort(),
      );
      for (const tag of asked) expect(response[tag]?.Value, tag).toEqual(item[tag]?.Value);
      expect(response[Tag.QueryRetrieveLevel]?.Value).toEqual([request.level]);
      expect(response[Tag.RetrieveAETitle]?.Value).toEqual([RETRIEVE_AE]);
    });
  }
  const studyKeys: DicomJson = {
    [Tag.StudyInstanceUID]: empty('UI'),
    [Tag.PatientName]: empty('PN'),
    [Tag.PatientID]: empty('LO'),
    [Tag.StudyDate]: empty('DA'),
    [Tag.StudyTime]: empty('TM'),
    [Tag.AccessionNumber]: empty('SH'),
    [Tag.StudyDescription]: empty('LO'),
    [Tag.ModalitiesInStudy]: empty('CS'),
    [Tag.NumberOfStudyRelatedInstances]: empty('IS'),
  };

  it('universal matching at STUDY level (Study Root) finds every study, returns exactly the keys asked for, empty where the archive has no value', async () => {
    const { request, responses } = cFind('study', 'STUDY', studyKeys);
    expect(request.query.filters).toEqual([]);
    expect(request.pendingStatus).toBe(FindStatus.Pending);
    expect(responses).toHaveLength(5);
    expectSameAsQido(responses, await qido('/studies?includefield=all'), request, Tag.StudyInstanceUID);
    const ctStudy = responses.find((r) => firstValue(r, Tag.StudyInstanceUID) === ct.studyInstanceUID)!;
    expect(ctStudy[Tag.AccessionNumber]).toEqual({ vr: 'SH' }); // none in the file
    expect(ctStudy[Tag.NumberOfStudyRelatedInstances]?.Value).toEqual([3]);
    expect(ctStudy[Tag.ModalitiesInStudy]?.Value).toEqual(['CT']);
    expect(ctStudy[Tag.SpecificCharacterSet]).toBeUndefined(); // all ASCII: not included (PS3.4 C.4.1.1.3.2)
  });

  it('matches a Vietnamese name with wildcards, ignoring case, and answers it in ISO_IR 192', async () => {
    for (const name of ['Nguyễn*', 'nguy?n^văn*']) {
      const { request, responses } = cFind('study', 'STUDY', { ...studyKeys, [Tag.PatientName]: el('PN', { Alphabetic: name }) });
      expect(request.query.filters.map((f) => [f.key.keyword, f.values, f.wildcard])).toEqual([['PatientName', [name], true]]);
      expectSameAsQido(
        responses,
        await qido(`/studies?PatientName=${encodeURIComponent(name)}&includefield=all`),
        request,
        Tag.StudyInstanceUID,
      );
      expect(responses.map((r) => firstValue(r, Tag.StudyInstanceUID)).sort()).toEqual([vn1.studyUid, vn2.studyUid].sort());
      for (const response of responses) {
        expect(response[Tag.PatientName]?.Value).toEqual([{ Alphabetic: 'Nguyễn^Văn An' }]);
        expect(response[Tag.SpecificCharacterSet]).toEqual({ vr: 'CS', Value: ['ISO_IR 192'] });
      }
    }
  });

  it('matches person names fuzzily when the SCU negotiated it, as QIDO-RS fuzzymatching=true', async () => {
    const identifier = {
      [Tag.QueryRetrieveLevel]: el('CS', 'STUDY'),
      ...studyKeys,
      [Tag.PatientName]: el('PN', { Alphabetic: 'an nguyen' }),
    };
    const request = identifierToQuery(identifier, 'study', { fuzzyMatching: true }) as FindRequest;
    const responses = [...findMatches(archive.index.db, request)].map((match) => resultToResponse(match, request, RETRIEVE_AE));
    expectSameAsQido(
      responses,
      await qido('/studies?PatientName=an%20nguyen&fuzzymatching=true&includefield=all'),
      request,
      Tag.StudyInstanceUID,
    );
    expect(responses).toHaveLength(2);
    expect([...findMatches(archive.index.db, translate(identifier, 'study'))]).toEqual([]); // literal without the negotiation
  });

  it('matches a date range and a date with its time as one date-time range, like QIDO-RS', async () => {
    const range = cFind('study', 'STUDY', { ...studyKeys, [Tag.StudyDate]: el('DA', '20120101-20201231') });
    expectSameAsQido(
      range.responses,
      await qido('/studies?StudyDate=20120101-20201231&includefield=all'),
      range.request,
      Tag.StudyInstanceUID,
    );
    expect(range.responses.map((r) => firstValue(r, Tag.StudyInstanceUID)).sort()).toEqual(
      [ct.studyInstanceUID, mr.studyInstanceUID].sort(),
    );
    const open = cFind('study', 'STUDY', { ...studyKeys, [Tag.StudyDate]: el('DA', '20240105-'), [Tag.StudyTime]: el('TM', '1000-') });
    expectSameAsQido(
      open.responses,
      await qido('/studies?StudyDate=20240105-&StudyTime=1000-&includefield=all'),
      open.request,
      Tag.StudyInstanceUID,
    );
    expect(open.responses.map((r) => firstValue(r, Tag.StudyInstanceUID))).toEqual([vn2.studyUid]); // 5 Jan 08:30 is before 5 Jan 10:00
  });

  it('matches a UID list (backslash-separated in DIMSE) and a modality list at SERIES level, relationally with a patient key', async () => {
    const seriesKeys: DicomJson = {
      [Tag.SeriesInstanceUID]: el('UI', vn1.seriesUid, vn1b.seriesUid, ct.seriesInstanceUID),
      [Tag.Modality]: empty('CS'),
      [Tag.SeriesNumber]: empty('IS'),
      [Tag.SeriesDescription]: empty('LO'),
      [Tag.NumberOfSeriesRelatedInstances]: empty('IS'),
      [Tag.StudyInstanceUID]: empty('UI'),
    };
    const list = cFind('study', 'SERIES', seriesKeys);
    const uids = [vn1.seriesUid, vn1b.seriesUid, ct.seriesInstanceUID].join(',');
    expectSameAsQido(list.responses, await qido(`/series?SeriesInstanceUID=${uids}&includefield=all`), list.request, Tag.SeriesInstanceUID);
    expect(list.responses).toHaveLength(3);
    const coronal = list.responses.find((r) => firstValue(r, Tag.SeriesInstanceUID) === vn1b.seriesUid)!;
    expect(coronal[Tag.SeriesDescription]?.Value).toEqual(['Coronal']);
    expect(coronal[Tag.NumberOfSeriesRelatedInstances]?.Value).toEqual([1]);

    const modalities = cFind('patient', 'SERIES', {
      ...seriesKeys,
      [Tag.SeriesInstanceUID]: empty('UI'),
      [Tag.Modality]: el('CS', 'MR', 'P*'),
      [Tag.PatientID]: el('LO', '*'),
    });
    expectSameAsQido(
      modalities.responses,
      await qido('/series?Modality=MR,P*&includefield=all'),
      modalities.request,
      Tag.SeriesInstanceUID,
    );
    expect(modalities.responses.map((r) => firstValue(r, Tag.Modality)).sort()).toEqual(['MR', 'PT']);
  });

  it('finds instances at IMAGE level under a study and series in both models, with SOP Class UID and Instance Number', async () => {
    for (const model of ['patient', 'study'] as const) {
      const { request, responses } = cFind(model, 'IMAGE', {
        [Tag.PatientID]: el('LO', ct.patientID),
        [Tag.StudyInstanceUID]: el('UI', ct.studyInstanceUID),
        [Tag.SeriesInstanceUID]: el('UI', ct.seriesInstanceUID),
        [Tag.SOPInstanceUID]: empty('UI'),
        [Tag.SOPClassUID]: el('UI', '1.2.840.10008.5.1.4.1.1.2'),
        [Tag.InstanceNumber]: empty('IS'),
        [Tag.ImagePositionPatient]: empty('DS'),
      });
      const items = await qido(
        `/instances?PatientID=${ct.patientID}&StudyInstanceUID=${ct.studyInstanceUID}&SeriesInstanceUID=${ct.seriesInstanceUID}&SOPClassUID=1.2.840.10008.5.1.4.1.1.2&includefield=all`,
      );
      expectSameAsQido(responses, items, request, Tag.SOPInstanceUID);
      expect(responses.map((r) => firstValue(r, Tag.SOPInstanceUID)).sort()).toEqual(
        ctFiles.map((f) => corpusEntry(f).sopInstanceUID).sort(),
      );
      expect(responses.every((r) => (r[Tag.ImagePositionPatient]?.Value ?? []).length === 3)).toBe(true);
    }
  });

  it('answers PATIENT level (Patient Root) with one response per patient and its study, series and instance counts', async () => {
    const patientKeys: DicomJson = {
      [Tag.PatientName]: empty('PN'),
      [Tag.PatientID]: empty('LO'),
      [Tag.PatientBirthDate]: empty('DA'),
      [Tag.NumberOfPatientRelatedStudies]: empty('IS'),
      [Tag.NumberOfPatientRelatedSeries]: empty('IS'),
      [Tag.NumberOfPatientRelatedInstances]: empty('IS'),
    };
    const all = cFind('patient', 'PATIENT', patientKeys);
    expect(all.responses.map((r) => firstValue(r, Tag.PatientID)).sort()).toEqual(
      ['VN-A', ct.patientID, mr.patientID, pt.patientID].sort(),
    );
    const { request, responses } = cFind('patient', 'PATIENT', {
      ...patientKeys,
      [Tag.PatientName]: el('PN', { Alphabetic: 'NGUYỄN^VĂN AN' }),
    });
    expect(responses).toHaveLength(1);
    const studies = await qido(`/studies?PatientName=${encodeURIComponent('NGUYỄN^VĂN AN')}`);
    expect(responses[0]).toEqual({
      [Tag.SpecificCharacterSet]: { vr: 'CS', Value: ['ISO_IR 192'] },
      [Tag.QueryRetrieveLevel]: { vr: 'CS', Value: ['PATIENT'] },
      [Tag.RetrieveAETitle]: { vr: 'AE', Value: [RETRIEVE_AE] },
      [Tag.PatientName]: studies[0]![Tag.PatientName],
      [Tag.PatientID]: { vr: 'LO', Value: ['VN-A'] },
      [Tag.PatientBirthDate]: { vr: 'DA', Value: ['19800101'] },
      [Tag.NumberOfPatientRelatedStudies]: { vr: 'IS', Value: [studies.length] },
      [Tag.NumberOfPatientRelatedSeries]: { vr: 'IS', Value: [3] },
      [Tag.NumberOfPatientRelatedInstances]: { vr: 'IS', Value: [4] },
    });
    expect(studies).toHaveLength(2);
    expect(request.query.level).toBe('study');
  });

  it('matches at STUDY level of Patient Root under a Patient ID, and says when an optional key was not matched (FF01)', async () => {
    const { request, responses } = cFind('patient', 'STUDY', {
      [Tag.PatientID]: el('LO', 'VN-A'),
      [Tag.StudyInstanceUID]: empty('UI'),
      [Tag.StudyDescription]: empty('LO'),
      [Tag.NameOfPhysiciansReadingStudy]: el('PN', { Alphabetic: 'Lê*' }),
    });
    expect(request.pendingStatus).toBe(FindStatus.PendingOptionalKeysUnsupported);
    expectSameAsQido(responses, await qido('/studies?PatientID=VN-A&includefield=all'), request, Tag.StudyInstanceUID);
    expect(responses.map((r) => firstValue(r, Tag.StudyInstanceUID))).toEqual([vn2.studyUid, vn1.studyUid]); // newest first
    expect(firstValue(responses[1], Tag.StudyDescription)).toBe('CT NGỰC');
    expect(responses[0]![Tag.NameOfPhysiciansReadingStudy]).toEqual({ vr: 'PN' });
  });

  it('refuses what it cannot process, with the DIMSE status and a readable Error Comment', () => {
    const level = (value: string): DicomJson => ({ [Tag.QueryRetrieveLevel]: el('CS', value) });
    expect(refusal({ [Tag.PatientID]: empty('LO') }, 'study')).toMatchObject({
      status: FindStatus.UnableToProcess,
      errorComment: 'Query/Retrieve Level (0008,0052) is missing.',
      offendingElement: Tag.QueryRetrieveLevel,
    });
    expect(refusal(level('WORKLIST'), 'study')).toMatchObject({ status: 0xc000, errorComment: 'Unknown Query/Retrieve Level "WORKLIST".' });
    expect(refusal(level('PATIENT'), 'study')).toMatchObject({
      status: FindStatus.IdentifierDoesNotMatchSopClass,
      errorComment: 'The Study Root model has no PATIENT level.',
    });
    expect(refusal({ ...level('STUDY'), [Tag.SeriesInstanceUID]: empty('UI') }, 'study')).toMatchObject({
      status: 0xc000,
      errorComment: 'SeriesInstanceUID (0020,000E) is a key of a level below STUDY.',
      offendingElement: Tag.SeriesInstanceUID,
    });
    // Patient Root: a study key cannot be in a PATIENT-level query.
    expect(refusal({ ...level('PATIENT'), [Tag.StudyDate]: el('DA', '20240105') }, 'patient')).toMatchObject({
      status: 0xc000,
      offendingElement: Tag.StudyDate,
    });
    expect(refusal({ ...level('STUDY'), [Tag.StudyDate]: el('DA', 'yesterday') }, 'study')).toMatchObject({
      status: 0xc000,
      errorComment: 'StudyDate: expected YYYYMMDD or a range YYYYMMDD-YYYYMMDD, -YYYYMMDD, YYYYMMDD-.',
      offendingElement: Tag.StudyDate,
    });
    expect(refusal({ ...level('STUDY'), [Tag.StudyInstanceUID]: el('UI', '1.2.*') }, 'study')).toMatchObject({
      status: 0xc000,
      offendingElement: Tag.StudyInstanceUID,
    });
    expect(refusal({ ...level('IMAGE'), [Tag.QueryRetrieveView]: el('CS', 'CLASSIC') }, 'study')).toMatchObject({
      status: 0xc000,
      offendingElement: Tag.QueryRetrieveView,
    });
    expect(refusal({ ...level('STUDY'), [Tag.PatientID]: el('LO', 'A', 'B') }, 'study')).toMatchObject({
      status: 0xc000,
      errorComment: 'PatientID: only UID keys take a list of values (PS3.4 C.2.2.2.2).',
    });
  });

  it('returns a sequence whole when asked with an empty item, reduced to the keys of its item otherwise, and never bulk data', () => {
    const code = (value: string, meaning: string): DicomJson => ({
      '00080100': el('SH', value),
      '00080102': el('SH', 'LN'),
      '00080104': el('LO', meaning),
    });
    const stored: DicomJson = {
      [Tag.StudyInstanceUID]: el('UI', '1.2.3'),
      [Tag.ProcedureCodeSequence]: el('SQ', code('24627-2', 'CT ngực'), code('36813-4', 'CT abdomen')),
      [Tag.IssuerOfAccessionNumberSequence]: el('SQ', code('X', 'Y')),
      [Tag.PixelData]: { vr: 'OW', BulkDataURI: 'http://archive/bulk' },
    };
    const request = translate(
      {
        [Tag.QueryRetrieveLevel]: el('CS', 'STUDY'),
        [Tag.StudyInstanceUID]: el('UI', '1.2.3'),
        [Tag.ProcedureCodeSequence]: el('SQ', { '00080100': empty('SH'), '00080104': empty('LO') }),
        [Tag.IssuerOfAccessionNumberSequence]: el('SQ'),
        [Tag.PixelData]: empty('OW'),
      },
      'study',
    );
    expect(request.pendingStatus).toBe(FindStatus.Pending);
    expect(resultToResponse(stored, request)).toEqual({
      [Tag.SpecificCharacterSet]: el('CS', 'ISO_IR 192'), // "ngực" inside an item
      [Tag.QueryRetrieveLevel]: el('CS', 'STUDY'),
      [Tag.ProcedureCodeSequence]: el(
        'SQ',
        { '00080100': el('SH', '24627-2'), '00080104': el('LO', 'CT ngực') },
        { '00080100': el('SH', '36813-4'), '00080104': el('LO', 'CT abdomen') },
      ),
      [Tag.IssuerOfAccessionNumberSequence]: stored[Tag.IssuerOfAccessionNumberSequence],
      [Tag.PixelData]: { vr: 'OW' },
      [Tag.StudyInstanceUID]: el('UI', '1.2.3'),
    });
    // A value inside a sequence item is sequence matching, which the archive does not do: FF01.
    const matching = translate(
      { [Tag.QueryRetrieveLevel]: el('CS', 'STUDY'), [Tag.ProcedureCodeSequence]: el('SQ', code('X', 'Y')) },
      'study',
    );
    expect(matching.pendingStatus).toBe(FindStatus.PendingOptionalKeysUnsupported);
    expect(matching.query.filters).toEqual([]);
  });
});
