/**
 * The study-level C-FIND mix of `npm run bench:dimse`, made from the synthetic archive's samples:
 * exact PatientID (its study count is known), a PatientName prefix wildcard, a one-month
 * StudyDate range. The prefixes are family-name starts without diacritics (Tr → Trần, Trương;
 * Ph → Phạm, Phan; Phan; Hu → Huỳnh), so a server that folds accents and case and one that
 * matches exactly must return the same studies (Du* or Tru* find Dương or Trương only when
 * folding: ư is not u; both servers here match exactly). Each query runs through DCMTK's findscu (a process and an
 * association per query, as a workstation does it) or on one open association (DimseClient), so
 * that the server's own latency shows without the process start.
 */
import { performance } from 'node:perf_hooks';
import type { DicomJson } from '../../shared/dicom/dicom-json';
import { EXPLICIT_VR_LITTLE_ENDIAN, IMPLICIT_VR_LITTLE_ENDIAN } from '../../shared/dicom/transfer-syntaxes';
import { encodeDataSet } from '../../server/dimse/data-set-codec';
import { DimseClient, isPending } from '../../server/dimse/dimse-client';
import { CommandField } from '../../server/dimse/dimse-command';
import { STUDY_ROOT_FIND } from '../../server/dimse/sop-classes';
import { runDcmtk } from '../helpers/dcmtk';
import type { SyntheticArchive } from './synthetic-archive';

export type FindKind = 'PatientID' | 'PatientName wildcard' | 'StudyDate month';

export interface FindQuery {
  kind: FindKind;
  /** The one matching key, keyword → value; the other return keys are asked empty. */
  key: { keyword: 'PatientID' | 'PatientName' | 'StudyDate'; value: string };
  /** Exact number of studies expected, when the synthetic archive knows it. */
  expected?: number;
}

export interface FindTarget {
  host: string;
  port: number;
  aeTitle: string;
  callingAeTitle: string;
}

export interface FindAnswer {
  ms: number;
  matches: number;
  /** The final status, or undefined when the tool failed. */
  ok: boolean;
  detail: string;
}

const NAME_PREFIXES = ['Tr*', 'Ph*', 'Hu*', 'Phan*'];
const RETURN_KEYS: Record<string, { tag: string; vr: string }> = {
  StudyInstanceUID: { tag: '0020000D', vr: 'UI' },
  PatientName: { tag: '00100010', vr: 'PN' },
  PatientID: { tag: '00100020', vr: 'LO' },
  StudyDate: { tag: '00080020', vr: 'DA' },
  AccessionNumber: { tag: '00080050', vr: 'SH' },
  StudyDescription: { tag: '00081030', vr: 'LO' },
};

export function findQueries(archive: SyntheticArchive, count: number): FindQuery[] {
  const queries: FindQuery[] = [];
  for (let n = 0; queries.length < count; n++) {
    const sample = archive.samples[(n * 7919) % archive.samples.length]!;
    const month = sample.date.slice(0, 6);
    const all: FindQuery[] = [
      {
        kind: 'PatientID',
        key: { keyword: 'PatientID', value: sample.patientId },
        expected: archive.studiesOfPatient.get(sample.patientId),
      },
      { kind: 'PatientName wildcard', key: { keyword: 'PatientName', value: NAME_PREFIXES[n % NAME_PREFIXES.length]! } },
      { kind: 'StudyDate month', key: { keyword: 'StudyDate', value: `${month}01-${month}28` } },
    ];
    queries.push(all[n % all.length]!);
  }
  return queries;
}

/** findscu, Study Root, one process and association per query; matches counted from its log. */
export async function findWithFindscu(target: FindTarget, query: FindQuery): Promise<FindAnswer> {
  const keys = Object.keys(RETURN_KEYS).flatMap((keyword) => [
    '-k',
    keyword === query.key.keyword ? `${keyword}=${query.key.value}` : keyword,
  ]);
  const started = performance.now();
  const { code, output } = await runDcmtk('findscu', [
    '-S',
    '-v',
    '-aet',
    target.callingAeTitle,
    '-aec',
    target.aeTitle,
    '-k',
    'QueryRetrieveLevel=STUDY',
    ...keys,
    target.host,
    String(target.port),
  ]);
  const ms = performance.now() - started;
  // -v logs "Find Response: N (Pending)" and the match per match, then "Received Final Find Response (Success)".
  const matches = output.match(/Find Response: \d+ \(Pending\)/g)?.length ?? 0;
  const ok = code === 0 && output.includes('Received Final Find Response (Success)');
  return { ms, matches, ok, detail: ok ? '' : output.split('\n').slice(-4).join(' ').slice(0, 300) };
}

function identifier(query: FindQuery): DicomJson {
  const json: DicomJson = { '00080052': { vr: 'CS', Value: ['STUDY'] } };
  for (const [keyword, { tag, vr }] of Object.entries(RETURN_KEYS))
    json[tag] = keyword !== query.key.keyword ? { vr } : { vr, Value: [vr === 'PN' ? { Alphabetic: query.key.value } : query.key.value] };
  return json;
}

/** One association for many queries: the server's latency per C-FIND without process or association start. */
export class FindAssociation {
  private constructor(
    private readonly client: DimseClient,
    private readonly contextId: number,
    private readonly transferSyntax: string,
  ) {}

  /** Undefined when the server does not accept Study Root C-FIND. */
  static async open(target: FindTarget): Promise<FindAssociation | undefined> {
    const client = await DimseClient.open({
      host: target.host,
      port: target.port,
      calledAeTitle: target.aeTitle,
      callingAeTitle: target.callingAeTitle,
      contexts: [{ abstractSyntax: STUDY_ROOT_FIND, transferSyntaxes: [EXPLICIT_VR_LITTLE_ENDIAN, IMPLICIT_VR_LITTLE_ENDIAN] }],
    });
    const contextId = client.contextFor(STUDY_ROOT_FIND);
    if (contextId === undefined) {
      await client.release();
      return undefined;
    }
    return new FindAssociation(client, contextId, client.contexts.get(contextId)!.transferSyntax);
  }

  async find(query: FindQuery): Promise<FindAnswer> {
    const dataSet = encodeDataSet(identifier(query), this.transferSyntax);
    const started = performance.now();
    let matches = 0;
    let status: number | undefined;
    for await (const response of this.client.request(
      this.contextId,
      { commandField: CommandField.CFindRq, affectedSopClassUid: STUDY_ROOT_FIND, priority: 0, commandDataSetType: 0 },
      dataSet,
    )) {
      if (isPending(response.command.status)) matches++;
      else status = response.command.status;
    }
    const ms = performance.now() - started;
    return { ms, matches, ok: status === 0, detail: status === 0 ? '' : `final status 0x${(status ?? 0).toString(16)}` };
  }

  release(): Promise<void> {
    return this.client.release();
  }
}
