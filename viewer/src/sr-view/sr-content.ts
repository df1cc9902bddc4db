/**
 * The content tree of a Structured Report (PS3.3 C.17.3 SR Document Content Module) read from its
 * DICOM JSON: each content item's concept name, value as text and nested items.
 */
import { getString, getStrings, type DicomJson, type PersonName } from '../../../shared/dicom/dicom-json';
import { Tag } from '../../../shared/dicom/tags';
import { currentLanguage, formatDicomDate, formatDicomTime } from '../i18n/i18n';
import { formatPersonName } from '../dicomweb/search';
import { conceptName, conceptValue, measurementName } from './our-concepts';

/** Structured Report SOP classes (PS3.4 B.5: 1.2.840.10008.5.1.4.1.1.88.x). */
export function isStructuredReport(instance: DicomJson): boolean {
  return /^1\.2\.840\.10008\.5\.1\.4\.1\.1\.88\.\d+$/.test(getString(instance, Tag.SOPClassUID) ?? '');
}

export interface SrItem {
  valueType: string;
  relationship: string;
  /** The concept name's meaning ('' when the item has none, e.g. an image reference). */
  name: string;
  /** The value as text ('' for a CONTAINER). */
  value: string;
  children: SrItem[];
}

export interface SrVerifier {
  name: string;
  organization: string;
  /** DICOM DT, as stored */
  dateTime: string;
}

export interface SrDocument {
  title: string;
  completion: string;
  verification: string;
  contentDate: string;
  verifiers: SrVerifier[];
  root: SrItem;
  sopInstanceUid: string;
  /** The documents this one amends and replaces (Predecessor Documents Sequence). */
  predecessors: string[];
}

function items(ds: DicomJson | undefined, tag: string): DicomJson[] {
  return (ds?.[tag]?.Value ?? []).filter((v): v is DicomJson => typeof v === 'object' && v !== null);
}

function codeMeaning(ds: DicomJson | undefined, tag: string): string {
  const code = items(ds, tag)[0];
  return getString(code, Tag.CodeMeaning) ?? getString(code, Tag.CodeValue) ?? '';
}

/** UCUM units as written (`mm`, `HU`); an annotation like `{pixels}` or a unitless `1` by its meaning. */
function unitText(measured: DicomJson): string {
  const unit = items(measured, Tag.MeasurementUnitsCodeSequence)[0];
  const value = getString(unit, Tag.CodeValue) ?? '';
  if (value === '1') return '';
  if (value === '' || value.startsWith('{')) return getString(unit, Tag.CodeMeaning) ?? value;
  return value;
}

function dicomDateTime(dt: string | undefined): string {
  const text = dt?.trim() ?? '';
  if (text.length < 8) return text;
  return [formatDicomDate(text.slice(0, 8)), formatDicomTime(text.slice(8, 14))].filter(Boolean).join(' ');
}

function valueOf(item: DicomJson, valueType: string): string {
  switch (valueType) {
    case 'TEXT':
      return getString(item, Tag.TextValue) ?? '';
    case 'CODE':
      return codeMeaning(item, Tag.ConceptCodeSequence);
    case 'NUM': {
      const measured = items(item, Tag.MeasuredValueSequence)[0];
      if (!measured) return '';
      return [getString(measured, Tag.NumericValue) ?? '', unitText(measured)].filter(Boolean).join(' ');
    }
    case 'DATETIME':
      return dicomDateTime(getString(item, Tag.DateTime));
    case 'DATE':
      return formatDicomDate(getString(item, Tag.Date)) || (getString(item, Tag.Date) ?? '');
    case 'TIME':
      return formatDicomTime(getString(item, Tag.Time)) || (getString(item, Tag.Time) ?? '');
    case 'PNAME':
      return formatPersonName(item[Tag.PersonName]?.Value?.[0] as PersonName | string | undefined);
    case 'UIDREF':
      return getString(item, Tag.UID) ?? '';
    case 'IMAGE':
    case 'COMPOSITE':
    case 'WAVEFORM':
      return getStrings(items(item, Tag.ReferencedSOPSequence)[0], Tag.ReferencedSOPInstanceUID).join(', ');
    default:
      return '';
  }
}

/** `scheme:value` of an item's concept name, e.g. `DCM:125007`. */
function conceptOf(item: DicomJson): { scheme: string; code: string; key: string } {
  const concept = items(item, Tag.ConceptNameCodeSequence)[0];
  const [scheme, code] = [getString(concept, Tag.CodingSchemeDesignator) ?? '', getString(concept, Tag.CodeValue) ?? ''];
  return { scheme, code, key: `${scheme}:${code}` };
}
const MEASUREMENT_GROUP = 'DCM:125007';
const TRACKING_IDENTIFIER = 'DCM:112039';

function contentItem(item: DicomJson): SrItem {
  const valueType = getString(item, Tag.ValueType) ?? '';
  const { scheme, code, key } = conceptOf(item);
  let name = conceptName(scheme, code, codeMeaning(item, Tag.ConceptNameCodeSequence), currentLanguage());
  let children = items(item, Tag.ContentSequence);
  // TID 1501: a measurement group is headed by the name of what it measures instead of showing a Tracking Identifier row.
  const tracking = key === MEASUREMENT_GROUP ? children.find((c) => conceptOf(c).key === TRACKING_IDENTIFIER) : undefined;
  const identifier = getString(tracking, Tag.TextValue)?.trim();
  if (identifier) {
    name = measurementName(identifier, currentLanguage());
    children = children.filter((c) => c !== tracking);
  }
  return {
    valueType,
    relationship: getString(item, Tag.RelationshipType) ?? '',
    name,
    value: conceptValue(scheme, code, valueOf(item, valueType), currentLanguage()),
    children: children.map(contentItem),
  };
}

export function readStructuredReport(instance: DicomJson): SrDocument {
  const root = contentItem(instance);
  return {
    title: root.name,
    completion: getString(instance, Tag.CompletionFlag) ?? '',
    verification: getString(instance, Tag.VerificationFlag) ?? '',
    contentDate: [formatDicomDate(getString(instance, Tag.ContentDate)), formatDicomTime(getString(instance, Tag.ContentTime), false)]
      .filter(Boolean)
      .join(' '),
    verifiers: items(instance, Tag.VerifyingObserverSequence).map((v) => ({
      name: formatPersonName(v[Tag.VerifyingObserverName]?.Value?.[0] as PersonName | string | undefined),
      organization: getString(v, Tag.VerifyingOrganization) ?? '',
      dateTime: dicomDateTime(getString(v, Tag.VerificationDateTime)),
    })),
    root,
    sopInstanceUid: getString(instance, Tag.SOPInstanceUID) ?? '',
    predecessors: items(instance, Tag.PredecessorDocumentsSequence)
      .flatMap((study) => items(study, Tag.ReferencedSeriesSequence))
      .flatMap((series) => items(series, Tag.ReferencedSOPSequence))
      .flatMap((sop) => getStrings(sop, Tag.ReferencedSOPInstanceUID)),
  };
}
