import { getString } from '../../shared/dicom/dicom-json';
import { Tag } from '../../shared/dicom/tags';
import { isValidUid } from '../../shared/dicom/uid';
import { PeerStatusError } from './peer-answer';
import { PeerProtocolError, type PeerConnection } from './peer-connection';
import { searchPeer } from './peer-qido';
import { PermanentTransferError, type JobInstance, type JobSpec } from './transfer-work';

/** Results asked for per QIDO-RS page; a peer that caps pages lower is paged all the same. */
const PAGE = 1000;
/** More instances than any study has: a peer listing more is not answering what we asked. */
const MAX_INSTANCES = 200_000;

export interface PeerListing {
  /** The instances to fetch, in the peer's order (only the job's own when it names instances). */
  instances: JobInstance[];
  /** Instances the job names that the peer does not list. */
  missing: JobInstance[];
  /** Series whose every instance on the peer is among `instances`: these can be retrieved whole. */
  wholeSeries: Set<string>;
}

/**
 * What the peer holds of the job's study or series: QIDO-RS at instance level
 * (`/studies/{study}[/series/{series}]/instances`, PS3.18 10.6.1.2), paged with `offset` until a
 * page brings nothing new, so a peer that caps its answers (ours at PACS_QIDO_MAX_LIMIT, others
 * silently) is listed whole, and one that ignores `offset` is not asked forever.
 */
export async function listPeerInstances(peer: PeerConnection, job: JobSpec, signal: AbortSignal): Promise<PeerListing> {
  const base = job.seriesUid ? `/studies/${job.studyUid}/series/${job.seriesUid}/instances` : `/studies/${job.studyUid}/instances`;
  const what = job.seriesUid ? "the search for the series' instances" : "the search for the study's instances";
  const listed = new Map<string, JobInstance>();
  for (let offset = 0; ;) {
    let items;
    try {
      ({ items } = await searchPeer(peer, `${base}?includefield=0020000E&limit=${PAGE}&offset=${offset}`, { signal, what }));
    } catch (error) {
      if (error instanceof PeerStatusError && error.status === 404)
        throw new PermanentTransferError(
          `the peer has no such ${job.seriesUid ? 'series' : 'study'} (404 to ${what}; or its base URL is not a DICOMweb service)`,
        );
      throw error;
    }
    let fresh = 0;
    for (const item of items) {
      const sopUid = getString(item, Tag.SOPInstanceUID);
      const seriesUid = job.seriesUid ?? getString(item, Tag.SeriesInstanceUID);
      const studyUid = getString(item, Tag.StudyInstanceUID);
      if (!isValidUid(sopUid) || !isValidUid(seriesUid))
        throw new PeerProtocolError(`the peer listed an instance without a valid SOP Instance UID and Series Instance UID (${what})`);
      if (studyUid !== undefined && studyUid !== job.studyUid)
        throw new PeerProtocolError(`the peer listed an instance of another study (${what})`);
      if (!listed.has(sopUid)) {
        listed.set(sopUid, { sopUid, seriesUid, size: null });
        fresh++;
      }
    }
    if (listed.size > MAX_INSTANCES) throw new PeerProtocolError(`the peer lists more than ${MAX_INSTANCES} instances (${what})`);
    if (fresh === 0) break;
    offset += items.length;
  }
  if (listed.size === 0) throw new PermanentTransferError(`the peer has no such ${job.seriesUid ? 'series' : 'study'}`);
  return selectJobInstances(job, [...listed.values()]);
}

function selectJobInstances(job: JobSpec, all: JobInstance[]): PeerListing {
  if (!job.sopUids) return { instances: all, missing: [], wholeSeries: new Set(all.map((i) => i.seriesUid)) };
  const bySop = new Map(all.map((i) => [i.sopUid, i]));
  const instances: JobInstance[] = [];
  const missing: JobInstance[] = [];
  for (const sopUid of job.sopUids) {
    const found = bySop.get(sopUid);
    if (found) instances.push(found);
    else missing.push({ sopUid, seriesUid: job.seriesUid ?? '', size: null });
  }
  const wholeSeries = new Set<string>();
  if (instances.length === all.length && job.seriesUid) wholeSeries.add(job.seriesUid);
  return { instances, missing, wholeSeries };
}
