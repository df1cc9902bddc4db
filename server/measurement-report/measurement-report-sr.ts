import type { ReportedMeasurement } from '../../shared/api/measurement-report';
import type { DicomJson } from '../../shared/dicom/dicom-json';
import { Tag } from '../../shared/dicom/tags';
import { lazyRequire } from '../lazy-require';
import type { InstanceReference } from '../sr/hierarchical-reference';
import { writeBasicTextSr, type SrDocument } from '../sr/sr-document';
import { observerName } from '../sr/study-modules';

/**
 * Measurements drawn in the viewer as a DICOM Comprehensive SR following TID 1500 "Measurement
 * Report": the content tree is made by dcmjs's cornerstone-tools v4 adapter
 * (adapters.Cornerstone.MeasurementReport, one TID 1501 group per image and tool, TID 300
 * measurements with their SCOORDs), the document around it by our SR writer (study modules
 * copied from the index, SR Document General, evidence by series). What the adapter gets wrong
 * for us is set right here: the observer (it writes "unknown^unknown") and the evidence (it puts
 * every image under the first image's series).
 */

export const COMPREHENSIVE_SR_SOP_CLASS_UID = '1.2.840.10008.5.1.4.1.1.88.33';
export const MEASUREMENT_SERIES_NUMBER = 9904;
export const MEASUREMENT_SERIES_DESCRIPTION = 'Measurement report';

export interface MeasuredImage {
  seriesInstanceUid: string;
  sopInstanceUid: string;
  sopClassUid: string;
  frame: number;
}

export interface MeasurementReportInput {
  study: DicomJson;
  /** Each measurement with the image it was drawn on. */
  measurements: ReadonlyArray<{ measurement: ReportedMeasurement; image: MeasuredImage }>;
  observer: string;
  createdAt: Date;
  series?: { uid: string; instanceNumber: number };
}

type ToolState = Record<string, Record<string, { data: unknown[] }>>;
interface MetadataProvider {
  get(type: string, imageId: string): unknown;
}
const dcmjs = lazyRequire<{
  adapters: {
    Cornerstone: {
      MeasurementReport: { generateReport(state: ToolState, provider: MetadataProvider): { dataset: Record<string, unknown> } };
    };
  };
  data: { DicomMetaDictionary: { denaturalizeDataset(dataset: Record<string, unknown>): DicomJson } };
}>('dcmjs');

/** The root CONTAINER's attributes in the naturalized data set the adapter returns. */
const CONTENT_KEYWORDS = ['ValueType', 'ConceptNameCodeSequence', 'ContinuityOfContent', 'ContentTemplateSequence', 'ContentSequence'];

export function buildMeasurementReport(input: MeasurementReportInput): SrDocument {
  const state: ToolState = {};
  const images = new Map<string, MeasuredImage>();
  for (const { measurement, image } of input.measurements) {
    const imageId = `${image.sopInstanceUid}:${image.frame}`;
    images.set(imageId, image);
    const tools = (state[imageId] ??= {});
    (tools[measurement.tool] ??= { data: [] }).data.push(toolData(measurement));
  }
  const provider: MetadataProvider = {
    get(type, imageId) {
      const image = images.get(imageId)!;
      if (type === 'generalSeriesModule') return { seriesInstanceUID: image.seriesInstanceUid };
      if (type === 'sopCommonModule') return { sopClassUID: image.sopClassUid, sopInstanceUID: image.sopInstanceUid };
      if (type === 'frameNumber') return image.frame;
      return undefined;
    },
  };
  const dataset = dcmjs().adapters.Cornerstone.MeasurementReport.generateReport(state, provider).dataset;
  const content = dcmjs().data.DicomMetaDictionary.denaturalizeDataset(Object.fromEntries(CONTENT_KEYWORDS.map((k) => [k, dataset[k]])));
  nameObserver(content, observerName(input.observer));
  longCodeValues(content);
  const evidence: InstanceReference[] = [...images.values()].map(({ seriesInstanceUid, sopClassUid, sopInstanceUid }) => ({
    seriesInstanceUid,
    sopClassUid,
    sopInstanceUid,
  }));
  return writeBasicTextSr({
    sopClassUid: COMPREHENSIVE_SR_SOP_CLASS_UID,
    study: input.study,
    series: {
      number: MEASUREMENT_SERIES_NUMBER,
      description: MEASUREMENT_SERIES_DESCRIPTION,
      ...(input.series ? { uid: input.series.uid } : {}),
    },
    ...(input.series ? { instanceNumber: input.series.instanceNumber } : {}),
    completedAt: input.createdAt,
    author: { name: observerName(input.observer) },
    evidence,
    content,
  });
}

/** The cornerstone-tools state the adapter reads for one measurement. */
function toolData(m: ReportedMeasurement): Record<string, unknown> {
  const stats = Object.fromEntries(Object.entries(m.cachedStats ?? {}).map(([k, v]) => [k, decimal(v)]));
  return {
    handles: m.handles,
    ...(m.length !== undefined ? { length: decimal(m.length) } : {}),
    ...(m.rAngle !== undefined ? { rAngle: decimal(m.rAngle) } : {}),
    ...(m.text !== undefined ? { text: m.text } : {}),
    cachedStats: stats,
  };
}

/** Four decimals: what a measurement means, and a Numeric Value (DS) holds at most 16 characters. */
const decimal = (value: number) => Math.round(value * 1e4) / 1e4;

/** TID 1002 Person Observer Name: who saved the report, in place of the adapter's "unknown^unknown". */
function nameObserver(content: DicomJson, name: string): void {
  for (const item of (content[Tag.ContentSequence]?.Value ?? []) as DicomJson[]) {
    if (item[Tag.ValueType]?.Value?.[0] === 'PNAME') item[Tag.PersonName] = { vr: 'PN', Value: [{ Alphabetic: name }] };
  }
}

/**
 * A code value longer than an SH's 16 characters (the adapter's arrow finding, CST4
 * "CORNERSTONEFREETEXT") goes into Long Code Value (0008,0119, UC), as PS3.3 8.8 says, instead
 * of an invalid Code Value; every item of every sequence is looked at.
 */
function longCodeValues(ds: DicomJson): void {
  const value = ds[Tag.CodeValue]?.Value?.[0];
  if (typeof value === 'string' && value.length > 16) {
    delete ds[Tag.CodeValue];
    ds[Tag.LongCodeValue] = { vr: 'UC', Value: [value] };
  }
  for (const element of Object.values(ds)) {
    if (element.vr === 'SQ') for (const item of (element.Value ?? []) as DicomJson[]) longCodeValues(item);
  }
}
