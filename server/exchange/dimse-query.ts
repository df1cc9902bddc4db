import type { DicomJson, DicomJsonElement } from '../../shared/dicom/dicom-json';
import { Tag } from '../../shared/dicom/tags';
import { queryKeyVr, type QidoFilter, type QidoLevel, type QidoQuery } from '../../shared/dicomweb/qido-query';

/** QueryRetrieveLevel (0008,0052) of each QIDO-RS level (PS3.4 C.6.2.1). */
const LEVEL: Record<QidoLevel, string> = { study: 'STUDY', series: 'SERIES', instance: 'IMAGE' };

/**
 * The attributes a DIMSE peer is asked to return at each level, besides the keys matched on:
 * QIDO-RS's default return attributes (PS3.18 Table 6.7.1-2, -2a), so a DIMSE peer's answer
 * reads like a DICOMweb peer's. Each with its VR, for the empty key.
 */
const RETURN_KEYS: Record<QidoLevel, ReadonlyArray<[string, string]>> = {
  study: [
    [Tag.StudyInstanceUID, 'UI'],
    [Tag.StudyDate, 'DA'],
    [Tag.StudyTime, 'TM'],
    [Tag.AccessionNumber, 'SH'],
    [Tag.ModalitiesInStudy, 'CS'],
    [Tag.ReferringPhysicianName, 'PN'],
    [Tag.PatientName, 'PN'],
    [Tag.PatientID, 'LO'],
    [Tag.PatientBirthDate, 'DA'],
    [Tag.PatientSex, 'CS'],
    [Tag.StudyID, 'SH'],
    [Tag.StudyDescription, 'LO'],
    [Tag.NumberOfStudyRelatedSeries, 'IS'],
    [Tag.NumberOfStudyRelatedInstances, 'IS'],
  ],
  series: [
    [Tag.SeriesInstanceUID, 'UI'],
    [Tag.Modality, 'CS'],
    [Tag.SeriesDescription, 'LO'],
    [Tag.SeriesNumber, 'IS'],
    [Tag.NumberOfSeriesRelatedInstances, 'IS'],
    [Tag.PerformedProcedureStepStartDate, 'DA'],
    [Tag.PerformedProcedureStepStartTime, 'TM'],
  ],
  instance: [
    [Tag.SOPClassUID, 'UI'],
    [Tag.SOPInstanceUID, 'UI'],
    [Tag.InstanceNumber, 'IS'],
    [Tag.Rows, 'US'],
    [Tag.Columns, 'US'],
    [Tag.BitsAllocated, 'US'],
    [Tag.NumberOfFrames, 'IS'],
  ],
};

/**
 * A QIDO-RS query (parsed and checked as our own QIDO-RS checks it) as a Study Root C-FIND
 * identifier (PS3.4 C.6.2): the matching keys with their values in DIMSE's syntax (UID lists and
 * codes as multiple values, date and time ranges as `from-to`, wildcards as they are), the
 * default return keys of the level empty, includefield's tags empty when their VR is known (a
 * C-FIND cannot ask for all attributes), and the UIDs of the study and series in the path.
 */
export function qidoToIdentifier(query: QidoQuery, path: { study?: string | undefined; series?: string | undefined }): DicomJson {
  const identifier: DicomJson = { [Tag.QueryRetrieveLevel]: { vr: 'CS', Value: [LEVEL[query.level]] } };
  for (const [tag, vr] of RETURN_KEYS[query.level]) identifier[tag] = { vr };
  if (query.includeFields !== 'all')
    for (const tag of query.includeFields) {
      const vr = queryKeyVr(tag);
      if (vr && !identifier[tag]) identifier[tag] = { vr };
    }
  for (const filter of query.filters) identifier[filter.key.tag] = matchValue(filter);
  if (path.study) identifier[Tag.StudyInstanceUID] = { vr: 'UI', Value: [path.study] };
  if (path.series) identifier[Tag.SeriesInstanceUID] = { vr: 'UI', Value: [path.series] };
  // The identifier is written in UTF-8 (data-set-codec.ts): a name in Vietnamese must say so.
  if (query.filters.some((filter) => filter.values.some((value) => /[^\x00-\x7f]/.test(value))))
    identifier[Tag.SpecificCharacterSet] = { vr: 'CS', Value: ['ISO_IR 192'] };
  return identifier;
}

function matchValue(filter: QidoFilter): DicomJsonElement {
  const { key, values } = filter;
  switch (key.kind) {
    case 'uid-list':
    case 'code-list':
      return { vr: key.vr, Value: values };
    case 'date':
    case 'time': {
      const [from = '', to = ''] = values;
      return { vr: key.vr, Value: [from === to ? from : `${from}-${to}`] };
    }
    case 'person-name':
      return { vr: key.vr, Value: [{ Alphabetic: values[0] ?? '' }] };
    case 'integer':
      return { vr: key.vr, Value: [Number(values[0])] };
    case 'string':
      return { vr: key.vr, Value: [values[0] ?? ''] };
  }
}
