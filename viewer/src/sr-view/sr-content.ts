/**
 * The content tree of a Structured Report (PS3.3 C.17.3 SR Document Content Module) read from its
 * DICOM JSON: each content item's concept name, value as text and nested items.
 */
import { getString, getStrings, type DicomJson, type PersonName } from '../../../shared/dicom/dicom-json';
import { formatDicomDate, formatDicomTime } from '../i18n/i18n';
import { formatPersonName } from '../dicomweb/search';

const SR = {
  SOPClassUID: '00080016',
  ContentDate: '00080023',
  ContentTime: '00080033',
  CodeValue: '00080100',
  CodeMeaning: '00080104',
  ReferencedSOPSequence: '00081199',
  ReferencedSOPInstanceUID: '00081155',
  MeasurementUnitsCodeSequence: '004008EA',
  RelationshipType: '0040A010',
  VerifyingOrganization: '0040A027',
  VerificationDateTime: '0040A030',
  ValueType: '0040A040',
  ConceptNameCodeSequence: '0040A043',
  VerifyingObserverSequence: '0040A073',
  VerifyingObserverName: '0040A075',
  DateTime: '0040A120',
  Date: '0040A121',
  Time: '0040A122',
  PersonName: '0040A123',
  UID: '0040A124',
  TextValue: '0040A160',
  ConceptCodeSequence: '0040A168',
  MeasuredValueSequence: '0040A300',
  NumericValue: '0040A30A',
  CompletionFlag: '0040A491',
  VerificationFlag: '0040A493',
  ContentSequence: '0040A730',
} as const;

/** Structured Report SOP classes (PS3.4 B.5: 1.2.840.10008.5.1.4.1.1.88.x). */
export function isStructuredReport(instance: DicomJson): boolean {
  return /^1\.2\.840\.10008\.5\.1\.4\.1\.1\.88\.\d+$/.test(getString(instance, SR.SOPClassUID) ?? '');
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
}

function items(ds: DicomJson | undefined, tag: string): DicomJson[] {
  return (ds?.[tag]?.Value ?? []).filter((v): v is DicomJson => typeof v === 'object' && v !== null);
}

function codeMeaning(ds: DicomJson | undefined, tag: string): string {
  const code = items(ds, tag)[0];
  return getString(code, SR.CodeMeaning) ?? getString(code, SR.CodeValue) ?? '';
}

/** UCUM units as written (`mm`, `HU`); an annotation like `{pixels}` or a unitless `1` by its meaning. */
function unitText(measured: DicomJson): string {
  const unit = items(measured, SR.MeasurementUnitsCodeSequence)[0];
  const value = getString(unit, SR.CodeValue) ?? '';
  if (value === '1') return '';
  if (value === '' || value.startsWith('{')) return getString(unit, SR.CodeMeaning) ?? value;
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
      return getString(item, SR.TextValue) ?? '';
    case 'CODE':
      return codeMeaning(item, SR.ConceptCodeSequence);
    case 'NUM': {
      const measured = items(item, SR.MeasuredValueSequence)[0];
      if (!measured) return '';
      return [getString(measured, SR.NumericValue) ?? '', unitText(measured)].filter(Boolean).join(' ');
    }
    case 'DATETIME':
      return dicomDateTime(getString(item, SR.DateTime));
    case 'DATE':
      return formatDicomDate(getString(item, SR.Date)) || (getString(item, SR.Date) ?? '');
    case 'TIME':
      return formatDicomTime(getString(item, SR.Time)) || (getString(item, SR.Time) ?? '');
    case 'PNAME':
      return formatPersonName(item[SR.PersonName]?.Value?.[0] as PersonName | string | undefined);
    case 'UIDREF':
      return getString(item, SR.UID) ?? '';
    case 'IMAGE':
    case 'COMPOSITE':
    case 'WAVEFORM':
      return getStrings(items(item, SR.ReferencedSOPSequence)[0], SR.ReferencedSOPInstanceUID).join(', ');
    default:
      return '';
  }
}

function contentItem(item: DicomJson): SrItem {
  const valueType = getString(item, SR.ValueType) ?? '';
  return {
    valueType,
    relationship: getString(item, SR.RelationshipType) ?? '',
    name: codeMeaning(item, SR.ConceptNameCodeSequence),
    value: valueOf(item, valueType),
    children: items(item, SR.ContentSequence).map(contentItem),
  };
}

export function readStructuredReport(instance: DicomJson): SrDocument {
  const root = contentItem(instance);
  return {
    title: root.name,
    completion: getString(instance, SR.CompletionFlag) ?? '',
    verification: getString(instance, SR.VerificationFlag) ?? '',
    contentDate: [formatDicomDate(getString(instance, SR.ContentDate)), formatDicomTime(getString(instance, SR.ContentTime), false)]
      .filter(Boolean)
      .join(' '),
    verifiers: items(instance, SR.VerifyingObserverSequence).map((v) => ({
      name: formatPersonName(v[SR.VerifyingObserverName]?.Value?.[0] as PersonName | string | undefined),
      organization: getString(v, SR.VerifyingOrganization) ?? '',
      dateTime: dicomDateTime(getString(v, SR.VerificationDateTime)),
    })),
    root,
  };
}
