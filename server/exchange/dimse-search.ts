import type { DicomJson } from '../../shared/dicom/dicom-json';
import { parseQidoQuery, type QidoLevel } from '../../shared/dicomweb/qido-query';
import { closeAssociation, dimseTarget, findOnPeer, openQueryAssociation } from './dimse-peer';
import { qidoToIdentifier } from './dimse-query';
import type { PeerConnection } from './peer-connection';
import type { PeerSearchResult } from './peer-qido';

/**
 * The remote search of a DIMSE peer (issue 14 item 6): the same QIDO-RS keys the DICOMweb peers
 * get, as a Study Root C-FIND (dimse-query.ts), its matches as DICOM JSON. `limit` and `offset`
 * apply to the matches as they come; past the limit the C-FIND is cancelled and a Warning says
 * there were more, as a DICOMweb archive says it. Failures are peer failures (dimse-peer.ts).
 */
export async function searchDimsePeer(
  peer: PeerConnection,
  request: { level: QidoLevel; params: URLSearchParams; study?: string | undefined; series?: string | undefined; maxLimit: number },
  options: { callingAeTitle: string; timeoutMs: number; signal: AbortSignal },
): Promise<PeerSearchResult> {
  const query = parseQidoQuery(request.params, request.level);
  const limit = Math.min(query.limit ?? request.maxLimit, request.maxLimit);
  const identifier = qidoToIdentifier(query, request);
  const client = await openQueryAssociation(dimseTarget(peer, options.callingAeTitle, options.timeoutMs), options.signal);
  const items: DicomJson[] = [];
  let seen = 0;
  let more = false;
  let broken = true;
  try {
    for await (const match of findOnPeer(client, identifier)) {
      options.signal.throwIfAborted();
      if (seen++ < query.offset) continue;
      if (items.length === limit) {
        more = true;
        break;
      }
      items.push(match);
    }
    broken = false;
  } finally {
    await closeAssociation(client, broken || options.signal.aborted);
  }
  return { items, warning: more ? '299 pacs "There are more results than the limit; narrow the search."' : undefined };
}
